"""The Python side of bench/tracking/run.js (run with the mlflow venv's python).

  python_client.py log --uri URI --experiment NAME [--runs 100 --keys 10 --steps 100 --chunk 1000
                       --base-ts MS]
      Logs the benchmark workload with mlflow's own MlflowClient and prints one JSON line: the time
      spent importing mlflow, the time of the workload alone (measured inside this process, after
      the imports), a per-phase split, and this process's CPU time during the workload.

  python_client.py count --db PATH --experiment-id ID
      Counts what the server's SQLite store holds for one experiment (stdlib sqlite3 only, no
      mlflow import): runs, parent/child structure, statuses, metric rows per run and per key.

The workload is the same as run.js's veriflow probe: get-or-create the experiment, create a parent
run, then for each of `runs` children: create it tagged mlflow.parentRunId, log keys x steps points
with log_batch in chunks of `chunk` (MLflow's limit is 1000 metrics per call), mark it FINISHED;
finally mark the parent FINISHED. Values are (child*1000 + k*100 + step) / 7, timestamps
base_ts + step, so both clients send identical data.
"""

import time

_T_START = time.time()  # epoch seconds, as early as possible: interpreter start-up ends here
_P_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402


def log_workload(args):
    t_import0 = time.perf_counter()
    from mlflow import MlflowClient
    from mlflow.entities import Metric

    t_import1 = time.perf_counter()

    client = MlflowClient(tracking_uri=args.uri)
    phases = {"experiment": 0.0, "create": 0.0, "build": 0.0, "log": 0.0, "finish": 0.0}
    calls = 0

    cpu0 = time.process_time()
    t0 = time.perf_counter()

    t = time.perf_counter()
    experiment = client.get_experiment_by_name(args.experiment)
    experiment_id = experiment.experiment_id if experiment is not None else client.create_experiment(args.experiment)
    phases["experiment"] += time.perf_counter() - t

    t = time.perf_counter()
    parent = client.create_run(experiment_id, run_name="parent", tags={"bench.role": "parent"})
    parent_id = parent.info.run_id
    phases["create"] += time.perf_counter() - t

    for child in range(args.runs):
        t = time.perf_counter()
        run = client.create_run(
            experiment_id,
            run_name=f"child-{child:03d}",
            tags={"mlflow.parentRunId": parent_id, "bench.role": "child", "bench.child": str(child)},
        )
        run_id = run.info.run_id
        t1 = time.perf_counter()
        phases["create"] += t1 - t

        metrics = [
            Metric(f"metric_{k}", (child * 1000 + k * 100 + step) / 7, args.base_ts + step, step)
            for k in range(args.keys)
            for step in range(args.steps)
        ]
        t2 = time.perf_counter()
        phases["build"] += t2 - t1

        for i in range(0, len(metrics), args.chunk):
            client.log_batch(run_id, metrics=metrics[i : i + args.chunk])
            calls += 1
        t3 = time.perf_counter()
        phases["log"] += t3 - t2

        client.set_terminated(run_id, status="FINISHED")
        phases["finish"] += time.perf_counter() - t3

    t = time.perf_counter()
    client.set_terminated(parent_id, status="FINISHED")
    phases["finish"] += time.perf_counter() - t

    total = time.perf_counter() - t0
    cpu = time.process_time() - cpu0

    ms = lambda s: round(s * 1000, 3)  # noqa: E731
    out = {
        "client": "python",
        "mlflow_version": __import__("mlflow").__version__,
        "python_version": sys.version.split()[0],
        "experiment_id": experiment_id,
        "parent_run_id": parent_id,
        "points": args.runs * args.keys * args.steps,
        "log_batch_calls": calls,
        # Epoch ms of the first line of this script; the parent subtracts its spawn time from it.
        "script_started_at": _T_START * 1000,
        "preamble_ms": ms(t_import0 - _P_START),
        "import_ms": ms(t_import1 - t_import0),
        "measured_ms": ms(total),
        "cpu_ms": ms(cpu),
        "phases_ms": {k: ms(v) for k, v in phases.items()},
    }
    print(json.dumps(out), flush=True)


def count(args):
    import sqlite3

    con = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True, timeout=30)
    try:
        q = lambda sql, *p: con.execute(sql, p).fetchall()  # noqa: E731
        runs = q(
            "SELECT run_uuid, status, lifecycle_stage FROM runs WHERE experiment_id = ?",
            int(args.experiment_id),
        )
        parents = q(
            """SELECT r.run_uuid FROM runs r WHERE r.experiment_id = ? AND NOT EXISTS
               (SELECT 1 FROM tags t WHERE t.run_uuid = r.run_uuid AND t.key = 'mlflow.parentRunId')""",
            int(args.experiment_id),
        )
        parent_ids = [p[0] for p in parents]
        children = q(
            """SELECT t.value, COUNT(*) FROM tags t JOIN runs r ON r.run_uuid = t.run_uuid
               WHERE r.experiment_id = ? AND t.key = 'mlflow.parentRunId' GROUP BY t.value""",
            int(args.experiment_id),
        )
        per_run = q(
            """SELECT r.run_uuid, COUNT(m.run_uuid), COUNT(DISTINCT m.key) FROM runs r
               LEFT JOIN metrics m ON m.run_uuid = r.run_uuid WHERE r.experiment_id = ?
               GROUP BY r.run_uuid""",
            int(args.experiment_id),
        )
        points = sum(n for _, n, _ in per_run)
        child_counts = [n for rid, n, _ in per_run if rid not in parent_ids]
        out = {
            "runs": len(runs),
            "parents": parent_ids,
            "children_by_parent": {p: n for p, n in children},
            "not_finished": sum(1 for _, status, _ in runs if status != "FINISHED"),
            "points": points,
            "points_in_parents": sum(n for rid, n, _ in per_run if rid in parent_ids),
            "min_points_per_child": min(child_counts) if child_counts else 0,
            "max_points_per_child": max(child_counts) if child_counts else 0,
            "min_keys_per_child": min((k for rid, _, k in per_run if rid not in parent_ids), default=0),
        }
    finally:
        con.close()
    print(json.dumps(out), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    log = sub.add_parser("log")
    log.add_argument("--uri", required=True)
    log.add_argument("--experiment", required=True)
    log.add_argument("--runs", type=int, default=100)
    log.add_argument("--keys", type=int, default=10)
    log.add_argument("--steps", type=int, default=100)
    log.add_argument("--chunk", type=int, default=1000)
    log.add_argument("--base-ts", type=int, default=1_700_000_000_000)
    cnt = sub.add_parser("count")
    cnt.add_argument("--db", required=True)
    cnt.add_argument("--experiment-id", required=True)
    args = parser.parse_args()
    if args.command == "log":
        log_workload(args)
    else:
        count(args)


if __name__ == "__main__":
    main()
