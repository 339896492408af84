"""Historical negotiation episodes for the backtest: a scenario coded as of a date inside the
episode, and a separate resolution file saying what happened afterwards.

The scenario coding never reads a resolution; only the backtest joins the two. Resolution
criteria (what counts as a ceasefire, an agreement, an abandoned format) are in
docs/forecast-questions.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from pydantic import Field, ValidationError, model_validator

from detente.errors import InputError
from detente.scenario import Frozen, Scenario, Source, load_scenario

CASES_PACKAGE = "detente.data.cases"
RESOLUTIONS = "resolutions"


class Resolution(Frozen):
    """What happened to one table of a case after its ``as_of``: the first date on which each
    event occurred, or None if it had not occurred by ``observed_until``."""

    case: str = Field(min_length=1)
    table: str = Field(min_length=1)
    as_of: dt.date
    observed_until: dt.date
    ceasefire: dt.date | None = None
    agreement: dt.date | None = None
    abandoned: dt.date | None = None
    sources: tuple[Source, ...] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Resolution:
        for name in ("ceasefire", "agreement", "abandoned", "observed_until"):
            value = getattr(self, name)
            if value is not None and value < self.as_of:
                raise ValueError(f"{name} {value} is before the case's as_of {self.as_of}")
            if value is not None and name != "observed_until" and value > self.observed_until:
                raise ValueError(f"{name} {value} is after observed_until {self.observed_until}")
        return self


@dataclass(frozen=True)
class Case:
    """A backtest case: the scenario as of a date and what happened afterwards."""

    scenario: Scenario
    resolution: Resolution
    path: Path

    @property
    def id(self) -> str:
        return self.scenario.id

    @property
    def hindsight(self) -> bool:
        """Coded (partly) from sources published after ``as_of``."""
        return self.scenario.coded_with_hindsight


def bundled_cases_dir() -> Path:
    """The folder of the case library shipped with detente."""
    return Path(str(resources.files(CASES_PACKAGE)))


def load_resolution(path: Path) -> Resolution:
    """A resolution file, validated; errors name the file and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(f"unreadable resolution: {exc}", file=path) from None
    if not isinstance(data, dict):
        raise InputError("expected a mapping of resolution fields", file=path, line=1)
    try:
        return Resolution.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        message = str(err["msg"]).removeprefix("Value error, ")
        raise InputError(message, file=path, field=field) from None


def load_case(scenario_path: Path) -> Case:
    """A case from its scenario file and the resolution file of the same name."""
    scenario = load_scenario(scenario_path)
    res_path = scenario_path.parent / RESOLUTIONS / scenario_path.name
    if not res_path.is_file():
        raise InputError(f"case {scenario.id!r} has no resolution file {res_path}", file=res_path)
    resolution = load_resolution(res_path)
    if resolution.case != scenario.id:
        raise InputError(
            f"resolution is for case {resolution.case!r}, not {scenario.id!r}",
            file=res_path,
            field="case",
        )
    if scenario.as_of is None:
        raise InputError("a backtest case needs an as_of date", file=scenario_path, field="as_of")
    if resolution.as_of != scenario.as_of:
        raise InputError(
            f"resolution as_of {resolution.as_of} differs from the case's {scenario.as_of}",
            file=res_path,
            field="as_of",
        )
    if resolution.table not in {t.id for t in scenario.tables}:
        raise InputError(f"unknown table {resolution.table!r}", file=res_path, field="table")
    return Case(scenario, resolution, scenario_path)


def load_cases(folder: Path | None = None) -> list[Case]:
    """Every case in a folder (default: the bundled library), sorted by id."""
    folder = bundled_cases_dir() if folder is None else Path(folder)
    if not folder.is_dir():
        raise InputError("no such folder of cases", file=folder)
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    if not files:
        raise InputError("no case files (*.yaml) in the folder", file=folder)
    return [load_case(p) for p in files]
