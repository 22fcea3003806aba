// Aggregate state as plain values, for summaries and workers: typed arrays as a copy of their bytes (a
// worker's summary crosses to the main thread as it is; a summary file keeps them beside its JSON, not as
// text in it: write-summary.ts), and per-slot arrays sparse (most slots of one node's traffic are empty).
import { SLOT_COUNT } from '../slot/key-slot.js';

type Typed = Int32Array | Uint32Array | Uint8Array | Uint16Array | Float64Array;

/** A copy of the array's bytes: the state stays what it was when the summary was made. */
export function typedBytes(a: Typed): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

/**
 * The array typedBytes copied, as a fresh array (the bytes may sit at any offset of a file's buffer); a
 * length that is no whole number of elements is a corrupt state.
 */
export function typedFrom<T extends Typed>(bytes: unknown, make: new (n: number) => T & { BYTES_PER_ELEMENT: number }, what: string): T {
  if (bytes === undefined) throw new StateError(`${what} missing`);
  if (!(bytes instanceof Uint8Array)) throw new StateError(`${what} malformed`);
  const out = new make(0);
  if (bytes.length % out.BYTES_PER_ELEMENT !== 0) throw new StateError(`${what} cut short`);
  const arr = new make(bytes.length / out.BYTES_PER_ELEMENT);
  new Uint8Array(arr.buffer).set(bytes);
  return arr;
}

/** A per-slot array: the slots that are not 0 and their values. */
export interface SparseSlots {
  at: Uint8Array;
  values: Uint8Array;
}

export function sparseSlots(a: Float64Array): SparseSlots {
  let n = 0;
  for (let s = 0; s < a.length; s++) if (a[s] !== 0) n++;
  const at = new Uint16Array(n);
  const values = new Float64Array(n);
  for (let s = 0, i = 0; s < a.length; s++) if (a[s] !== 0) (at[i] = s), (values[i++] = a[s]);
  return { at: typedBytes(at), values: typedBytes(values) };
}

/** Adds a sparse per-slot array into `into`. */
export function addSparseSlots(into: Float64Array, s: SparseSlots, what: string): void {
  const at = typedFrom(s?.at, Uint16Array, what);
  const values = typedFrom(s?.values, Float64Array, what);
  if (at.length !== values.length || into.length !== SLOT_COUNT) throw new StateError(`${what} malformed`);
  for (let i = 0; i < at.length; i++) into[at[i]] += values[i];
}

/** A state that does not decode: the reader turns it into a one-line input error. */
export class StateError extends Error {}

/** A number field, checked. */
export function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new StateError(`${what} is not a number`);
  return v;
}

export function list<T = unknown>(v: unknown, what: string): T[] {
  if (!Array.isArray(v)) throw new StateError(`${what} is not a list`);
  return v as T[];
}
