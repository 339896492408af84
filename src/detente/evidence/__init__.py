"""Evidence: ingest news articles into a cited, searchable SQLite store and audit scenarios.

Public API (used by the CLI, the report and the web dashboard)::

    from detente.evidence import open_store, ingest, search, claims, timeline, figures, audit

    store = open_store("detente-evidence.db")       # creates or migrates; WAL; sqlite3.Row rows
    report = ingest(store, [Path("articles/")])      # IngestReport: added, duplicates, skipped
    search(store, "security guarantees")             # sentences, best first, with doc and span
    claims(store, actor="russia", issue="territory") # stance claims with their sentences
    timeline(store)                                  # dated events in date order
    figures(store, kind="money")                     # money, people, durations, percentages
    audit(load_scenario(), store)                    # judgments with supporting/contradicting
    evaluate(store, read_gold(Path("gold.jsonl")))   # precision and recall per item type
    agreement(read_gold(a), read_gold(b))            # two annotations of the same articles
    export(store)                                    # everything as one JSON-ready dict
    claims(store, published_by="2025-09-01")         # only what was published by a date

    from detente.evidence.update import propose_update, apply_update
    proposal = propose_update(load_scenario(), store)  # changes from claims after as_of
    apply_update(load_scenario(), proposal)            # a new scenario, as_of moved on

Every extracted item carries ``doc_id`` and character offsets ``start``/``end`` into the
stored document text (:func:`document_text`) and the publication of its document (date,
outlet, URL, author). Extraction is offline: a gazetteer (``detente/data/gazetteer.yaml``) for
actors, an issue lexicon (``detente/data/issue_lexicon.yaml``) for issues, spaCy's dependency
parse and a trained stance model (``detente/data/stance_model.json``; cue words with
``ingest(..., stance_model="cue rules")``) for stances, date patterns normalised by dateparser
and resolved against the publication date. Nothing is downloaded. Rules and formats:
docs/evidence.md.
"""

from __future__ import annotations

from detente.evidence.audit import audit
from detente.evidence.evaluate import Evaluation, Score, agreement, evaluate, read_gold
from detente.evidence.ingest import IngestReport
from detente.evidence.ingest import ingest_paths as ingest
from detente.evidence.lexicon import load_gazetteer, load_lexicon
from detente.evidence.queries import (
    claims,
    document_text,
    documents,
    export,
    figures,
    search,
    source_label,
    timeline,
)
from detente.evidence.reader import MB, iter_article_files
from detente.evidence.stance_model import StanceModel
from detente.evidence.stance_model import read_model as read_stance_model
from detente.evidence.stance_training import annotated_documents, cross_validate, gold_claims
from detente.evidence.stance_training import train as train_stance_model
from detente.evidence.store import SCHEMA_VERSION, default_db_path, open_store
from detente.evidence.update import apply_update, format_change, propose_update

__all__ = [
    "MB",
    "SCHEMA_VERSION",
    "Evaluation",
    "IngestReport",
    "Score",
    "StanceModel",
    "agreement",
    "annotated_documents",
    "apply_update",
    "audit",
    "claims",
    "cross_validate",
    "default_db_path",
    "document_text",
    "documents",
    "evaluate",
    "export",
    "figures",
    "format_change",
    "gold_claims",
    "ingest",
    "iter_article_files",
    "load_gazetteer",
    "load_lexicon",
    "open_store",
    "propose_update",
    "read_gold",
    "read_stance_model",
    "search",
    "source_label",
    "timeline",
    "train_stance_model",
]
