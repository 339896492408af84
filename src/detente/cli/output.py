"""Writing a command's output file: checked before any work, and every failure (a directory, a
missing folder, no permission, a full disk) reported as one line naming the option and path."""

from __future__ import annotations

import os
from pathlib import Path

from detente.errors import InputError


def check_output(path: Path | None, option: str) -> Path | None:
    """``path`` if a file can be written there; otherwise an InputError naming ``option``.
    Call it before the work whose result goes there."""
    if path is None:
        return None
    if path.is_dir():
        raise InputError("is a directory, expected a file path", file=path, field=option)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"the directory {str(parent)!r} does not exist", file=path, field=option)
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError("not writable (permission denied)", file=path, field=option)
    return path


def write_output(path: Path, content: str | bytes, option: str) -> None:
    """Write ``content`` (text as UTF-8) to ``path``, failures as one-line InputErrors."""
    check_output(path, option)
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=path, field=option) from None
