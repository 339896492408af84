"""``detente ingest``, ``detente timeline``, ``detente evidence search|claims|export|evaluate``
and ``detente scenario audit``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from detente.cli.output import check_output, write_output
from detente.cli.safe import shown
from detente.errors import InputError

console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)
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


def _cut(text: str, width: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _fmt(x: float) -> str:
    return "–" if math.isnan(x) else f"{x:.2f}"


PUBLISHED_BY = typer.Option(
    None, "--published-by", help="Only documents published on or before this date (YYYY-MM-DD)."
)


def _source(r) -> str:
    """How a row's document is cited (outlet, date), unescaped."""
    from detente.evidence.queries import source_label

    return source_label(r)


def _day(value: str | None, flag: str):
    import datetime as dt

    from detente.errors import InputError

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"expected a date YYYY-MM-DD, got {value!r}", field=flag) from None


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
        max_mb: float = typer.Option(10.0, "--max-mb", help="Skip larger files (at most 1024)."),
        allow_undated: bool = typer.Option(
            False, "--allow-undated", help="Keep articles without a publication date."
        ),
    ) -> None:
        """Read articles into the evidence store (duplicates by normalised content are skipped)."""
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        from detente.evidence import ingest as ingest_paths
        from detente.evidence import load_gazetteer, load_lexicon
        from detente.evidence.reader import iter_article_files

        if not 0.001 <= max_mb <= MAX_INGEST_MB:  # also refuses nan and inf
            raise InputError(f"expected 0.001 to {MAX_INGEST_MB}, got {max_mb}", field="--max-mb")
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise InputError("no such file or directory", file=missing[0], field="PATHS")
        gaz, lex = load_gazetteer(gazetteer), load_lexicon(lexicon)
        files, bad = iter_article_files(paths)
        store = _open(db, create=True)
        with Progress(
            TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[name]}"), console=err_console, transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("ingest", total=len(files), name="")
            report = ingest_paths(
                store, paths, gazetteer=gaz, lexicon=lex, max_bytes=int(max_mb * 1024 * 1024),
                files=files, require_date=not allow_undated,
                on_file=lambda f: progress.update(task, advance=1, name=f.name),
            )  # fmt: skip
        report.skipped[:0] = [(b.path, b.reason) for b in bad]
        for path, reason in report.skipped:
            err_console.print(
                f"[yellow]skipped[/] {shown(path)}: {shown(reason)}",
                highlight=False, soft_wrap=True,
            )  # fmt: skip
        for path, note in report.warnings:
            err_console.print(
                f"[yellow]warning[/] {shown(path)}: {shown(note)}",
                highlight=False, soft_wrap=True,
            )  # fmt: skip
        counts = store.execute(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM claims),"
            " (SELECT count(*) FROM events), (SELECT count(*) FROM figures)"
        ).fetchone()
        console.print(
            f"added {len(report.added)}, already stored {len(report.duplicates)}, skipped "
            f"{len(report.skipped)}; store has {counts[0]} documents, {counts[1]} claims, "
            f"{counts[2]} events, {counts[3]} figures"
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
        table = RichTable(title=f"Timeline ({len(rows)} events)")
        for col in ("date", "event", "actors", "source"):
            table.add_column(col)
        for r in rows:
            table.add_row(
                shown(r["date"]), shown(_cut(r["title"], 70)), shown(", ".join(r["actors"])),
                shown(_source(r)),
            )  # fmt: skip
        console.print(table)

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
        table = RichTable(title=f"{len(rows)} sentences for {shown(repr(_cut(query, 60)))}")
        for col in ("source", "sentence"):
            table.add_column(col)
        for r in rows:
            table.add_row(shown(_source(r)), shown(_cut(r["snippet"], 120)))
        console.print(table)

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
        table = RichTable(title=f"{len(rows)} claims")
        for col in ("id", "actor", "issue", "stance", "side", "source", "sentence"):
            table.add_column(col)
        for r in rows:
            table.add_row(
                r["id"], shown(r["actor"]), shown(r["issue"]), r["stance"], r["direction"] or "–",
                shown(_source(r)), shown(_cut(r["sentence"], 80)),
            )  # fmt: skip
        console.print(table)

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
        console.print(f"wrote {shown(json_out)} ({len(data['documents'])} documents)")

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
        result = evaluate(_open(db), read_gold(gold), blocs=mapping)
        table = RichTable(title="Extraction against the gold set")
        for col in ("items", "precision", "recall", "F1", "matched", "extracted", "gold"):
            table.add_column(col, justify="right")
        for s in result.scores.values():
            table.add_row(
                s.kind, _fmt(s.precision), _fmt(s.recall), _fmt(s.f1), str(s.tp),
                str(s.extracted), str(s.gold),
            )  # fmt: skip
        console.print(table)
        console.print(
            f"event actors, mean Jaccard of matched events: {_fmt(result.event_actor_jaccard)}"
        )
        if result.missing_docs:
            missing = shown(", ".join(result.missing_docs))
            err_console.print(f"[yellow]not in the store:[/] {missing}")
        if json_out is not None:
            scores = {
                k: {"precision": s.precision, "recall": s.recall, "tp": s.tp,
                    "extracted": s.extracted, "gold": s.gold}
                for k, s in result.scores.items()
            }  # fmt: skip
            write_output(json_out, json.dumps(scores, indent=1), "--json")

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
        from detente.evidence.update import apply_update, format_change, propose_update
        from detente.scenario import load_scenario
        from detente.scenario.io import dump_yaml

        base = load_scenario(scenario)
        proposal = propose_update(
            base, _open(db), since=_day(since, "--since"), until=_day(until, "--until")
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
            json_out.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
        if not apply:
            return
        if not proposal.changes:
            console.print("nothing to apply")
            return
        updated = apply_update(base, proposal)
        target = out or Path(f"{base.id}-{updated.as_of}.yaml")
        if target.exists():
            raise InputError("exists already; a snapshot is never overwritten", file=target)
        target.write_text(dump_yaml(updated), encoding="utf-8")
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
        table = RichTable(title=f"Audit of {shown(result['scenario'])} against the evidence")
        for col in ("judgment", "value", "reads", "status", "for", "against", "related", "e.g."):
            table.add_column(col)
        for j in result["judgments"]:
            name = j["actor"] + (f" on {j['issue']}" if j["issue"] else " capability")
            example = (j["support"] or j["contradict"] or j["related"] or [None])[0]
            table.add_row(
                shown(name), f"{j['value']:g}", j["side"], j["status"], str(len(j["support"])),
                str(len(j["contradict"])), str(len(j["related"])),
                shown(_cut(example["sentence"], 60)) if example else "",
            )  # fmt: skip
        console.print(table)
        console.print(
            f"{len(result['no_evidence'])} of {len(result['judgments'])} judgments have no evidence"
        )
        for cid in result["unknown_claim_citations"]:
            err_console.print(f"[yellow]cited claim not in the store:[/] {shown(cid)}")
        if json_out is not None:
            write_output(json_out, json.dumps(result, ensure_ascii=False, indent=1), "--json")
