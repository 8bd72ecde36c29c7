"""Never lose a lead's answers to a second `sendplan request`: files in the way are refused first.

A return comes back under the name it was sent with, so it often lands in the folder `request`
writes to. Before anything is written, every file about to be written is compared with what is
already there: the same bytes are fine (the same request made again), anything else is refused,
a filled-in return above all, unless the caller forces it. All or nothing: one refusal and no
file is written.

Pure: reads the files in the way, writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sendplan.errors import Location, PlanError, Problem


def _answers(name: str, data: bytes) -> str | None:
    """"answers filled in (3 rows)" when *data* is a return a lead has answered, else None."""
    from sendplan.office.returns_read import read_return

    try:
        found = read_return(name, data)
    except PlanError as error:
        # Answers with problems in their cells are answers all the same.
        return "answers filled in" if any("!" in problem.message.split(":", 1)[0] for problem in error.problems) else None
    answered = sum(row.answered for row in found.rows)
    if not answered:
        return None
    return f"answers filled in ({answered} row{'' if answered == 1 else 's'})"


def in_the_way(path: Path, data: bytes) -> Problem | None:
    """Why *path* must not be replaced by *data*, or None when it may (missing, or the same bytes)."""
    name = str(path)
    if path.is_dir():
        return Problem("a folder has the name of the file to write here. Nothing was written.", Location(name))
    if not path.exists():
        return None
    try:
        held = path.read_bytes()
    except OSError as error:
        return Problem(f"this file is in the way and cannot be read ({error.strerror or error}). Nothing was written.",
                       Location(name))
    if held == data:
        return None
    remedy = "Write the new returns to another folder with -o, or add --force to replace it."
    answers = _answers(name, held) if name.endswith(".xlsx") else None
    if answers:
        return Problem(
            f"this is a return with {answers}, so nothing was written: a new form would replace it. "
            f"Collect it first (sendplan collect {name}), write the new returns to another folder with -o, "
            "or add --force to replace it.",
            Location(name),
        )
    return Problem(f"this file already exists and is not the one sendplan would write now, so nothing was written. {remedy}",
                   Location(name))


def refuse_replacing(files: Sequence[tuple[Path, bytes]]) -> None:
    """Raise a PlanError naming every file of *files* that is in the way (see in_the_way)."""
    problems = [problem for path, data in files if (problem := in_the_way(path, data)) is not None]
    if problems:
        raise PlanError(problems)
