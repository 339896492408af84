"""Monte Carlo forecasts of negotiation tables: sample uncertain inputs, run an engine per
table, classify outcomes, attach durability, aggregate in bounded memory."""

from detente.forecast.backends import BACKENDS, backend_for, dask_backend
from detente.forecast.compare import differences
from detente.forecast.result import to_data, to_json
from detente.forecast.run import ForecastConfig, ForecastRun, run_forecast, run_local
from detente.forecast.sensitivity import table_drivers

__all__ = [
    "BACKENDS",
    "ForecastConfig",
    "ForecastRun",
    "backend_for",
    "dask_backend",
    "differences",
    "run_forecast",
    "run_local",
    "table_drivers",
    "to_data",
    "to_json",
]
