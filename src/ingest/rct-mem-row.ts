// A row of redis-rdb-cli's `rct -f mem` report, split from both ends. rct writes
//   DB,TYPE,"KEY","SIZE",ENCODING,ELEMENTS,"LARGEST","EXPIRY"
// (MemoryRdbVisitor.exportCsvLine) and, with its default raw escaper, puts the key's bytes between the
// quotes as they are: quotes, commas and newlines are not escaped, so RFC 4180 cannot read such a key.
// Every field after the key is quoted or plain with no quote or comma inside, so the row is taken apart
// from its right end up to the key's closing quote, and from its left end up to the key's opening quote.
import type { CsvFields } from './csv-fields.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
/** The fields right of the key, right to left: [column, quoted]. */
const TAIL = [[7, true], [6, true], [5, false], [4, false], [3, true]] as const;

/** Fills fields with the row's 8 fields (rdbtools' column order); false when the row is not of this shape. */
export function splitRctRow(buf: Buffer, start: number, end: number, fields: CsvFields): boolean {
  let p = end;
  const set = (i: number, s: number, e: number): void => {
    fields.starts[i] = s;
    fields.ends[i] = e;
    fields.doubled[i] = 0;
  };
  // From the right: "EXPIRY", "LARGEST", ELEMENTS, ENCODING, "SIZE".
  for (const [i, quoted] of TAIL) {
    if (quoted) {
      if (p - start < 2 || buf[p - 1] !== QUOTE) return false;
      const open = buf.lastIndexOf(QUOTE, p - 2);
      const comma = buf.indexOf(COMMA, open + 1);
      if (open < start || (comma >= 0 && comma < p - 1)) return false;
      set(i, open + 1, p - 1);
      p = open;
    } else {
      const comma = buf.lastIndexOf(COMMA, p - 1);
      const quote = buf.indexOf(QUOTE, comma + 1);
      if (comma < start || (quote >= 0 && quote < p)) return false;
      set(i, comma + 1, p);
      p = comma + 1;
    }
    if (p - 1 < start || buf[p - 1] !== COMMA) return false;
    p--;
  }
  // p is at the comma after the key's closing quote.
  if (p - 1 < start || buf[p - 1] !== QUOTE) return false;
  const keyEnd = p - 1;
  const c1 = buf.indexOf(COMMA, start);
  const c2 = c1 < 0 ? -1 : buf.indexOf(COMMA, c1 + 1);
  if (c2 < 0 || c2 + 1 >= keyEnd || buf[c2 + 1] !== QUOTE) return false;
  set(0, start, c1);
  set(1, c1 + 1, c2);
  set(2, c2 + 2, keyEnd);
  fields.count = 8;
  return true;
}
