"""The large-layer steps of `benches/network.rs` in JAX, for `benches/jax/run.sh`.

`w3`: 784 → 128 → 10 and `w4`: 784 → 256 → 128 → 10, ReLU between layers, softmax
cross-entropy on the logits (mean over the batch), plain SGD with learning rate 0.01, a
batch of 64 in f32, ten batches of random "images" in [0, 1) with random labels, cycled:
the work of one `w3_step` / `w4_step` of the crate's benchmark, 200 steps in a row.

Two ways to drive it, both compiled by XLA once and timed after that:
- `jax`: a jitted step called from Python once per step (what most training loops do);
- `jax-scan`: all 200 steps compiled into one program with `lax.fori_loop` (no Python
  between steps: XLA's best case).

Each is run until 0.5 s have been spent on it; the fastest run is reported, in µs per
step, one line per workload and driver: `w3 jax-scan 345.2`. Run it on one core with
`XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"` and
`taskset -c 0`, as `run.sh` does."""
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

BATCH, BATCHES, STEPS, LR = 64, 10, 200, 0.01
NETWORKS = {"w3": [784, 128, 10], "w4": [784, 256, 128, 10]}


def init(sizes, rng):
    """He-normal weights for the ReLU layers, Xavier-uniform for the output layer, zero
    biases (the crate's `Parameters::initialize`)."""
    params = []
    for k, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        if k < len(sizes) - 2:
            w = rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in))
        else:
            limit = np.sqrt(6.0 / (n_in + n_out))
            w = rng.uniform(-limit, limit, (n_out, n_in))
        params.append((jnp.asarray(w, jnp.float32), jnp.zeros(n_out, jnp.float32)))
    return params


def cost(params, x, y):
    """Mean softmax cross-entropy of the logits; rows of `x` are examples."""
    h = x
    for w, b in params[:-1]:
        h = jax.nn.relu(h @ w.T + b)
    w, b = params[-1]
    logits = h @ w.T + b
    log_p = jax.nn.log_softmax(logits)
    return -jnp.mean(jnp.take_along_axis(log_p, y[:, None], axis=1))


def step(params, x, y):
    grads = jax.grad(cost)(params, x, y)
    return [(w - LR * dw, b - LR * db) for (w, b), (dw, db) in zip(params, grads)]


def fastest(run, budget=0.5):
    """Seconds per step of the fastest of as many 200-step runs as fit in `budget`."""
    run()  # compiles and warms up
    times = []
    while sum(times) < budget or len(times) < 3:
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return min(times) / STEPS


def main():
    assert jax.default_backend() == "cpu"
    rng = np.random.default_rng(0)
    for name in sys.argv[1:] or NETWORKS:
        sizes = NETWORKS[name]
        start = init(sizes, rng)
        xs = jnp.asarray(rng.random((BATCHES, BATCH, sizes[0])), jnp.float32)
        ys = jnp.asarray(rng.integers(0, sizes[-1], (BATCHES, BATCH)), jnp.int32)
        batches = [(xs[k], ys[k]) for k in range(BATCHES)]
        jstep = jax.jit(step)

        def per_call():
            params = start
            for s in range(STEPS):
                params = jstep(params, *batches[s % BATCHES])
            jax.block_until_ready(params)

        @jax.jit
        def all_steps(params):
            return jax.lax.fori_loop(
                0, STEPS, lambda s, p: step(p, xs[s % BATCHES], ys[s % BATCHES]), params
            )

        def scanned():
            jax.block_until_ready(all_steps(start))

        for driver, run in [("jax", per_call), ("jax-scan", scanned)]:
            print(f"{name} {driver} {fastest(run) * 1e6:.1f}", flush=True)


if __name__ == "__main__":
    main()
