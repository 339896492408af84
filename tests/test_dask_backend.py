"""The Dask backend on a real LocalCluster gives the same bytes as the local backend."""

from __future__ import annotations

import pytest

from detente.errors import InputError
from detente.forecast import ForecastConfig, backend_for, run_forecast, to_json
from detente.scenario import load_scenario

pytest.importorskip("dask.distributed")


def test_dask_and_local_backends_give_identical_json():
    scenario = load_scenario("ukraine-2025")
    config = ForecastConfig(draws=6_000, seed=21, chunk_size=1_500)
    local = to_json(run_forecast(scenario, config))
    seen: list[int] = []
    dask = to_json(run_forecast(scenario, config, backend_for("dask"), on_chunk=seen.append))
    assert dask == local
    assert seen == [1_500] * 4


def test_unknown_backend_and_stray_scheduler_are_invalid_input():
    with pytest.raises(InputError):
        backend_for("spark")
    with pytest.raises(InputError):
        backend_for("local", "tcp://127.0.0.1:1")


def test_unreachable_scheduler_is_a_clear_error_not_a_hang():
    scenario = load_scenario("ukraine-2025")
    config = ForecastConfig(draws=100, seed=0)
    with pytest.raises(InputError) as err:
        run_forecast(scenario, config, backend_for("dask", "tcp://127.0.0.1:9"))
    assert err.value.field == "--scheduler"
