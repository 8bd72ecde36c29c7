"""Constants shared by the tests (imported as `helpers`: tests/ is on sys.path, the repo root is not,
so the tests exercise the installed package)."""

from __future__ import annotations

import difflib
import enum
import importlib.util
from pathlib import Path
from typing import Any

from sendplan.plan.dates import Deadline

REPO = Path(__file__).resolve().parent.parent

MINIMAL_PLAN = """\
plan:
  title: Test plan
  date: Nov 2021
leads:
  AG:
    name: Anthony Giles
tasks:
  - number: 1
    title: First task
    deliverables:
      - title: A deliverable
        items:
          - id: "1.1"
            action: Do the thing
            success_criteria:
              - The thing is done
            deadline: Mar 2022
            lead: AG
            status: not_started
"""

# MINIMAL_PLAN up to its items list: a test's own items go after it, at the same indentation.
PLAN_HEAD = MINIMAL_PLAN.split('          - id: "1.1"', 1)[0]


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines between two texts, as `git diff` would show them."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def run_in_terminal(script: str, cwd: Path, env: dict[str, str], columns: int = 80, lines: int = 40) -> tuple[str, str]:
    """Run a bash *script* with its standard output on a pseudo-terminal *columns* wide, as a
    person at a terminal sees it; returns (what the terminal showed, standard error).

    Standard input and standard error stay pipes, so only what a command writes to standard
    output is on the terminal; the pager is turned off (the text is what it would show).
    """
    import fcntl
    import os
    import pty
    import select
    import struct
    import subprocess
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    settings = {"COLUMNS": str(columns), "LINES": str(lines), "SENDPLAN_PAGER": "cat", "NO_COLOR": "1", "TERM": "dumb"}
    process = subprocess.Popen(
        ["bash", "-c", script], cwd=cwd, env={**env, **settings}, stdin=subprocess.DEVNULL,
        stdout=follower, stderr=subprocess.PIPE,
    )  # fmt: skip
    os.close(follower)
    shown = bytearray()
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal is closed once the last writer has gone
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.stderr is not None
    with process.stderr:
        error = process.stderr.read().decode("utf-8")
    process.wait(timeout=30)
    return shown.decode("utf-8").replace("\r\n", "\n"), error


DSG_PLAN = REPO / "examples" / "portfolio" / "dsg.yaml"


def make_portfolio(folder: Path) -> Path:
    """A folder of two plans: a copy of the bundled plan as recovery.yaml and the small DSG plan
    as dsg.yaml (which shares lead codes AG and CK, and item id 1.1, with it)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "recovery.yaml").write_bytes((REPO / "plan.yaml").read_bytes())
    (folder / "dsg.yaml").write_bytes(DSG_PLAN.read_bytes())
    return folder


def generate_module() -> Any:
    """benchmarks/generate.py, imported from the checkout (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plain(value: Any) -> Any:
    """A model or a cached record as plain data, to compare the two."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Deadline):
        return (value.text, value.precision.value, value.due_date, value.month)
    if isinstance(value, list):
        return [plain(part) for part in value]
    if isinstance(value, dict):
        return {key: plain(part) for key, part in value.items()}
    names = getattr(type(value), "model_fields", None) or getattr(value, "_fields", None)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    return value
