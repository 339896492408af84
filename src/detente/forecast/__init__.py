"""Monte Carlo forecasts of negotiation tables: sample uncertain inputs, run an engine per
table, classify outcomes, attach durability, aggregate in bounded memory."""

from detente.forecast.aggregate import wilson_interval
from detente.forecast.backends import BACKENDS, backend_for, dask_backend
from detente.forecast.calendar import month_of, months_between
from detente.forecast.compare import differences
from detente.forecast.monthly import TEXT_EVERY, Signals, table_signals
from detente.forecast.questions import (
    COEFFICIENTS,
    QUESTIONS,
    HazardModel,
    cumulative,
    hazards,
    hazards_from,
    meeting_factor,
    observed_states,
    path_probability,
    question_curves,
    transition_codes,
)
from detente.forecast.result import to_data, to_json
from detente.forecast.run import (
    ForecastConfig,
    ForecastRun,
    chunk_inputs,
    chunks,
    dated_problem,
    input_hash,
    run_forecast,
    run_local,
)
from detente.forecast.sensitivity import table_drivers
from detente.forecast.series import Snapshot, series_snapshots, snapshot_as_of, snapshots_until
from detente.forecast.sweep import MAX_POINTS, grid, parse_vary, rows_for_point, run_sweep, variant
from detente.forecast.tables import PROTOCOL, plan_table
from detente.forecast.timeline import TimelineConfig, run_timeline, timeline_json
from detente.forecast.typical import (
    engine_path,
    negotiate_typical,
    negotiation_data,
    negotiation_path,
)

__all__ = [
    "BACKENDS",
    "COEFFICIENTS",
    "MAX_POINTS",
    "PROTOCOL",
    "QUESTIONS",
    "TEXT_EVERY",
    "ForecastConfig",
    "ForecastRun",
    "HazardModel",
    "Signals",
    "Snapshot",
    "TimelineConfig",
    "backend_for",
    "chunk_inputs",
    "chunks",
    "cumulative",
    "dask_backend",
    "dated_problem",
    "differences",
    "engine_path",
    "grid",
    "hazards",
    "hazards_from",
    "input_hash",
    "meeting_factor",
    "month_of",
    "months_between",
    "negotiate_typical",
    "negotiation_data",
    "negotiation_path",
    "observed_states",
    "parse_vary",
    "path_probability",
    "plan_table",
    "question_curves",
    "rows_for_point",
    "run_forecast",
    "run_local",
    "run_sweep",
    "run_timeline",
    "series_snapshots",
    "snapshot_as_of",
    "snapshots_until",
    "table_drivers",
    "table_signals",
    "timeline_json",
    "to_data",
    "to_json",
    "transition_codes",
    "variant",
    "wilson_interval",
]
