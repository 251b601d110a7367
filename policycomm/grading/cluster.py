"""Grading on a Dask cluster: the same sandbox on every worker, the gradebook only here.

:class:`ClusterPool` stands in for :class:`~policycomm.grading.sandbox.WarmPool`
in :func:`~policycomm.grading.cohort.grade_cohort` when the lecturer passes
``--scheduler tcp://HOST:8786``. Each notebook travels to a Dask
``distributed`` worker as plain data (its code cells, the other files of its
submission, the limits) and comes back as plain data (the cells' outputs and
statuses). On the worker, :func:`run_notebook` runs it in that worker's own
:class:`~policycomm.grading.sandbox.WarmPool`, inside bubblewrap as in a local
run. A worker never sees the gradebook, the course folder or another trainee's
files; only the coordinating process writes the gradebook and the journal, so
``--resume``, the report and ``nbgrader export`` work unchanged. When a worker
dies, the scheduler gives its notebooks to another worker.

The Dask workers are trusted infrastructure (they and the scheduler exchange
pickles); trainee code never runs in them, only in their sandboxes.

>>> limits_as_data(Limits(timeout_cell=5))["timeout_cell"]
5
"""
from __future__ import annotations

import threading
from dataclasses import asdict

from ..messages import CodedError
from .sandbox import CellRun, Limits, NotebookRun, WarmPool

#: seconds to wait for the scheduler before giving up
CONNECT_TIMEOUT_S = 10


class SchedulerUnreachable(CodedError):
    """The scheduler could not be reached, or its workers cannot isolate trainee code."""


def limits_as_data(limits: Limits) -> dict:
    return asdict(limits)


def run_as_data(run: NotebookRun) -> dict:
    return asdict(run)


def run_from_data(data: dict) -> NotebookRun:
    return NotebookRun(cells=[CellRun(**cell) for cell in data["cells"]],
                       **{k: v for k, v in data.items() if k != "cells"})


# --------------------------------------------------------------------------- on a Dask worker

_POOLS: dict = {}
_POOLS_LOCK = threading.Lock()


def _worker_pool(preload: tuple, unsafe: bool) -> WarmPool:
    """This Dask worker's warm pool (one sandboxed slot per worker thread), started on first use."""
    import atexit

    from distributed import get_worker

    key = (preload, unsafe)
    with _POOLS_LOCK:
        if key not in _POOLS:
            pool = WarmPool(max(1, get_worker().state.nthreads), preload=preload, unsafe=unsafe)
            atexit.register(pool.close)
            _POOLS[key] = pool
        return _POOLS[key]


def run_notebook(cells: list, files: list, limits: dict, env: dict, preload: tuple, unsafe: bool) -> dict:
    """Run one notebook on this Dask worker, in its sandbox; plain data in, plain data out."""
    pool = _worker_pool(tuple(preload), unsafe)
    return run_as_data(pool.run(cells, files, Limits(**limits), env))


def sandbox_problem(unsafe: bool):
    """Why this worker cannot isolate trainee code (None when it can)."""
    from .isolation import probe

    return None if unsafe else probe()


# --------------------------------------------------------------------------- on the coordinator


class ClusterPool:
    """Runs notebooks on a Dask cluster; the same ``run`` as a local :class:`WarmPool`."""

    def __init__(self, address: str, preload: tuple = (), unsafe: bool = False):
        from distributed import Client

        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachable("gr_cluster_unreachable", address=address, error=type(exc).__name__) from None
        self.preload, self.unsafe = tuple(preload), unsafe
        problems = {worker: reason for worker, reason in self.client.run(sandbox_problem, unsafe).items() if reason}
        if not self.client.nthreads():
            self.close()
            raise SchedulerUnreachable("gr_cluster_no_workers", address=address)
        if problems:
            worker, reason = sorted(problems.items())[0]
            self.close()
            raise SchedulerUnreachable("gr_cluster_worker_unsafe", worker=worker, reason=(reason.vi, reason.en))

    @property
    def slots(self) -> int:
        """How many notebooks the cluster runs at once."""
        return max(1, sum(self.client.nthreads().values()))

    def run(self, cells: list, files: list, limits: Limits, env: dict | None = None) -> NotebookRun:
        future = self.client.submit(run_notebook, cells, files, limits_as_data(limits), env or {}, self.preload,
                                    self.unsafe, pure=False)
        return run_from_data(future.result())

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
