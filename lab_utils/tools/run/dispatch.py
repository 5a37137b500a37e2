"""Where runs execute: on threads here, or on a Dask cluster (cluster.py); results as they finish."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from .execution import KERNEL, failure, run_source


def run_many(
    jobs: Sequence[tuple], kernel: str = KERNEL, timeout: float | None = None, workers: int = 2,
    scheduler: str | None = None, fn: Callable[..., Any] | None = None,
    failed: Callable[[str], Any] = failure,
) -> Iterator[tuple[int, Any]]:
    """Run jobs here on `workers` threads, or on the Dask cluster at `scheduler`; yield (job index, result) as they
    finish. A job is (notebook text, params) for run_source, or the arguments of `fn` (a module-level function, so
    that Dask can send it); `failed(why)` is the result, in fn's shape, of a job the cluster could not run. Shared
    by sweep and grade. Every result is an execution.RunResult."""
    fn = fn or functools.partial(run_source, kernel=kernel, timeout=timeout)
    if scheduler:
        from .cluster import run_on_cluster  # cluster.py imports nothing of this module

        yield from run_on_cluster(jobs, kernel, scheduler, fn, failed)
        return
    yield from in_parallel(lambda ij: (ij[0], fn(*ij[1])), list(enumerate(jobs)), workers)


def in_parallel(fn: Callable[[Any], Any], items: Sequence[Any], workers: int) -> Iterator[Any]:
    """fn(item) for every item on `workers` threads (each waits on its own subprocess); results as they finish."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for fut in as_completed([pool.submit(fn, item) for item in items]):
            yield fut.result()
