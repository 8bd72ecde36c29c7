"""The files a command reads, noted as it reads them, so that `-o` never replaces one.

`-o plan.yaml` on a command that reads plan.yaml would put a calendar or a table where the
plan was: refused as a usage error (exit 2), however the file is named (a symbolic or hard
link, ./x or its full path).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import click


def reads(path: str) -> str:
    """Note that the command reads the file *path* (returned): -o may not name it."""
    click.get_current_context().meta.setdefault("sendplan.inputs", []).append(path)
    return path


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):  # either is missing (a new -o file), or the name is not usable
        return False


def refuse_inputs(output: str | None, inputs: Sequence[str] = ()) -> None:
    """-o never replaces a file the command reads (the plan, or *inputs*), by any path to it: a
    symbolic or hard link, ./x or /full/path. A usage error: exit 2."""
    if output is None or output == "-":
        return
    plans = click.get_current_context().meta.get("sendplan.inputs", [])
    for path, what in [*((plan, "the plan this command reads") for plan in plans), *((file, "a file this command reads") for file in inputs)]:
        if path and path != "-" and _same_file(output, path):
            from sendplan.outputs.text import visible

            shown = visible(output) if os.path.abspath(output) == os.path.abspath(path) else f"{visible(output)} ({visible(path)})"
            raise click.BadParameter(
                f"{shown} is {what}, so writing there would replace it. Give another file name.",
                param_hint="'-o' / '--output'",
            )

