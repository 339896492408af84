"""The forecast over time (forecast.timeline) for the report and the dashboard: one small chart
per table of P(ceasefire) and P(agreement) by the common date at each snapshot, beside the base
rate, and the items that moved them with their quotes and source dates."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

CHARTED = ("ceasefire", "agreement")
EVENT_COLOURS = {"ceasefire": "#4e79a7", "agreement": "#e15759"}
TOP_ITEMS = 5
"""Items shown per table and question (every item is listed once below, with its sources)."""


def timeline_chart(data: dict[str, Any], labels=None) -> alt.FacetChart:
    """One panel per table: P(ceasefire) and P(agreement) by the common date at each snapshot
    date (solid, with points), the base rate at the same dates dashed."""
    rows = []
    for t, table in data["tables"].items():
        name = labels.table(t) if labels is not None else table.get("name", t)
        for r in table["snapshots"]:
            for q in CHARTED:
                if r["by"] is not None:
                    rows.append({"table": name, "date": r["as_of"], "event": q,
                                 "p": r["by"][q], "kind": "model"})  # fmt: skip
                rows.append({"table": name, "date": r["as_of"], "event": q,
                             "p": r["base_rate"][q], "kind": "base rate"})  # fmt: skip
    by = data["meta"]["by"]
    frame = pd.DataFrame(rows)
    base = alt.Chart(frame).encode(
        x=alt.X("date:T", title="snapshot (as of)", axis=alt.Axis(format="%b %Y", labelAngle=-30)),
        y=alt.Y(
            "p:Q",
            title=f"P(event by {by})",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        color=alt.Color(
            "event:N",
            scale=alt.Scale(domain=list(CHARTED), range=[EVENT_COLOURS[q] for q in CHARTED]),
            legend=alt.Legend(orient="bottom", title=None),
        ),
        strokeDash=alt.StrokeDash(
            "kind:N",
            scale=alt.Scale(domain=["model", "base rate"], range=[[1, 0], [5, 4]]),
            legend=alt.Legend(
                orient="bottom", title=None, symbolType="stroke", symbolStrokeColor="#555"
            ),
        ),
        tooltip=["table", "event", "kind", "date:T", alt.Tooltip("p:Q", format=".0%")],
    )
    layered = alt.layer(base.mark_line(), base.mark_point(filled=True, size=40))
    return layered.properties(width=200, height=140).facet(
        facet=alt.Facet("table:N", title=None, sort=list(dict.fromkeys(frame["table"]))),
        columns=3,
    )


def _pp(value: float) -> str:
    return f"{value:+.1f}"


def moved_rows(step: dict[str, Any], labels=None) -> list[dict[str, Any]]:
    """Per table and attributed question of one step: the change, the largest items (with
    their effects) and the residual, as rows for a template."""
    names = {i["id"]: i for i in step["items"]}
    rows = []
    for t, questions in step["tables"].items():
        for q, a in questions.items():
            shown = [i for i in a["items"] if abs(i["effect_pp"]) >= 0.05][:TOP_ITEMS]
            rows.append({
                "table": labels.table(t) if labels is not None else t,
                "table_id": t,
                "event": q,
                "before": a["before"],
                "after": a["after"],
                "change": _pp(a["change_pp"]),
                "top": [
                    {"id": i["item"], "what": names[i["item"]]["what"],
                     "effect": _pp(i["effect_pp"])}
                    for i in shown
                ],
                "more": len(a["items"]) - len(shown),
                "residual": _pp(a["residual_pp"]),
            })  # fmt: skip
    return rows


def timeline_context(data: dict[str, Any] | None, labels=None) -> dict[str, Any] | None:
    """What the report's "Forecast over time" section shows, or None without a series of more
    than one snapshot."""
    if data is None or len(data["meta"]["snapshots"]) < 2:
        return None
    from detente.report.charts import to_svg

    return {
        "data": data,
        "chart": to_svg(timeline_chart(data, labels)),
        "steps": [{**step, "moved": moved_rows(step, labels)} for step in data["steps"]],
    }
