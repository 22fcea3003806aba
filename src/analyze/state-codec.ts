// Aggregate state as JSON-safe values, for summaries and workers: typed arrays as base64 of their bytes,
// and per-slot arrays sparse (most slots of one node's traffic are empty), so a summary stays small.
import { SLOT_COUNT } from '../slot/key-slot.js';

type Typed = Int32Array | Uint32Array | Uint8Array | Uint16Array | Float64Array;

export function typedToBase64(a: Typed): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Decodes what typedToBase64 wrote; a length that is no whole number of elements is a corrupt state. */
export function typedFromBase64<T extends Typed>(text: unknown, make: new (n: number) => T & { BYTES_PER_ELEMENT: number }, what: string): T {
  if (typeof text !== 'string') throw new StateError(`${what} missing`);
  const bytes = Buffer.from(text, 'base64');
  const out = new make(0);
  if (bytes.length % out.BYTES_PER_ELEMENT !== 0) throw new StateError(`${what} cut short`);
  const arr = new make(bytes.length / out.BYTES_PER_ELEMENT);
  new Uint8Array(arr.buffer).set(bytes);
  return arr;
}

/** A per-slot array: the slots that are not 0 and their values. */
export interface SparseSlots {
  at: string;
  values: string;
}

export function sparseSlots(a: Float64Array): SparseSlots {
  let n = 0;
  for (let s = 0; s < a.length; s++) if (a[s] !== 0) n++;
  const at = new Uint16Array(n);
  const values = new Float64Array(n);
  for (let s = 0, i = 0; s < a.length; s++) if (a[s] !== 0) (at[i] = s), (values[i++] = a[s]);
  return { at: typedToBase64(at), values: typedToBase64(values) };
}

/** Adds a sparse per-slot array into `into`. */
export function addSparseSlots(into: Float64Array, s: SparseSlots, what: string): void {
  const at = typedFromBase64(s?.at, Uint16Array, what);
  const values = typedFromBase64(s?.values, Float64Array, what);
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
