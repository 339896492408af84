"""Stance claims scored by a learned model over parsed (actor, issue) candidates.

The cue rules of :mod:`detente.evidence.parsed_claims` recall only the verbs they list. This
layer does not start from cue words: every sentence that names an issue and an actor (or a
pronoun, or lies in a quotation whose speaker is an actor) yields one candidate per pair, and
a candidate is described by its dependency path (the parse-path features of Gildea &
Jurafsky, "Automatic Labeling of Semantic Roles", *Computational Linguistics* 28(3), 2002): the
lemmas on the path from the actor to the issue and at their lowest common ancestor, the actor's
grammatical role, negation, modals, hedges and conditionals on the path, and whether the cue
rules found the same act. One L2-regularised logistic regression per stance (demand, propose,
accept, reject, warn) gives the probability that the sentence states that stance of that actor
on that issue. A sentence's claim is the most probable of its candidates for that actor, issue
and stance when that probability passes the model's threshold.

The model is trained by :func:`fit` on annotated articles (``detente evidence train``,
:mod:`detente.evidence.stance_training`: a gold claim labels the sentences its quotes name) and
written as JSON weights, read with NumPy alone. The package ships one trained on the project's
annotated articles (:func:`bundled_model`); ``detente ingest`` uses it unless given another
model or ``--cue-rules`` (docs/decisions.md, "The stance model as the default").
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import InputError
from detente.evidence.lexicon import Mention

STANCES = ("demand", "propose", "accept", "reject", "warn")
CONTENT_POS = {"VERB", "NOUN", "ADJ", "AUX", "ADP"}
MODALS = {"must", "should", "will", "would", "can", "could", "may", "might", "shall"}
HEDGES = {"hope", "expect", "believe", "think", "anticipate", "predict", "likely", "possible"}
MAX_PATH = 4
MAX_UNIT_CHARS = 1_000
"""Longer units (a run-on line, a garbled table; the annotated news has none over 480
characters) are left to the cue rules: the model's work grows with actors × issue phrases of a
unit, the rules' with its length."""


@dataclass(frozen=True)
class Candidate:
    """One (actor, issue) pair in one sentence, with the features the model reads."""

    unit_start: int
    unit_end: int
    actor: Mention
    issue: str
    poles: tuple[str, ...]
    features: tuple[str, ...]
    cue: str
    """The cue rules' cue word for this pair, else the word linking actor and issue."""


def find_candidates(text: str, units, actors, issues, rule_claims, quotes) -> list:
    """Every (actor, issue) candidate of a document's sentences, with its features.

    ``rule_claims`` are the cue rules' claims (their acts become features, and an act whose
    actor is not in its sentence, such as a plan's sponsor, a candidate of its own);
    ``quotes`` the (start, end, speaker) of attributed quotations.
    """
    from detente.evidence.extract import _inside
    from detente.evidence.parsed_claims import _nlp

    by_unit: dict[int, dict[tuple[str, str], dict[str, str]]] = {}
    for c in rule_claims:
        by_unit.setdefault(c.start, {}).setdefault((c.actor, c.issue), {})[c.stance] = c.cue
    todo = []
    last_person: Mention | None = None
    for unit in units:
        if not model_reads(unit):
            continue
        unit_issues = _inside(issues, unit.start, unit.end)
        unit_actors = _inside(actors, unit.start, unit.end)
        speakers = [m for a, b, m in quotes if a < unit.end and unit.start < b]
        if unit_issues and (unit_actors or speakers or last_person is not None):
            todo.append((unit, unit_actors, unit_issues, speakers, last_person))
        people = [m for m in unit_actors if m.person]
        if people:
            last_person = people[-1]
    out: list[Candidate] = []
    docs = _nlp().pipe([u.text for u, *_ in todo])
    for (unit, unit_actors, unit_issues, speakers, person), doc in zip(todo, docs, strict=True):
        acts = by_unit.get(unit.start, {})
        out.extend(_unit_candidates(doc, unit, unit_actors, unit_issues, speakers, person, acts))
    return out


def model_reads(unit) -> bool:
    """Whether the model scores a unit's candidates (else the cue rules' claims stand)."""
    return unit.end - unit.start <= MAX_UNIT_CHARS


def _unit_candidates(doc, unit, actors, issues, speakers, person, acts) -> list[Candidate]:
    holders = _holders(doc, unit, actors, speakers, person)
    cue_classes = _cue_classes(doc)
    tree = _Tree()
    out = []
    seen: set[tuple[str, str]] = set()
    for issue in sorted({m.key for m in issues}):
        mentions = [m for m in issues if m.key == issue]
        all_poles = tuple(m.pole for m in mentions if m.pole)
        rooted = [(m, t) for m in mentions if (t := _root(doc, unit, m)) is not None]
        nearest = _nearest_issue(tree, holders, rooted)
        for h, (actor, tok, how) in enumerate(holders):
            rule_cues = acts.get((actor.key, issue), {})
            feats = {f"actor:{actor.key}", f"issue:{issue}", f"holder:{how}"}
            feats |= {f"rule:{s}" for s in rule_cues}
            cue = next(iter(rule_cues.values()), "")
            poles = all_poles
            if h in nearest:
                (mention, issue_tok), other_nearer = nearest[h]
                path = _tree_path(tok, issue_tok)
                feats |= _path_features(tok, issue_tok, path, cue_classes)
                feats |= {"other_nearer"} if other_nearer else set()
                cue = cue or (path[1].text if path else "")
                poles = (mention.pole,) if mention.pole else all_poles
            out.append(
                Candidate(unit.start, unit.end, actor, issue, poles, tuple(sorted(feats)), cue)
            )
            seen.add((actor.key, issue))
        for (key, act_issue), rule_cues in acts.items():
            if act_issue == issue and (key, issue) not in seen:
                sponsor = Mention(unit.start, unit.start, key, "", False)
                feats = {f"actor:{key}", f"issue:{issue}", "holder:rule"}
                feats |= {f"rule:{s}" for s in rule_cues}
                cue = next(iter(rule_cues.values()))
                out.append(
                    Candidate(
                        unit.start, unit.end, sponsor, issue, all_poles, tuple(sorted(feats)), cue
                    )
                )
    return out


def _nearest_issue(tree, holders, rooted) -> dict[int, tuple[tuple, bool]]:
    """For each holder with a token (by index in ``holders``): the issue mention nearest it in
    the parse (the first of equals), and whether another holder's token is nearer the issue
    than its own. Each distance is computed once, so a sentence with many actors and issue
    phrases costs holders × phrases tree walks."""
    placed = [(h, tok) for h, (_, tok, _) in enumerate(holders) if tok is not None]
    if not rooted or not placed:
        return {}
    closest = {}
    for h, tok in placed:
        distances = [tree.distance(tok, t) for _, t in rooted]
        best = min(range(len(rooted)), key=distances.__getitem__)
        closest[h] = (rooted[best], distances[best], tok.i)
    out = {}
    for h, (pair, mine, i) in closest.items():
        others = [d for _, d, j in closest.values() if j != i]
        out[h] = (pair, bool(others) and min(others) < mine)
    return out


class _Tree:
    """Distances between tokens of one parsed sentence, each token's ancestry walked once."""

    def __init__(self) -> None:
        self._steps: dict[int, dict[int, int]] = {}

    def steps_up(self, tok) -> dict[int, int]:
        """Token index of the token and each ancestor → steps up to it."""
        if tok.i not in self._steps:
            self._steps[tok.i] = {t.i: k for k, t in enumerate(_ancestry(tok))}
        return self._steps[tok.i]

    def distance(self, a, b) -> int:
        """Edges on the tree path from ``a`` to ``b`` (99 when they share no ancestor)."""
        up_b = self.steps_up(b)
        for i, k in self.steps_up(a).items():
            if i in up_b:
                return k + up_b[i]
        return 99


def _holders(doc, unit, actors, speakers, person):
    """(actor mention, token or None, how it was found) of everyone who may hold a stance in
    the sentence: actors named in it, a pronoun's person, a quotation's speaker."""
    from detente.evidence.parsed_claims import FIRST_PERSON, PERSON_PRONOUNS

    out = []
    for m in actors:
        tok = _root(doc, unit, m)
        out.append((m, tok, "person" if m.person else "named"))
    for tok in doc:
        low = tok.lower_
        if (
            low in PERSON_PRONOUNS | {"his"}
            and person is not None
            and not any(m.person for m in actors)
        ):
            out.append((person, tok, "pronoun"))
        elif low in FIRST_PERSON and speakers:
            out.append((speakers[0], tok, "first_person"))
    if speakers and not any(how == "first_person" for _, _, how in out):
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        out.append((speakers[0], root, "speaker"))
    return out


def _root(doc, unit, m: Mention):
    span = doc.char_span(m.start - unit.start, m.end - unit.start, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _ancestry(tok) -> list:
    return [tok, *tok.ancestors]


def _cue_classes(doc) -> dict[int, str]:
    """Token index → the stance class of the cue word it is part of (the cue lists of
    :mod:`detente.evidence.parsed_claims`), so that the model pools what it learns of one cue
    over the others of its class."""
    from detente.evidence.parsed_claims import CUE_RE

    out = {}
    for m in CUE_RE.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        for t in span or ():
            out[t.i] = m.lastgroup
    return out


def _tree_path(a, b):
    """The dependency path from token ``a`` to ``b``: the tokens going up from ``a`` (``a``
    first), their lowest common ancestor, and the tokens going up from ``b``; None when they
    share no ancestor."""
    up_a, up_b = _ancestry(a), _ancestry(b)
    ids_b = {t.i: k for k, t in enumerate(up_b)}
    k_a = next((k for k, t in enumerate(up_a) if t.i in ids_b), None)
    if k_a is None:
        return None
    lca = up_a[k_a]
    return up_a[:k_a], lca, up_b[: ids_b[lca.i]]


def _path_features(a, b, tree_path, cue_classes: dict[int, str]) -> set[str]:
    """Features of the dependency path (:func:`_tree_path`) from the actor's token ``a`` to
    the issue's ``b``."""
    if tree_path is None:
        return {"path:none"}
    up, lca, down = tree_path
    path = [*up[1:], lca, *down[1:]]
    feats = {
        f"adep:{a.dep_}",
        f"ahead:{a.head.lemma_.lower()}",
        f"lca:{lca.lemma_.lower()}",
        f"lcapos:{lca.pos_}",
        f"up:{'/'.join(t.dep_ for t in up[:MAX_PATH])}",
        f"down:{'/'.join(t.dep_ for t in reversed(down[-MAX_PATH:]))}",
        f"len:{min(len(up) + len(down), 8)}",
    }
    feats |= {f"pw:{t.lemma_.lower()}" for t in path if t.pos_ in CONTENT_POS}
    feats |= {f"uw:{t.lemma_.lower()}" for t in [*up[1:], lca] if t.pos_ in CONTENT_POS}
    feats |= {f"cue:{cue_classes[t.i]}" for t in path if t.i in cue_classes}
    feats |= {f"ihead:{b.head.lemma_.lower()}", f"idep:{b.dep_}"}
    for t in path:
        for c in t.children:
            if c.dep_ == "neg":
                feats.add("neg")
            if c.dep_ == "aux" and c.lower_ in MODALS:
                feats.add(f"modal:{c.lower_}")
            if c.dep_ == "mark" and c.lower_ in ("if", "unless"):
                feats.add("conditional")
    for t in [lca, *lca.ancestors]:
        if t.lemma_.lower() in HEDGES:
            feats.add("hedge")
        if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in t.children):
            feats.add("conditional")
    if a.dep_ in ("nsubj", "nsubjpass") and a.head.i == lca.i:
        feats.add(f"subj_of:{lca.lemma_.lower()}")
    return feats


# --- the model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StanceModel:
    """Weights of one logistic regression per stance over a shared feature vocabulary."""

    vocabulary: dict[str, int]
    weights: np.ndarray  # features × stances
    bias: np.ndarray  # stances
    threshold: float
    provenance: dict[str, Any]

    def probabilities(self, features) -> np.ndarray:
        """P(stance) for each candidate (rows) and stance (columns)."""
        z = np.tile(self.bias, (len(features), 1))
        for row, feats in enumerate(features):
            idx = [self.vocabulary[f] for f in feats if f in self.vocabulary]
            if idx:
                z[row] += self.weights[idx].sum(axis=0)
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic function, without overflow

    @property
    def digest(self) -> str:
        """A short hash of the weights, threshold and provenance (names the model in a store)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:12]

    def to_json(self) -> str:
        """The model as JSON, one feature's weights per line (rounded to 6 decimals)."""
        head = {
            "stances": list(STANCES),
            "threshold": self.threshold,
            "bias": [round(float(b), 6) for b in self.bias],
            "provenance": self.provenance,
        }
        rows = []
        for name in sorted(self.vocabulary):
            w = [round(float(x), 6) for x in self.weights[self.vocabulary[name]]]
            if any(w):
                rows.append(f"{json.dumps(name)}: {json.dumps(w)}")
        weights = '"weights": {\n' + ",\n".join(rows) + "\n}"
        return json.dumps(head, sort_keys=True)[:-1] + ", " + weights + "}\n"


def model_from_json(text: str, where: str | Path = "stance model") -> StanceModel:
    """A model from :meth:`StanceModel.to_json`'s text; a malformed one is an InputError."""
    try:
        data = json.loads(text)
        names = sorted(data["weights"])
        weights = np.array([data["weights"][n] for n in names], dtype=float)
        model = StanceModel(
            vocabulary={n: i for i, n in enumerate(names)},
            weights=weights.reshape(len(names), len(STANCES)),
            bias=np.array(data["bias"], dtype=float).reshape(len(STANCES)),
            threshold=float(data["threshold"]),
            provenance=dict(data.get("provenance", {})),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"not a stance model: {exc}", file=where, field="weights") from None
    if list(data.get("stances", STANCES)) != list(STANCES):
        raise InputError(f"stances must be {list(STANCES)}", file=where, field="stances")
    return model


def fit(features, labels: np.ndarray, *, l2: float, threshold: float, provenance=None):
    """L2-regularised logistic regression per stance (L-BFGS, deterministic): ``features`` a
    list of feature-name collections, ``labels`` a candidates × stances 0/1 matrix."""
    from scipy.optimize import minimize
    from scipy.sparse import csr_matrix

    names = sorted({f for feats in features for f in feats})
    vocabulary = {n: i for i, n in enumerate(names)}
    rows, cols = [], []
    for r, feats in enumerate(features):
        for f in set(feats):
            rows.append(r)
            cols.append(vocabulary[f])
    x = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(features), len(names)))
    weights = np.zeros((len(names), len(STANCES)))
    bias = np.zeros(len(STANCES))
    for s in range(len(STANCES)):
        y = labels[:, s].astype(float)

        def loss(theta, y=y):
            w, b = theta[:-1], theta[-1]
            z = x @ w + b
            p = 1.0 / (1.0 + np.exp(-z))
            nll = np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * w @ w
            g = p - y
            return nll, np.concatenate([x.T @ g + l2 * w, [g.sum()]])

        res = minimize(loss, np.zeros(len(names) + 1), jac=True, method="L-BFGS-B")
        weights[:, s], bias[s] = res.x[:-1], res.x[-1]
    return StanceModel(vocabulary, weights, bias, threshold, provenance or {})


def model_claims(
    candidates: list[Candidate], model: StanceModel
) -> list[tuple[Candidate, str, float]]:
    """(candidate, stance, probability) of each claim the model makes in one document: per
    sentence and (actor, issue, stance) the most probable candidate, kept when it passes the
    threshold, so that every sentence stating a stance is cited as the cue rules cite it."""
    if not candidates:
        return []
    probs = model.probabilities([c.features for c in candidates])
    best: dict[tuple[int, str, str, str], tuple[float, int]] = {}
    for i, c in enumerate(candidates):
        for s, stance in enumerate(STANCES):
            key = (c.unit_start, c.actor.key, c.issue, stance)
            if key not in best or probs[i, s] > best[key][0]:
                best[key] = (float(probs[i, s]), i)
    return [
        (candidates[i], key[3], p)
        for key, (p, i) in sorted(best.items(), key=lambda kv: kv[1][1])
        if p >= model.threshold
    ]


def read_model(path: Path) -> StanceModel:
    """A stance model file written by ``detente evidence train``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc.__class__.__name__}", file=path) from None
    return model_from_json(text, path)


BUNDLED_FILE = "stance_model.json"


@functools.cache
def bundled_model() -> StanceModel:
    """The stance model shipped in ``detente.data``, trained on the project's annotated
    articles (its provenance names them and its cross-validation scores)."""
    text = resources.files("detente.data").joinpath(BUNDLED_FILE).read_text("utf-8")
    return model_from_json(text, BUNDLED_FILE)
