import { describe, expect, it } from 'vitest';
import { CommandTable } from '../../src/commands/command-table.js';
import { replayable } from '../../src/replay/replay-policy.js';

const table = new CommandTable();
const allowed = (name: string): boolean => {
  const cmd = table.byName(name);
  if (!cmd) throw new Error(`${name} is not in the table`);
  return replayable(cmd);
};

describe('replay policy (from the 7.0.15 table: flags and ACL categories)', () => {
  it('never sends commands that reach other servers, change the server, or leave db 0', () => {
    const never = [
      'migrate', 'cluster|meet', 'cluster|addslots', 'cluster|setslot', 'cluster|forget', 'cluster|reset', 'cluster|failover', 'cluster|replicate',
      'replicaof', 'slaveof', 'failover', 'config|set', 'config|rewrite', 'acl|setuser', 'acl|deluser', 'shutdown', 'debug', 'module|load',
      'save', 'bgsave', 'bgrewriteaof', 'client|kill', 'client|pause', 'script|kill', 'function|kill', 'function|flush', 'function|restore',
      'function|delete', 'script|flush', 'flushall', 'flushdb', 'select', 'wait', 'restore', 'keys', 'monitor',
      'sync', 'psync', 'hello', 'auth', 'client|setname', 'subscribe', 'publish', 'info', 'cluster',
    ];
    expect(never.filter(allowed)).toEqual([]);
  });

  it('sends data commands, transactions and scripts', () => {
    const data = [
      'get', 'set', 'mget', 'mset', 'del', 'unlink', 'expire', 'rename', 'copy', 'hset', 'hgetall', 'lpush', 'blpop', 'lmove', 'sadd', 'sinter',
      'zadd', 'zunionstore', 'xadd', 'xread', 'xreadgroup', 'setbit', 'bitop', 'pfadd', 'pfmerge', 'geoadd', 'multi', 'exec', 'discard', 'watch',
      'unwatch', 'eval', 'evalsha', 'eval_ro', 'fcall', 'fcall_ro', 'script|load', 'function|load', 'object|encoding', 'memory|usage', 'scan', 'dbsize',
      // @dangerous, but their effects stay inside the server (and a cluster refuses MOVE and SWAPDB).
      'sort', 'sort_ro', 'move', 'swapdb',
    ];
    expect(data.filter((n) => !allowed(n))).toEqual([]);
  });

  it('never sends a command the table does not know', () => {
    expect(replayable(undefined)).toBe(false);
  });
});
