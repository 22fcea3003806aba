#!/usr/bin/env bash
# Output must stay byte-identical across a speed change: every sample, alone and all together, in every
# report format, by a baseline build (BASE, a copy of dist/ from before the change) and by dist/ now.
# Usage: cp -r dist /tmp/base-dist (before), then after the change: bench/same-output.sh /tmp/base-dist
set -u
base=${1:?usage: bench/same-output.sh BASE_DIST}
cd "$(dirname "$0")/.."
fail=0
inputs=(samples/*.monitor samples/*.scan samples/*.csv)
run() { # dist label args...
  local dist=$1; shift
  node "$dist/cmd/slotscope.js" "$@" 2>&1
}
for f in "${inputs[@]}" "ALL"; do
  args=("$f"); [ "$f" = ALL ] && args=("${inputs[@]}")
  for what in "analyze -f table" "analyze -f json" "analyze -f markdown" "check -f json" "plan -f json"; do
    a=$(COLUMNS=100 run "$base" $what "${args[@]}"; echo "exit $?")
    b=$(COLUMNS=100 run dist $what "${args[@]}"; echo "exit $?")
    if [ "$a" != "$b" ]; then echo "DIFFERS: $what $f"; diff <(echo "$a") <(echo "$b") | head -5; fail=1; fi
  done
done
[ $fail = 0 ] && echo "identical: ${#inputs[@]} samples + all together x analyze table/json/markdown, check json, plan json"
exit $fail
