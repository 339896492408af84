"""Each shared concept has one home: utility, red lines, weights, the typical draw, parsing."""

from __future__ import annotations

import numpy as np
import pytest

from detente import spatial
from detente.errors import InputError
from detente.forecast import outcomes
from detente.protocols import preferences
from detente.scenario import dump_json, dump_yaml, load_scenario, loads


def test_forecast_and_protocols_share_the_linear_loss_utility_and_red_lines():
    assert outcomes.utility is spatial.linear_utility
    assert outcomes.crosses_red_line is spatial.crosses_red_line
    rng = np.random.default_rng(1)
    ideal = rng.uniform(0, 100, (20, 3, 4))
    salience = rng.uniform(0, 10, (20, 3, 4))
    red = np.where(rng.random((20, 3, 4)) < 0.3, rng.uniform(0, 100, (20, 3, 4)), np.nan)
    prefs = preferences(ideal, salience, np.zeros((20, 3)), red)
    point = rng.uniform(0, 100, (20, 4))
    weights = spatial.salience_weights(salience)
    np.testing.assert_array_equal(prefs.utility(point), outcomes.utility(point, ideal, weights))
    crossed = outcomes.crosses_red_line(point, ideal, red)
    np.testing.assert_array_equal(prefs.acceptable(point), ~crossed)


def test_loads_reads_every_text_format_like_load_scenario():
    scenario = load_scenario(None)
    assert loads(dump_yaml(scenario), "yaml") == scenario
    assert loads(dump_json(scenario), "json") == scenario
    with pytest.raises(InputError) as info:
        loads('{"id": 1,\n  oops}', "json", file="x.json")
    assert info.value.line == 2 and info.value.file == "x.json"
    with pytest.raises(InputError):
        loads("id: x", "toml")


def test_uploads_parse_through_scenario_loads():
    from detente.web.store import parse_upload

    scenario = load_scenario(None)
    assert parse_upload("s.json", dump_json(scenario).encode()) == scenario
    with pytest.raises(InputError) as info:
        parse_upload("s.yaml", b"id: [unclosed\n")
    assert info.value.file == "s.yaml" and "YAML" in info.value.message


def test_typical_draw_is_every_judgment_at_its_mode():
    from detente.forecast.inputs import INPUT_FIELDS, input_space
    from detente.forecast.typical import modal_inputs

    scenario = load_scenario(None)
    x = modal_inputs(scenario)
    modes = input_space(scenario).modes
    assert set(INPUT_FIELDS) == modes.keys()
    for key, value in modes.items():
        assert getattr(x, key).shape == (1, *np.shape(value))
        assert np.array_equal(getattr(x, key)[0], value, equal_nan=True)


def test_sweep_and_what_if_move_a_judgment_alike():
    """Both shift an uncertain judgment's range with its mode (clipped to the scale) instead of
    one of them dropping the range."""
    from detente.forecast.sweep import parse_vary, variant
    from detente.scenario import bounds_of, mode_of
    from detente.web.whatif import Edits, apply_edits

    scenario = load_scenario(None)
    position = scenario.position("russia", "territory")
    assert bounds_of(position.ideal)[0] < mode_of(position.ideal)  # an uncertain judgment
    vary = parse_vary("positions[russia,territory].ideal=60:60:1")
    swept = variant(scenario, {vary: 60.0}).position("russia", "territory").ideal
    edited = apply_edits(scenario, Edits(ideal={"russia/territory": 60.0}))
    assert swept == edited.position("russia", "territory").ideal
    shift = 60.0 - mode_of(position.ideal)
    low, high = bounds_of(position.ideal)
    assert bounds_of(swept) == (pytest.approx(low + shift), pytest.approx(min(high + shift, 100)))


def test_a_sweep_off_the_scale_names_the_vary_option():
    from detente.forecast.sweep import parse_vary, variant

    vary = parse_vary("positions[russia,territory].ideal=120:120:1")
    with pytest.raises(InputError, match="between 0 and 100") as info:
        variant(load_scenario(None), {vary: 120.0})
    assert info.value.field == "vary"


def test_mechanisms_with_a_durability_effect_are_scenario_mechanism_kinds():
    from typing import get_args

    from detente.conflict.durability import MECHANISM_EFFECTS
    from detente.scenario.model import MechanismKind

    assert set(MECHANISM_EFFECTS) <= set(get_args(MechanismKind))
