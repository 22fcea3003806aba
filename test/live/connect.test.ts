// What a capture says when a server refuses it: one line naming the fix, exit 2, never the password.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotscope } from '../helpers/cli.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'slotscope-connect-'));
const PASSWORD = 'right-horse-battery';

describe('refusals', () => {
  let locked: RedisServer;
  beforeAll(async () => {
    locked = await startRedis(['--requirepass', PASSWORD], { password: PASSWORD });
    const c = locked.client();
    await c.call('ACL', 'SETUSER', 'noinfo', 'on', '>noinfo-pw', '~*', '+@all', '-info');
    await c.call('ACL', 'SETUSER', 'nomonitor', 'on', '>nomonitor-pw', '~*', '+@all', '-monitor');
    await c.call('ACL', 'SETUSER', 'nomemory', 'on', '>nomemory-pw', '~*', '+@all', '-memory|usage');
    await c.set('some-key', 'v');
    c.disconnect();
  });
  afterAll(async () => {
    await locked?.stop();
  });

  it('says the server needs a password when none was given', () => {
    const url = `redis://127.0.0.1:${locked.port}`;
    for (const args of [['capture', 'monitor', url, '--duration', '1s', '--out', fresh()], ['capture', 'scan', url, '--out', fresh()]]) {
      const r = slotscope(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`slotscope: 127.0.0.1:${locked.port}: the server needs a password: put it in the URL, REDISCLI_AUTH or --password-file\n`);
    }
    const live = slotscope(['analyze', '--live', url, '--duration', '1s']);
    expect(live.stderr).toBe(`slotscope: 127.0.0.1:${locked.port}: the server needs a password: put it in the URL, REDISCLI_AUTH or --password-file\n`);
  });

  it('names the command and the permission an ACL user lacks', () => {
    const noInfo = slotscope(['capture', 'monitor', `redis://noinfo:noinfo-pw@127.0.0.1:${locked.port}`, '--duration', '1s', '--out', fresh()]);
    expect(noInfo.status).toBe(2);
    expect(noInfo.stderr).toBe(`slotscope: 127.0.0.1:${locked.port}: the ACL user 'noinfo' may not run INFO, which slotscope needs: grant it (ACL SETUSER noinfo +info)\n`);
    const noMonitor = slotscope(['capture', 'monitor', `redis://nomonitor:nomonitor-pw@127.0.0.1:${locked.port}`, '--duration', '1s', '--out', fresh()]);
    expect(noMonitor.status).toBe(2);
    expect(noMonitor.stderr).toMatch(new RegExp(`^slotscope: running MONITOR on 1 node for 1s; .*\\nslotscope: 127\\.0\\.0\\.1:${locked.port}: the ACL user 'nomonitor' may not run MONITOR, which slotscope needs: grant it \\(ACL SETUSER nomonitor \\+monitor\\)\\n$`));
  });

  it('stops a scan whose ACL user may not run a probe, rather than writing a file without sizes', () => {
    const r = slotscope(['capture', 'scan', `redis://nomemory:nomemory-pw@127.0.0.1:${locked.port}`, '--memory', '--out', fresh()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`slotscope: 127.0.0.1:${locked.port}: the ACL user 'nomemory' may not run MEMORY USAGE, which slotscope needs: grant it (ACL SETUSER nomemory +memory|usage)\n`);
  });

  it('refuses a URL with a bad %-escape in one line, without echoing it', () => {
    for (const url of [`redis://:ab%zzcd@127.0.0.1:${locked.port}`, `redis://us%e9r:pw@127.0.0.1:${locked.port}`]) {
      const r = slotscope(['capture', 'monitor', url, '--duration', '1s', '--out', fresh()]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^slotscope: the URL's (password|user name) has a bad %-escape \(write a literal % as %25\)\n$/);
      expect(r.stderr).not.toMatch(/zz|e9/);
    }
  });
});
