"""The bundled Russia–Ukraine case: dated sources, quotes that are verbatim and support their
numbers, red lines on the side their stance implies, scales that express the options on the
table, the time inputs of the monthly forecast, and issue holders."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

from detente.errors import InputError
from detente.scenario import (
    Uncertain,
    absent_holders,
    bounds_of,
    bundled_path,
    load_scenario,
    mode_of,
    unsettled_issues,
    validate_data,
)

CASE = "ukraine-2025"
MINIMAL = Path(__file__).resolve().parents[1] / "data" / "minimal.yaml"
ISSUES = (
    "territory",
    "alliance",
    "guarantees",
    "sanctions",
    "ceasefire",
    "army_limits",
    "reconstruction",
    "zaporizhzhia",
    "prisoners",
    "energy_strikes",
)
SEPARABLE = ("prisoners", "energy_strikes")

# Coded stance of every position's ideal point against the status quo, one character per issue
# in ISSUES order (docs/scenario-ukraine-2025.md, "Coding rules"): "+" the actor wants to move
# the issue toward Moscow's end (ideal mode above the status quo's range), "-" toward Kyiv's end
# (below it), "=" it is content with the status quo (ideal mode inside its range). A missing
# position is ".".
IDEAL_STANCE = {
    "ukraine-2025": {
        "russia": "++++=+++--",
        "ukraine": "---=-=----",
        "united_states": "++-+-++-..",
        "european_core": "---=-==-..",
        "eastern_flank": "---=-=--..",
        "china": "++++-++=..",
        "coalition_willing": "..-.......",
        "iaea": ".......-..",
    },
    "ukraine-2026-01": {
        "russia": "++++=+++--",
        # Kyiv offers to drop the NATO bid for guarantees (m06): content with the status quo.
        "ukraine": "-=-=-=----",
        "united_states": "++-+-++-..",
        "european_core": "---=-=--..",
        "eastern_flank": "---=-=--..",
        "china": "++++-++=..",
        "coalition_willing": "..-.......",
        "iaea": ".......-..",
    },
}

# Coded stance of every red line (same rules): "holds" — the actor accepts nothing worse for it
# than the status quo, so the red line lies between the status quo and its ideal; "concedes" —
# it accepts a move past the status quo away from its ideal, up to the red line. The bounds are
# the anchors the red line's citations name: the whole red-line range must lie inside them.
RED_LINE_STANCE = {
    "ukraine-2025": {
        # The frozen line (45) and a Donetsk zone under neither army (55) are refused:
        # withdrawal from Donbas is the condition for ending the war (n02).
        ("russia", "territory"): ("holds", 55.01, 100.0),
        # Neutrality is a condition of the June memorandum (n01): above "non-aligned" (50).
        ("russia", "alliance"): ("holds", 50.0, 100.0),
        # Western troops are unacceptable (n03): nothing below the no-troops pledge (50), which
        # Putin reportedly accepted (s004), so Moscow concedes up to it.
        ("russia", "guarantees"): ("concedes", 50.0, 100.0),
        # Kyiv accepts a ceasefire on the line (45) but rejected Crimea's recognition (65,
        # s001); it refuses to give up held land (n02), though it would discuss territory (n02).
        ("ukraine", "territory"): ("concedes", 45.0, 64.99),
        # A ceasefire without guarantees is "dangerous" (s001): at worst a pledge (50).
        ("ukraine", "guarantees"): ("holds", 0.0, 55.0),
        # No ceiling below Kyiv's own 2022 offer of 250,000 troops (anchor 44, n15).
        ("ukraine", "army_limits"): ("concedes", 0.0, 44.0),
    },
    "ukraine-2026-01": {
        # The whole of Donbas (75), by force or withdrawal (m05, m13).
        ("russia", "territory"): ("holds", 55.01, 100.0),
        ("russia", "alliance"): ("holds", 50.0, 100.0),
        # Western forces would be "legitimate combat targets" (m04): nothing below 50.
        ("russia", "guarantees"): ("concedes", 50.0, 100.0),
        # The current line is "the fairest possible option" (m06); a handover is rejected (m02).
        ("ukraine", "territory"): ("concedes", 45.0, 64.99),
        # Giving up NATO is conditional on US guarantees (m06, m10): at worst a pledge (50).
        ("ukraine", "guarantees"): ("holds", 0.0, 55.0),
        # An army of 800,000 (3, m03); never the 28-point plan's 600,000 or less (13).
        ("ukraine", "army_limits"): ("concedes", 0.0, 13.0),
    },
}
SNAPSHOTS = tuple(IDEAL_STANCE)


@pytest.fixture(scope="module")
def case():
    return load_scenario(CASE)


def _bundled_names() -> list[str]:
    return sorted(p.stem for p in bundled_path(CASE).parent.glob("*.yaml"))


# --- dated sources -------------------------------------------------------------------------


@pytest.mark.parametrize("name", _bundled_names())
def test_every_source_is_dated_with_a_note_and_not_after_as_of(name):
    scenario = load_scenario(name)
    assert scenario.as_of is not None
    for src in scenario.sources:
        assert src.date is not None, src.id
        assert src.date_note, f"{src.id} does not say how its date was read"
        assert src.date <= scenario.as_of and not src.hindsight, src.id
        assert src.file or (src.url and src.outlet), f"{src.id} cannot be retrieved"


def test_a_source_after_as_of_is_rejected():
    data = yaml.safe_load(bundled_path(CASE).read_text(encoding="utf-8"))
    data["sources"][0]["date"] = "2026-01-22"
    with pytest.raises(InputError, match="after the scenario's as_of"):
        validate_data(data)


def test_each_snapshot_uses_the_seeds_published_by_its_as_of(case):
    later = load_scenario("ukraine-2026-01")
    assert later.as_of > case.as_of
    seeds = {"000", "001", "002", "003", "004"}
    assert {s.file[:3] for s in case.sources if s.file} == seeds - {"002", "003"}
    assert {s.file[:3] for s in later.sources if s.file} >= {"002", "003"}
    assert max(s.date for s in later.sources) > case.as_of


# --- quotes --------------------------------------------------------------------------------


def _quotes(obj):
    if isinstance(obj, dict):
        if obj.get("quote"):
            yield obj["source"], obj["quote"]
        for v in obj.values():
            yield from _quotes(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _quotes(v)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("name", _bundled_names())
def test_seed_quotes_are_verbatim_in_the_cited_article(name, shared_dir):
    scenario = load_scenario(name)
    files = {s.id: s.file for s in scenario.sources if s.file}
    texts = {sid: _norm((shared_dir / "seeds" / f).read_text("utf-8")) for sid, f in files.items()}
    quotes = [(s, q) for s, q in _quotes(scenario.model_dump(mode="json")) if s in texts]
    assert len(quotes) >= 20
    for source, quote in quotes:
        assert _norm(quote) in texts[source], (source, quote)


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_no_single_quote_backs_many_judgments(name):
    case = load_scenario(name)
    """A quote supports the numbers it backs: the same sentence may not carry more than three
    positions (one sentence once backed six of China's judgments)."""
    uses: dict[tuple[str, str], int] = {}
    for p in case.positions:
        for c in p.citations:
            if c.quote:
                uses[(c.source, c.quote)] = uses.get((c.source, c.quote), 0) + 1
    worst = max(uses.items(), key=lambda kv: kv[1])
    assert worst[1] <= 3, worst


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_every_judgment_has_a_range_and_a_citation_or_a_judgment_note(name):
    case = load_scenario(name)
    judgments = [(f"actor {a.id}", a.capability, a) for a in case.actors]
    judgments += [(f"{p.actor}/{p.issue}", p.ideal, p) for p in case.positions]
    for what, value, item in judgments:
        assert isinstance(value, Uncertain), f"{what} has no range"
        if not item.citations:
            assert item.note and "judgment" in item.note, f"{what}: no citation, no note"
            low, high = bounds_of(value)
            assert high - low >= 20, f"{what} is an unquoted judgment with a narrow range"


# --- stances -------------------------------------------------------------------------------


def _side(value: float, sq: tuple[float, float]) -> str:
    return "+" if value > sq[1] else "-" if value < sq[0] else "="


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_every_ideal_lies_on_the_side_of_the_status_quo_its_stance_implies(name):
    case = load_scenario(name)
    coded = 0
    for actor, stances in IDEAL_STANCE[name].items():
        for issue_id, stance in zip(ISSUES, stances, strict=True):
            p = case.position(actor, issue_id)
            if stance == ".":
                assert p is None, (actor, issue_id)
                continue
            sq = bounds_of(case.issue(issue_id).status_quo)
            assert _side(mode_of(p.ideal), sq) == stance, (actor, issue_id)
            coded += 1
    assert coded == len(case.positions)


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_every_red_line_lies_on_the_side_of_the_status_quo_its_stance_implies(name):
    case = load_scenario(name)
    with_red_line = {(p.actor, p.issue) for p in case.positions if p.red_line is not None}
    assert with_red_line == set(RED_LINE_STANCE[name])
    for (actor, issue_id), (stance, lo, hi) in RED_LINE_STANCE[name].items():
        p = case.position(actor, issue_id)
        sq = mode_of(case.issue(issue_id).status_quo)
        ideal, red = mode_of(p.ideal), mode_of(p.red_line)
        if stance == "holds":
            assert min(ideal, sq) <= red <= max(ideal, sq), (actor, issue_id)
        else:
            toward_ideal = math.copysign(1.0, ideal - sq) if ideal != sq else -1.0
            assert (red - sq) * toward_ideal < 0, (actor, issue_id)
        low, high = bounds_of(p.red_line)
        assert lo <= low and high <= hi, (actor, issue_id, low, high)


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_russias_rejection_of_western_troops_is_a_red_line_on_guarantees(name):
    case = load_scenario(name)
    troops_end = max(
        a.value for a in case.issue("guarantees").anchors if "no foreign troops" in a.label
    )
    red = case.position("russia", "guarantees").red_line
    assert bounds_of(red)[0] >= troops_end
    rejection = {"ukraine-2025": "n03", "ukraine-2026-01": "m04"}[name]
    assert any(c.source == rejection for c in case.position("russia", "guarantees").citations)


# --- scales --------------------------------------------------------------------------------


def test_territory_scale_expresses_the_options_on_the_table(case):
    labels = {a.value: a.label.lower() for a in case.issue("territory").anchors}
    assert "frozen along the line" in labels[45]
    assert "rest of donetsk" in labels[55] and "demilitarised or free economic zone" in labels[55]
    assert "withdraws from all four" in labels[100]
    assert list(labels) == sorted(labels)


def test_army_limits_anchors_are_troop_ceilings_on_the_documented_log_scale(case):
    issue = case.issue("army_limits")
    top, floor = 880_000, 50_000
    ceilings = {81: 85_000, 44: 250_000, 13: 600_000, 100: 50_000}
    for anchor in issue.anchors:
        if anchor.value in ceilings:
            n = ceilings[anchor.value]
            assert f"{n:,}" in anchor.label
            assert anchor.value == pytest.approx(
                100 * math.log(top / n) / math.log(top / floor), abs=1
            )


# --- actors and formats ----------------------------------------------------------------------


def test_turkey_uae_iaea_and_the_coalition_are_actors_with_citations(case):
    for actor_id in ("turkey", "uae", "iaea", "coalition_willing"):
        assert case.actor(actor_id).citations
    istanbul = case.table("istanbul")
    assert istanbul.mediator.actor == "turkey" and set(istanbul.parties) == {"russia", "ukraine"}
    assert "coalition_willing" in case.table("europe_led").guarantors
    assert case.position("iaea", "zaporizhzhia").citations
    assert {t.id for t in case.tables} == {
        "bilateral",
        "istanbul",
        "us_mediated",
        "trilateral",
        "backchannel",
        "europe_led",
    }
    assert len(case.issues) == len(ISSUES) and len(case.timeline) >= 12


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_separable_issues_are_held_by_the_belligerents_with_cited_positions(name):
    """Prisoner exchanges and a pause in strikes on energy sites can be settled alone while the
    war goes on: only they are separable, each with a status quo, and each belligerent's
    position on them cites a source."""
    case = load_scenario(name)
    assert tuple(i.id for i in case.separable_issues) == SEPARABLE
    for issue_id in SEPARABLE:
        assert case.issue(issue_id).status_quo is not None
        for actor in case.war.belligerents:
            assert case.position(actor, issue_id).citations, (actor, issue_id)
    assert all(not i.separable for i in case.linked_issues)


# --- time inputs -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_time_inputs_of_the_monthly_forecast_are_coded(name):
    case = load_scenario(name)
    assert str(case.war.started) == "2022-02-24"
    trends = {t.actor: t for t in case.war.trends}
    assert set(trends) == set(case.war.belligerents)
    for trend in trends.values():
        assert isinstance(trend.monthly, Uncertain) and (trend.citations or trend.note)
    assert mode_of(trends["russia"].monthly) > mode_of(trends["ukraine"].monthly)
    for t in case.tables:
        assert isinstance(t.meetings_per_month, Uncertain), t.id
        if t.mediator is not None:
            assert t.mediator.citations or t.mediator.note, t.id
    us = case.table("us_mediated").mediator
    assert us.lever == "costs_imposed" and set(us.lever_on) == {"russia", "ukraine"}
    europe = case.table("europe_led").mediator
    assert europe.lever == "costs_imposed" and europe.lever_on == ("russia",)


# --- issue holders ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_bundled_holders_leave_eu_sanctions_and_assets_unsettled_without_the_eu(name):
    case = load_scenario(name)
    assert case.issue("sanctions").holders == ("united_states", "european_core")
    assert case.issue("reconstruction").holders == ("european_core",)
    for table_id in ("bilateral", "istanbul", "us_mediated", "trilateral", "backchannel"):
        assert unsettled_issues(case, table_id) == ("sanctions", "reconstruction")
    # Europe mediates there, but the US sanctions still need Washington.
    assert unsettled_issues(case, "europe_led") == ("sanctions",)
    assert absent_holders(case.issue("sanctions"), case.table("europe_led")) == ("united_states",)


def _minimal():
    return yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))


def _with_holder(data, **table_extra):
    data["actors"].append({"id": "eu", "name": "EU", "kind": "bloc", "capability": 50})
    data["issues"][1]["holders"] = ["eu"]
    data["tables"][0].update(table_extra)
    return data


def test_a_holder_absent_from_a_table_leaves_its_issue_unsettled():
    scenario = validate_data(_with_holder(_minimal()))
    assert unsettled_issues(scenario, "direct") == ("pact",)
    assert unsettled_issues(scenario, "mediated") == ("pact",)


def test_a_delegating_or_seated_holder_lets_the_table_settle():
    delegated = validate_data(_with_holder(_minimal(), delegates=["eu"]))
    assert unsettled_issues(delegated, "direct") == ()
    seated = _with_holder(_minimal())
    seated["tables"][1]["guarantors"] = ["eu"]
    assert unsettled_issues(validate_data(seated), "mediated") == ()


def test_no_holders_no_unsettled_issues():
    scenario = validate_data(_minimal())
    assert all(unsettled_issues(scenario, t.id) == () for t in scenario.tables)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["issues"][0].update(holders=["nobody"]), "unknown actor 'nobody'"),
        (lambda d: d["tables"][0].update(delegates=["m"]), "'m' holds no issue"),
        (
            lambda d: _with_holder(d, delegates=["eu"], guarantors=["eu"]),
            "'eu' sits at the table",
        ),
    ],
)
def test_bad_holders_and_delegates_are_rejected(edit, message):
    data = _minimal()
    edit(data)
    with pytest.raises(InputError, match=message):
        validate_data(data)
