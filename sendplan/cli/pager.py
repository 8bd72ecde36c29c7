"""The terminal: whether output goes to one, and long output through a pager as git and gh do.

A table or report taller than the terminal goes through `$SENDPLAN_PAGER`, else `$PAGER`, else
`less -FRX` (quit at once if it fits, keep colours, leave the text on the screen); an empty
value or `cat` means no pager, and so do `--no-pager` and output that is not to a terminal.
Output that fits on one screen is written straight out, whatever the pager, so a short answer
never waits for a key. click's own pager is not used: it reads only $PAGER, runs plain `less`
(which waits for q even for three lines) and needs standard input to be a terminal too.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import IO, Any

PAGER_ENV = "SENDPLAN_PAGER"
DEFAULT_PAGER = "less -FRX"
# The defaults git gives less and lv when the user has not set their own.
PAGER_SETTINGS = {"LESS": "FRX", "LV": "-c"}


def is_terminal(stream: Any) -> bool:
    """Whether *stream* is a terminal (tests replace this to fake one)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def terminal_size() -> os.terminal_size:
    """Columns and lines of the terminal ($COLUMNS and $LINES first, as shutil reads them)."""
    import shutil  # here, not at the top: a listing into a pipe never asks (shutil costs 4 ms)

    return shutil.get_terminal_size((80, 24))


def pager_command(environ: dict[str, str] | None = None) -> str | None:
    """The pager to run, or None for none: $SENDPLAN_PAGER, $PAGER, then `less -FRX` if installed."""
    env = os.environ if environ is None else environ
    for name in (PAGER_ENV, "PAGER"):
        if name in env:
            chosen = env[name].strip()
            return None if chosen in ("", "cat") else chosen
    if env.get("TERM") in ("dumb", "emacs"):  # a terminal that cannot run less: print
        return None
    import shutil

    return DEFAULT_PAGER if shutil.which("less") else None


class ScreenBuffer(io.StringIO):
    """Text held back to be paged, which says it is a terminal so rich styles it and fits it to
    the terminal's width (rich reads the size from the real terminal, not from this buffer)."""

    def isatty(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(sys.stdout, "encoding", None) or "utf-8"


@contextlib.contextmanager
def paged(enabled: bool = True) -> Iterator[IO[str]]:
    """A stream for output to the screen: taller than the terminal, it goes through the pager
    once the block ends; otherwise (or when not a terminal, or paging is off) straight out."""
    command = pager_command() if enabled and is_terminal(sys.stdout) else None
    if command is None:
        yield sys.stdout
        return
    buffer = ScreenBuffer()
    yield buffer
    text = buffer.getvalue()
    if text.count("\n") < terminal_size().lines:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    run_pager(command, text)


def run_pager(command: str, text: str) -> None:
    """Send *text* through *command* (run by the shell, as git does), waiting for it to end.

    Quitting the pager early is normal, not an error. Ctrl-C is the pager's to handle (less
    uses it to stop a search), so sendplan waits for the pager rather than leaving it running
    on a terminal it no longer owns.
    """
    import shlex

    env = {**PAGER_SETTINGS, **os.environ}
    data = text.encode(getattr(sys.stdout, "encoding", None) or "utf-8", errors="replace")
    sys.stdout.flush()
    try:
        program = shlex.split(command)[0]
    except (ValueError, IndexError):  # unbalanced quotes: let the shell say what is wrong
        program = ""
    import shutil

    if program and "/" not in program and "=" not in program and shutil.which(program) is None:
        sys.stdout.write(text)  # no such pager: the text is not lost for want of one
        return
    try:  # by the shell: the user's own setting, which may hold options or a pipe, as git runs it
        import subprocess  # only to page: a listing into a pipe never starts a process

        process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(text)
        return
    assert process.stdin is not None  # stdin=PIPE
    with contextlib.suppress(BrokenPipeError, OSError):
        process.stdin.write(data)
    with contextlib.suppress(BrokenPipeError, OSError):
        process.stdin.close()
    while True:
        try:
            process.wait()
        except KeyboardInterrupt:
            continue
        break
