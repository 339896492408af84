"""Reading and writing scenarios: YAML, JSON (exact round trip) and KTAB CSV.

Every failure is an :class:`~detente.errors.InputError` naming the file, the line (YAML, JSON
and CSV have lines), the field and what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from detente.errors import InputError
from detente.parse import compose_yaml, parse_json, parse_yaml
from detente.scenario.model import Scenario

MAX_FILE_BYTES = 10 * 1024 * 1024
BUNDLED_PACKAGE = "detente.data.scenarios"
DEFAULT_SCENARIO = "ukraine-2025"
FORMATS = ("yaml", "json", "ktab-csv")


def _nul_every_other(raw: bytes) -> bool:
    """NUL in (nearly) every other byte: UTF-16 text without a byte-order mark."""
    head = raw[:512]
    even, odd = head[0::2], head[1::2]
    return len(head) >= 8 and max(even.count(0) / len(even), odd.count(0) / len(odd)) >= 0.9


def read_text(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A file's text, refusing missing, oversized, binary, non-UTF-8 and empty files."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=path)
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"file is {size / 2**20:.1f} MB, larger than the {max_bytes / 2**20:g} MB limit",
            file=path,
        )
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (b"\x00" in raw and _nul_every_other(raw)):
        raise InputError("UTF-16 text, expected UTF-8 (save the file as UTF-8)", file=path)
    if b"\x00" in raw:
        raise InputError("binary file, expected UTF-8 text", file=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError("invalid UTF-8, expected UTF-8 text", file=path, line=line) from None
    if not text.strip():
        raise InputError("empty file, expected a scenario", file=path)
    return text


def format_of(path: str | Path) -> str:
    """The scenario format a file name implies."""
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".json":
        return "json"
    if suffix == ".csv":
        return "ktab-csv"
    raise InputError(
        f"unknown file type {suffix or '(none)'!r}, expected .yaml, .yml, .json or .csv",
        file=path,
    )


def bundled_scenarios() -> list[str]:
    """Names of the scenarios shipped with detente."""
    folder = resources.files(BUNDLED_PACKAGE)
    return sorted(p.name.rsplit(".", 1)[0] for p in folder.iterdir() if p.name.endswith(".yaml"))


def bundled_path(name: str = DEFAULT_SCENARIO) -> Path:
    """The path of a bundled scenario file."""
    if name not in bundled_scenarios():
        known = ", ".join(bundled_scenarios())
        raise InputError(f"no bundled scenario {name!r} (bundled: {known})", field="scenario")
    return Path(str(resources.files(BUNDLED_PACKAGE).joinpath(f"{name}.yaml")))


def resolve_scenario_path(spec: str | Path | None) -> Path:
    """A scenario argument as a path: a file, a bundled scenario's name, or the default case."""
    if spec is None:
        return bundled_path()
    path = Path(spec)
    if path.exists() or path.suffix:
        return path
    return bundled_path(str(spec))


def load_scenario(spec: str | Path | None = None) -> Scenario:
    """Load and validate a scenario from a YAML, JSON or KTAB CSV file or a bundled name."""
    path = resolve_scenario_path(spec)
    fmt = format_of(path)
    text = read_text(path)
    return loads(text, fmt, file=path)


def loads(text: str, fmt: str = "yaml", *, file: str | Path | None = None) -> Scenario:
    """A validated scenario from text in one of :data:`FORMATS` (``yaml``, ``json``,
    ``ktab-csv``); errors name ``file`` (when given), the line and the field."""
    if fmt == "ktab-csv":
        from detente.scenario.ktab import load_ktab

        return load_ktab(text, file=file)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}, expected one of {', '.join(FORMATS)}")
    data = parse_json(text, file) if fmt == "json" else parse_yaml(text, file)
    return validate_data(data, text=text, file=file)


def validate_data(
    data: Any, *, text: str | None = None, file: str | Path | None = None
) -> Scenario:
    """Validate parsed data into a Scenario; errors point to the line of ``text`` they concern."""
    if not isinstance(data, dict):
        raise InputError(
            "expected a mapping of scenario fields at the top level", file=file, line=1
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        loc, message = _first_error(exc)
        raise InputError(
            message, file=file, line=_line_of(text, loc), field=_path_string(loc) or None
        ) from None
    except InputError as exc:
        loc = _path_tuple(exc.field or "")
        raise exc.located(file=file, line=_line_of(text, loc)) from None


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data (what YAML and JSON hold), leaving out defaults."""
    return scenario.model_dump(mode="json", exclude_defaults=True)


def dump_yaml(scenario: Scenario) -> str:
    """A scenario as YAML text that loads back to an equal scenario."""
    return yaml.safe_dump(
        scenario_to_data(scenario), sort_keys=False, allow_unicode=True, width=100
    )


def dump_json(scenario: Scenario) -> str:
    """A scenario as JSON text that loads back to an equal scenario."""
    return json.dumps(scenario_to_data(scenario), indent=2, ensure_ascii=False) + "\n"


def export_scenario(scenario: Scenario, fmt: str) -> str:
    """A scenario as text in one of :data:`FORMATS`."""
    if fmt == "yaml":
        return dump_yaml(scenario)
    if fmt == "json":
        return dump_json(scenario)
    if fmt == "ktab-csv":
        from detente.scenario.ktab import scenario_to_ktab_csv

        return scenario_to_ktab_csv(scenario)
    raise InputError(f"unknown format {fmt!r}, expected one of {', '.join(FORMATS)}", field="to")


def _first_error(exc: ValidationError) -> tuple[tuple, str]:
    """The most telling error: for a number-or-range field, the branch the input aimed at."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    if _is_branch(first["loc"][-1]):
        for err in errors:
            if _is_branch(err["loc"][-1]) and _branch_matches(err):
                first = err
                break
    loc = tuple(part for part in first["loc"] if not _is_branch(part))
    return loc, str(first["msg"]).removeprefix("Value error, ")


def _is_branch(part: object) -> bool:
    """Whether a location part names a union branch (number or range) rather than a field."""
    return isinstance(part, str) and (part == "float" or "Uncertain" in part)


def _branch_matches(err: Mapping[str, Any]) -> bool:
    return ("Uncertain" in err["loc"][-1]) == isinstance(err.get("input"), dict)


def _path_string(loc: Sequence) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _path_tuple(path: str) -> tuple:
    parts: list = []
    for chunk in path.replace("]", "").split("."):
        name, *indices = chunk.split("[")
        if name and name != "scenario":
            parts.append(name)
        parts += [int(i) for i in indices]
    return tuple(parts)


def _line_of(text: str | None, loc: Sequence) -> int | None:
    """The 1-based line of the YAML/JSON node at ``loc`` (or of its deepest existing parent)."""
    if text is None:
        return None
    try:
        node = compose_yaml(text)
    except (yaml.YAMLError, InputError):
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part:
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None
