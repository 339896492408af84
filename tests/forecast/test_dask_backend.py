"""The Dask backend on a real LocalCluster gives the same bytes as the local backend."""

from __future__ import annotations

import pytest

from detente.errors import InputError
from detente.forecast import ForecastConfig, backend_for, run_forecast, to_json
from detente.scenario import load_scenario

pytest.importorskip("dask.distributed")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["compromise", "bdm"])
def test_dask_and_local_backends_give_identical_json(engine):
    """bdm runs its compiled, multi-threaded kernel inside the workers."""
    scenario = load_scenario("ukraine-2025")
    config = ForecastConfig(draws=3_000, seed=21, chunk_size=750, engine=engine)
    local = to_json(run_forecast(scenario, config))
    seen: list[int] = []
    dask = to_json(run_forecast(scenario, config, backend_for("dask"), on_chunk=seen.append))
    assert dask == local
    assert seen == [750] * 4


def test_unknown_backend_and_stray_scheduler_are_invalid_input():
    with pytest.raises(InputError):
        backend_for("spark")
    with pytest.raises(InputError):
        backend_for("local", "tcp://127.0.0.1:1")


@pytest.mark.slow
def test_unreachable_scheduler_is_a_clear_error_not_a_hang():
    scenario = load_scenario("ukraine-2025")
    config = ForecastConfig(draws=100, seed=0)
    with pytest.raises(InputError) as err:
        run_forecast(scenario, config, backend_for("dask", "tcp://127.0.0.1:9"))
    assert err.value.field == "scheduler"


@pytest.mark.slow
def test_a_worker_killed_mid_run_changes_nothing():
    import os
    import signal

    from dask.distributed import Client, LocalCluster

    scenario = load_scenario("ukraine-2025")
    config = ForecastConfig(draws=12_000, seed=5, chunk_size=2_000)
    local = to_json(run_forecast(scenario, config))
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with Client(cluster) as client:
            pids = list(client.run(os.getpid).values())
        killed: list[int] = []

        def kill_once(_size: int) -> None:
            if not killed:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        backend = backend_for("dask", cluster.scheduler_address)
        result = to_json(run_forecast(scenario, config, backend, on_chunk=kill_once))
    assert killed and result == local


def test_sweep_writes_parquet_with_metadata(tmp_path, capsys):
    import pyarrow.parquet as pq

    from detente.cli import main

    out = tmp_path / "s.parquet"
    main(
        [
            "sweep",
            "--vary",
            "tables[us_mediated].mediator.leverage=0:1:3",
            "--vary",
            "positions[russia,territory].ideal=60:100:2",
            "-n",
            "500",
            "--out",
            str(out),
        ]
    )
    table = pq.read_table(out)
    assert table.num_rows == 3 * 2 * len(load_scenario("ukraine-2025").tables)
    assert table.schema.metadata[b"detente.seed"] == b"0"
    frame = table.to_pandas()
    assert set(frame["tables[us_mediated].mediator.leverage"]) == {0.0, 0.5, 1.0}


@pytest.mark.parametrize(
    "spec",
    ["tables[us_mediated].mediator.charm=0:1:3", "actors[atlantis].capability=1:2:2", "x=1"],
)
def test_bad_vary_is_invalid_input(spec, tmp_path):
    from detente.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["sweep", "--vary", spec, "--out", str(tmp_path / "s.parquet")])
    assert exit_info.value.code == 2
