"""Constants shared by the tests (imported as `helpers`: tests/ is on sys.path, the repo root is not,
so the tests exercise the installed package)."""

from __future__ import annotations

import difflib
from pathlib import Path

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


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines between two texts, as `git diff` would show them."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


DSG_PLAN = REPO / "tests" / "fixtures" / "portfolio" / "dsg.yaml"


def make_portfolio(folder: Path) -> Path:
    """A folder of two plans: a copy of the bundled plan as recovery.yaml and the small DSG plan
    as dsg.yaml (which shares lead codes AG and CK, and item id 1.1, with it)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "recovery.yaml").write_bytes((REPO / "plan.yaml").read_bytes())
    (folder / "dsg.yaml").write_bytes(DSG_PLAN.read_bytes())
    return folder
