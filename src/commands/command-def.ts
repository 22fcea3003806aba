// The shape of one command in the key-spec table generated from a real server's COMMAND reply.

/** begin_search: where the search for keys starts. */
export type BeginSearch =
  | { index: number }
  | { keyword: string; startfrom: number }
  | null; // "unknown": only the command's own getkeys procedure knows

/** find_keys: which arguments from there on are keys. */
export type FindKeys =
  | { range: { lastkey: number; step: number; limit: number } }
  | { keynum: { keynumidx: number; firstkey: number; step: number } }
  | null;

export interface KeySpecDef {
  /** Lower-cased key-spec flags: ro, rw, ow, rm, access, update, insert, delete, not_key, incomplete, variable_flags. */
  flags: string[];
  bs: BeginSearch;
  fk: FindKeys;
}

export interface CommandDef {
  /** Lower case; a subcommand is "container|sub" as COMMAND reports it. */
  name: string;
  arity: number;
  flags: string[];
  acl: string[];
  keySpecs: KeySpecDef[];
  subcommands?: CommandDef[];
}
