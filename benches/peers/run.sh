#!/usr/bin/env bash
# Pairs backprop with nalgebra, ndarray, glam and plain arrays in one criterion run, on
# the same workloads. This folder is a package of its own (`peers`, with an empty
# `[workspace]` table, never part of backprop's build) that depends on backprop by path
# (`../..`): a `backprop` kernel in every matmul group, `peers::ours::Net` for the SGD
# and mini-batch steps, and a correctness check against the other peers.
#
#   bash benches/peers/run.sh              # both flag sets (default, -C target-cpu=native), 2 passes
#   RUNS="r1" bash benches/peers/run.sh    # one pass
#
# It checks that every peer agrees (`cargo test --release`), runs the benchmarks and
# prints the tables of benches/README.md (table.py). Each flag set builds into its own
# target dir under $PEERS_TARGET (default benches/peers/target), so they never rebuild
# each other. About 12 minutes for two passes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${PEERS_TARGET:-$here/target}
runs=${RUNS:-"run1 run2"}

cd "$here"
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
