"""Where forecast chunks run: in this process, or on a Dask distributed cluster.

Both backends receive the same chunks (seeded in the caller with ``SeedSequence.spawn``) and
yield their summaries in chunk order, so they give identical results for the same seed.
"""

from __future__ import annotations

from collections.abc import Iterator

from detente.errors import InputError
from detente.forecast.aggregate import TableAggregate
from detente.forecast.run import Backend, Chunk, ForecastConfig, run_chunk, run_local
from detente.scenario import Scenario

BACKENDS = ("local", "dask")
CHUNK_RETRIES = 3
CONNECT_TIMEOUT = "5s"


def dask_backend(scheduler: str | None = None, workers: int = 2) -> Backend:
    """A backend running chunks on a Dask cluster: the scheduler at ``scheduler``, or a fresh
    ``LocalCluster`` of ``workers`` single-threaded processes. Lost workers' chunks are retried
    by Dask; only per-chunk summaries travel back."""

    def run(
        scenario: Scenario, config: ForecastConfig, work: list[Chunk]
    ) -> Iterator[dict[str, TableAggregate]]:
        from dask.distributed import Client, LocalCluster

        cluster = None
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
        try:
            with Client(cluster or scheduler, timeout=CONNECT_TIMEOUT) as client:
                shared = client.scatter(scenario, broadcast=True)
                futures = [
                    client.submit(
                        run_chunk, shared, config, chunk, retries=CHUNK_RETRIES, pure=False
                    )
                    for chunk in work
                ]
                for future in futures:
                    yield future.result()
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler: {exc}", field="scheduler") from None
        finally:
            if cluster is not None:
                cluster.close()

    return run


def backend_for(name: str, scheduler: str | None = None) -> Backend:
    """The backend of this name (``local`` or ``dask``)."""
    if name == "local":
        if scheduler is not None:
            raise InputError("a scheduler needs the dask backend", field="scheduler")
        return run_local
    if name == "dask":
        return dask_backend(scheduler)
    raise InputError(
        f"unknown backend {name!r}, expected one of {', '.join(BACKENDS)}", field="backend"
    )
