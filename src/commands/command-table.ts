// The command table: name bytes -> what we know of the command (key extractor, read/write, categories).
import type { ArgView } from './args.js';
import type { CommandDef } from './command-def.js';
import { channelExtractor, type GetKeys, keyExtractor } from './key-extractor.js';
import { COMMAND_DEFS } from './key-specs.generated.js';
import { NameTable } from './name-table.js';

export interface CommandInfo {
  /** Dense id, for per-command counters in typed arrays. */
  readonly id: number;
  /** Lower case; "container|sub" for a subcommand. */
  readonly name: string;
  readonly def: CommandDef;
  readonly getKeys: GetKeys;
  /** Shard channels, which a cluster routes like keys (sharded pub/sub only). */
  readonly getChannels: GetKeys | null;
  readonly write: boolean;
  readonly readonly: boolean;
  readonly subcommands: NameTable<CommandInfo> | null;
}

export class CommandTable {
  private readonly top: NameTable<CommandInfo>;
  readonly all: CommandInfo[] = [];

  constructor(defs: CommandDef[] = COMMAND_DEFS) {
    this.top = new NameTable(defs.map((d) => [d.name, this.add(d)] as [string, CommandInfo]));
  }

  private add(def: CommandDef): CommandInfo {
    const subs = def.subcommands?.length
      ? new NameTable(def.subcommands.map((s) => [s.name.slice(s.name.indexOf('|') + 1), this.add(s)] as [string, CommandInfo]))
      : null;
    const info: CommandInfo = {
      id: this.all.length,
      name: def.name,
      def,
      getKeys: keyExtractor(def),
      getChannels: channelExtractor(def),
      write: def.flags.includes('write'),
      readonly: def.flags.includes('readonly'),
      subcommands: subs,
    };
    this.all.push(info);
    return info;
  }

  /**
   * The command that args name: argument 0, and argument 1 for a container (OBJECT ENCODING). A container
   * called with an unknown or missing subcommand resolves to the container itself, which has no keys.
   */
  lookup(args: ArgView): CommandInfo | undefined {
    if (args.argc === 0) return undefined;
    const cmd = this.top.get(args.buf, args.start[0], args.end[0]);
    if (!cmd || !cmd.subcommands || args.argc < 2) return cmd;
    return cmd.subcommands.get(args.buf, args.start[1], args.end[1]) ?? cmd;
  }

  byName(name: string): CommandInfo | undefined {
    const [top, sub] = name.toLowerCase().split('|');
    const cmd = this.top.getString(top);
    return sub && cmd?.subcommands ? cmd.subcommands.getString(sub) : cmd;
  }
}
