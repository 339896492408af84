"""Charts as Vega-Lite (Altair), rendered to inline SVG with vl-convert: no network needed."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

CLASS_LABELS = {
    "comprehensive_settlement": "settlement",
    "ceasefire_frozen_conflict": "frozen ceasefire",
    "partial_agreement": "partial deal, war goes on",
    "collapse_war": "war",
}
CLASS_COLOURS = ["#2a9d8f", "#e9c46a", "#9c89b8", "#e76f51"]


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG string."""
    return vlc.vegalite_to_svg(chart.to_json())


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes."""
    return vlc.vegalite_to_png(chart.to_json(), scale=scale)


def positions_chart(scenario) -> alt.Chart:
    """Each actor's ideal point (mode and range) on every issue; each issue's label says whose
    end of the 0–100 scale is which."""
    from detente.report.words import Labels, scale_ends

    labels = Labels(scenario)
    ends = scale_ends(scenario)

    def issue_label(issue: str) -> str:
        e = ends.get(issue)
        name = labels.issue(issue)
        return f"{name} (0 {e['0']} · 100 {e['100']})" if e else name

    rows = [
        {
            "issue": issue_label(p.issue),
            "actor": labels.actor(p.actor),
            "ideal": getattr(p.ideal, "mode", p.ideal),
            "low": getattr(p.ideal, "low", p.ideal),
            "high": getattr(p.ideal, "high", p.ideal),
        }
        for p in scenario.positions
    ]
    frame = pd.DataFrame(rows)
    order = [issue_label(i.id) for i in scenario.issues]
    base = alt.Chart(frame).encode(
        y=alt.Y("issue:N", title=None, sort=order, axis=alt.Axis(labelLimit=360)),
        color=alt.Color("actor:N", title="actor"),
    )
    ranges = base.mark_rule(opacity=0.5).encode(
        x=alt.X(
            "low:Q",
            scale=alt.Scale(domain=[0, 100]),
            title="position (0–100; whose end is which in brackets, anchors in the table)",
        ),
        x2="high:Q",
    )
    points = base.mark_point(filled=True, size=60).encode(x="ideal:Q", tooltip=["actor", "ideal"])
    return (ranges + points).properties(
        width=420, height=260, title="Ideal points (mode and range)"
    )


def classes_chart(data: dict[str, Any]) -> alt.Chart:
    """Outcome-class probabilities per table, stacked."""
    rows = [
        {"table": t, "outcome": CLASS_LABELS[c], "rank": list(CLASS_LABELS).index(c), "p": v["p"]}
        for t, table in data["tables"].items()
        for c, v in table["outcome_classes"].items()
    ]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar()
        .encode(
            y=alt.Y("table:N", title=None, sort=list(data["tables"])),
            x=alt.X("p:Q", stack="normalize", title="share of draws", axis=alt.Axis(format="%")),
            color=alt.Color(
                "outcome:N",
                scale=alt.Scale(domain=list(CLASS_LABELS.values()), range=CLASS_COLOURS),
            ),
            order=alt.Order("rank:Q"),
        )
        .properties(width=560, height=160, title="What each format produces")
    )


def settlement_chart(data: dict[str, Any]) -> alt.Chart:
    """Per-issue settlement median and 10–90% interval per table (a line saying so when no draw
    settles at any table)."""
    rows = [
        {"table": t, "issue": i, **s}
        for t, table in data["tables"].items()
        for i, s in table["settlement"].items()
        if s["median"] is not None
    ]
    if not rows:
        note = "No draw at any format reaches a comprehensive settlement: no terms to show."
        return (
            alt.Chart(pd.DataFrame([{"note": note}]))
            .mark_text(align="left", x=0, fontSize=13)
            .encode(text="note:N")
            .properties(width=480, height=24)
        )
    base = alt.Chart(pd.DataFrame(rows)).encode(
        y=alt.Y("table:N", title=None), color=alt.Color("table:N", legend=None)
    )
    chart = base.mark_rule().encode(
        x=alt.X("p10:Q", scale=alt.Scale(domain=[0, 100]), title="settlement (0–100)"), x2="p90:Q"
    ) + base.mark_point(filled=True).encode(x="median:Q")
    return chart.properties(width=240, height=90).facet(facet="issue:N", columns=2)


def survival_chart(data: dict[str, Any]) -> alt.Chart:
    """Probability that peace holds (settlement or ceasefire survives) over ten years."""
    rows = [
        {"table": t, "years": y, "peace holds": v}
        for t, table in data["tables"].items()
        for y, v in zip(
            table["survival_curve"]["years"], table["survival_curve"]["peace_holds"], strict=True
        )
    ]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_line()
        .encode(
            x=alt.X("years:Q"),
            y=alt.Y("peace holds:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color="table:N",
        )
        .properties(width=560, height=220, title="Peace holds: agreement reached and not broken")
    )


def intervals_chart(data: dict[str, Any]) -> alt.Chart:
    """Each outcome class's probability per table with its 95% (Wilson) interval."""
    rows = [
        {"table": t, "outcome": CLASS_LABELS[c], "p": v["p"], "low": v["low"], "high": v["high"]}
        for t, table in data["tables"].items()
        for c, v in table["outcome_classes"].items()
    ]
    color = alt.Color(
        "outcome:N",
        scale=alt.Scale(domain=list(CLASS_LABELS.values()), range=CLASS_COLOURS),
        legend=None,
    )
    base = alt.Chart(pd.DataFrame(rows)).encode(
        y=alt.Y("table:N", title=None, sort=list(data["tables"])), color=color
    )
    axis = alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1])
    x = alt.X("low:Q", scale=alt.Scale(domain=[0, 1]), axis=axis, title=None)
    chart = base.mark_rule(strokeWidth=2).encode(x=x, x2="high:Q") + base.mark_point(
        filled=True, size=50
    ).encode(x="p:Q", tooltip=["table", "outcome", "p", "low", "high"])
    return chart.properties(width=180, height=140).facet(
        column=alt.Column("outcome:N", title=None, sort=list(CLASS_LABELS.values()))
    )


SENSITIVITY_RESULTS = {"p_settlement": "P(settlement)", "p_war": "P(war)"}


def sensitivity_chart(
    data: dict[str, Any], result: str = "p_settlement", labels=None
) -> alt.Chart | None:
    """The top drivers (Morris μ*) of one result per table, inputs in words; None when no table
    has drivers. A table whose result never varies (no drivers) is named in the title."""
    from detente.report.words import Labels

    labels = labels or Labels.from_data(data)
    rows = [
        {
            "format": labels.table(t),
            "input": labels.input(d["input"]),
            "mu_star": d["mu_star"],
            "rank": r,
        }
        for t, table in data["tables"].items()
        for r, d in enumerate(table.get("drivers", {}).get(result, []))
    ]
    if not rows:
        return None
    shown = {r["format"] for r in rows}
    missing = [labels.table(t) for t in data["tables"] if labels.table(t) not in shown]
    what = SENSITIVITY_RESULTS.get(result, result)
    title = f"What moves {what}: Morris μ* of each judgment"
    subtitle = f"no driver at {', '.join(missing)} ({what} never varies there)" if missing else ""
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_bar(color="#457b9d")
        .encode(
            y=alt.Y(
                "input:N",
                sort=alt.EncodingSortField("rank"),
                title=None,
                axis=alt.Axis(labelLimit=220),
            ),
            x=alt.X("mu_star:Q", title="μ*"),
            tooltip=["input", "mu_star"],
        )
        .properties(width=150, height=alt.Step(14))
        .facet(
            facet=alt.Facet(
                "format:N",
                title=None,
                sort=[labels.table(t) for t in data["tables"]],
                header=alt.Header(labelLimit=330),
            ),
            columns=2,
        )
        .resolve_scale(y="independent")
        .properties(title=alt.Title(title, subtitle=subtitle) if subtitle else title)
    )


def engine_path_chart(path) -> alt.Chart:
    """Round-by-round positions of each actor at one table (an :class:`EnginePath`)."""
    rows = [
        {"round": r, "actor": a, "issue": k, "position": float(path.positions[r, ai, ki])}
        for r in range(path.positions.shape[0])
        for ai, a in enumerate(path.actors)
        for ki, k in enumerate(path.issues)
    ]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("round:O"),
            y=alt.Y("position:Q", scale=alt.Scale(domain=[0, 100])),
            color="actor:N",
        )
        .properties(width=150, height=110)
        .facet(facet=alt.Facet("issue:N", sort=path.issues), columns=4)
    )


def negotiation_chart(paths) -> alt.Chart:
    """The offer on the table, round by round, at every table (a list of NegotiationPath)."""
    rows = [
        {"table": p.table, "round": r, "issue": k, "offer": float(p.offers[r, ki])}
        for p in paths
        for r in range(p.offers.shape[0])
        for ki, k in enumerate(p.issues)
    ]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_line()
        .encode(
            x=alt.X("round:Q"),
            y=alt.Y("offer:Q", scale=alt.Scale(domain=[0, 100]), title="offer (0–100)"),
            color=alt.Color("issue:N", sort=paths[0].issues if paths else None),
        )
        .properties(width=170, height=130)
        .facet(facet=alt.Facet("table:N", sort=[p.table for p in paths]), columns=3)
        .resolve_scale(x="independent")
    )


DIFFERENCE_OUTPUTS = {
    "ceasefire": ("ceasefire by the date", True),
    "agreement": ("agreement by the date", True),
    "abandoned": ("abandoned by the date", False),
    "ongoing": ("still fighting by the date", False),
    "ceasefire_holds_2y": ("ceasefire holds 2 y", True),
}
"""The outputs the what-if chart shows, their labels and whether a rise is good for peace."""


def difference_chart(
    difference: dict[str, dict[str, float]],
    noise: dict[str, dict[str, float]] | None = None,
    labels=None,
) -> alt.Chart:
    """Change in each dated question per table against a baseline (points), coloured by whether
    it is good or bad for peace, the noise band in grey, on a fixed −100…+100 axis."""
    noise = noise or {}
    rows = []
    for t, changes in difference.items():
        for key, (label, good) in DIFFERENCE_OUTPUTS.items():
            if key not in changes:
                continue
            change = 100 * changes[key]
            band = 100 * noise.get(t, {}).get(key, 0.0)
            if abs(change) <= band or round(change, 1) == 0:
                verdict = "within noise"
            else:
                verdict = "better for peace" if (change > 0) == good else "worse for peace"
            rows.append(
                {
                    "format": labels.table(t) if labels else t,
                    "output": label,
                    "change": round(change, 1) + 0.0,
                    "low": -band,
                    "high": band,
                    "verdict": verdict,
                }
            )
    frame = pd.DataFrame(rows)
    order = [v[0] for v in DIFFERENCE_OUTPUTS.values()]
    x_scale = alt.Scale(domain=[-100, 100])
    base = alt.Chart().encode(y=alt.Y("output:N", title=None, sort=order))
    band = base.mark_rule(color="#bbb", strokeWidth=6).encode(
        x=alt.X(
            "low:Q",
            scale=x_scale,
            title="change (points)",
            axis=alt.Axis(values=[-100, -50, -25, 0, 25, 50, 100]),
        ),
        x2="high:Q",
    )
    bars = base.mark_bar(height=8).encode(
        x=alt.X("change:Q", scale=x_scale),
        color=alt.Color(
            "verdict:N",
            scale=alt.Scale(
                domain=["better for peace", "worse for peace", "within noise"],
                range=["#1f7a5c", "#c0392b", "#999999"],
            ),
            legend=alt.Legend(orient="top", title=None),
        ),
        tooltip=["format", "output", "change", "verdict"],
    )
    return (
        alt.layer(band, bars, data=frame)
        .properties(width=320, height=alt.Step(14))
        .facet(
            row=alt.Row(
                "format:N",
                title=None,
                sort=[labels.table(t) if labels else t for t in difference],
                header=alt.Header(
                    labelAngle=0,
                    labelAlign="left",
                    labelOrient="top",
                    labelFontWeight="bold",
                    labelLimit=400,
                ),
            )
        )
    )


def reliability_chart(backtest: dict[str, Any]) -> alt.Chart:
    """The backtest's reliability diagram: observed frequency against mean forecast per bin,
    for the model and the base rate, with the diagonal of perfect calibration."""
    rows = [
        {**r, "label": f"{r['forecaster']}"}
        for name in ("model", "base_rate")
        for r in backtest["reliability"].get(name, [])
    ]
    points = alt.Data(values=rows)
    diagonal = (
        alt.Chart(alt.Data(values=[{"x": 0, "y": 0}, {"x": 1, "y": 1}]))
        .mark_line(color="#999", strokeDash=[4, 4])
        .encode(x="x:Q", y="y:Q")
    )
    dots = (
        alt.Chart(points)
        .mark_line(point=True)
        .encode(
            x=alt.X("predicted:Q", title="forecast probability", scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("observed:Q", title="observed frequency", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("label:N", title="forecaster"),
            tooltip=["label:N", "predicted:Q", "observed:Q", "n:Q"],
        )
    )
    labels = dots.mark_text(dy=-8, fontSize=9).encode(text="n:Q")
    n = backtest["meta"]["n_cases"]
    return (diagonal + dots + labels).properties(
        width=320,
        height=320,
        title=f"Reliability, leave-one-out, {n} cases × 4 questions × 4 horizons (n per point)",
    )


QUESTION_ORDER = ["ceasefire", "agreement", "abandoned", "ongoing"]


def monthly_chart(data: dict[str, Any], labels=None) -> alt.Chart:
    """The four dated questions' cumulative probabilities month by month, one line per table,
    the base rate dashed."""
    from detente.report.words import QUESTION_LABELS, Labels

    labels = labels or Labels.from_data(data)
    rows = []
    for t, table in data["tables"].items():
        monthly = table["monthly"]
        for q in QUESTION_ORDER:
            for month, v in zip(monthly["month"], monthly[q], strict=True):
                rows.append(
                    {
                        "format": labels.table(t),
                        "month": month,
                        "question": QUESTION_LABELS[q],
                        "p": v,
                        "kind": "model",
                    }
                )
    base = data["meta"].get("base_rate", {}).get("monthly")
    if base:
        for q in QUESTION_ORDER:
            for month, v in zip(base["month"], base[q], strict=True):
                rows.append(
                    {
                        "format": "base rate",
                        "month": month,
                        "question": QUESTION_LABELS[q],
                        "p": v,
                        "kind": "base rate",
                    }
                )
    domain = [labels.table(t) for t in data["tables"]] + (["base rate"] if base else [])
    palette = ["#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2", "#edc948"]
    colours = [palette[i % len(palette)] for i in range(len(domain) - bool(base))]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_line()
        .encode(
            x=alt.X("month:T", title=None, axis=alt.Axis(format="%b %y", labelAngle=-40)),
            y=alt.Y(
                "p:Q",
                title="probability by then",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "format:N",
                scale=alt.Scale(domain=domain, range=colours + (["#222"] if base else [])),
                legend=alt.Legend(orient="bottom", columns=2, title=None),
            ),
            strokeDash=alt.StrokeDash(
                "kind:N",
                scale=alt.Scale(domain=["model", "base rate"], range=[[1, 0], [5, 4]]),
                legend=None,
            ),
            tooltip=["format", "question", "month:T", alt.Tooltip("p:Q", format=".0%")],
        )
        .properties(width=250, height=170)
        .facet(
            facet=alt.Facet(
                "question:N", sort=[QUESTION_LABELS[q] for q in QUESTION_ORDER], title=None
            ),
            columns=2,
        )
        .properties(title="Cumulative probability month by month (base rate dashed)")
    )


def ranking_chart(rows: list[dict[str, Any]], question_label: str) -> alt.Chart:
    """A ranking of formats (from summary.ranking): point, Monte Carlo 95% interval (thick)
    and the range across engines (thin)."""
    frame = pd.DataFrame(
        [
            {
                "format": r["label"],
                "p": r["p"],
                "mc_low": r["mc_low"],
                "mc_high": r["mc_high"],
                "engine_low": r["engine_low"] if r["engine_low"] is not None else r["p"],
                "engine_high": r["engine_high"] if r["engine_high"] is not None else r["p"],
            }
            for r in rows
        ]
    )
    order = list(frame["format"])
    y = alt.Y("format:N", sort=order, title=None)
    x = alt.X(
        "mc_low:Q",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%"),
        title=f"P({question_label} by the date)",
    )
    base = alt.Chart(frame).encode(y=y)
    engines = base.mark_rule(color="#999", strokeWidth=1).encode(
        x=alt.X("engine_low:Q", scale=alt.Scale(domain=[0, 1])), x2="engine_high:Q"
    )
    mc = base.mark_rule(color="#1d3557", strokeWidth=4).encode(x=x, x2="mc_high:Q")
    point = base.mark_point(filled=True, size=60, color="#1d3557").encode(
        x="p:Q", tooltip=["format", alt.Tooltip("p:Q", format=".1%")]
    )
    return (engines + mc + point).properties(
        width=420,
        height=alt.Step(22),
        title=f"Formats ranked by P({question_label}): thick bar Monte Carlo 95%, "
        "thin line range across engines",
    )


def ceasefire_survival_chart(data: dict[str, Any], labels=None) -> alt.Chart:
    """If a ceasefire takes effect, the chance it still holds, year by year, per table, with a
    95% Monte Carlo band (Wilson, over the simulated ceasefires)."""
    from detente.report.summary import wilson
    from detente.report.words import Labels

    labels = labels or Labels.from_data(data)
    rows = []
    for t, table in data["tables"].items():
        curve = table["survival_curve"]
        n = table.get("if_ceasefire", {}).get("expected_draws_with_ceasefire") or 0
        for y, v in zip(curve["years"], curve.get("ceasefire", []), strict=False):
            if v is None:
                continue
            low, high = wilson(v, n)
            rows.append(
                {"format": labels.table(t), "years": y, "holds": v, "low": low, "high": high}
            )
    base = alt.Chart(pd.DataFrame(rows)).encode(
        x=alt.X("years:Q", title="years after the ceasefire")
    )
    legend = alt.Legend(orient="bottom", columns=2, title=None, symbolType="stroke")
    band = base.mark_area(opacity=0.15).encode(
        color=alt.Color("format:N", legend=None),
        y=alt.Y(
            "low:Q",
            scale=alt.Scale(domain=[0, 1]),
            axis=alt.Axis(format="%"),
            title="ceasefire still holds",
        ),
        y2="high:Q",
    )
    line = base.mark_line().encode(y="holds:Q", color=alt.Color("format:N", legend=legend))
    return (band + line).properties(
        width=520,
        height=220,
        title="If a ceasefire takes effect: does it hold? (band: Monte Carlo 95%)",
    )
