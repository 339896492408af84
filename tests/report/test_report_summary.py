"""The bottom line: every number in its words is the forecast JSON's, and the plain words."""

from __future__ import annotations

import json
import re

import pytest

from detente.cli import main
from detente.report.summary import Fact, bottom_line, lookup, noise_points, pct, ranking, wilson
from detente.report.words import Labels, scale_ends, source_text
from detente.scenario import load_scenario


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("summary") / "f.json"
    main(["forecast", "-n", "600", "--seed", "5", "--json", str(out)])
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def labels():
    return Labels(load_scenario("ukraine-2025"))


def _expected(data, fact: Fact) -> float:
    """A fact's value recomputed from the JSON alone, independently of the summary's code."""
    if fact.derived == "max-min":
        spread = lookup(data, fact.path)
        return spread["max"] - spread["min"]
    if fact.derived == "len":
        return len(lookup(data, fact.path))
    if fact.derived == "mc-noise":
        widest = 0.0
        for table in data["tables"].values():
            for p in table["by"].values():
                n = table["draws"]
                low, high = wilson(p, n)
                widest = max(widest, (high - low) / 2)
        return max(1, -(-100 * widest // 1))
    return lookup(data, fact.path)


def test_every_number_in_the_summary_is_the_json_value(data, labels):
    summary = bottom_line(data, labels)
    assert len(summary["sentences"]) >= 5
    for sentence in summary["sentences"]:
        shown = set()
        for fact in sentence["facts"]:
            assert fact.value == pytest.approx(_expected(data, fact), abs=1e-9), fact
            assert fact.text() in sentence["text"]
            shown.update(re.findall(r"\d[\d,]*", fact.text()))
        # no other number in the words: dates are the forecast's own date, nothing else
        text = sentence["text"].replace(data["meta"]["by"], "")
        for label in labels.tables.values():
            text = text.replace(label, "")
        assert set(re.findall(r"\d[\d,]*", text)) <= shown, sentence["text"]


def test_the_summary_answers_the_questions(data, labels):
    summary = bottom_line(data, labels)
    topics = {s["topic"] for s in summary["sentences"]}
    assert {"mediator", "best", "certainty"} <= topics
    text = " ".join(s["text"] for s in summary["sentences"])
    assert "Bilateral talks without Washington" in text  # the format without a mediator
    assert "base rate" in text and "Monte Carlo" in text and "engines" in text
    best = max(data["tables"], key=lambda t: data["tables"][t]["by"]["ceasefire"])
    assert f"is {labels.table(best)} ({pct(data['tables'][best]['by']['ceasefire'])})" in text
    assert "us_mediated" not in text and "_" not in text  # no internal ids


def test_rankings_are_ordered_and_their_intervals_named(data, labels):
    cease = ranking(data, "ceasefire", labels)
    assert [r["p"] for r in cease] == sorted((r["p"] for r in cease), reverse=True)
    for r in cease:
        assert r["mc_low"] <= r["p"] <= r["mc_high"]
        assert r["engines"] == len(data["tables"][r["table"]]["engines"])
        assert r["engine_low"] == data["tables"][r["table"]]["engine_spread"]["ceasefire"]["min"]
    ongoing = ranking(data, "ongoing", labels)
    assert ongoing[0]["p"] == max(t["by"]["ongoing"] for t in data["tables"].values())


def test_wilson_and_noise():
    low, high = wilson(0.5, 10_000)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.5098, abs=1e-4)
    assert wilson(0.0, 0) == (0.0, 1.0)
    assert noise_points({"meta": {"draws": 1}, "tables": {}}) == 1  # never ±0


def test_percentages_never_hide_a_small_chance():
    assert pct(0.004) == "<1%" and pct(0.0) == "0%" and pct(None) == "–" and pct(0.915) == "92%"


def test_inputs_and_ids_in_words(labels):
    assert labels.input("capability[ukraine]") == "Ukraine's capability"
    assert labels.input("ideal[united_states, alliance]") == (
        "United States' ideal point on Alliance status"
    )
    assert labels.input("shock[europe_led, ukraine, #0]") == (
        "shock 0 to Ukraine at Europe-led talks after a US withdrawal"
    )
    assert labels.input("status_quo[territory]") == "status quo on Territory"
    assert labels.input("mystery") == "mystery"
    assert labels.table("us_mediated") == "US-mediated talks"


def test_each_scale_says_whose_end_is_which():
    ends = scale_ends(load_scenario("ukraine-2025"))
    assert ends["territory"] == {"0": "Ukraine", "100": "Russia"}
    assert ends["alliance"] == {"0": "Ukraine", "100": "Russia"}


def test_sources_read_as_outlet_title_date_address():
    scenario = load_scenario("ukraine-2025")
    rows = [source_text(s) for s in scenario.sources]
    assert all(r["title"] for r in rows)
    with_url = [r for r in rows if r["url"]]
    assert with_url and all(r["url"].startswith("http") and not r["file"] for r in with_url)
    assert any(r["outlet"] for r in rows) and any(r["date"] for r in rows)


def test_difference_chart_colours_mean_good_or_bad_for_peace():
    from detente.report import charts

    chart = charts.difference_chart(
        {"t": {"ceasefire": -0.2, "ongoing": 0.2, "abandoned": -0.1, "agreement": -0.0001}},
        {"t": {"ceasefire": 0.02, "ongoing": 0.02, "abandoned": 0.02, "agreement": 0.01}},
    )
    spec = chart.to_dict()
    rows = {r["output"]: r for r in spec["datasets"][spec["data"]["name"]]}
    assert rows["ceasefire by the date"]["verdict"] == "worse for peace"
    assert (
        rows["still fighting by the date"]["verdict"] == "worse for peace"
    )  # more war: never green
    assert rows["abandoned by the date"]["verdict"] == "better for peace"
    assert rows["agreement by the date"]["verdict"] == "within noise"
    assert str(rows["agreement by the date"]["change"]) == "0.0"  # never "-0.0"
    scale = spec["spec"]["layer"][0]["encoding"]["x"]["scale"]
    assert scale["domain"] == [-100, 100]  # the same axis whatever the edit
