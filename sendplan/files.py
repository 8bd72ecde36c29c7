"""Whole files written at once: into a temporary file beside the target, then renamed over it.

Shared by the outputs (`-o FILE`) and by plan/write.py (a new plan from `sendplan init`); a
test checks that nothing else imports it, so only plan/write.py writes a plan through it.
OSError reaches the caller, which names the file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _file_mode(target: Path) -> int:
    """Keep an overwritten file's permissions; a new file gets the usual ones (0666 less umask)."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_file(path: str, write: Callable[[Any], object], *, binary: bool = False) -> None:
    """Write a file all at once: *write* is given the open temporary file (text, UTF-8, or
    bytes with *binary*), which is then renamed over *path*.

    A reader (or Excel) never sees half a file, and a failure leaves any old file as it was.
    """
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with (
            os.fdopen(descriptor, "wb") if binary else os.fdopen(descriptor, "w", encoding="utf-8", newline="")
        ) as handle:
            write(handle)
        os.chmod(temporary, _file_mode(target))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
