// Open-addressing table from an ASCII name to a value, looked up straight from bytes, case-insensitively,
// so the hot path never builds a string for a command name.

export class NameTable<V> {
  private readonly names: Uint8Array[];
  private readonly values: V[];
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(entries: Iterable<[string, V]>) {
    const list = [...entries];
    let size = 16;
    while (size < list.length * 4) size <<= 1;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    this.names = [];
    this.values = [];
    for (const [name, value] of list) {
      const bytes = Buffer.from(name.toLowerCase(), 'latin1');
      let h = hashLower(bytes, 0, bytes.length) & this.mask;
      while (this.slots[h] !== -1) h = (h + 1) & this.mask;
      this.slots[h] = this.names.length;
      this.names.push(bytes);
      this.values.push(value);
    }
  }

  get(buf: Uint8Array, start: number, end: number): V | undefined {
    let h = hashLower(buf, start, end) & this.mask;
    const len = end - start;
    for (;;) {
      const idx = this.slots[h];
      if (idx === -1) return undefined;
      const name = this.names[idx];
      if (name.length === len && equalsLower(buf, start, name)) return this.values[idx];
      h = (h + 1) & this.mask;
    }
  }

  getString(name: string): V | undefined {
    const bytes = Buffer.from(name, 'latin1');
    return this.get(bytes, 0, bytes.length);
  }
}

function hashLower(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let b = buf[i];
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    h = Math.imul(h ^ b, 0x01000193);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

function equalsLower(buf: Uint8Array, start: number, lower: Uint8Array): boolean {
  for (let k = 0; k < lower.length; k++) {
    let b = buf[start + k];
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (b !== lower[k]) return false;
  }
  return true;
}
