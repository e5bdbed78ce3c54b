#!/usr/bin/env bash
# Times two commits side by side on a machine shared with other jobs, where one
# criterion run can be 1.5x slower than the next: builds one bench target at each
# commit (in git worktrees under target/ab/, each with its own target directory), runs
# the two alternately ROUNDS times with the same filter, and prints, for each benchmark,
# the fastest sample of all rounds for each commit (criterion's samples are batches of
# iterations; the fastest is the least disturbed) and their ratio.
#
#   bash benches/ab.sh BEFORE AFTER BENCH FILTER
#   bash benches/ab.sh HEAD~2 HEAD matrix '128x|matmul_64x64_64x64/backprop$'
#   ROUNDS=10 BACKPROP_SIMD=avx2 bash benches/ab.sh main HEAD network 'w3_step'
#
# Environment variables (BACKPROP_SIMD, RUSTFLAGS) apply to both. Each round runs
# criterion with `--measurement-time 1 --warm-up-time 0.5`.
set -euo pipefail
[ $# -eq 4 ] || { sed -n '2,13p' "$0"; exit 2; }
before=$1 after=$2 bench=$3 filter=$4
rounds=${ROUNDS:-6}
root=$(git rev-parse --show-toplevel)
ab=$root/target/ab
mkdir -p "$ab"

prepare() { # name, revision: a worktree of the revision, its bench target built
  local dir=$ab/$1 rev
  # Resolved in the main checkout: inside an existing worktree, HEAD would be its own.
  rev=$(git -C "$root" rev-parse --verify "$2^{commit}")
  if [ -d "$dir" ]; then
    git -C "$dir" checkout -q --detach "$rev"
  else
    git -C "$root" worktree add -q --detach "$dir" "$rev"
  fi
  (cd "$dir" && CARGO_TARGET_DIR=$ab/$1-target cargo bench -q --bench "$bench" --no-run)
}

run() { # name: one criterion pass, printed as "benchmark fastest-sample-in-ns"
  local target=$ab/$1-target stamp=$ab/$1.stamp
  touch "$stamp"
  (cd "$ab/$1" && CARGO_TARGET_DIR=$target cargo bench -q --bench "$bench" -- "$filter" \
      --measurement-time 1 --warm-up-time 0.5 --noplot >/dev/null 2>&1)
  # criterion keeps each sample (iterations, total time) in new/sample.json: the fastest
  # sample per iteration is the one least disturbed by other jobs.
  find "$target/criterion" -path '*/new/sample.json' -newer "$stamp" | while read -r f; do
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sys.argv[2], min(t / n for t, n in zip(d["times"], d["iters"])))' \
      "$f" "$(echo "$f" | sed "s|^$target/criterion/||; s|/new/sample.json$||")"
  done
}

prepare before "$before"
prepare after "$after"
for i in $(seq "$rounds"); do
  echo "round $i/$rounds" >&2
  run before | sed 's/^/before /'
  run after | sed 's/^/after /'
done | awk -v b="$before" -v a="$after" '
  { key = $2; v = $3
    if ($1 == "before") { if (!(key in lo) || v < lo[key]) lo[key] = v }
    else { if (!(key in hi) || v < hi[key]) hi[key] = v } }
  END {
    printf "%-40s %14s %14s %8s\n", "benchmark (fastest of the rounds)", b, a, "ratio"
    for (k in lo) printf "%-40s %11.1f ns %11.1f ns %8.3f\n", k, lo[k], hi[k], hi[k] / lo[k]
  }'
