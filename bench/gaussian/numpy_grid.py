"""The phase-transition grid of workflows/paper/gaussian-phase-transition.yaml in plain NumPy.

Same statistical design as veriflow's workflow, done the direct way: for every (p, verifier,
replicate) cell, generate n fresh synthesized rows x | y ~ N(y mu, I_d) (numpy's default Generator,
PCG64), flip each label with probability p, keep pairs by the verifier, fit ridge
(X^T X + lam m I) w = X^T y' on the kept pairs with BLAS (X.T @ X), and measure the exact accuracy
Phi(w^T mu / |w|) plus the accuracy on a 10,000-pair real test set.

    python bench/gaussian/numpy_grid.py [--n 50000] [--dim 200] [--seeds 1] [--json FILE] [--info]

Prints one line per cell and, with --json, writes the cells, the measured transitions and the time
spent in the grid. --info prints numpy's version and BLAS (threadpoolctl when installed) and exits.
Used by bench/gaussian/run.js; see bench/README.md.
"""

import argparse
import json
import math
import sys
import time

import numpy as np

PS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
# name -> (phi, psi); the oracle keeps exactly the correct pairs, the others keep at random.
VERIFIERS = {
    "oracle": (1.0, 0.0),
    "random": (0.5, 0.5),
    "rates-0.75": (0.9, 0.3),
    "rates-0.6": (0.6, 0.4),
}


def blas_info():
    info = {"numpy": np.__version__, "python": sys.version.split()[0]}
    try:
        import threadpoolctl

        info["threadpools"] = [
            {k: pool.get(k) for k in ("user_api", "internal_api", "version", "architecture", "threading_layer", "num_threads", "filepath")}
            for pool in threadpoolctl.threadpool_info()
        ]
    except ImportError:
        info["threadpools"] = None
    try:
        config = np.show_config(mode="dicts")
        blas = config.get("Build Dependencies", {}).get("blas", {})
        info["blas_build"] = {k: blas.get(k) for k in ("name", "version", "openblas configuration")}
        simd = config.get("SIMD Extensions", {})
        info["simd_found"] = simd.get("found")
    except Exception:  # older numpy without mode="dicts"
        pass
    return info


def phi_cdf(t):
    return 0.5 * math.erfc(-t / math.sqrt(2.0))


class Buffers:
    """Row buffers reused across cells: an n x d array is 80 MB at the defaults, and a fresh one per
    cell would pay for its page faults every time (about as much as the arithmetic on this VM)."""

    def __init__(self, n, d):
        self.x = np.empty((n, d))
        self.tmp = np.empty((n, d))
        self.kept = np.empty((n, d))


def run_cell(rng, mu, n, p, verifier, lam, x_test, y_test, buf):
    d = mu.shape[0]
    y = np.where(rng.random(n) < 0.5, 1.0, -1.0)  # true labels
    x = rng.standard_normal(out=buf.x)  # fresh rows: x | y ~ N(y mu, I_d)
    np.multiply(y[:, None], mu, out=buf.tmp)
    x += buf.tmp
    wrong = rng.random(n) < p  # flip generator
    y_syn = np.where(wrong, -y, y)
    phi, psi = VERIFIERS[verifier]
    if verifier == "oracle":
        keep = ~wrong
    else:
        keep = rng.random(n) < np.where(wrong, psi, phi)
    m = int(np.count_nonzero(keep))
    xk = np.compress(keep, x, axis=0, out=buf.kept[:m])
    yk = y_syn[keep]
    if m == 0:
        w = np.zeros(d)
    else:
        a = xk.T @ xk  # BLAS (syrk)
        a[np.diag_indices(d)] += lam * m
        w = np.linalg.solve(a, xk.T @ yk)
    norm = float(np.linalg.norm(w))
    accuracy = 0.5 if norm == 0 else phi_cdf(float(w @ mu) / norm)
    scores = x_test @ w
    test_accuracy = float(np.mean(np.where(scores >= 0, 1.0, -1.0) == y_test)) if y_test.size else None
    return {
        "kept": m,
        "kept_wrong": int(np.count_nonzero(keep & wrong)),
        "generator_error": float(np.count_nonzero(wrong)) / n,
        "accuracy": accuracy,
        "test_accuracy": test_accuracy,
    }


def transition(cells):
    """First p at which the accuracy drops below 0.5, linearly interpolated; None if it never does."""
    points = sorted((c["p"], c["accuracy"]) for c in cells)
    for (p0, a0), (p1, a1) in zip(points, points[1:]):
        if a0 >= 0.5 > a1:
            return p0 + (a0 - 0.5) * (p1 - p0) / (a0 - a1)
    if points and points[0][1] < 0.5:
        return points[0][0]
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dim", type=int, default=200)
    parser.add_argument("--n", type=int, default=50000)
    parser.add_argument("--mu-norm", type=float, default=1.555)
    parser.add_argument("--lam", type=float, default=1e-3)
    parser.add_argument("--n-test", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", type=str, default="1", help="comma-separated replicates (cells = 19 p x 4 verifiers x replicates)")
    parser.add_argument("--json", type=str, help="write cells, transitions and timings here")
    parser.add_argument("--info", action="store_true", help="print the numpy/BLAS configuration and exit")
    parser.add_argument("--quiet", action="store_true", help="no per-cell lines")
    args = parser.parse_args()

    if args.info:
        print(json.dumps(blas_info(), indent=2))
        return

    start = time.perf_counter()
    replicates = [int(s) for s in args.seeds.split(",") if s.strip()]
    # The problem: mu in a random direction with norm mu_norm, and a real test set.
    problem_rng = np.random.default_rng(np.random.SeedSequence([args.seed, 0]))
    mu = problem_rng.standard_normal(args.dim)
    mu *= args.mu_norm / np.linalg.norm(mu)
    y_test = np.where(problem_rng.random(args.n_test) < 0.5, 1.0, -1.0)
    x_test = problem_rng.standard_normal((args.n_test, args.dim)) + y_test[:, None] * mu
    bayes = phi_cdf(args.mu_norm)

    buf = Buffers(args.n, args.dim)
    cells = []
    index = 0
    for replicate in replicates:
        for p in PS:
            for verifier in VERIFIERS:
                index += 1
                # Fresh, independent stream per cell.
                rng = np.random.default_rng(np.random.SeedSequence([args.seed, replicate, index]))
                cell = {"p": p, "verifier": verifier, "replicate": replicate}
                cell.update(run_cell(rng, mu, args.n, p, verifier, args.lam, x_test, y_test, buf))
                cells.append(cell)
                if not args.quiet:
                    print(f"p={p:<5} {verifier:<11} rep={replicate}  kept={cell['kept']:>6}  accuracy={cell['accuracy']:.4f}  test={cell['test_accuracy']:.4f}")
    grid_s = time.perf_counter() - start

    transitions = {}
    for verifier, (phi, psi) in VERIFIERS.items():
        mine = [c for c in cells if c["verifier"] == verifier]
        by_p = {}
        for c in mine:
            by_p.setdefault(c["p"], []).append(c["accuracy"])
        mean_cells = [{"p": p, "accuracy": sum(v) / len(v)} for p, v in by_p.items()]
        transitions[verifier] = {"measured": transition(mean_cells), "predicted": phi / (phi + psi)}
    for verifier, t in transitions.items():
        measured = "none" if t["measured"] is None else f"{t['measured']:.4f}"
        print(f"transition {verifier:<11} measured {measured:>6}  predicted p* {t['predicted']:.4f}")
    print(f"{len(cells)} cells, d = {args.dim}, n = {args.n}, Bayes accuracy {bayes:.4f}, grid {grid_s:.2f} s")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cells": cells, "transitions": transitions, "grid_seconds": grid_s, "bayes_accuracy": bayes, "config": vars(args)}, f)


if __name__ == "__main__":
    main()
