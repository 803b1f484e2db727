"""A render farm on Ray: the batch's per-product jobs as Ray tasks.

Each product is one task (``num_cpus`` per render, ``num_gpus`` when a model engine runs, retried
when the worker running it dies). The job travels with its photos as bytes and the result comes
back with every output file as bytes, so the nodes need PromoDesk installed but no shared
folder. Results are written by ``run_batch`` as they arrive, through the same manifest, so a run
on Ray resumes like a local one. Ray is the optional ``farm`` extra, imported only here, only
when ``--ray`` is used.
"""

from __future__ import annotations

import os
from typing import Iterator

from promodesk.render.batch import Runner, StopFlag
from promodesk.render.product import ProductJob, ProductResult, run_product

INSTALL = ("Ray is not installed. Install the farm extra on this machine and on every machine "
           "of the cluster:  pip install 'promodesk[farm]'  (or: pip install 'ray>=2.40')")


class FarmUnavailable(RuntimeError):
    """Ray is missing or the cluster cannot be reached; the message says what to do."""


def require_ray():
    """The ray module; raises FarmUnavailable saying how to install it when it is missing."""
    try:
        import ray
    except ImportError:
        raise FarmUnavailable(INSTALL) from None
    return ray


def render_product_task(job: ProductJob) -> ProductResult:
    """The Ray task: one product, on whatever node Ray chose (photos arrive as bytes)."""
    return run_product(job)


def connect(address: str | None, local_cpus: int | None = None) -> dict:
    """Join the Ray cluster at ``address`` ("auto", "HOST:6379", "ray://HOST:10001"), or start a
    private one on this machine with ``local_cpus`` CPUs when ``address`` is None. Returns the
    cluster's resources (CPU, GPU, memory). Raises FarmUnavailable when it cannot."""
    ray = require_ray()
    if not ray.is_initialized():
        try:
            if address:
                ray.init(address=address, log_to_driver=False, configure_logging=False)
            else:
                ray.init(num_cpus=local_cpus or os.cpu_count(), include_dashboard=False,
                         log_to_driver=False, configure_logging=False)
        except (ConnectionError, RuntimeError, ValueError) as err:
            raise FarmUnavailable(f"Could not reach the Ray cluster at {address}: {err}. Start "
                                  "it with `ray start --head` on the first machine, then give "
                                  "its address (HOST:6379) to --ray.") from None
    return dict(ray.cluster_resources())


def ray_runner(address: str | None = None, *, num_cpus: float = 2, num_gpus: float = 0,
               max_retries: int = 3, local_cpus: int | None = None,
               in_flight_per_cpu: float = 1.0) -> Runner:
    """A batch runner that sends each job to the Ray cluster at ``address`` (None: a private
    local one with ``local_cpus``) as a task with ``num_cpus``/``num_gpus``, retried up to
    ``max_retries`` times when its worker or node dies. At most about ``in_flight_per_cpu`` x
    the cluster's CPUs / ``num_cpus`` tasks are queued at a time, so a large catalogue's photos
    are not all in the object store at once. Ctrl-C cancels the queued and running tasks."""

    def run(jobs: list[ProductJob], stop: StopFlag) -> Iterator[ProductResult]:
        ray = require_ray()
        resources = connect(address, local_cpus)
        task = ray.remote(render_product_task).options(
            num_cpus=num_cpus, num_gpus=num_gpus, max_retries=max_retries,
            retry_exceptions=False, name="promodesk-product")
        slots = max(2, int(resources.get("CPU", num_cpus) / num_cpus * in_flight_per_cpu) + 1)
        queue = list(reversed(jobs))
        running: dict = {}
        try:
            while queue or running:
                if stop.cancelled:
                    for ref in running:
                        ray.cancel(ref, force=True)
                    return
                while queue and len(running) < slots:
                    job = queue.pop()
                    running[task.remote(job.with_bytes())] = job
                ready, _ = ray.wait(list(running), num_returns=1, timeout=0.5)
                for ref in ready:
                    job = running.pop(ref)
                    try:
                        yield ray.get(ref)
                    except ray.exceptions.RayError as err:
                        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
                        yield ProductResult(job.key, job.input_hash, "failed",
                                            f"the cluster could not make it after "
                                            f"{max_retries} retries ({type(err).__name__}: "
                                            f"{first}); run again with --retry-failed")
        finally:
            if address is None:
                ray.shutdown()

    return run
