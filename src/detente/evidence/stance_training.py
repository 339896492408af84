"""Training and cross-validating the stance model on annotated articles.

Labels come from a gold file (docs/evidence.md, "Gold files"). A gold claim with ``quotes``
(the sentences that state it, docs/annotation.md) labels the candidates of those sentences: a
candidate is positive for a stance when a quote of a gold claim with its actor, issue and that
stance lies in its sentence. A claim without quotes labels the whole document: every candidate
with its actor and issue is positive for its stance. The model is scored by k-fold
cross-validation with whole documents held out (folds by sorted file name), so no sentence of a
scored document was seen in training, beside the cue rules on the same documents.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detente.evidence.evaluate import Score, read_gold
from detente.evidence.extract import extract
from detente.evidence.lexicon import Gazetteer, IssueLexicon
from detente.evidence.reader import Article, iter_article_files, read_article
from detente.evidence.stance_model import STANCES, StanceModel, find_candidates, fit, model_claims

DEFAULT_L2 = 1.0
DEFAULT_THRESHOLD = 0.3
"""Chosen by 5-fold cross-validation with sentence labels over 109 articles (docs/validation.md,
fifth round): F1 is flat between 0.67 and 0.70 for L2 0.3–3 and thresholds 0.2–0.5."""
DEFAULT_FOLDS = 5


Triple = tuple[str, str, str]
"""A claim as the gold files match it: (actor, issue, stance)."""


@dataclass(frozen=True)
class Annotated:
    """One annotated document: its candidates, the cue rules' claims, the gold claims and, for
    claims with quotes, the character spans of the sentences that state them."""

    name: str
    candidates: list
    rule_claims: frozenset[Triple]
    gold: frozenset[Triple]
    stated_at: dict[Triple, tuple[tuple[int, int], ...]]


def gold_claims(gold_files: list[Path]) -> dict[str, dict[Triple, list[str]]]:
    """Document name → its gold claims, each with its quotes (empty when it has none), for
    every document the files name."""
    out: dict[str, dict[Triple, list[str]]] = {}
    for path in gold_files:
        for item in read_gold(path):
            claims = out.setdefault(item["doc"], {})
            if item["type"] == "claim":
                triple = (item["actor"], item["issue"], item["stance"])
                claims.setdefault(triple, []).extend(item.get("quotes", []))
    return out


def annotated_documents(
    paths: list[Path],
    gold: dict[str, dict[Triple, list[str]]],
    gazetteer: Gazetteer,
    lexicon: IssueLexicon,
    on_file: Callable[[Path], None] | None = None,
    files: list[Path] | None = None,
) -> list[Annotated]:
    """The candidates of every article under ``paths`` that the gold names, in name order
    (``files`` may pass the list from :func:`iter_article_files` when the caller has it)."""
    if files is None:
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
    stated_at = {
        triple: spans
        for triple, quotes in gold.items()
        if (spans := tuple(span for q in quotes if (span := _find(article.text, q))))
    }
    return Annotated(article.name, candidates, rules, frozenset(gold), stated_at)


def _find(text: str, quote: str) -> tuple[int, int] | None:
    """Where a quote stands in the text (whitespace may differ), or None."""
    words = quote.split()
    if not words:
        return None
    m = re.search(r"\s+".join(map(re.escape, words)), text)
    return (m.start(), m.end()) if m else None


def _labels(doc: Annotated) -> np.ndarray:
    """Candidates × stances: 1 where the candidate's sentence states that gold claim (or, for a
    claim without quotes, anywhere in the document)."""
    return np.array(
        [[_states(doc, c, (c.actor.key, c.issue, s)) for s in STANCES] for c in doc.candidates],
        dtype=float,
    ).reshape(-1, len(STANCES))


def _states(doc: Annotated, candidate, triple: Triple) -> bool:
    if triple not in doc.gold:
        return False
    spans = doc.stated_at.get(triple)
    if spans is None:
        return True
    return any(a < candidate.unit_end and candidate.unit_start < b for a, b in spans)


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
    return {(c.actor.key, c.issue, stance) for c, stance, _ in model_claims(doc.candidates, model)}


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
