import json

import yaml

from detente.scenario import dump_json, dump_yaml, load_scenario, validate_data


def test_minimal_round_trips(minimal_scenario_path):
    s = load_scenario(minimal_scenario_path)
    assert validate_data(yaml.safe_load(dump_yaml(s))) == s
    assert validate_data(json.loads(dump_json(s))) == s
