// The layout as commands that do exactly what it says. A new cluster gets each primary's slots with
// CLUSTER ADDSLOTSRANGE before CLUSTER MEET; an existing one moves each named slot by the manual procedure
// (SETSLOT IMPORTING/MIGRATING, GETKEYSINSLOT + MIGRATE until empty, SETSLOT NODE everywhere), because
// `redis-cli --cluster reshard` picks the source's lowest-numbered slots itself and cannot be told which.
import { formatSlotRanges } from '../slot/slot-ranges.js';
import type { Layout } from './layout.js';
import { percent } from '../report/format-numbers.js';

/** Per primary, the argv of its CLUSTER ADDSLOTSRANGE. */
export function addSlotsCommands(layout: Layout): string[][] {
  return layout.after.nodes.map((n) => ['CLUSTER', 'ADDSLOTSRANGE', ...n.ranges.flatMap(([f, t]) => [String(f), String(t)])]);
}

const PREAMBLE = `set -euo pipefail
# A password, if any, goes in REDISCLI_AUTH (redis-cli reads it; it is never on the command line).
cli() { local addr=$1; shift; redis-cli -h "\${addr%:*}" -p "\${addr##*:}" "$@"; }
fail() { echo "slotscope layout: $*" >&2; exit 1; }
# Runs a command that must answer OK; anything else stops the script.
ok() { local addr=$1 out; shift; out=$(cli "$addr" "$@") || fail "$addr: $1 $2 $3: $out"; [ "$out" = OK ] || fail "$addr: $1 $2 $3: $out"; }`;

function header(layout: Layout): string[] {
  const b = layout.before.skew.ops.toFixed(2);
  const a = layout.after.skew.ops.toFixed(2);
  return [
    '#!/usr/bin/env bash',
    `# slotscope layout for ${layout.shards} primaries: busiest node ${b}x the mean load before (${layout.basis === 'today' ? "today's primaries" : 'redis-cli --cluster create'}), ${a}x after.`,
    ...layout.after.nodes.map((n) => `#   node ${n.node}: ${percent(n.opsShare)} of ops, ${n.keys} keys, slots ${formatSlotRanges(n.ranges)}`),
  ];
}

function nodeVariables(layout: Layout, defaults: string[]): string[] {
  return [
    ...layout.after.nodes.map((n, i) => `NODE${i}=\${NODE${i}:-${defaults[i]}}`),
    `NODES=(${layout.after.nodes.map((_, i) => `"$NODE${i}"`).join(' ')})`,
  ];
}

/** A bash script that gives N empty cluster-mode servers their slots, joins them and waits for cluster_state:ok. */
export function newClusterScript(layout: Layout): string {
  const out = header(layout);
  out.push('# Start each primary empty with cluster-enabled yes, set NODE0.. to their host:port, then run this.');
  out.push(...nodeVariables(layout, layout.after.nodes.map((_, i) => `127.0.0.1:${7000 + i}`)), PREAMBLE);
  addSlotsCommands(layout).forEach((argv, i) => out.push(`ok "$NODE${i}" ${argv.join(' ')}`));
  out.push(
    'for n in "${NODES[@]:1}"; do ok "$n" CLUSTER MEET "${NODE0%:*}" "${NODE0##*:}"; done',
    'for n in "${NODES[@]}"; do',
    '  for try in $(seq 300); do cli "$n" CLUSTER INFO | grep -q "^cluster_state:ok" && continue 2; sleep 0.2; done',
    '  fail "$n: cluster_state is not ok after 60 s"',
    'done',
    'echo "slotscope layout: cluster_state:ok on ${#NODES[@]} primaries"',
  );
  return out.join('\n') + '\n';
}

/** A bash script that moves exactly the layout's slots between today's primaries, keys and all. */
export function moveScript(layout: Layout): string {
  const out = header(layout);
  out.push(`# Moves ${layout.moves.length} slots between today's primaries (addresses from the capture's manifest; override NODE0..).`);
  out.push('# Keys are read with CLUSTER GETKEYSINSLOT as redis-cli prints them: a key with a newline makes MIGRATE answer');
  out.push('# NOKEY, and the script stops there rather than move the slot without it.');
  out.push(...nodeVariables(layout, layout.after.nodes.map((n) => n.address ?? '')));
  out.push('TIMEOUT_MS=${TIMEOUT_MS:-5000}', 'BATCH=${BATCH:-100}', PREAMBLE);
  out.push(
    'IDS=()',
    'for n in "${NODES[@]}"; do IDS+=("$(cli "$n" CLUSTER MYID)"); done',
    '# move SLOT FROM TO: FROM and TO index NODES.',
    'move() {',
    '  local slot=$1 src=${NODES[$2]} dst=${NODES[$3]} srcid=${IDS[$2]} dstid=${IDS[$3]} keys out',
    '  ok "$dst" CLUSTER SETSLOT "$slot" IMPORTING "$srcid"',
    '  ok "$src" CLUSTER SETSLOT "$slot" MIGRATING "$dstid"',
    '  # Counted rather than read until empty: redis-cli prints an empty reply and the empty key alike.',
    '  while :; do',
    '    out=$(cli "$src" CLUSTER COUNTKEYSINSLOT "$slot")',
    '    case $out in 0) break ;; \'\'|*[!0-9]*) fail "$src: COUNTKEYSINSLOT $slot: $out" ;; esac',
    '    mapfile -t keys < <(cli "$src" CLUSTER GETKEYSINSLOT "$slot" "$BATCH")',
    '    out=$(cli "$src" MIGRATE "${dst%:*}" "${dst##*:}" "" 0 "$TIMEOUT_MS" KEYS "${keys[@]}")',
    '    [ "$out" = OK ] || fail "$src: MIGRATE of slot $slot: $out"',
    '  done',
    '  # The target first, then the source, then every other primary (the order redis-cli itself uses).',
    '  ok "$dst" CLUSTER SETSLOT "$slot" NODE "$dstid"',
    '  ok "$src" CLUSTER SETSLOT "$slot" NODE "$dstid"',
    '  for n in "${NODES[@]}"; do [ "$n" = "$src" ] || [ "$n" = "$dst" ] || ok "$n" CLUSTER SETSLOT "$slot" NODE "$dstid"; done',
    '}',
  );
  const total = layout.after.nodes.reduce((t, n) => t + n.ops, 0);
  for (const m of layout.moves) out.push(`move ${m.slot} ${m.from} ${m.to}${m.ops > 0 && total > 0 ? `  # ${percent(m.ops / total)} of ops` : ''}`);
  out.push(`echo "slotscope layout: moved ${layout.moves.length} slots"`);
  return out.join('\n') + '\n';
}

/** The script that applies the layout: a new cluster's, or the moves for today's primaries. */
export function layoutScript(layout: Layout): string {
  return layout.basis === 'today' ? moveScript(layout) : newClusterScript(layout);
}
