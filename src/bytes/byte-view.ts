// A DataView over the array being hashed, for big-endian 32-bit loads: four bytes per load where a JS
// byte loop costs ~1.2 ns a byte. The pipeline hashes many keys of one chunk in a row, so a view is made
// for an array seen twice running and kept (an identity check; `.buffer` is a costly getter). For a
// one-off array, such as a lone Buffer key, viewFor() answers null and the caller loops over bytes.
// Two views are kept, the most recent first: the plan's second pass reads the input's chunk and the
// buffer it rebuilds a renamed line in by turns, and one view made a new DataView every other line.

let viewOf: Uint8Array | null = null;
let view: DataView = new DataView(new ArrayBuffer(0));
let olderOf: Uint8Array | null = null;
let older: DataView = view;
let lastSeen: Uint8Array | null = null;

export function viewFor(bytes: Uint8Array): DataView | null {
  if (bytes === viewOf) return view;
  if (bytes === olderOf) {
    olderOf = viewOf;
    viewOf = bytes;
    const v = older;
    older = view;
    view = v;
    return v;
  }
  if (bytes !== lastSeen) {
    lastSeen = bytes;
    return null;
  }
  olderOf = viewOf;
  older = view;
  viewOf = bytes;
  view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view;
}
