"""What-if edits: judgments move with their ranges, and nothing else changes."""

from __future__ import annotations

import pytest

from detente.errors import InputError
from detente.forecast.run import input_hash
from detente.scenario import Uncertain, load_scenario
from detente.web.whatif import Edits, apply_edits, moved


def test_moved_shifts_the_range_and_clips_it_to_the_scale():
    triangle = {"low": 20.0, "mode": 30.0, "high": 40.0}
    assert moved(triangle, 35.0, "ideal") == {"low": 25.0, "mode": 35.0, "high": 45.0}
    assert moved(triangle, 95.0, "ideal") == {"low": 85.0, "mode": 95.0, "high": 100.0}
    assert moved(triangle, 2.0, "ideal") == {"low": 0.0, "mode": 2.0, "high": 12.0}
    assert moved(0.4, 0.9, "leverage") == 0.9
    with pytest.raises(InputError, match="leverage must be between 0 and 1"):
        moved(0.4, 1.5, "leverage")


def test_no_edits_and_edits_to_the_same_mode_leave_the_inputs_alone():
    scenario = load_scenario()
    assert apply_edits(scenario, Edits()) is scenario
    same = Edits(
        capability={"ukraine": 30},
        ideal={"russia/territory": 100},
        leverage={"us_mediated": 0.6},
    )
    assert input_hash(apply_edits(scenario, same)) == input_hash(scenario)


def test_each_edit_lands_where_it_should():
    scenario = load_scenario()
    edited = apply_edits(
        scenario,
        Edits(
            capability={"ukraine": 45},
            salience={"ukraine/territory": 50},
            mediator={"trilateral": "china"},
            bias={"us_mediated": 0.0},
            mechanisms={"bilateral": ["ceasefire_monitoring"]},
        ),
    )
    assert edited.actor("ukraine").capability == Uncertain(low=37, mode=45, high=53)
    assert edited.position("ukraine", "territory").salience.mode == 50
    assert edited.table("trilateral").mediator.actor == "china"
    assert (
        edited.table("trilateral").mediator.leverage
        == scenario.table("trilateral").mediator.leverage
    )
    assert edited.table("us_mediated").mediator.bias.mode == 0.0
    assert edited.table("bilateral").mechanisms == ("ceasefire_monitoring",)
    untouched = [a for a in scenario.actors if a.id != "ukraine"]
    assert all(edited.actor(a.id) == a for a in untouched)


@pytest.mark.parametrize(
    "edits, words",
    [
        (Edits(capability={"atlantis": 3}), "atlantis"),
        (Edits(ideal={"russia/moon": 3}), "russia/moon"),
        (Edits(leverage={"bilateral": 0.5}), "no mediator"),
        (Edits(mediator={"bilateral": "nobody"}), "nobody"),
        (Edits(mechanisms={"bilateral": ["magic"]}), "magic"),
    ],
)
def test_bad_edits_are_input_errors(edits, words):
    with pytest.raises(InputError, match=words):
        apply_edits(load_scenario(), edits)


def test_unknown_edit_kinds_are_refused():
    with pytest.raises(ValueError):
        Edits.model_validate({"weather": {"kyiv": 1}})


def test_removing_a_single_text_mediator_gives_alternating_offers():
    from detente.scenario import load_scenario
    from detente.web.whatif import Edits, apply_edits

    base = load_scenario("ukraine-2025")
    edited = apply_edits(base, Edits(mediator={"us_mediated": "", "istanbul": ""}))
    tables = {t.id: t for t in edited.tables}
    assert tables["us_mediated"].mediator is None
    assert tables["us_mediated"].protocol == "alternating_offers"
    # an alternating-offers table keeps its protocol; other tables are untouched
    assert (
        tables["istanbul"].mediator is None and tables["istanbul"].protocol == "alternating_offers"
    )
    assert tables["trilateral"].protocol == "single_text"
