// How wide the report may be: the terminal's own width when stdout is one (the kernel knows it, and follows
// resizes), else COLUMNS when set (`COLUMNS=120 slotscope analyze … | less`), else 80.
export const DEFAULT_COLUMNS = 80;
/** Narrower than this, no table layout reads; the report is laid out for this width instead. */
const MIN_COLUMNS = 40;

export function terminalColumns(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = /^\d+$/.test(env.COLUMNS ?? '') ? Number(env.COLUMNS) : 0;
  const columns = (stream.isTTY && stream.columns) || fromEnv || DEFAULT_COLUMNS;
  return Math.max(MIN_COLUMNS, columns);
}
