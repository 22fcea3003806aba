// Writes the keys of a live server as an rdbtools-style memory CSV (database,type,key,size_in_bytes,...),
// from SCAN + TYPE + MEMORY USAGE + PTTL, so samples/ has a memory report made from real data.
//   node dist/samples/memory-csv.js PORT > app-memory.csv
import { Redis } from 'ioredis';

async function main(): Promise<void> {
  const redis = new Redis({ port: Number(process.argv[2]), host: '127.0.0.1' });
  const out = ['database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry'];
  const types: Record<string, string> = { zset: 'sortedset' };
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 200);
    cursor = next;
    for (const key of keys) {
      const [type, bytes, encoding, pttl] = await Promise.all([redis.type(key), redis.memory('USAGE', key), redis.object('ENCODING', key), redis.pttl(key)]);
      const expiry = pttl > 0 ? new Date(Date.now() + pttl).toISOString().replace('Z', '') : '';
      out.push([0, types[type] ?? type, key, bytes ?? 0, encoding ?? '', '', '', expiry].join(','));
    }
  } while (cursor !== '0');
  process.stdout.write(out.join('\n') + '\n');
  redis.disconnect();
}

main().catch((err: unknown) => {
  process.stderr.write(`memory-csv: ${String(err)}\n`);
  process.exit(1);
});
