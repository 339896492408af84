"""Series of dated snapshots: which snapshot ``--as-of`` uses, the forecast over time and the
items that moved it."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
import yaml

from detente.cli import main
from detente.errors import InputError
from detente.forecast import ForecastConfig, run_forecast, to_data
from detente.forecast.changes import apply_change, judgment_changes
from detente.forecast.series import (
    directory_snapshots,
    series_snapshots,
    snapshot_as_of,
    snapshots_until,
)
from detente.forecast.timeline import TimelineConfig, attribute, run_timeline, timeline_json
from detente.scenario import validate_data

TODAY = dt.date(2026, 6, 1)


def R(low: float, mode: float, high: float) -> dict:
    """An uncertain judgment."""
    return {"low": low, "mode": mode, "high": high}


def small_case(as_of: str = "2025-03-01", sid: str = "pair-early") -> dict:
    """Two belligerents at two tables (one mediated by c), a war with costs and trends."""
    return {
        "id": sid,
        "name": "A synthetic pair",
        "as_of": as_of,
        "series": "pair",
        "sources": [{"id": "s1", "title": "An early source", "date": "2025-02-01"}],
        "actors": [
            {"id": "a", "name": "A", "kind": "state", "capability": R(40, 55, 70)},
            {"id": "b", "name": "B", "kind": "state", "capability": R(35, 45, 60)},
            {"id": "c", "name": "C", "kind": "state", "capability": 20},
        ],
        "issues": [
            {"id": "land", "name": "Land", "status_quo": 50,
             "anchors": [{"value": 0, "label": "A's"}, {"value": 100, "label": "B's"}]},
            {"id": "pact", "name": "Pact", "status_quo": 50,
             "anchors": [{"value": 0, "label": "none"}, {"value": 100, "label": "full"}]},
        ],
        "positions": [
            {"actor": "a", "issue": "land", "ideal": R(0, 10, 25),
             "salience": R(60, 80, 95)},
            {"actor": "a", "issue": "pact", "ideal": 20, "salience": R(30, 50, 70)},
            {"actor": "b", "issue": "land", "ideal": R(75, 90, 100),
             "salience": R(60, 75, 90)},
            {"actor": "b", "issue": "pact", "ideal": 80, "salience": R(30, 45, 60)},
            {"actor": "c", "issue": "land", "ideal": 50, "salience": 40},
            {"actor": "c", "issue": "pact", "ideal": R(40, 50, 60), "salience": 40},
        ],
        "tables": [
            {"id": "direct", "name": "Direct talks", "parties": ["a", "b"],
             "meetings_per_month": R(0.3, 0.5, 1.0)},
            {"id": "mediated", "name": "Mediated talks", "parties": ["a", "b"],
             "mediator": {"actor": "c", "leverage": R(0.05, 0.1, 0.2)},
             "protocol": "single_text", "meetings_per_month": 1.0},
        ],
        "war": {
            "belligerents": ["a", "b"], "kind": "interstate", "started": "2023-01-01",
            "costs": [{"actor": "a", "cost": R(0.02, 0.05, 0.1)},
                      {"actor": "b", "cost": R(0.02, 0.05, 0.1)}],
        },
    }  # fmt: skip


def later(data: dict, as_of: str = "2025-09-01", sid: str = "pair-late") -> dict:
    """The same case coded again at a later date (nothing else changed)."""
    out = copy.deepcopy(data)
    out.update(id=sid, as_of=as_of)
    return out


def scenario(data: dict):
    return validate_data(data)


def write(folder, data: dict) -> None:
    (folder / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.fixture()
def series_dir(tmp_path):
    old = small_case()
    new = later(old)
    new["war"]["costs"][0]["cost"] = {"low": 0.1, "mode": 0.2, "high": 0.3}
    new["sources"].append({"id": "s2", "title": "A later source", "date": "2025-08-15"})
    new["war"]["costs"][0]["citations"] = [{"source": "s2", "quote": "fighting on costs A more"}]
    write(tmp_path, new)
    write(tmp_path, old)
    return tmp_path


# The series and --as-of -----------------------------------------------------------------------


def test_a_directory_is_one_series_sorted_by_as_of(series_dir):
    snapshots = directory_snapshots(series_dir)
    assert [s.scenario.id for s in snapshots] == ["pair-early", "pair-late"]
    assert series_snapshots(str(series_dir)) == snapshots
    named = series_snapshots(str(series_dir / "pair-late.yaml"))
    assert [s.scenario.id for s in named] == ["pair-early", "pair-late"]


def test_the_bundled_snapshots_form_the_ukraine_series():
    snapshots = series_snapshots("ukraine-2026-01")
    assert [s.scenario.id for s in snapshots] == ["ukraine-2025", "ukraine-2026-01"]
    assert {s.scenario.series for s in snapshots} == {"ukraine"}
    assert series_snapshots(None) == snapshots


def test_as_of_uses_the_latest_snapshot_on_or_before_the_date(series_dir):
    snapshots = directory_snapshots(series_dir)
    pick = lambda day: snapshot_as_of(snapshots, dt.date.fromisoformat(day), TODAY)  # noqa: E731
    assert pick("2025-03-01").scenario.id == "pair-early"
    assert pick("2025-08-31").scenario.id == "pair-early"
    assert pick("2025-09-01").scenario.id == "pair-late"
    assert pick("2026-05-31").scenario.id == "pair-late"
    for s in snapshots:
        assert all(src.date <= s.scenario.as_of for src in s.scenario.sources)
    with pytest.raises(InputError, match="as early as 2025-02-28"):
        pick("2025-02-28")
    with pytest.raises(InputError, match="in the future"):
        pick("2026-06-02")
    assert [s.scenario.id for s in snapshots_until(snapshots, dt.date(2025, 8, 1))] == [
        "pair-early"
    ]


def test_a_directory_of_two_series_or_two_equal_dates_is_refused(tmp_path):
    write(tmp_path, small_case())
    other = later(small_case(), sid="other")
    other["series"] = "another"
    write(tmp_path, other)
    with pytest.raises(InputError, match="several series"):
        directory_snapshots(tmp_path)
    other["series"] = "pair"
    other["as_of"] = "2025-03-01"
    write(tmp_path, other)
    with pytest.raises(InputError, match="share the as_of"):
        directory_snapshots(tmp_path)


def _exit(argv, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def test_cli_as_of_says_which_snapshot_and_refuses_bad_dates(series_dir, capsys):
    main(["forecast", str(series_dir), "--as-of", "2025-10-01", "-n", "50", "--no-sensitivity"])
    out = " ".join(capsys.readouterr().out.split())
    assert "snapshot pair-late (as_of 2025-09-01" in out
    assert "nothing published after 2025-10-01 enters" in out
    code, _, err = _exit(["forecast", str(series_dir), "--as-of", "2024-12-31"], capsys)
    assert code == 2 and "--as-of" in err and "as early as 2024-12-31" in err
    assert len(err.strip().splitlines()) == 1
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    code, _, err = _exit(["forecast", str(series_dir), "--as-of", future], capsys)
    assert code == 2 and "in the future" in err
    code, _, err = _exit(["forecast", "--as-of", "2025-13-01"], capsys)
    assert code == 2 and "--as-of" in err


# The forecast over time -------------------------------------------------------------------------


def test_each_snapshot_answers_as_the_forecast_would(series_dir):
    snapshots = directory_snapshots(series_dir)
    config = TimelineConfig(draws=400, seed=5, by=dt.date(2026, 3, 1), attribution_draws=200)
    data = run_timeline(snapshots, config)
    for n, s in enumerate(snapshots):
        alone = to_data(
            run_forecast(s.scenario, ForecastConfig(draws=400, seed=5, by=dt.date(2026, 3, 1)))
        )
        for t, table in alone["tables"].items():
            assert data["tables"][t]["snapshots"][n]["by"] == table["by"]
            assert data["tables"][t]["snapshots"][n]["base_rate"] == table["base_rate"]["by"]
    meta = data["meta"]
    assert [m["id"] for m in meta["snapshots"]] == ["pair-early", "pair-late"]
    assert all(len(m["input_hash"]) == 64 for m in meta["snapshots"])
    assert (meta["seed"], meta["draws"], meta["by"]) == (5, 400, "2026-03-01")


def test_by_must_be_after_every_snapshot(series_dir):
    snapshots = directory_snapshots(series_dir)
    with pytest.raises(InputError, match="not after every snapshot"):
        run_timeline(snapshots, TimelineConfig(draws=10, by=dt.date(2025, 9, 1)))
    default = run_timeline(snapshots, TimelineConfig(draws=50, attribution_draws=50))
    assert default["meta"]["by"] == "2026-09-01"


def test_same_seed_same_timeline_bytes(series_dir, tmp_path_factory, capsys):
    outs = []
    folder = tmp_path_factory.mktemp("out")
    for name in ("one.json", "two.json"):
        out = folder / name
        argv = ["forecast", str(series_dir), "--over-time", "-n", "300", "--seed", "4"]
        main([*argv, "--attribution-draws", "150", "--json", str(out)])
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    text = " ".join(capsys.readouterr().out.split())
    assert "Forecast over time, series pair" in text and "What moved them" in text
    data = json.loads(outs[0])
    assert data["steps"][0]["items"][-1]["id"] == "war_cost:a"


def test_bad_by_in_the_cli_exits_2(series_dir, capsys):
    argv = ["forecast", str(series_dir), "--over-time", "--by", "2025-06-01"]
    code, _, err = _exit(argv, capsys)
    assert code == 2 and "--by" in err and "not after every snapshot" in err


# The items that moved it ------------------------------------------------------------------------


def test_items_are_the_judgments_that_changed_with_their_sources(series_dir):
    old, new = (s.scenario for s in directory_snapshots(series_dir))
    changes = judgment_changes(old, new)
    assert [c.id for c in changes] == ["time:as_of", "war_cost:a"]
    cost = changes[1]
    assert cost.details == ("cost: 0.05 (0.02–0.1) → 0.2 (0.1–0.3)",)
    (src,) = cost.sources
    assert src["source"] == "s2" and src["date"] == "2025-08-15" and src["new_source"]
    assert src["quote"] == "fighting on costs A more"
    applied = apply_change(old, cost)
    assert applied.war.costs[0].cost == new.war.costs[0].cost
    assert applied.as_of == old.as_of  # the item alone, not the date
    renamed = later(small_case(), as_of="2025-03-01")
    renamed["tables"][0]["name"] = "Another name"
    renamed["positions"][0]["note"] = "a note changes no number"
    assert judgment_changes(old, scenario(renamed)) == []


def test_a_higher_cost_of_war_does_not_lower_p_ceasefire():
    """The ceasefire signal is each belligerent preferring the frozen status quo to fighting on,
    whose value is the war lottery minus its cost (Fearon 1995, "Rationalist explanations for
    war"): a higher cost can only widen the set of draws where freezing beats war, and the
    fitted hazard rises with that signal (b_c > 0), so P(ceasefire by D) cannot fall."""
    old = small_case()
    new = copy.deepcopy(old)
    new["war"]["costs"][0]["cost"] = {"low": 0.1, "mode": 0.2, "high": 0.3}
    config = TimelineConfig(draws=100, seed=2, attribution_draws=1_000)
    found = attribute(
        scenario(old), scenario(new), dt.date(2026, 3, 1), ("direct", "mediated"), config
    )
    for t in ("direct", "mediated"):
        ceasefire = found["tables"][t]["ceasefire"]
        (item,) = ceasefire["items"]
        assert item["item"] == "war_cost:a"
        assert item["effect_pp"] > (0.5 if t == "direct" else 0.0)
        assert ceasefire["residual_pp"] == 0.0  # one item: it is the whole change
        assert ceasefire["change_pp"] == item["effect_pp"]


def test_more_meetings_raise_both_events_and_touch_no_other_table():
    """The monthly hazards of a ceasefire and of an agreement scale with the chance the table
    meets, f(r) = (1 − e^−r)/(1 − e^−1) (forecast.questions): more meetings a month cannot
    lower either probability. Another table's numbers do not move at all (its inputs and
    random streams are the same: common random numbers)."""
    old = small_case()
    new = copy.deepcopy(old)
    new["tables"][0]["meetings_per_month"] = {"low": 1.5, "mode": 2.0, "high": 3.0}
    config = TimelineConfig(draws=100, seed=1, attribution_draws=1_000)
    found = attribute(
        scenario(old), scenario(new), dt.date(2026, 3, 1), ("direct", "mediated"), config
    )
    direct = found["tables"]["direct"]
    assert direct["ceasefire"]["change_pp"] > 1.0
    assert direct["agreement"]["change_pp"] > 0.1
    assert found["tables"]["mediated"]["ceasefire"]["change_pp"] == 0.0
    assert found["tables"]["mediated"]["agreement"]["items"] == []


def test_items_and_residual_add_up_and_the_bundled_pair_names_its_sources():
    snapshots = series_snapshots("ukraine-2025")
    config = TimelineConfig(draws=200, seed=0, attribution_draws=300, tables=("istanbul",))
    data = run_timeline(snapshots, config)
    (step,) = data["steps"]
    assert (step["from"], step["to"]) == ("ukraine-2025", "ukraine-2026-01")
    for a in step["tables"]["istanbul"].values():
        total = a["items_sum_pp"] + a["residual_pp"]
        assert total == pytest.approx(a["change_pp"], abs=2e-3)
        effects = [abs(i["effect_pp"]) for i in a["items"]]
        assert effects == sorted(effects, reverse=True)
    items = {i["id"]: i for i in step["items"]}
    territory = items["position:russia/territory"]
    assert any(s["source"] == "m05" and s["date"] == "2025-12-05" for s in territory["sources"])
    assert all(s["quote"] for s in territory["sources"])
    json.loads(timeline_json(data))


def test_the_report_shows_the_forecast_over_time_of_a_later_snapshot(tmp_path, capsys):
    from detente.cli.report_cmd import series_until
    from detente.scenario import load_scenario

    assert len(series_until("ukraine-2025", load_scenario("ukraine-2025"))) == 1
    out = tmp_path / "r.md"
    main(["report", "ukraine-2026-01", "-n", "200", "--out", str(out)])
    text = out.read_text()
    assert "## Forecast over time: P(event by 2027-01-22) at each snapshot" in text
    assert "What moved them, 2025-08-21 → 2026-01-22" in text
    assert (
        "“Either we liberate these territories by force, or Ukrainian troops will leave,”" in text
    )
    assert "[m05, 2025-12-05]" in text


def test_scenario_update_keeps_the_series():
    from detente.evidence.update import UpdateProposal, apply_update

    base = scenario(small_case())
    updated = apply_update(base, UpdateProposal(base.id, base.as_of, None, 0, ()))
    assert updated.series == "pair"
