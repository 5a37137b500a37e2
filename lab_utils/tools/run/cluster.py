"""Run notebooks on a Dask cluster: each task executes a notebook's text with papermill on a worker and returns
the executed text; the client writes every file, so workers need no shared filesystem.

Pitfalls handled: every task is impure with its own key (Dask would merge two runs with equal parameters), a
worker that dies mid-run has its task rerun elsewhere, a kernel that fails to start is retried on the worker
(run_source), and before anything is sent every worker must have lab_utils of the client's version and the
kernel to run, or the sweep stops with one line naming the worker.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from ... import __version__
from ...errors import LabError

# Run on each worker as source text (not as a lab_utils function: it must work where lab_utils is missing).
PROBE = """
import importlib, importlib.util
info = {"lab_utils": None, "kernels": None}
if importlib.util.find_spec("lab_utils") is not None:
    info["lab_utils"] = getattr(importlib.import_module("lab_utils"), "__version__", "unknown")
try:
    from jupyter_client.kernelspec import find_kernel_specs
    info["kernels"] = sorted(find_kernel_specs())
except Exception as error:
    info["kernels_error"] = repr(error)
"""


def _unreachable(address: str) -> str | None:
    """Why a tcp:// address certainly has no scheduler (refused, unknown host), or None: worth Dask's retries."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    if not address.startswith("tcp://") or not port.isdigit():
        return None
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=2).close()
    except (ConnectionRefusedError, socket.gaierror) as e:
        return str(e)
    except OSError:  # a timeout, a firewall: Dask may still get through while a scheduler starts
        return None
    return None


def connect(address: str):
    """A Dask client for the scheduler at `address`, or LabError saying how to start one."""
    try:
        from distributed import Client
    except ImportError:
        raise LabError("--scheduler needs Dask: pip install -e '.[cluster]'") from None
    # A refused connection is final: say so at once rather than after Dask's 10 s of retries.
    why = _unreachable(address)
    try:
        if why is None:
            return Client(address, timeout="10s")
    except (OSError, TimeoutError) as e:
        why = str(e)
    raise LabError(f"cannot reach the Dask scheduler at {address} ({why}); start one with `dask scheduler` and "
                   f"workers with `dask worker {address}`")


def preflight(client: Any, kernel: str) -> int:
    """The number of workers; LabError naming the first worker that cannot run the notebooks."""

    def probe(source: str) -> dict:
        # Nested, so cloudpickle sends it by value: a worker without lab_utils can still run it and say so.
        namespace: dict = {}
        exec(source, namespace)
        return namespace["info"]

    try:
        infos = client.run(probe, PROBE)
    except Exception as e:  # a worker that cannot even run the probe
        raise LabError(f"a Dask worker failed the check: {type(e).__name__}: {e}") from None
    if not infos:
        raise LabError("the Dask scheduler has no workers; start some with `dask worker <scheduler address>`")
    for worker, info in sorted(infos.items()):
        if info["lab_utils"] is None:
            raise LabError(f"worker {worker}: lab_utils is not installed there; install this course package "
                           f"(version {__version__}) on every worker")
        if info["lab_utils"] != __version__:
            raise LabError(f"worker {worker}: lab_utils {info['lab_utils']} there, {__version__} here; install "
                           f"the same version on every worker")
        if kernel not in (info["kernels"] or []):
            raise LabError(f"worker {worker}: no '{kernel}' Jupyter kernel there (has: "
                           f"{', '.join(info['kernels'] or []) or 'none'}); run `python -m ipykernel install "
                           f"--user` on it")
    return len(infos)


def run_on_cluster(
    jobs: Sequence[tuple], kernel: str, address: str, fn: Callable[..., Any], failed: Callable[[str], Any],
) -> Iterator[tuple[int, Any]]:
    """(job index, fn(*job)) for each job, run on the cluster's workers, as they finish; failed(why) for a job the
    cluster could not run (see dispatch.run_many)."""
    from distributed import as_completed

    client = connect(address)
    try:
        preflight(client, kernel)
        tag = uuid.uuid4().hex[:8]
        futures = {client.submit(fn, *job, pure=False, key=f"lab-run-{tag}-{i}"): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                yield index, future.result()
            except Exception as e:  # e.g. KilledWorker: the run's workers kept dying
                yield index, failed(f"failed on the cluster: {type(e).__name__}: {str(e)[:200]}")
    finally:
        client.close()
