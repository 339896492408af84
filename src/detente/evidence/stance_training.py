"""Training and cross-validating the stance model on annotated articles.

Labels come from a gold file (docs/evidence.md, "Gold files"): a candidate of document *d* is
positive for a stance when *d*'s gold claims hold its actor, issue and that stance. The model is
scored by k-fold cross-validation with whole documents held out (folds by sorted file name), so
no sentence of a scored document was seen in training, beside the cue rules on the same folds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detente.evidence.evaluate import Score, read_gold
from detente.evidence.extract import extract
from detente.evidence.lexicon import Gazetteer, IssueLexicon
from detente.evidence.reader import Article, iter_article_files, read_article
from detente.evidence.stance_model import STANCES, StanceModel, doc_claims, find_candidates, fit

DEFAULT_L2 = 3.0
DEFAULT_THRESHOLD = 0.4
DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class Annotated:
    """One annotated document: its candidates, the cue rules' claims and the gold claims."""

    name: str
    candidates: list
    rule_claims: frozenset[tuple[str, str, str]]
    gold: frozenset[tuple[str, str, str]]


def gold_claims(gold_files: list[Path]) -> dict[str, set[tuple[str, str, str]]]:
    """Document name → its gold (actor, issue, stance) triples, for every document named."""
    out: dict[str, set[tuple[str, str, str]]] = {}
    for path in gold_files:
        for item in read_gold(path):
            claims = out.setdefault(item["doc"], set())
            if item["type"] == "claim":
                claims.add((item["actor"], item["issue"], item["stance"]))
    return out


def annotated_documents(
    paths: list[Path],
    gold: dict[str, set[tuple[str, str, str]]],
    gazetteer: Gazetteer,
    lexicon: IssueLexicon,
    on_file: Callable[[Path], None] | None = None,
) -> list[Annotated]:
    """The candidates of every article under ``paths`` that the gold names, in name order."""
    files, _ = iter_article_files(paths)
    out = []
    for path in sorted(files, key=lambda p: p.name):
        if path.name in gold:
            article = read_article(path)
            if isinstance(article, Article):
                out.append(_annotated(article, gold[path.name], gazetteer, lexicon))
        if on_file is not None:
            on_file(path)
    return out


def _annotated(article: Article, gold, gazetteer, lexicon) -> Annotated:
    from detente.evidence.parsed_claims import quote_speakers

    day = dt.date.fromisoformat(article.date) if article.date_precision == "day" else None
    found = extract(article.text, gazetteer, lexicon, doc_date=day)
    quotes = quote_speakers(article.text, found.actors)
    candidates = find_candidates(
        article.text, list(found.sentences), found.actors, found.issues, found.claims, quotes
    )
    rules = frozenset((c.actor, c.issue, c.stance) for c in found.claims)
    return Annotated(article.name, candidates, rules, frozenset(gold))


def _labels(doc: Annotated) -> np.ndarray:
    return np.array(
        [[(c.actor.key, c.issue, s) in doc.gold for s in STANCES] for c in doc.candidates],
        dtype=float,
    ).reshape(-1, len(STANCES))


def train(
    docs: list[Annotated],
    *,
    l2: float = DEFAULT_L2,
    threshold: float = DEFAULT_THRESHOLD,
    cross_validation: dict | None = None,
) -> StanceModel:
    """The stance model fitted on all of ``docs`` (its provenance names them, and the
    ``cross_validation`` scores when given)."""
    features = [c.features for d in docs for c in d.candidates]
    labels = np.vstack([_labels(d) for d in docs]) if features else np.zeros((0, len(STANCES)))
    provenance = {"trained_on": [d.name for d in docs], "l2": l2, "threshold": threshold}
    if cross_validation is not None:
        provenance["cross_validation"] = cross_validation
    return fit(features, labels, l2=l2, threshold=threshold, provenance=provenance)


def predicted(doc: Annotated, model: StanceModel) -> set[tuple[str, str, str]]:
    return {(c.actor.key, c.issue, stance) for c, stance, _ in doc_claims(doc.candidates, model)}


def cross_validate(
    docs: list[Annotated],
    *,
    folds: int = DEFAULT_FOLDS,
    l2: float = DEFAULT_L2,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, Score]:
    """Claims scored with whole documents held out: the model trained on the other folds, and
    the cue rules, on the same documents (fold of document *i*: *i* mod ``folds``)."""
    found: dict[str, dict[str, set]] = {"model, held out": {}, "cue rules": {}}
    for k in range(folds):
        held = [d for i, d in enumerate(docs) if i % folds == k]
        rest = [d for i, d in enumerate(docs) if i % folds != k]
        model = train(rest, l2=l2, threshold=threshold)
        for doc in held:
            found["model, held out"][doc.name] = predicted(doc, model)
            found["cue rules"][doc.name] = set(doc.rule_claims)
    return {name: claim_score(docs, by_doc) for name, by_doc in found.items()}


def claim_score(docs: list[Annotated], found: dict[str, set]) -> Score:
    """Claims found in ``docs`` against their gold (matched as per-document sets)."""
    return Score(
        "claim",
        sum(len(found[d.name] & d.gold) for d in docs),
        sum(len(found[d.name]) for d in docs),
        sum(len(d.gold) for d in docs),
    )
