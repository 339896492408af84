"""``detente ingest``, ``detente timeline``, ``detente evidence
search|claims|export|evaluate|agreement|train`` and ``detente scenario audit|update``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import typer

from detente.cli.common import parse_date
from detente.cli.layout import Col, err_console, out_console, progress, say, show
from detente.cli.output import check_output, write_output
from detente.errors import InputError

MAX_INGEST_MB = 1024

DB_OPTION = typer.Option(
    None,
    "--db",
    help="Evidence store (SQLite). Default: $DETENTE_DB, else ./detente-evidence.db.",
)


def _open(db: Path | None, *, create: bool = False):
    """The evidence store: created or migrated for ingest, read-only for every other command
    (so they work on a store the user may only read)."""
    from detente.evidence import open_store

    return open_store(db, create=create, readonly=not create)


def _clean(text: str) -> str:
    """Text on one line (whitespace collapsed); wrapped, never cut, when printed."""
    return " ".join(text.split())


def _fmt(x: float | None) -> str:
    """A score or probability to two places; "–" when there is none (None or NaN)."""
    return "–" if x is None or math.isnan(x) else f"{x:.2f}"


PUBLISHED_BY = typer.Option(
    None, "--published-by", help="Only documents published on or before this date (YYYY-MM-DD)."
)


def _source(r) -> str:
    """How a row's document is cited (outlet, date), unescaped."""
    from detente.evidence import source_label

    return source_label(r)


def _show_scores(result, title: str, columns, cells, record, json_out, missing: str) -> None:
    """Scores per item type (an ``Evaluation``) as a table, the event-actor overlap and the
    documents left out; ``cells`` and ``record`` give a score's table cells and JSON object."""
    if json_out is not None:
        scores = {k: record(s) for k, s in result.scores.items()}
        write_output(json_out, json.dumps(scores, indent=1), "--json")
    console = out_console()
    show(
        console,
        title,
        [Col("items"), *(Col(h, "right") for h in columns)],
        [[s.kind, *cells(s)] for s in result.scores.values()],
    )
    say(
        console,
        f"event actors, mean Jaccard of matched events: {_fmt(result.event_actor_jaccard)}",
    )
    if result.missing_docs:
        say(err_console(), f"{missing}: {', '.join(result.missing_docs)}", "yellow", one_line=True)


def register(app: typer.Typer, groups) -> None:
    """Add the evidence commands."""

    @app.command("ingest")
    def ingest(
        paths: list[Path] = typer.Argument(..., help="Files (.txt, .md, .html) or directories."),
        db: Path | None = DB_OPTION,
        gazetteer: Path | None = typer.Option(
            None, "--gazetteer", help="YAML gazetteer merged over the bundled one."
        ),
        lexicon: Path | None = typer.Option(
            None, "--lexicon", help="YAML issue lexicon whose issues replace or add to the bundled."
        ),
        max_mb: float = typer.Option(
            10.0, "--max-mb", help="Skip files larger than this (1 MB = 2**20 bytes; at most 1024)."
        ),
        allow_undated: bool = typer.Option(
            False, "--allow-undated", help="Keep articles without a publication date."
        ),
        stance_model: Path | None = typer.Option(
            None,
            "--stance-model",
            help="A model written by 'detente evidence train', instead of the bundled one.",
        ),
        cue_rules: bool = typer.Option(
            False, "--cue-rules", help="Claims from the cue rules instead of a stance model."
        ),
    ) -> None:
        """Read articles into the evidence store (duplicates by normalised content are skipped)."""
        from detente.evidence import (
            MB,
            iter_article_files,
            load_gazetteer,
            load_lexicon,
            read_stance_model,
        )
        from detente.evidence import ingest as ingest_paths

        if not 0.001 <= max_mb <= MAX_INGEST_MB:  # also refuses nan and inf
            raise InputError(f"expected 0.001 to {MAX_INGEST_MB}, got {max_mb}", field="--max-mb")
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise InputError("no such file or directory", file=missing[0], field="PATHS")
        gaz, lex = load_gazetteer(gazetteer), load_lexicon(lexicon)
        if cue_rules and stance_model is not None:
            raise InputError("give --stance-model or --cue-rules, not both", field="--cue-rules")
        claims_from = (
            "cue rules" if cue_rules
            else read_stance_model(stance_model) if stance_model is not None
            else "bundled"
        )  # fmt: skip
        files, bad = iter_article_files(paths)
        store = _open(db, create=True)
        with progress() as bar:
            task = bar.add_task("ingesting", total=len(files))
            report = ingest_paths(
                store, paths, gazetteer=gaz, lexicon=lex, max_bytes=int(max_mb * MB),
                files=files, require_date=not allow_undated,
                stance_model=claims_from,
                on_file=lambda f: bar.advance(task, 1),
            )  # fmt: skip
        report.skipped[:0] = [(b.path, b.reason) for b in bad]
        err = err_console()
        for path, reason in report.skipped:
            say(err, f"skipped {path}: {reason}", "yellow", one_line=True)
        for path, note in report.warnings:
            say(err, f"warning {path}: {note}", "yellow", one_line=True)
        counts = store.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM claims),"
            " (SELECT count(*) FROM events), (SELECT count(*) FROM figures)"
        ).fetchone()
        store.close()  # checkpoints the write-ahead log into the store file
        say(
            out_console(),
            f"added {len(report.added)}, already stored {len(report.duplicates)}, skipped "
            f"{len(report.skipped)}; store has {counts[0]} documents, {counts[1]} claims, "
            f"{counts[2]} events, {counts[3]} figures",
        )

    @app.command("timeline")
    def timeline_cmd(
        db: Path | None = DB_OPTION,
        actor: str | None = typer.Option(None, "--actor", help="Only events naming this actor."),
        published_by: str | None = PUBLISHED_BY,
    ) -> None:
        """Dated events from the evidence store, in date order."""
        from detente.evidence import timeline

        rows = timeline(_open(db), actor=actor, published_by=published_by)
        show(
            out_console(),
            f"Timeline ({len(rows)} events)",
            [Col("date"), Col("event", prose=True), Col("actors", prose=True), Col("source")],
            [[r["date"], _clean(r["title"]), ", ".join(r["actors"]), _source(r)] for r in rows],
        )

    group = groups.evidence

    @group.command("search")
    def search_cmd(
        query: str = typer.Argument(..., help="Words that must all occur (word* for a prefix)."),
        db: Path | None = DB_OPTION,
        limit: int = typer.Option(20, "--limit", min=1),
        published_by: str | None = PUBLISHED_BY,
    ) -> None:
        """Full-text search over the stored sentences."""
        from detente.evidence import search

        rows = search(_open(db), query, limit=limit, published_by=published_by)
        show(
            out_console(),
            f"{len(rows)} sentences for {query!r}",
            [Col("source"), Col("sentence", prose=True)],
            [[_source(r), _clean(r["snippet"])] for r in rows],
        )

    @group.command("claims")
    def claims_cmd(
        actor: str | None = typer.Option(None, "--actor"),
        issue: str | None = typer.Option(None, "--issue"),
        stance: str | None = typer.Option(None, "--stance"),
        db: Path | None = DB_OPTION,
        published_by: str | None = PUBLISHED_BY,
    ) -> None:
        """Stance claims (actor, issue, stance) with the sentence each comes from."""
        from detente.evidence import claims

        rows = claims(_open(db), actor=actor, issue=issue, stance=stance, published_by=published_by)
        scored = any(r["confidence"] is not None for r in rows)  # claims of a stance model
        p_col = [Col("p", "right")] if scored else []
        cols = [
            Col("id"),
            Col("actor"),
            Col("issue"),
            Col("stance"),
            Col("side"),
            *p_col,
            Col("source"),
            Col("sentence", prose=True),
        ]
        show(
            out_console(),
            f"{len(rows)} claims",
            cols,
            [[r["id"], r["actor"], r["issue"], r["stance"], r["direction"] or "–",
              *([_fmt(r["confidence"])] if scored else []), _source(r), _clean(r["sentence"])]
             for r in rows],
        )  # fmt: skip

    @group.command("export")
    def export_cmd(
        json_out: Path = typer.Option(..., "--json", help="Write the store here as JSON."),
        db: Path | None = DB_OPTION,
        no_text: bool = typer.Option(False, "--no-text", help="Leave the document texts out."),
    ) -> None:
        """Export documents, mentions, claims, events and figures as one JSON file."""
        from detente.evidence import export

        check_output(json_out, "--json")
        data = export(_open(db), include_text=not no_text)
        write_output(json_out, json.dumps(data, ensure_ascii=False, indent=1), "--json")
        say(out_console(), f"wrote {json_out} ({len(data['documents'])} documents)")

    @group.command("evaluate")
    def evaluate_cmd(
        gold: Path = typer.Option(..., "--gold", help="Gold items, one JSON object per line."),
        db: Path | None = DB_OPTION,
        json_out: Path | None = typer.Option(None, "--json", help="Also write scores as JSON."),
        blocs: bool = typer.Option(
            False, "--blocs", help="Score at the level of the gazetteer's blocs (old gold files)."
        ),
    ) -> None:
        """Precision and recall of the stored extraction against a gold file."""
        from detente.evidence import evaluate, load_gazetteer, read_gold

        check_output(json_out, "--json")
        mapping = load_gazetteer().bloc_of() if blocs else None
        _show_scores(
            evaluate(_open(db), read_gold(gold), blocs=mapping),
            "Extraction against the gold set",
            ("precision", "recall", "F1", "matched", "extracted", "gold"),
            lambda s: [_fmt(s.precision), _fmt(s.recall), _fmt(s.f1), str(s.tp),
                       str(s.extracted), str(s.gold)],
            lambda s: {"precision": s.precision, "recall": s.recall, "tp": s.tp,
                       "extracted": s.extracted, "gold": s.gold},
            json_out,
            "not in the store",
        )  # fmt: skip

    @group.command("agreement")
    def agreement_cmd(
        first: Path = typer.Argument(..., help="One annotation (gold file)."),
        second: Path = typer.Argument(..., help="Another annotation of the same articles."),
        json_out: Path | None = typer.Option(None, "--json", help="Also write scores as JSON."),
    ) -> None:
        """How far two annotations of the same articles agree, item type by item type."""
        from detente.evidence import agreement, read_gold

        check_output(json_out, "--json")
        _show_scores(
            agreement(read_gold(first), read_gold(second)),
            f"Agreement of two annotations ({first.name}, {second.name})",
            ("first", "second", "both", "F1"),
            lambda s: [str(s.gold), str(s.extracted), str(s.tp), _fmt(s.f1)],
            lambda s: {"both": s.tp, "first": s.gold, "second": s.extracted, "f1": s.f1},
            json_out,
            "annotated in one file only, left out",
        )

    @group.command("train")
    def train_cmd(
        paths: list[Path] = typer.Argument(..., help="Annotated articles or directories."),
        gold: list[Path] = typer.Option(..., "--gold", help="Gold files naming the articles."),
        out: Path = typer.Option(..., "--out", help="Write the stance model here (JSON)."),
        l2: float = typer.Option(1.0, "--l2", min=1e-6, help="L2 penalty of the regressions."),
        threshold: float = typer.Option(
            0.3, "--threshold", min=0.0, max=1.0, help="Probability a claim must reach."
        ),
        folds: int = typer.Option(5, "--folds", min=2, help="Cross-validation folds (documents)."),
    ) -> None:
        """Train the stance model on annotated articles, with its cross-validated score."""
        from detente.evidence import (
            annotated_documents,
            cross_validate,
            gold_claims,
            iter_article_files,
            load_gazetteer,
            load_lexicon,
            train_stance_model,
        )

        check_output(out, "--out")
        missing = [p for p in [*paths, *gold] if not p.exists()]
        if missing:
            raise InputError("no such file or directory", file=missing[0])
        annotations = gold_claims(gold)
        files, _ = iter_article_files(paths)
        with progress() as bar:
            task = bar.add_task("parsing", total=len(files))
            docs = annotated_documents(
                paths, annotations, load_gazetteer(), load_lexicon(),
                on_file=lambda f: bar.advance(task, 1), files=files,
            )  # fmt: skip
        if len(docs) < folds:
            raise InputError(
                f"{len(docs)} annotated articles found, at least {folds} needed", field="--gold"
            )
        scores = cross_validate(docs, folds=folds, l2=l2, threshold=threshold)
        cv = {
            name: {"matched": s.tp, "extracted": s.extracted, "gold": s.gold, "folds": folds}
            for name, s in scores.items()
        }
        model = train_stance_model(docs, l2=l2, threshold=threshold, cross_validation=cv)
        write_output(out, model.to_json(), "--out")
        show(
            out_console(),
            f"Stance claims, {folds}-fold cross-validation over {len(docs)} articles",
            [Col("claims from"), *(Col(h, "right") for h in
                                   ("precision", "recall", "F1", "matched", "extracted", "gold"))],
            [[name, _fmt(s.precision), _fmt(s.recall), _fmt(s.f1), str(s.tp), str(s.extracted),
              str(s.gold)] for name, s in scores.items()],
        )  # fmt: skip
        say(out_console(), f"wrote {out} ({len(model.vocabulary)} features)")

    @groups.scenario.command("update")
    def update_cmd(
        scenario: str = typer.Argument(..., help="Scenario file or bundled name."),
        db: Path | None = DB_OPTION,
        since: str | None = typer.Option(
            None, "--since", help="Read claims published after this date (default: as_of)."
        ),
        until: str | None = typer.Option(
            None, "--until", help="Read claims published on or before this date."
        ),
        apply: bool = typer.Option(
            False, "--apply", help="Write the updated scenario as a new dated snapshot."
        ),
        out: Path | None = typer.Option(
            None, "--out", help="Snapshot file (default: ./<id>-<date>.yaml); never overwritten."
        ),
        json_out: Path | None = typer.Option(None, "--json", help="Also write the proposal."),
    ) -> None:
        """Propose changes to positions, saliences and red lines from stance claims published
        after the scenario's as_of, each with its quotes; --apply writes a new snapshot."""
        from detente.errors import InputError
        from detente.evidence import apply_update, format_change, propose_update
        from detente.scenario import dump_yaml, load_scenario

        console = out_console()
        base = load_scenario(scenario)
        proposal = propose_update(
            base, _open(db), since=parse_date(since, "--since"), until=parse_date(until, "--until")
        )
        window = f"after {proposal.since}" if proposal.since else "at any date"
        console.print(
            f"{base.id}: {len(proposal.changes)} proposed change(s) from "
            f"{proposal.claims_read} claim(s) published {window}",
            highlight=False,
        )
        for change in proposal.changes:
            console.print("\n".join(format_change(change)), highlight=False, markup=False)
        if json_out is not None:
            data = {"scenario": base.id, "since": str(proposal.since),
                    "changes": [c.as_dict() for c in proposal.changes]}  # fmt: skip
            write_output(json_out, json.dumps(data, ensure_ascii=False, indent=1), "--json")
        if not apply:
            return
        if not proposal.changes:
            console.print("nothing to apply")
            return
        updated = apply_update(base, proposal)
        target = out or Path(f"{base.id}-{updated.as_of}.yaml")
        if target.exists():
            raise InputError("exists already; a snapshot is never overwritten", file=target)
        write_output(target, dump_yaml(updated), "--out")
        console.print(f"wrote {target} (as_of {updated.as_of})")

    @groups.scenario.command("audit")
    def audit_cmd(
        scenario: str = typer.Argument(None, help="Scenario file or bundled name (default case)."),
        db: Path | None = DB_OPTION,
        json_out: Path | None = typer.Option(None, "--json", help="Also write the audit as JSON."),
        published_by: str | None = PUBLISHED_BY,
    ) -> None:
        """Each scenario judgment with the claims that support or contradict it."""
        from detente.evidence import audit
        from detente.scenario import load_scenario

        check_output(json_out, "--json")
        result = audit(load_scenario(scenario), _open(db), published_by=published_by)
        if json_out is not None:
            write_output(json_out, json.dumps(result, ensure_ascii=False, indent=1), "--json")
        rows = []
        for j in result["judgments"]:
            name = j["actor"] + (f" on {j['issue']}" if j["issue"] else " capability")
            example = (j["support"] or j["contradict"] or j["related"] or [None])[0]
            rows.append([
                name, f"{j['value']:g}", j["side"], j["status"],
                f"{len(j['support'])}, {len(j['contradict'])}, {len(j['related'])}",
                _clean(example["sentence"]) if example else "",
            ])  # fmt: skip
        console = out_console()
        show(
            console,
            f"Audit of {result['scenario']} against the evidence",
            [Col("judgment", prose=True), Col("value", "right"), Col("reads"),
             Col("status", prose=True), Col("claims for, against, related", "right"),
             Col("e.g.", prose=True)],
            rows,
        )  # fmt: skip
        n_none, n_all = len(result["no_evidence"]), len(result["judgments"])
        say(console, f"{n_none} of {n_all} judgments have no evidence")
        for cid in result["unknown_claim_citations"]:
            say(err_console(), f"cited claim not in the store: {cid}", "yellow", one_line=True)
