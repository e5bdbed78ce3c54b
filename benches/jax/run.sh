#!/usr/bin/env bash
# The large-layer steps side by side with JAX on one core, in one sitting:
# `w3_step` (784 → 128 → 10) and `w4_step` (784 → 256 → 128 → 10) of
# benches/network.rs, default and with the `fma` feature, and the same steps in JAX
# (benches/jax/large_layers.py), in alternating rounds, each pinned to CPU 0 with one
# thread. Prints µs per step, the fastest of all rounds for each.
#
#   bash benches/jax/run.sh            # 3 rounds; creates target/jax-venv on first use
#   ROUNDS=5 bash benches/jax/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=$root/target/jax-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q -r "$here/requirements.txt"
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
# The two builds have target directories of their own, so neither rebuilds the other.
bench() { # contender name, extra cargo arguments…
  local name=$1
  shift
  (cd "$root" && CARGO_TARGET_DIR=$root/target/jax-$name "${pin[@]}" cargo bench -q "$@" \
      --bench network -- '^w[34]_step/' --measurement-time 2 --warm-up-time 1 --noplot \
      2>/dev/null) |
    # criterion: "w3_step/backprop  time: [low median high]" → "w3 NAME median-in-µs"
    awk -v c="$name" '/^w[34]_step\/backprop/ { split($1, id, "_"); name = id[1] }
         name && /time:/ { for (i = 1; i < NF; i++) if ($i == "time:") break
                           v = $(i + 3); u = $(i + 4)
                           if (u == "ms") v *= 1000; if (u == "ns") v /= 1000
                           print name, c, v; name = "" }'
}
(cd "$root" && CARGO_TARGET_DIR=$root/target/jax-backprop cargo bench -q --bench network --no-run)
(cd "$root" && CARGO_TARGET_DIR=$root/target/jax-backprop-fma cargo bench -q --features fma \
    --bench network --no-run)
results=$(mktemp)
for round in $(seq 1 "${ROUNDS:-3}"); do
  echo "round $round" >&2
  bench backprop | tee -a "$results" >&2
  bench backprop-fma --features fma | tee -a "$results" >&2
  "${pin[@]}" "$venv/bin/python" "$here/large_layers.py" | tee -a "$results" >&2
done
echo
echo "| workload | backprop | backprop, \`fma\` | jax | jax-scan |   (µs per step, fastest of ${ROUNDS:-3} rounds)"
echo "|---|---|---|---|---|"
for w in w3 w4; do
  row="| $w"
  for c in backprop backprop-fma jax jax-scan; do
    row="$row | $(awk -v w="$w" -v c="$c" '$1 == w && $2 == c { if (m == "" || $3 < m) m = $3 } END { print m }' "$results")"
  done
  echo "$row |"
done
rm -f "$results"
