/** A command's arguments as byte ranges of one buffer: argument i is buf[start[i], end[i]). */
export interface ArgView {
  buf: Buffer;
  argc: number;
  start: Uint32Array;
  end: Uint32Array;
}

/** A growable ArgView, reused from line to line so parsing allocates nothing per line. */
export class ArgList implements ArgView {
  buf: Buffer = Buffer.alloc(0);
  argc = 0;
  start = new Uint32Array(64);
  end = new Uint32Array(64);

  push(s: number, e: number): void {
    if (this.argc === this.start.length) {
      const start = new Uint32Array(this.argc * 2);
      const end = new Uint32Array(this.argc * 2);
      start.set(this.start);
      end.set(this.end);
      this.start = start;
      this.end = end;
    }
    this.start[this.argc] = s;
    this.end[this.argc] = e;
    this.argc++;
  }
}

/** Argument i as a string, one character per byte (keys are bytes, not UTF-8 text). */
export function argString(args: ArgView, i: number): string {
  return args.buf.toString('latin1', args.start[i], args.end[i]);
}

/** The arguments whose indexes are the first n entries of `index`, as argString() gives them. */
export function argStrings(args: ArgView, index: ArrayLike<number>, n: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push(argString(args, index[k]));
  return out;
}

/** ASCII case-insensitive comparison of argument i with a lower-case ASCII word. */
export function argEqualsLower(args: ArgView, i: number, lower: Uint8Array): boolean {
  return args.end[i] - args.start[i] === lower.length && equalsLowerFrom(args.buf, args.start[i], lower, 0);
}

/** Whether buf from start on matches lower[from..] ASCII case-insensitively (the caller checks lengths). */
export function equalsLowerFrom(buf: Uint8Array, start: number, lower: Uint8Array, from: number): boolean {
  for (let k = from; k < lower.length; k++) {
    let b = buf[start + k - from];
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (b !== lower[k]) return false;
  }
  return true;
}
