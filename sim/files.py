"""Writing files safely, for every layer: a reader never sees a half-written file, and a failed
write is described in words. The bottom of the house: it imports nothing from ``sim``."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any


def write_text_atomic(text: str, path: Path, mode: int | None = None) -> Path:
    """Write ``text`` to a hidden temporary name beside ``path``, then rename it: a reader never sees
    a half-written file. ``mode`` sets the permissions before the rename (e.g. 0o600)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a cut-off write (disk full) leaves nothing, frees its space
        raise
    return path


def write_json_atomic(data: Any, path: Path) -> None:
    """Write ``data`` as indented JSON, atomically (see ``write_text_atomic``)."""
    write_text_atomic(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n", path)


def describe_os_error(exc: OSError) -> tuple[str, str]:
    """(what went wrong, what to do about it), in words, for an error while writing outputs."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full", "free some space"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"not writable ({exc.strerror or 'permission denied'})", "make it writable"
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where}", "fix that"
