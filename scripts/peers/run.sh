#!/usr/bin/env bash
# Pairs backprop with nalgebra, ndarray, glam and plain arrays in one criterion run, on
# the same workloads, with the peers harness from ../shared/peers (read-only there).
#
#   scripts/peers/run.sh              # both flag sets (default, -C target-cpu=native), 2 passes
#   RUNS="r1" scripts/peers/run.sh    # one pass
#
# It copies the harness to $WORK (default /tmp/backprop-peers), applies backprop.patch
# (our crate as a path dependency, a `backprop` kernel in every matmul group, `ours::Net`
# for the SGD and mini-batch steps, and a correctness check against the other peers),
# checks that every peer agrees (`cargo test --release`), runs the benchmarks and prints
# the tables of BENCHMARKS.md (table.py). About 12 minutes for two passes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
peers=${PEERS:-$repo/../shared/peers}
work=${WORK:-${TMPDIR:-/tmp}/backprop-peers}
target=${PEERS_TARGET:-$work-target}
runs=${RUNS:-"run1 run2"}

rm -rf "$work"
cp -r "$peers" "$work"
chmod -R u+w "$work"
sed "s|@BACKPROP@|$repo|" "$here/backprop.patch" | (cd "$work" && patch -p1 --quiet)

cd "$work"
CARGO_TARGET_DIR=$target/default cargo test --release --quiet
F='matmul_[0-9x_]+/(nalgebra|backprop|glam|ndarray)$|sgd_step/(nalgebra|ndarray|arrays|backprop|backprop_nocost)$|minibatch64_step/(nalgebra|ndarray|arrays|backprop|backprop_nocost)$'
CRIT=(--measurement-time 2 --warm-up-time 1 --noplot)
CARGO_TARGET_DIR=$target/default cargo bench --bench peers --no-run
CARGO_TARGET_DIR=$target/native RUSTFLAGS="-C target-cpu=native" cargo bench --bench peers --no-run
for run in $runs; do
  CARGO_TARGET_DIR=$target/default cargo bench --bench peers -- "$F" "${CRIT[@]}" --save-baseline "$run"
  CARGO_TARGET_DIR=$target/native RUSTFLAGS="-C target-cpu=native" \
    cargo bench --bench peers -- "$F" "${CRIT[@]}" --save-baseline "$run"
done
PEERS_TARGET=$target python3 "$here/table.py" $runs
