// BullMQ as apps run it, with its default `bull:` prefix, used to make samples/queues.monitor: two queues,
// a FlowProducer whose parent job (queue `orders`) waits for children in another queue (`emails`), a job
// scheduler, Workers and QueueEvents on both.
//   node dist/samples/queue-traffic.js PORT
import { FlowProducer, Queue, QueueEvents, Worker } from 'bullmq';

async function main(): Promise<void> {
  const connection = { host: '127.0.0.1', port: Number(process.argv[2]) };
  const orders = new Queue('orders', { connection });
  const emails = new Queue('emails', { connection });
  const events = new QueueEvents('orders', { connection });
  await events.waitUntilReady();
  const flows = new FlowProducer({ connection });

  for (let i = 1; i <= 4; i++) await emails.add('welcome', { user: i });
  for (let i = 1; i <= 3; i++) {
    await flows.add({
      name: 'ship',
      queueName: 'orders',
      data: { order: i },
      children: [
        { name: 'receipt', queueName: 'emails', data: { order: i } },
        { name: 'invoice', queueName: 'emails', data: { order: i } },
      ],
    });
  }
  await orders.upsertJobScheduler('nightly-report', { every: 60_000 }, { name: 'report', data: {} });

  let done = 0;
  const expected = 4 + 3 * 2 + 3 + 1;
  const workers = [
    new Worker('emails', async () => void done++, { connection }),
    new Worker('orders', async () => void done++, { connection }),
  ];
  const deadline = Date.now() + 20_000;
  while (done < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (done < expected) throw new Error(`only ${done} of ${expected} jobs ran`);
  await orders.removeJobScheduler('nightly-report');
  for (const w of workers) await w.close();
  await Promise.all([events.close(), flows.close(), orders.close(), emails.close()]);
}

main().catch((err: unknown) => {
  process.stderr.write(`queue-traffic: ${String(err)}\n`);
  process.exit(1);
});
