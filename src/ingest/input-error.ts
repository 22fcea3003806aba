/** An error the user can cause (bad file, bad line, bad option). Printed as one line, never a stack. */
export class InputError extends Error {
  constructor(
    readonly reason: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(InputError.format(reason, file, line));
    this.name = 'InputError';
  }

  static format(reason: string, file?: string, line?: number): string {
    if (file === undefined) return reason;
    return line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`;
  }
}
