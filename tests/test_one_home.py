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
