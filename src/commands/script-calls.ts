// The commands that call a script or a function (by lower-case name): their keys are declared through
// numkeys, and what the script runs follows them in MONITOR as `lua` lines.
export const SCRIPT_CALLS: ReadonlySet<string> = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);
