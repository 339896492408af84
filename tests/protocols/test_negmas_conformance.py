"""Like for like with NegMAS: the same discrete bilateral domains and time-dependent strategies
reach the same agreement (both utilities within 1e-6) in the same step, or both fail.

NegMAS (AGPL) runs here as a peer only; ``detente`` never imports it. Semantics matched (see
:mod:`detente.protocols.discrete`): NegMAS's ``SAOMechanism`` with ``BoulwareTB``/``LinearTB``/
``ConcederTBNegotiator`` — step s at relative time (s + 1)/(S + 1), the first-added party answers
and proposes first in every step, aspiration 1 − t^E scaled to [max(worst, reserved), best]
less a 1e-4 tolerance, the cheapest own outcome at or above it is offered (or one at most 1e-6
below when strictly nearer), and an offer is accepted when worth at least the same level.

Differences, tested by their closest equivalent:

- Exponents: NegMAS names E = 4 (Boulware), 1, 0.25 (Conceder) in 1 − t^E; detente writes
  1 − t^(1/e), so the same curves are ``time:0.25``, ``linear`` and ``time:4``. detente's own
  ``boulware`` (e = 0.2) and ``conceder`` (e = 5) are steeper than NegMAS's and are not used here.
- Equal own utilities: NegMAS offers the first of them in NumPy's default (unstable) sort order
  of its rational outcomes, which depends on NumPy's version and the CPU; detente by default
  takes the first in enumeration order, the same on every machine. With ``tie_order="numpy"``
  detente sorts as NegMAS does (the rational outcomes alone, per distinct reservation), and
  tie-heavy domains then match, with and without reserved values. Domains with random real
  weights have no ties, so both orders agree there.
- Time: NegMAS may also end on wall-clock limits; detente counts steps only (no time limit is
  set here, so NegMAS counts steps too).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from detente.errors import InputError
from detente.protocols import strategy_named
from detente.protocols.discrete import additive_utilities, discrete_alternating_offers

negmas = pytest.importorskip("negmas")
from negmas import SAOMechanism, make_issue  # noqa: E402
from negmas.negotiators.helpers import POLY_ASPIRATION_EXPONENTS  # noqa: E402
from negmas.preferences import LinearAdditiveUtilityFunction  # noqa: E402
from negmas.sao import (  # noqa: E402
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    LinearTBNegotiator,
)

NEGOTIATORS = {
    "boulware": BoulwareTBNegotiator,
    "linear": LinearTBNegotiator,
    "conceder": ConcederTBNegotiator,
}
PAIRS = [("boulware", "conceder"), ("linear", "linear"), ("boulware", "boulware")]
# name, issues, values per issue, steps, value tables ("opposed" or "random"), reserved values
DOMAINS = [
    ("2x5", 2, 5, 10, "opposed", None),
    ("3x4", 3, 4, 30, "random", None),
    ("5x10", 5, 10, 100, "opposed", None),
    ("4x6-reserved", 4, 6, 50, "random", (0.3, 0.45)),
    ("3x5-no-deal", 3, 5, 40, "opposed", (0.9, 0.9)),
]


def exponent(name: str) -> float:
    """detente's e for NegMAS's named curve: 1 − t^E is 1 − t^(1/e)."""
    return 1.0 / POLY_ASPIRATION_EXPONENTS[name]


def tables(rng, issues: int, values: int, kind: str) -> list[list[np.ndarray]]:
    """Each party's value of each level of each issue."""
    if kind == "random":
        return [[rng.random(values) for _ in range(issues)] for _ in range(2)]
    up = np.arange(values) / (values - 1)
    return [[1.0 - up] * issues, [up] * issues]


def negmas_run(value_tables, weights, n_steps, pair, reserved=None):
    """NegMAS's agreement: (agreed, step of the acceptance, utilities)."""
    warnings.filterwarnings("ignore")
    issues = [make_issue(len(value_tables[0][0]), f"i{k}") for k in range(len(weights[0]))]
    mechanism = SAOMechanism(issues=issues, n_steps=n_steps)
    ufuns = []
    for p in range(2):
        extra = {} if reserved is None else {"reserved_value": reserved[p]}
        ufun = LinearAdditiveUtilityFunction(
            values=[{i: float(v) for i, v in enumerate(t)} for t in value_tables[p]],
            weights=[float(w) for w in weights[p]],
            issues=issues,
            **extra,
        )
        ufuns.append(ufun)
        mechanism.add(NEGOTIATORS[pair[p]](name=f"party{p}"), ufun=ufun)
    mechanism.run()
    agreement = mechanism.state.agreement
    if agreement is None:
        return False, -1, None
    return True, mechanism.full_trace[-1].step, np.array([float(u(agreement)) for u in ufuns])


def detente_utilities(value_tables, weights) -> np.ndarray:
    """(2, N) utilities of the enumerated outcomes."""
    return np.stack([additive_utilities(value_tables[p], weights[p]) for p in range(2)])


def assert_same(ours, index, theirs):
    agreed, step, utility = theirs
    assert bool(ours.agreed[index]) == agreed
    assert int(ours.step[index]) == step
    if agreed:
        np.testing.assert_allclose(ours.utility[index], utility, rtol=0, atol=1e-6)


@pytest.mark.parametrize("pair", PAIRS, ids="-".join)
@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d[0])
def test_same_agreement_in_the_same_step(domain, pair):
    name, issues, values, n_steps, kind, reserved = domain
    rng = np.random.default_rng(len(name) * 7 + issues)
    value_tables = tables(rng, issues, values, kind)
    weights = [rng.dirichlet(np.ones(issues)) for _ in range(2)]
    theirs = negmas_run(value_tables, weights, n_steps, pair, reserved)
    ours = discrete_alternating_offers(
        detente_utilities(value_tables, weights),
        [exponent(p) for p in pair],
        n_steps,
        reservation=reserved,
    )
    assert_same(ours, 0, theirs)
    if name.endswith("no-deal"):
        assert not theirs[0]
        np.testing.assert_array_equal(ours.utility[0], reserved)


def test_a_batch_of_perturbed_domains_matches_negmas_one_by_one():
    rng = np.random.default_rng(3)
    value_tables = tables(rng, 3, 4, "random")
    weights = rng.dirichlet(np.ones(3), (6, 2))
    batch = np.stack([detente_utilities(value_tables, w) for w in weights])
    pairs = [PAIRS[i % 3] for i in range(6)]
    exps = np.array([[exponent(p) for p in pair] for pair in pairs])
    ours = discrete_alternating_offers(batch, exps, 25, reservation=[0.2, 0.1])
    for b, pair in enumerate(pairs):
        assert_same(ours, b, negmas_run(value_tables, weights[b], 25, pair, (0.2, 0.1)))


def test_strategies_and_a_shared_domain_batch_agree_with_single_runs():
    rng = np.random.default_rng(4)
    value_tables = tables(rng, 2, 5, "random")
    weights = [rng.dirichlet(np.ones(2)) for _ in range(2)]
    u = detente_utilities(value_tables, weights)
    exps = np.array([[0.25, 4.0], [1.0, 1.0], [0.25, 0.25], [4.0, 0.25]])
    batch = discrete_alternating_offers(u, exps, 20)
    for b, e in enumerate(exps):
        one = discrete_alternating_offers(u, e, 20)
        assert (batch.step[b], batch.outcome[b]) == (one.step[0], one.outcome[0])
    named = discrete_alternating_offers(
        u, [strategy_named("time:0.25"), strategy_named("time:4")], 20
    )
    assert (named.step[0], named.outcome[0]) == (batch.step[0], batch.outcome[0])
    assert_same(batch, 0, negmas_run(value_tables, weights, 20, ("boulware", "conceder")))


@pytest.mark.parametrize("tie_order", ["enumeration", "numpy"])
@pytest.mark.parametrize("shared", [True, False])
def test_a_batch_equals_its_negotiations_one_by_one(shared, tie_order):
    """Coarse values make ties; reserved values differ per negotiation."""
    rng = np.random.default_rng(5)
    value_tables = [[rng.choice([0.0, 0.5, 1.0], 4) for _ in range(3)] for _ in range(2)]
    weights = rng.dirichlet(np.ones(3), (8, 2))
    weights[::2] = 1 / 3
    if shared:
        batch = detente_utilities(value_tables, weights[0])
    else:
        batch = np.stack([detente_utilities(value_tables, w) for w in weights])
    exps = np.array([[exponent(p) for p in PAIRS[i % 3]] for i in range(8)])
    reserved = np.where(rng.random((8, 2)) < 0.5, -np.inf, rng.uniform(0, 0.5, (8, 2)))
    ours = discrete_alternating_offers(batch, exps, 30, reserved, tie_order=tie_order)
    for b in range(8):
        one = discrete_alternating_offers(
            batch if shared else batch[b], exps[b], 30, reserved[b], tie_order=tie_order
        )
        assert (ours.step[b], ours.outcome[b]) == (one.step[0], one.outcome[0])
        np.testing.assert_array_equal(ours.offers[:, b], one.offers[:, 0])


@pytest.mark.parametrize("reserved", [None, (0.3, 0.4)])
def test_ties_follow_numpy_sort_order_like_negmas(reserved):
    """Coarse values and equal weights make many outcomes equally good to the proposer."""
    matched = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        value_tables = [
            [rng.choice([0.0, 0.25, 0.5, 0.75, 1.0], 5) for _ in range(4)] for _ in range(2)
        ]
        weights = [np.full(4, 0.25)] * 2
        u = detente_utilities(value_tables, weights)
        for pair in PAIRS:
            ours = discrete_alternating_offers(
                u, [exponent(p) for p in pair], 40, reservation=reserved, tie_order="numpy"
            )
            assert_same(ours, 0, negmas_run(value_tables, weights, 40, pair, reserved))
            matched += 1
    assert matched == 18


def test_an_offer_just_below_the_aspiration_level_is_taken_when_nearer():
    """Level at step 0 with one step and a linear curve: 0.5 − 1e-4 = 0.4999. The outcome 9e-7
    below it is nearer than the one 5e-6 above, so NegMAS (and detente) offer it."""
    level = 0.5 - 1e-4
    value_tables = [
        [np.array([0.0, level - 9e-7, level + 5e-6, 1.0])],
        [np.array([1.0, 0.9, 0.8, 0.0])],
    ]
    weights = [np.ones(1), np.ones(1)]
    theirs = negmas_run(value_tables, weights, 1, ("linear", "linear"))
    ours = discrete_alternating_offers(detente_utilities(value_tables, weights), [1.0, 1.0], 1)
    assert_same(ours, 0, theirs)
    assert ours.outcome[0] == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"utilities": np.zeros((3, 4))},
        {"utilities": np.full((2, 4), np.nan)},
        {"e": [0.25]},
        {"e": [0.0, 1.0]},
        {"e": [strategy_named("tit_for_tat"), strategy_named("linear")]},
        {"n_steps": 0},
        {"reservation": [0.1, 0.2, 0.3]},
        {"tie_order": "random"},
    ],
)
def test_bad_input_is_an_input_error(kwargs):
    args = {"utilities": np.zeros((2, 4)), "e": [1.0, 1.0], "n_steps": 5} | kwargs
    with pytest.raises(InputError):
        discrete_alternating_offers(**args)
