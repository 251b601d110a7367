"""Benchmark: ``policycomm grade`` on a Dask cluster against a local run, on the same cohort.

Starts a Dask scheduler and workers on loopback (each worker one thread, so
one notebook at a time), then grades four copies of one cohort: locally with
2 and with 1 sandboxed workers, and on the cluster with 1 and with 2 workers.
Prints as its last line a JSON object: the four times, the speed-up from 1 to
2 cluster workers, the overhead per notebook of going through the scheduler
(cluster with 1 worker against local with 1), the coordinator's CPU time per
notebook (what bounds a very large cluster), and whether every per-cell score
is identical.

    python bench/grade_cluster.py --trainees 13
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grade_cohort import BIN, DEFAULT_COURSE, cell_scores, prepared_course, run


def start(*args: str, folder: Path) -> subprocess.Popen:
    log = open(folder / f"dask-{args[0]}-{time.monotonic_ns()}.log", "w")
    return subprocess.Popen([str(BIN / "dask"), *args], stdout=log, stderr=subprocess.STDOUT, cwd=folder,
                            start_new_session=True)


def start_worker(address: str, name: str, folder: Path) -> subprocess.Popen:
    return start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                 "--name", name, "--local-directory", str(folder), folder=folder)


def wait_for_workers(address: str, count: int) -> None:
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(count, timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=DEFAULT_COURSE)
    parser.add_argument("--trainees", type=int, default=13)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    base, assignments, counts = prepared_course(args.course, args.trainees, work)
    notebooks = len(list((base / "submitted").rglob("*.ipynb")))
    copies = {name: work / name for name in ("local2", "local1", "cluster1", "cluster2")}
    for folder in copies.values():
        shutil.copytree(base, folder)
    dask_dir = work / "dask"
    dask_dir.mkdir()
    scheduler_file = dask_dir / "scheduler.json"
    processes = [start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                       "--scheduler-file", str(scheduler_file), folder=dask_dir)]
    try:
        while not scheduler_file.exists():
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        grade = ("grade", "--all", "--no-progress", "--course")
        times = {"local2": run(BIN / "policycomm", *grade, copies["local2"], "--jobs", 2, cwd=work),
                 "local1": run(BIN / "policycomm", *grade, copies["local1"], "--jobs", 1, cwd=work)}
        processes.append(start_worker(address, "w1", dask_dir))
        wait_for_workers(address, 1)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        times["cluster1"] = run(BIN / "policycomm", *grade, copies["cluster1"], "--scheduler", address, cwd=work)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the coordinator alone: workers are not our children
        coordinator_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        processes.append(start_worker(address, "w2", dask_dir))
        wait_for_workers(address, 2)
        times["cluster2"] = run(BIN / "policycomm", *grade, copies["cluster2"], "--scheduler", address, cwd=work)
    finally:
        for process in processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    scores = [cell_scores(folder) for folder in copies.values()]
    identical = all(s == scores[0] for s in scores) and len(scores[0]) > 0
    print(f"cohort: {args.trainees} trainees x {len(assignments)} assignments {counts}; {notebooks} notebooks",
          file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"trainees": args.trainees, "notebooks": notebooks,
                      **{f"{name}_s": round(seconds, 2) for name, seconds in times.items()},
                      "speedup_1_to_2_workers": round(times["cluster1"] / times["cluster2"], 2),
                      "overhead_per_notebook_ms": round(1000 * (times["cluster1"] - times["local1"]) / notebooks, 1),
                      "coordinator_cpu_per_notebook_ms": round(1000 * coordinator_cpu / notebooks, 1),
                      "identical": identical}))


if __name__ == "__main__":
    main()
