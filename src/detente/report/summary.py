"""The bottom line, generated from a forecast's JSON: a few sentences and two rankings.

Every number in the sentences is a :class:`Fact` that names the JSON path it comes from, so a
test can check each against the forecast (words and numbers from one source)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from detente.report.words import FEW_DRAWS, Labels


@dataclass(frozen=True)
class Fact:
    """A number shown in the summary: its JSON path, its value and how it is written."""

    path: tuple[str, ...]
    value: float
    kind: str = "pct"  # "pct" (a probability), "points" (a difference of two), "count"
    derived: str = ""  # "" (the value itself), "max-min" (of a {min, max}), "len", "mc-noise"

    def text(self) -> str:
        if self.kind == "pct":
            return pct(self.value)
        if self.kind == "points":
            n = round(100 * self.value)
            return f"{n:d} point{'' if n == 1 else 's'}"
        if self.kind == "plusminus":
            n = round(self.value)
            return f"±{n:d} point{'' if n == 1 else 's'}"
        return f"{round(self.value):,d}"


def pct(v: float | None) -> str:
    """A probability as a whole percentage ("<1%" when positive but below half a point)."""
    if v is None:
        return "–"
    if 0 < v < 0.005:
        return "<1%"
    return f"{round(100 * v):d}%"


def lookup(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    """The JSON value at a path of keys."""
    value: Any = data
    for key in path:
        value = value[key]
    return value


def wilson(p: float, n: float) -> tuple[float, float]:
    """Wilson's 95% interval for a share p of n draws (Wilson 1927), via the forecast's own
    :func:`~detente.forecast.aggregate.wilson_interval`; for a mean of per-draw probabilities,
    whose variance is at most p(1−p)/n, it bounds the Monte Carlo noise. ``n`` may be an
    expected count (draws with a ceasefire)."""
    from detente.forecast import wilson_interval

    if n <= 0:
        return (0.0, 1.0)
    return wilson_interval(p * n, n)  # type: ignore[arg-type]


def ranking(data: dict[str, Any], question: str, labels: Labels) -> list[dict[str, Any]]:
    """Tables ranked by P(question by the date), highest first, each with its Monte Carlo 95%
    interval and its range across engines (each interval labelled by what it measures)."""
    rows = []
    for t, table in data["tables"].items():
        p = table["by"][question]
        low, high = wilson(p, table.get("draws", data["meta"]["draws"]))
        spread = table.get("engine_spread", {}).get(question, {})
        rows.append(
            {
                "table": t,
                "label": labels.table(t),
                "p": p,
                "mc_low": low,
                "mc_high": high,
                "engine_low": spread.get("min"),
                "engine_high": spread.get("max"),
                "engines": len(table.get("engines", {})),
            }
        )
    rows.sort(key=lambda r: (-r["p"], r["table"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def _mediated(data: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Tables without a mediator (backchannels aside) and tables with one."""
    plain, mediated = [], []
    for t, table in data["tables"].items():
        if table.get("mediator"):
            mediated.append(t)
        elif table.get("protocol") != "backchannel":
            plain.append(t)
    return plain, mediated


class _Writer:
    """Sentences with numbered facts: ``say("… {} …", fact)``."""

    def __init__(self) -> None:
        self.sentences: list[dict[str, Any]] = []

    def say(self, topic: str, template: str, *facts: Fact) -> None:
        text = template.format(*(f.text() for f in facts))
        self.sentences.append({"topic": topic, "text": text, "facts": list(facts)})


def bottom_line(data: dict[str, Any], labels: Labels | None = None) -> dict[str, Any]:
    """The summary of a forecast: sentences (each with the facts behind its numbers) and the
    rankings by P(ceasefire by the date) and P(ongoing)."""
    labels = labels or Labels.from_data(data)
    meta, tables = data["meta"], data["tables"]
    if not has_dated(data):
        return _undated(data, labels)
    by = meta.get("by", "the date")
    out = _Writer()
    cease = ranking(data, "ceasefire", labels)
    ongoing = ranking(data, "ongoing", labels)
    best = cease[0]["table"]
    base = meta.get("base_rate", {}).get("by", {})

    plain, mediated = _mediated(data)
    if plain and mediated:
        alone = plain[0]
        ranked = sorted(mediated, key=lambda t: -tables[t]["by"]["ceasefire"])
        top, low = ranked[0], ranked[-1]
        fact = Fact(("tables", alone, "by", "ceasefire"), tables[alone]["by"]["ceasefire"])
        hi = Fact(("tables", top, "by", "ceasefire"), tables[top]["by"]["ceasefire"])
        if low != top:
            lo = Fact(("tables", low, "by", "ceasefire"), tables[low]["by"]["ceasefire"])
            out.say(
                "mediator",
                f"Without a mediator ({labels.table(alone)}), P(ceasefire by {by}) is {{}}; "
                f"with one it ranges from {{}} ({labels.table(low)}) to {{}} "
                f"({labels.table(top)}).",
                fact,
                lo,
                hi,
            )
        else:
            out.say(
                "mediator",
                f"Without a mediator ({labels.table(alone)}), P(ceasefire by {by}) is {{}}; "
                f"with one ({labels.table(top)}) it is {{}}.",
                fact,
                hi,
            )
        war_alone = Fact(("tables", alone, "by", "ongoing"), tables[alone]["by"]["ongoing"])
        war_top = Fact(("tables", top, "by", "ongoing"), tables[top]["by"]["ongoing"])
        out.say(
            "mediator",
            f"The chance that the war simply goes on (no ceasefire, no agreement, talks not "
            f"abandoned) is {{}} without a mediator and {{}} at {labels.table(top)}.",
            war_alone,
            war_top,
        )

    def say_beside_base_rate(event: str, table: str, sentence: str, base_clause: str) -> None:
        """``sentence`` on ``table``'s P(event by the date), with ``base_clause`` (the base rate)
        before its full stop where the forecast carries a base rate."""
        fact = Fact(("tables", table, "by", event), tables[table]["by"][event])
        if event not in base:
            out.say("best", f"{sentence}.", fact)
            return
        base_fact = Fact(("meta", "base_rate", "by", event), base[event])
        out.say("best", f"{sentence}{base_clause}.", fact, base_fact)

    say_beside_base_rate(
        "ceasefire",
        best,
        f"The format most likely to bring a ceasefire by {by} is {labels.table(best)} ({{}})",
        ", against a base rate of {} for wars of this kind and age",
    )
    deal = max(tables, key=lambda t: (tables[t]["by"]["agreement"], t))
    say_beside_base_rate(
        "agreement",
        deal,
        f"A signed comprehensive agreement by {by} is at most {{}} (at {labels.table(deal)})",
        "; the base rate is {}",
    )
    holds = tables[best].get("if_ceasefire", {})
    if holds.get("holds"):
        n = holds.get("expected_draws_with_ceasefire", 0.0)
        out.say(
            "durability",
            f"If a ceasefire takes effect at {labels.table(best)}, it holds two years with "
            f"probability {{}} (from about {{}} simulated ceasefires).",
            Fact(("tables", best, "if_ceasefire", "holds", "2y"), holds["holds"]["2y"]),
            Fact(("tables", best, "if_ceasefire", "expected_draws_with_ceasefire"), n, "count"),
        )

    widest = max(
        tables,
        key=lambda t: (_spread(tables[t], "ceasefire"), t),
    )
    spread = _spread(tables[widest], "ceasefire")
    engines = len(tables[widest].get("engines", {}))
    draws = Fact(("meta", "draws"), meta["draws"], "count")
    engine_count = Fact(("tables", widest, "engines"), engines, "count", "len")
    noise = Fact(("tables",), noise_points(data), "plusminus", "mc-noise")
    if engines and round(100 * spread) == 0:
        out.say(
            "certainty",
            "How sure: the {} engines agree on P(ceasefire) to within a point at every "
            "format; with {} Monte Carlo draws the simulation noise is at most {}. Neither "
            "interval covers doubt about the judgments themselves: see what moves the results, "
            "and the backtest.",
            engine_count,
            draws,
            noise,
        )
    elif engines:
        out.say(
            "certainty",
            f"How sure: across {{}} engines P(ceasefire) differs by at most {{}} "
            f"({labels.table(widest)}); with {{}} Monte Carlo draws the simulation noise is at "
            f"most {{}}. Neither interval covers doubt about the judgments themselves: see what "
            f"moves the results, and the backtest.",
            engine_count,
            Fact(("tables", widest, "engine_spread", "ceasefire"), spread, "points", "max-min"),
            draws,
            noise,
        )
    else:
        out.say(
            "certainty",
            "How sure: with {} Monte Carlo draws the simulation noise is at most {}; doubt "
            "about the judgments is not in that interval.",
            draws,
            noise,
        )
    return {"by": by, "sentences": out.sentences, "ceasefire": cease, "ongoing": ongoing}


def has_dated(data: dict[str, Any]) -> bool:
    """Whether the forecast has dated questions (a scenario with a war and an as_of date)."""
    return bool(data["tables"]) and all("by" in t for t in data["tables"].values())


def _undated(data: dict[str, Any], labels: Labels) -> dict[str, Any]:
    """The bottom line of a forecast without dated questions: the likeliest settlement."""
    out = _Writer()
    tables = data["tables"]
    out.say(
        "undated",
        "This scenario has no dated questions (they need an as_of date and a war between two "
        "belligerents), so only the one-shot outcome classes are shown.",
    )
    if tables:
        best = max(
            tables, key=lambda t: (tables[t]["outcome_classes"]["comprehensive_settlement"]["p"], t)
        )
        p = tables[best]["outcome_classes"]["comprehensive_settlement"]["p"]
        out.say(
            "best",
            f"The format most likely to reach a settlement is {labels.table(best)} ({{}}).",
            Fact(("tables", best, "outcome_classes", "comprehensive_settlement", "p"), p),
        )
    draws = Fact(("meta", "draws"), data["meta"]["draws"], "count")
    out.say(
        "certainty",
        "How sure: {} Monte Carlo draws; doubt about the judgments is not in that.",
        draws,
    )
    return {"by": None, "sentences": out.sentences, "ceasefire": [], "ongoing": []}


def _spread(table: dict[str, Any], question: str) -> float:
    s = table.get("engine_spread", {}).get(question)
    return 0.0 if not s else round(s["max"] - s["min"], 6)


def noise_points(data: dict[str, Any]) -> int:
    """The widest Monte Carlo half-interval over every table and question, in whole points
    (at least 1, so it is never shown as ±0)."""
    widest = 0.0
    for table in data["tables"].values():
        n = table.get("draws", data["meta"]["draws"])
        for p in table.get("by", {}).values():
            low, high = wilson(p, n)
            widest = max(widest, (high - low) / 2)
    return max(1, math.ceil(100 * widest))


def few_draws(count: float | None) -> bool:
    """Whether a statistic rests on fewer simulated draws than :data:`FEW_DRAWS`."""
    return count is None or count < FEW_DRAWS
