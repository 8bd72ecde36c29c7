"""A plan file as it was at a git revision: the only module that runs git.

It runs `git` as a program in the folder that holds the plan, so the plan's own repository is
used whatever the current folder is. Every failure is a PlanError saying what to do, except a
revision git does not know, which is a mistake on the command line (RevisionError).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from sendplan.errors import Location, PlanError
from sendplan.plan.load import LoadedPlan, parse_plan
from sendplan.plan.source import MAX_BYTES_ENV, decode, max_plan_bytes


class RevisionError(ValueError):
    """A revision that git cannot find in the plan's repository. The message says what to try."""


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
    except FileNotFoundError:
        raise PlanError.single(
            "git is not installed (or not on PATH), so --rev cannot read the plan's history. "
            "Compare two files instead: sendplan diff OLD NEW."
        ) from None


def read_at_revision(path: str, rev: str) -> tuple[str, str]:
    """(name for messages, text) of the file at *path* as it was committed at *rev*."""
    if not rev.strip() or rev.startswith("-"):
        # A leading dash would reach git as an option.
        raise RevisionError(f'"{rev}" is not a revision. Give a commit, branch or tag such as HEAD~1.')
    target = Path(path)
    folder = target.parent.resolve()
    location = Location(path)
    if _git(folder, "rev-parse", "--show-toplevel").returncode != 0:
        raise PlanError.single(
            "this file is not in a git repository, so it has no history for --rev. "
            "Compare two files instead: sendplan diff OLD NEW.",
            location,
        )
    if _git(folder, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode != 0:
        raise RevisionError(
            f'"{rev}" is not a commit in this repository. Try HEAD~1, a branch or tag name, '
            "or a commit id from `git log`."
        )
    name = f"{rev}:{path}"
    # "./name" asks git for the path relative to the folder it runs in.
    shown = _git(folder, "show", f"{rev}:./{target.name}")
    if shown.returncode != 0:
        raise PlanError.single(
            f"this file is not in revision {rev}: it was added, moved or renamed since. "
            "Pick an older or newer revision from `git log -- FILE`.",
            location,
        )
    limit = max_plan_bytes()
    if len(shown.stdout) > limit:
        raise PlanError.single(
            f"the file is larger than {limit:,} bytes, the most sendplan reads. "
            f"If it really is a plan, raise the limit with {MAX_BYTES_ENV}.",
            Location(name),
        )
    return name, decode(shown.stdout, name)


def load_at_revision(path: str, rev: str) -> LoadedPlan:
    """The plan at *path* as committed at *rev*; problems are located as REV:FILE:LINE:COL."""
    name, text = read_at_revision(path, rev)
    return parse_plan(text, name)
