"""The ``detente`` command line: one typer app; each area registers its commands from its own
module, importing heavy dependencies only when a command runs."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

import typer
from rich.console import Console
from typer.core import TyperGroup

from detente.cli.safe import one_line, shown
from detente.errors import INVALID_INPUT_EXIT_CODE, InputError

BROKEN_PIPE_EXIT_CODE = 141
"""What a shell reports for a writer whose reader went away (128 + SIGPIPE), as for `yes | head`."""


class QuietHelpGroup(TyperGroup):
    """A command group whose help screens list ``--help`` without a value type (it takes none)."""

    def get_params(self, ctx):
        return _untyped_flags(super().get_params(ctx))

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # Before click turns it into a silent exit 1: the reader went away (``| head``).
            _reader_gone()
            raise typer.Exit(BROKEN_PIPE_EXIT_CODE) from None

    def get_command(self, ctx, cmd_name):
        command = super().get_command(ctx, cmd_name)
        if command is not None and not isinstance(command, QuietHelpGroup):
            _untyped_flags(command.get_params(ctx))
        return command


def _untyped_flags(params):
    """Flags (``--help``, ``--sensitivity/--no-sensitivity``) take no value: show no type."""
    for param in params:
        if getattr(param, "is_flag", False):
            param.metavar = ""
    return params


def _version(value: bool) -> None:
    if value:
        from detente import __version__

        typer.echo(f"detente {__version__}")
        raise typer.Exit()


FLAGS = {
    "strategy": "--strategy",
    "strategies": "--strategy",
    "options": "--option",
    "engine_options": "--option",
    "draws": "--draws",
    "seed": "--seed",
    "engine": "--engine",
    "baseline": "--baseline",
    "backend": "--backend",
    "scheduler": "--scheduler",
    "by": "--by",
    "as_of": "--as-of",
    "tables": "--tables",
    "vary": "--vary",
    "horizon_months": "--horizon",
    "max_mb": "--max-mb",
    "db": "--db",
    "fortna": "--fortna",
    "ucdp_agreements": "--ucdp-agreements",
    "ucdp_termination": "--ucdp-termination",
}
"""Parameter names the lower layers use in errors → the flags a user types."""

_PARAMETER = re.compile(r"(?P<head>[a-z_]+)(?:[. ](?P<rest>.*))?", re.DOTALL)


def in_flag_terms(exc: InputError) -> InputError:
    """The error with its field named as the command line's flag (``strategies`` →
    ``--strategy``; ``strategy.e`` → ``--strategy e``; ``engine_options.q`` → ``--option q``;
    ``vary SPEC`` → ``--vary SPEC``). A field of a file (the error names one) is left as it
    is."""
    if not exc.field or exc.file:
        return exc
    match = _PARAMETER.fullmatch(exc.field)
    if match is None or match["head"] not in FLAGS:
        return exc
    rest = match["rest"]
    field = FLAGS[match["head"]] + (f" {rest}" if rest else "")
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
        cls=QuietHelpGroup,
        help="Model, simulate and forecast multi-party peace negotiations.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(
            False, "--version", callback=_version, is_eager=True, metavar="",
            help="Print the version and exit.",
        ),
    ) -> None:  # fmt: skip
        """Model, simulate and forecast multi-party peace negotiations."""

    def group(text: str) -> typer.Typer:
        return typer.Typer(help=text, no_args_is_help=True, cls=QuietHelpGroup)

    groups = Groups(
        scenario=group("Validate, show and export scenarios."),
        validate=group("Validate engines and models against data."),
        evidence=group("Search and export the evidence store."),
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


def _reader_gone() -> None:
    """Send the rest of stdout to /dev/null, so that exiting does not fail again on the closed
    pipe (the recipe in Python's documentation of SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app; invalid input prints one line and exits with code 2; a reader
    that closes the pipe early (``| head``) ends the command quietly, files already written."""
    err_console = Console(stderr=True, emoji=False)
    app = build_app()
    try:
        code = app(args=argv, standalone_mode=False, prog_name="detente")
        sys.stdout.flush()
    except InputError as exc:
        message = in_flag_terms(exc)
        err_console.print(
            f"[bold red]error:[/] {shown(one_line(message))}", highlight=False, soft_wrap=True
        )
        sys.exit(INVALID_INPUT_EXIT_CODE)
    except BrokenPipeError:
        _reader_gone()
        sys.exit(BROKEN_PIPE_EXIT_CODE)
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
