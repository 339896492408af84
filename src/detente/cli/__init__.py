"""The ``detente`` command line: one typer app; each area registers its commands from its own
module, importing heavy dependencies only when a command runs."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import typer
from rich.console import Console

from detente.cli.safe import one_line, shown
from detente.errors import INVALID_INPUT_EXIT_CODE, InputError

err_console = Console(stderr=True, emoji=False)

FLAGS = {
    "strategy": "--strategy",
    "strategies": "--strategy",
    "options": "--option",
    "draws": "--draws",
    "seed": "--seed",
}
"""Parameter names the lower layers use in errors → the flags a user types."""


def in_flag_terms(exc: InputError) -> InputError:
    """The error with its field named as the command line's flag (``strategies`` →
    ``--strategy``; ``strategy.e`` → ``--strategy e``)."""
    if not exc.field:
        return exc
    head, _, rest = exc.field.partition(".")
    if head not in FLAGS:
        return exc
    field = FLAGS[head] + (f" {rest}" if rest else "")
    return InputError(exc.message, file=exc.file, line=exc.line, field=field)


@dataclass(frozen=True)
class Groups:
    """Command groups shared by several modules."""

    scenario: typer.Typer
    validate: typer.Typer
    evidence: typer.Typer


def build_app() -> typer.Typer:
    """The full command tree."""
    from detente.cli import (
        backtest_cmd,
        engines_cmd,
        evidence_cmd,
        forecast_cmd,
        negotiate_cmd,
        report_cmd,
        scenario_cmd,
        sweep_cmd,
        validate_cmd,
    )

    app = typer.Typer(
        name="detente",
        help="Model, simulate and forecast multi-party peace negotiations.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    groups = Groups(
        scenario=typer.Typer(help="Validate, show and export scenarios.", no_args_is_help=True),
        validate=typer.Typer(
            help="Validate engines and models against data.", no_args_is_help=True
        ),
        evidence=typer.Typer(help="Search and export the evidence store.", no_args_is_help=True),
    )
    app.add_typer(groups.scenario, name="scenario")
    app.add_typer(groups.validate, name="validate")
    app.add_typer(groups.evidence, name="evidence")
    for module in (
        scenario_cmd,
        engines_cmd,
        negotiate_cmd,
        forecast_cmd,
        validate_cmd,
        evidence_cmd,
        report_cmd,
        sweep_cmd,
        backtest_cmd,
    ):
        module.register(app, groups)
    return app


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app; invalid input prints one line and exits with code 2."""
    app = build_app()
    try:
        code = app(args=argv, standalone_mode=False)
    except InputError as exc:
        message = in_flag_terms(exc)
        err_console.print(
            f"[bold red]error:[/] {shown(one_line(message))}", highlight=False, soft_wrap=True
        )
        sys.exit(INVALID_INPUT_EXIT_CODE)
    except SystemExit:
        raise
    except Exception as exc:
        # Usage errors of the CLI parser (click's ClickException and Abort, duck-typed because
        # typer may ship its own copy of click).
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(INVALID_INPUT_EXIT_CODE if exc.exit_code == 2 else exc.exit_code)
        if type(exc).__name__ == "Abort":
            err_console.print("aborted")
            sys.exit(130)
        raise
    if isinstance(code, int) and code:
        sys.exit(code)


__all__ = ["FLAGS", "Groups", "build_app", "in_flag_terms", "main"]
