// Preloaded (node --import) into a CLI run that must meet a process whose thread limit is reached: once
// libuv's pool has made its threads (on the first fs call), this process joins the cgroup named by
// SLOTSCOPE_TEST_CGROUP, whose pids.max is already below its thread count, so every new thread fails
// with EAGAIN as it does in a container at its pids limit.
import { writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';

await stat('.');
writeFileSync(`${process.env.SLOTSCOPE_TEST_CGROUP}/cgroup.procs`, String(process.pid));
