"""Charts as Vega-Lite (Altair), rendered to inline SVG with vl-convert: no network needed."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import vl_convert as vlc

CLASS_LABELS = {
    "comprehensive_settlement": "settlement",
    "ceasefire_frozen_conflict": "frozen ceasefire",
    "collapse_war": "war",
}


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG string."""
    return vlc.vegalite_to_svg(chart.to_json())


def positions_chart(scenario) -> alt.Chart:
    """Each actor's ideal point (mode and range) on every issue."""
    rows = [
        {
            "issue": p.issue,
            "actor": p.actor,
            "ideal": getattr(p.ideal, "mode", p.ideal),
            "low": getattr(p.ideal, "low", p.ideal),
            "high": getattr(p.ideal, "high", p.ideal),
        }
        for p in scenario.positions
    ]
    frame = pd.DataFrame(rows)
    base = alt.Chart(frame).encode(
        y=alt.Y("issue:N", title=None), color=alt.Color("actor:N", title="actor")
    )
    ranges = base.mark_rule(opacity=0.5).encode(
        x=alt.X(
            "low:Q", scale=alt.Scale(domain=[0, 100]), title="0 = Kyiv's position … 100 = Moscow's"
        ),
        x2="high:Q",
    )
    points = base.mark_point(filled=True, size=60).encode(x="ideal:Q", tooltip=["actor", "ideal"])
    return (ranges + points).properties(
        width=560, height=260, title="Ideal points (mode and range)"
    )


def classes_chart(data: dict[str, Any]) -> alt.Chart:
    """Outcome-class probabilities per table, stacked."""
    rows = [
        {"table": t, "outcome": CLASS_LABELS[c], "p": v["p"]}
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
                scale=alt.Scale(
                    domain=list(CLASS_LABELS.values()), range=["#2a9d8f", "#e9c46a", "#e76f51"]
                ),
            ),
            order=alt.Order("outcome:N"),
        )
        .properties(width=560, height=160, title="What each format produces")
    )


def settlement_chart(data: dict[str, Any]) -> alt.Chart:
    """Per-issue settlement median and 10–90% interval per table."""
    rows = [
        {"table": t, "issue": i, **s}
        for t, table in data["tables"].items()
        for i, s in table["settlement"].items()
        if s["median"] is not None
    ]
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


def path_chart(actors, issues, trajectory) -> alt.Chart:
    """Round-by-round positions of a typical draw (the modal inputs)."""
    rows = [
        {"round": r, "actor": a, "issue": k, "position": float(trajectory[r, 0, ai, ki])}
        for r in range(trajectory.shape[0])
        for ai, a in enumerate(actors)
        for ki, k in enumerate(issues)
    ]
    return (
        alt.Chart(pd.DataFrame(rows))
        .mark_line(point=True)
        .encode(
            x="round:O", y=alt.Y("position:Q", scale=alt.Scale(domain=[0, 100])), color="actor:N"
        )
        .properties(width=150, height=110)
        .facet(facet="issue:N", columns=4)
    )
