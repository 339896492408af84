"""Terminal layout for the command line: tables that fit the terminal without cutting an
identifier or a number.

A table is printed whole when its columns fit at their narrowest (prose wrapped between words,
identifiers and numbers never broken). When they do not, it falls back to one of three layouts:
column headers abbreviated with a legend, the columns split into several panels that repeat the
row key, or one stacked block per row. Widths are computed here, not by rich, so no cell is ever
shortened with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from detente.cli.safe import clean

Fallback = Literal["stack", "panels", "compact", "abbrev"]
MIN_ABBREV = 3


def _text(value: object, **style) -> Text:
    """Plain text for the terminal: control characters stripped (cli.safe.clean), never
    markup."""
    return Text(clean(value), **style)


class PipeConsole(Console):
    """A console that, when its reader goes away (``| head``), raises BrokenPipeError for the
    entry point to end the command quietly (rich alone exits with code 1)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def out_console() -> Console:
    """A console on stdout whose width is read now (``COLUMNS``), not at import."""
    return PipeConsole(highlight=False)


def err_console() -> Console:
    """A console on stderr, for progress, warnings and errors."""
    return Console(stderr=True, highlight=False)


@dataclass(frozen=True)
class Col:
    """A column: its header, alignment, and whether its cells are prose that may wrap between
    words (identifiers and numbers never wrap)."""

    header: str
    justify: Literal["left", "right"] = "left"
    prose: bool = False


def _words(text: str) -> list[str]:
    return [w for line in text.splitlines() for w in line.split()] or [""]


def cell_min(text: str, prose: bool) -> int:
    """Narrowest width that shows ``text`` without breaking a word (prose) or a line."""
    if prose:
        return max(cell_len(w) for w in _words(text))
    return max((cell_len(line) for line in text.splitlines()), default=0)


def cell_max(text: str) -> int:
    """Width of ``text`` on one line per line break."""
    return max((cell_len(line) for line in text.splitlines()), default=0)


def column_ranges(cols: Sequence[Col], rows: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """(narrowest, widest) content width of every column, header included (headers wrap
    between words)."""
    ranges = []
    for k, col in enumerate(cols):
        cells = [r[k] for r in rows]
        low = max([cell_min(col.header, True), *(cell_min(c, col.prose) for c in cells)])
        high = max([cell_max(col.header), *(cell_max(c) for c in cells)])
        ranges.append((low, max(low, high)))
    return ranges


def table_overhead(n_cols: int, compact: bool = False) -> int:
    """Characters a table spends on borders and padding: boxed, or compact (no outer border,
    one rule under the header, two spaces between columns)."""
    return 2 * (n_cols - 1) if compact else 3 * n_cols + 1


def distribute(
    ranges: Sequence[tuple[int, int]], width: int, compact: bool = False
) -> list[int] | None:
    """Column widths that fit ``width`` with every column at least its narrowest, the spare
    space shared in proportion to what each column could still use; None when even the
    narrowest widths do not fit."""
    room = width - table_overhead(len(ranges), compact)
    lows = [lo for lo, _ in ranges]
    if sum(lows) > room:
        return None
    wants = [hi - lo for lo, hi in ranges]
    spare = room - sum(lows)
    if sum(wants) <= spare:
        return [hi for _, hi in ranges]
    total = sum(wants)
    widths = [lo + (want * spare) // total for lo, want in zip(lows, wants, strict=True)]
    left = room - sum(widths)
    for k in sorted(range(len(widths)), key=lambda k: wants[k], reverse=True)[:left]:
        widths[k] += 1
    return widths


def _title(title: str | None) -> Text | None:
    return None if title is None else _text(title)


def boxed(
    title: str | None,
    cols: Sequence[Col],
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
    compact: bool = False,
) -> Table:
    """A rich table with fixed column widths (cells are plain text, never markup)."""
    if compact:
        table = Table(
            title=_title(title), box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
            collapse_padding=True,
        )  # fmt: skip
    else:
        table = Table(title=_title(title), box=box.HEAVY_HEAD)
    for col, w in zip(cols, widths, strict=True):
        # Widths are at least each cell's narrowest, so nothing wraps inside a number or an
        # identifier; headers may still wrap between words.
        table.add_column(_text(col.header), justify=col.justify, width=w)
    for row in rows:
        table.add_row(*(_text(c) for c in row))
    return table


def abbreviations(names: Sequence[str], length: int) -> list[str]:
    """Unique abbreviations of at most ``length`` characters where possible: each name's
    prefix, lengthened where two would collide."""
    out = []
    for name in names:
        n = length
        while n < len(name) and sum(x[:n] == name[:n] for x in names) > 1:
            n += 1
        out.append(name[:n])
    return out


def legend(pairs: Sequence[tuple[str, str]]) -> Text:
    """``abbr = name`` pairs on lines that wrap between pairs."""
    return _text("  ".join(f"{a}={n}" for a, n in pairs if a != n))


def stacked(
    title: str | None, cols: Sequence[Col], rows: Sequence[Sequence[str]], width: int
) -> list:
    """One block per row: the first cell as a heading, then ``header  value`` lines with the
    value wrapped between words (or, when a word would not fit beside the headers, each value
    on its own indented lines below its header)."""
    parts: list = []
    if title:
        parts.append(_text(title, style="bold"))
    label_width = max(cell_len(c.header) for c in cols[1:]) if len(cols) > 1 else 0
    room = width - 2 - label_width - 2
    longest = max((cell_min(c, True) for r in rows for c in r[1:]), default=0)
    tall = longest > room
    for row in rows:
        parts.append(_text(row[0], style="bold"))
        if tall:
            for col, cell in zip(cols[1:], row[1:], strict=True):
                if cell:
                    parts.append(Padding(_text(col.header, style="dim"), (0, 0, 0, 2)))
                    parts.append(Padding(_text(cell, overflow="fold"), (0, 0, 0, 4)))
            continue
        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=label_width, no_wrap=True)
        grid.add_column(overflow="fold")
        for col, cell in zip(cols[1:], row[1:], strict=True):
            if cell:
                grid.add_row(_text(col.header, style="dim"), _text(cell))
        parts.append(Padding(grid, (0, 0, 0, 2)))
    return parts


def panels(
    title: str | None,
    cols: Sequence[Col],
    rows: Sequence[Sequence[str]],
    width: int,
    key: int = 1,
) -> list | None:
    """The table split into panels of as many columns as fit, each repeating the first ``key``
    columns; None when the key columns and one more do not fit."""
    ranges = column_ranges(cols, rows)
    keys = [ranges[i] for i in range(key)]
    groups: list[list[int]] = []
    current: list[int] = []
    for k in range(key, len(cols)):
        if distribute(keys + [ranges[i] for i in current + [k]], width):
            current.append(k)
        elif current and distribute(keys + [ranges[k]], width):
            groups.append(current)
            current = [k]
        else:
            return None
    if current:
        groups.append(current)
    out = []
    for n, group in enumerate(groups, 1):
        idx = list(range(key)) + group
        sub_cols = [cols[i] for i in idx]
        sub_rows = [[r[i] for i in idx] for r in rows]
        widths = distribute([ranges[i] for i in idx], width)
        assert widths is not None
        name = f"{title} ({n}/{len(groups)})" if title and len(groups) > 1 else title
        out.append(boxed(name, sub_cols, sub_rows, widths))
    return out


def abbreviated(
    title: str | None,
    cols: Sequence[Col],
    rows: Sequence[Sequence[str]],
    width: int,
    key: int = 1,
) -> list | None:
    """The table, compact, with the non-key headers abbreviated (longest abbreviation that
    fits) and a legend below; None when no abbreviation fits."""
    names = [c.header for c in cols[key:]]
    longest = max(map(len, names), default=0)
    for length in range(longest - 1, MIN_ABBREV - 1, -1):
        short = abbreviations(names, length)
        new_cols = list(cols[:key]) + [
            Col(s, c.justify, c.prose) for s, c in zip(short, cols[key:], strict=True)
        ]
        widths = distribute(column_ranges(new_cols, rows), width, compact=True)
        if widths is not None:
            return [
                boxed(title, new_cols, rows, widths, compact=True),
                legend(list(zip(short, names, strict=True))),
            ]
    return None


def fit(
    title: str | None,
    cols: Sequence[Col],
    rows: Sequence[Sequence[str]],
    width: int,
    fallback: Sequence[Fallback] = ("stack",),
    key: int = 1,
) -> list:
    """Renderables showing the table whole at ``width``: the full table if it fits, else the
    first fallback that fits, else stacked rows (which always fit)."""
    rows = [[str(c) for c in r] for r in rows]
    widths = distribute(column_ranges(cols, rows), width)
    if widths is not None:
        return [boxed(title, cols, rows, widths)]
    for kind in fallback:
        if kind == "compact":
            compact = distribute(column_ranges(cols, rows), width, compact=True)
            got = None if compact is None else [boxed(title, cols, rows, compact, compact=True)]
        elif kind == "abbrev":
            got = abbreviated(title, cols, rows, width, key)
        elif kind == "panels":
            got = panels(title, cols, rows, width, key)
        else:
            got = stacked(title, cols, rows, width)
        if got is not None:
            return got
    return stacked(title, cols, rows, width)


def show(
    console: Console,
    title: str | None,
    cols: Sequence[Col],
    rows: Sequence[Sequence[str]],
    fallback: Sequence[Fallback] = ("stack",),
    key: int = 1,
) -> None:
    """Print :func:`fit` at the console's width."""
    for part in fit(title, cols, rows, console.width, fallback, key):
        console.print(part)


def print_all(console: Console, parts: Sequence) -> None:
    """Print renderables one after another."""
    for part in parts:
        console.print(part)


def say(console: Console, text: str, style: str | None = None, *, one_line: bool = False) -> None:
    """Print plain text (never markup), wrapped between words, or on one line however long
    (messages that name a path, so each stays one line for grep)."""
    console.print(_text(text, style=style or ""), soft_wrap=one_line)


def progress(console: Console | None = None):
    """A transient progress bar on stderr with count, elapsed time and time remaining."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}", style="bold"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console or err_console(),
        transient=True,
        expand=False,
    )
