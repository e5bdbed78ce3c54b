#!/usr/bin/env python3
"""Safetensors files written and read by the real libraries, for `tests/safetensors.rs`.

Libraries: PyTorch 2.15.0 (PyPI's wheel, run on the CPU; it brings about 3 GB of CUDA
libraries that nothing here uses, and installed in 5 minutes), safetensors 0.8.0, NumPy
2.4.6, on Python 3.11.7. PyTorch's autograd is independent of the crate's backward
pass; the `safetensors` package writes and reads every file here.

    python3 -m venv /tmp/st && /tmp/st/bin/pip install torch==2.15.0 safetensors==0.8.0 numpy==2.4.6

`generate` (from the crate's root):

    /tmp/st/bin/python tests/reference/safetensors_reference.py generate
    cargo fmt

builds two networks as PyTorch `nn.Sequential(Linear, ReLU, Linear, ReLU, Linear)`,
trained with `binary_cross_entropy_with_logits` (sigmoid + binary cross-entropy, the
crate's `SigmoidCrossEntropy`):

* `seed`: the seed's 3 -> 4 -> 2 -> 1 (`backprop::network::SeedNetwork`);
* `mlp30`: 30 -> 16 -> 8 -> 1 (the breast-cancer data's shape).

Weights and biases are drawn from a fixed-seed NumPy generator (weights N(0, 2/in),
biases U(-0.5, 0.5)), in f64, and rounded to f32 for the f32 files. Each network is
saved with `safetensors.torch.save_file` as `tests/reference/safetensors/{name}_{f64,
f32}.safetensors`, and `tests/reference/safetensors_cases.rs` gets, for a batch of 5
examples (x is (inputs, 5): columns are examples, the crate's convention) and 0/1
labels: the logits z (1, 5), the mean cost and the gradient of the cost with respect to
every parameter, computed by PyTorch in f64 (for the f32 files, on the f32 values
widened to f64, which is exact: the reference for an f32 computation), and for the f32
files also PyTorch's own f32 results. A draw is redrawn if any hidden pre-activation is
within 1e-3 of 0 (where a ReLU's kink would make the f32 and f64 results differ by more
than rounding) or a hidden unit is inactive for the whole batch (its gradients would be
zero whatever the code computes).

`check` (after `BACKPROP_WRITE_REFERENCE=1 cargo test --test safetensors`, which makes
the crate write them) reads the crate's files with `safetensors.torch.load_file`:

* `written_by_backprop_f64.safetensors`: the seed network of `seed_f64.safetensors`
  after one SGD step (learning rate 0.1) on the batch, taken by the crate. It loads into
  the PyTorch model with `load_state_dict(strict=True)` (names and shapes), its values
  match PyTorch's own `torch.optim.SGD` step (and so do the logits on the batch), and
  its bytes are exactly those `safetensors.torch.save` writes for the same tensors.
* `written_by_backprop_fc_f32.safetensors`: the f32 seed network, named `fc1`, `fc2`,
  `fc3` with metadata `{"format": "pt"}`: it loads into a module with those attributes,
  the metadata reads back, and its values are those of `seed_f32.safetensors`.
"""

import sys
from pathlib import Path

import numpy as np
import safetensors
import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import load_file, save, save_file

ROOT = Path(__file__).resolve().parent
FILES = ROOT / "safetensors"
CASES = ROOT / "safetensors_cases.rs"
SEED = 20250101
BATCH = 5
NETWORKS = {"seed": [3, 4, 2, 1], "mlp30": [30, 16, 8, 1]}
KINK_MARGIN = 1e-3
LEARNING_RATE = 0.1


def sequential(sizes, dtype):
    layers = []
    for k, (i, o) in enumerate(zip(sizes, sizes[1:])):
        layers.append(torch.nn.Linear(i, o, dtype=dtype))
        if k + 2 < len(sizes):
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def draw(sizes, rng):
    """Parameters {name: f64 array} in nn.Sequential's names, x (inputs, m), y (1, m)."""
    params = {}
    for k, (i, o) in enumerate(zip(sizes, sizes[1:])):
        params[f"{2 * k}.weight"] = rng.normal(0.0, np.sqrt(2.0 / i), size=(o, i))
        params[f"{2 * k}.bias"] = rng.uniform(-0.5, 0.5, size=o)
    x = rng.normal(0.0, 1.0, size=(sizes[0], BATCH))
    y = rng.integers(0, 2, size=(1, BATCH)).astype(np.float64)
    return params, x, y


def well_placed(params, x, sizes):
    """No hidden pre-activation within KINK_MARGIN of 0, and every hidden unit active
    for at least one example (so that no gradient row is zero for want of an input)."""
    a = x
    for k in range(len(sizes) - 2):
        z = params[f"{2 * k}.weight"] @ a + params[f"{2 * k}.bias"][:, None]
        if np.abs(z).min() <= KINK_MARGIN or not (z > 0).any(axis=1).all():
            return False
        a = np.maximum(z, 0.0)
    return True


def run(sizes, params, x, y, dtype):
    """PyTorch's logits (1, m), mean cost and gradients {name: array}, in `dtype`."""
    model = sequential(sizes, dtype)
    model.load_state_dict({n: torch.tensor(v, dtype=dtype) for n, v in params.items()})
    inputs = torch.tensor(x.T, dtype=dtype)  # PyTorch's rows are examples
    target = torch.tensor(y.T, dtype=dtype)
    z = model(inputs)
    cost = F.binary_cross_entropy_with_logits(z, target)  # the mean over the batch
    cost.backward()
    grads = {n: p.grad.detach().numpy().astype(np.float64) for n, p in model.named_parameters()}
    return z.detach().numpy().T.astype(np.float64), cost.item(), grads


def draws():
    """{name: (sizes, params, x, y, params rounded to f32, x rounded to f32)}, the same
    at every run."""
    rng = np.random.default_rng(SEED)
    found = {}
    for name, sizes in NETWORKS.items():
        while True:
            params, x, y = draw(sizes, rng)
            p32 = {n: v.astype(np.float32).astype(np.float64) for n, v in params.items()}
            x32 = x.astype(np.float32).astype(np.float64)
            if well_placed(params, x, sizes) and well_placed(p32, x32, sizes):
                break
        found[name] = (sizes, params, x, y, p32, x32)
    return found


def literal(v):
    v = float(v)
    text = repr(v)
    if "e" in text and "." not in text.split("e")[0]:
        mant, exp = text.split("e")
        text = f"{mant}.0e{int(exp)}"
    return text


def array(values):
    return "&[" + ", ".join(literal(v) for v in np.ravel(values)) + "]"


def grads_literal(grads):
    return "&[" + ", ".join(f'("{n}", {array(g)})' for n, g in grads.items()) + "]"


def max_rel(a, b):
    return max(np.max(np.abs(a[n] - b[n])) / np.max(np.abs(b[n])) for n in b)


def generate():
    FILES.mkdir(exist_ok=True)
    out = [
        "//! Generated by `tests/reference/safetensors_reference.py generate` (PyTorch "
        f"{torch.__version__.split('+')[0]}, safetensors {safetensors.__version__}, NumPy "
        f"{np.__version__}, seed {SEED}); do not edit, rerun the script.",
        "//!",
        "//! For each network file in `tests/reference/safetensors/`: a batch `x` (row-major",
        "//! (inputs, 5)), labels `y` (1, 5), and PyTorch's logits (1, 5), mean cost and",
        "//! gradients (row-major, in the crate's shapes; biases (out)) in f64; for an f32 file,",
        "//! computed on its f32 values widened to f64, and PyTorch's own f32 results too.",
        "",
        "use super::Case;",
        "",
    ]
    for name, (sizes, params, x, y, p32, x32) in draws().items():
        for ty, (p, xs) in {"f64": (params, x), "f32": (p32, x32)}.items():
            dtype = torch.float64 if ty == "f64" else torch.float32
            file = f"{name}_{ty}.safetensors"
            save_file({n: torch.tensor(v, dtype=dtype) for n, v in p.items()}, FILES / file)
            logits, cost, grads = run(sizes, p, xs, y, torch.float64)
            if ty == "f32":
                n_logits, n_cost, n_grads = run(sizes, p, xs, y, torch.float32)
                eps = float(np.finfo(np.float32).eps)
                print(
                    f"{file}: PyTorch f32 vs f64 reference: logits "
                    f"{np.max(np.abs(n_logits - logits)) / np.max(np.abs(logits)) / eps:.2f} eps, "
                    f"cost {abs(n_cost - cost) / abs(cost) / eps:.2f} eps, "
                    f"gradients {max_rel(n_grads, grads) / eps:.2f} eps (relative to each tensor's largest)"
                )
            else:
                n_logits, n_cost, n_grads = np.zeros(0), 0.0, {}
            out += [
                f"pub const {name.upper()}_{ty.upper()}: Case = Case {{",
                f'    file: "{file}",',
                f"    x: {array(xs)},",
                f"    y: {array(y)},",
                f"    logits: {array(logits)},",
                f"    cost: {literal(cost)},",
                f"    grads: {grads_literal(grads)},",
                f"    native_logits: {array(n_logits)},",
                f"    native_cost: {literal(n_cost)},",
                f"    native_grads: {grads_literal(n_grads)},",
                "};",
                "",
            ]
    CASES.write_text("\n".join(out))
    print(f"wrote {CASES} and {len(NETWORKS) * 2} files in {FILES}")


def check():
    """The files the crate wrote, read by the real library."""
    sizes = NETWORKS["seed"]
    written = FILES / "written_by_backprop_f64.safetensors"
    tensors = load_file(written)
    model = sequential(sizes, torch.float64)
    model.load_state_dict(tensors, strict=True)  # every name and shape, no extra

    # PyTorch's own SGD step from the same start, on the same batch.
    start = load_file(FILES / "seed_f64.safetensors")
    _, _, x, y, _, _ = draws()["seed"]
    ref = sequential(sizes, torch.float64)
    ref.load_state_dict(start)
    opt = torch.optim.SGD(ref.parameters(), lr=LEARNING_RATE)
    z = ref(torch.tensor(x.T))
    F.binary_cross_entropy_with_logits(z, torch.tensor(y.T)).backward()
    opt.step()
    worst = 0.0
    for n, p in ref.named_parameters():
        diff = (tensors[n] - p.detach()).abs().max().item() / p.detach().abs().max().item()
        worst = max(worst, diff)
    with torch.no_grad():
        out = (model(torch.tensor(x.T)) - ref(torch.tensor(x.T))).abs().max().item()
    print(f"{written.name}: loads strictly; largest difference from PyTorch's SGD step "
          f"{worst:.3e} relative to each tensor's largest; logits on the batch differ by {out:.3e}")
    assert worst < 1e-14 and out < 1e-14, (worst, out)
    again = save(tensors)
    same = again == written.read_bytes()
    print(f"{written.name}: safetensors.torch.save of its tensors gives the same bytes: {same}")
    assert same

    fc = FILES / "written_by_backprop_fc_f32.safetensors"

    class Fc(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(3, 4)
            self.fc2 = torch.nn.Linear(4, 2)
            self.fc3 = torch.nn.Linear(2, 1)

    module = Fc()
    module.load_state_dict(load_file(fc), strict=True)
    with safe_open(fc, framework="pt") as f:
        metadata = f.metadata()
    original = load_file(FILES / "seed_f32.safetensors")
    modules = {"0": "fc1", "2": "fc2", "4": "fc3"}
    renamed = {f"{modules[n.split('.')[0]]}.{n.split('.')[1]}": v for n, v in original.items()}
    identical = all(torch.equal(module.state_dict()[n], v) for n, v in renamed.items())
    print(f"{fc.name}: loads strictly into fc1, fc2, fc3; metadata {metadata}; "
          f"values equal to seed_f32's: {identical}")
    assert metadata == {"format": "pt"} and identical
    print("check: all good")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "generate":
        generate()
    elif command == "check":
        check()
    else:
        sys.exit("usage: safetensors_reference.py generate | check")
