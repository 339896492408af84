"""Errors a user can act on: invalid input is reported in one line and exits with code 2."""

from __future__ import annotations

from pathlib import Path

INVALID_INPUT_EXIT_CODE = 2


class InputError(Exception):
    """Invalid input: names the file, the line (where known), the field and what was expected."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field

    def located(self, *, file: str | Path | None = None, line: int | None = None) -> InputError:
        """The same error with a file and line filled in where they were missing."""
        return InputError(
            self.message,
            file=self.file or (str(file) if file is not None else None),
            line=self.line if self.line is not None else line,
            field=self.field,
        )

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line is not None else "")
        parts = [p for p in (where, self.field) if p]
        prefix = ": ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


__all__ = ["INVALID_INPUT_EXIT_CODE", "InputError"]
