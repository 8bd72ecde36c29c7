"""Several plans at once: the plan files a folder holds, each plan's short name, opening them
all (each through the cache, as one plan is opened), and finding an item written PLAN:ID.

The rules, also in docs/portfolio.md:
- A folder means the plan files directly in it (not in its subfolders, where old copies of a
  plan are often kept): names ending .yaml or .yml in any case, except hidden files (the editor's
  lock and temporary files start with a dot) and Office's "~$" owner files. Files are read in
  name order; the same file named twice is read once.
- A YAML file found in a folder that is not a plan (it fails to load and has no "plan:" or
  "tasks:" key at the top, like a docker-compose.yml) is left out with a note; any other file
  that fails to load stops the command with its own FILE:LINE:COL problems, every broken plan's
  at once. A file named on its own is always read as a plan.
- A plan's short name is its file's name without the extension ("sv.yaml" → "sv"); two files
  with the same stem are told apart by their folders ("north/plan", "south/plan").
- Several plans are open (a portfolio) when --plan names a folder, even one holding one plan,
  or names more than one file: what a command prints then depends only on what was asked, not
  on how many files a folder holds today.

Nothing here prints: the notes about files left out come back as warnings.
"""

from __future__ import annotations

import os
import typing
from collections.abc import Callable, Sequence
from pathlib import PurePath

from sendplan.errors import Location, PlanError, Problem, Severity, quoted
from sendplan.plan.load import LoadedPlan
from sendplan.plan.source import STDIN

PLAN_SUFFIXES = (".yaml", ".yml")
# Office writes "~$name" beside a file someone has open; nothing else a person keeps starts so.
_OWNER_FILE = "~$"
# A top-level "plan:" or "tasks:" key (quoted or not) marks a file as meant to be a plan.
_PLAN_KEY = r"""^(?:plan|tasks|"plan"|"tasks"|'plan'|'tasks')[ \t]*:"""
REF_SEPARATOR = ":"


def is_folder(path: str) -> bool:
    return path != STDIN and os.path.isdir(path)


def is_portfolio(paths: Sequence[str]) -> bool:
    """Whether *paths* (the --plan values) open several plans: more than one, or a folder."""
    return len(paths) > 1 or any(is_folder(path) for path in paths)


def is_plan_name(name: str) -> bool:
    """Whether a file called *name*, found in a folder, is read as a plan."""
    if name.startswith((".", _OWNER_FILE)):
        return False
    return name.lower().endswith(PLAN_SUFFIXES)


def folder_plans(folder: str) -> list[str]:
    """The plan files directly in *folder*, in name order, as paths that start with *folder*."""
    location = Location(folder)
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries if is_plan_name(entry.name) and entry.is_file()]
    except PermissionError:
        raise PlanError.single("permission denied: sendplan cannot list this folder.", location) from None
    except OSError as error:
        raise PlanError.single(f"cannot list the folder: {error.strerror or error}.", location) from None
    if not names:
        raise PlanError.single(
            "this folder holds no plan files (names ending .yaml or .yml). "
            "Put the plans in it, or name a plan file.",
            location,
        )
    names.sort(key=lambda name: (name.casefold(), name))
    return [os.path.join(folder, name) for name in names]


# Plain classes, not dataclasses: this module is imported by every listing, even of one plan,
# and a dataclass costs a millisecond to make.
class PlanFile:
    """A plan file to read, and whether it was found in a folder rather than named on its own."""

    __slots__ = ("found", "path")

    def __init__(self, path: str, found: bool) -> None:
        self.path = path
        self.found = found


def plan_files(paths: Sequence[str]) -> list[PlanFile]:
    """Every plan file *paths* name: files as given, folders as the plan files in them."""
    result: list[PlanFile] = []
    seen: set[str] = set()
    for path in paths:
        found = is_folder(path)
        for file in folder_plans(path) if found else [path]:
            key = file if file == STDIN else os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                result.append(PlanFile(file, found))
    return result


def short_names(paths: Sequence[str]) -> list[str]:
    """Each plan's short name: its file stem, with as many folders in front as it takes to tell
    apart files that share one (case aside), else the whole path."""
    parts = [("stdin",) if path == STDIN else PurePath(os.path.abspath(path)).parts for path in paths]
    stems = [PurePath(path).stem if path != STDIN else "stdin" for path in paths]
    names = list(stems)
    groups: dict[str, list[int]] = {}
    for index, stem in enumerate(stems):
        groups.setdefault(stem.casefold(), []).append(index)
    for members in groups.values():
        if len(members) < 2:
            continue
        for depth in range(1, max(len(parts[index]) for index in members)):
            labels = ["/".join([*parts[index][-1 - depth : -1], stems[index]]) for index in members]
            if len({label.casefold() for label in labels}) == len(labels):
                break
        else:  # plan.yaml and plan.yml side by side: their whole paths
            labels = [paths[index] for index in members]
        for index, label in zip(members, labels, strict=True):
            names[index] = label
    return names


def looks_like_plan(text: str) -> bool:
    """Whether YAML text that failed to load was meant to be a plan (has a top-level plan:/tasks:)."""
    import re

    return re.search(_PLAN_KEY, text, re.MULTILINE) is not None


class Member:
    """One open plan: its short name and the plan as loaded."""

    __slots__ = ("loaded", "name")

    def __init__(self, name: str, loaded: LoadedPlan) -> None:
        self.name = name
        self.loaded = loaded


class Portfolio:
    """The plans a command works on. *several* says whether rows must carry their plan;
    *notes* are the files in a folder left out because they are not plans."""

    __slots__ = ("members", "notes", "several")

    def __init__(self, members: list[Member], several: bool, notes: list[Problem] | None = None) -> None:
        self.members = members
        self.several = several
        self.notes = notes or []

    @property
    def only(self) -> LoadedPlan:
        """The one plan, when only one is open."""
        return self.members[0].loaded

    def named(self, name: str) -> Member | None:
        wanted = name.casefold()
        return next((member for member in self.members if member.name.casefold() == wanted), None)

    @property
    def names(self) -> list[str]:
        return [member.name for member in self.members]


Loader = Callable[..., LoadedPlan]


def open_portfolio(paths: Sequence[str], *, load: Loader | None = None, stdin: typing.BinaryIO | None = None) -> Portfolio:
    """Open every plan *paths* name (see the module docstring for which files count).

    Every plan that cannot be read adds its problems to one PlanError, raised after all have
    been tried, so a broken plan is never passed over while the others answer.
    """
    from sendplan.plan.read import load_plan

    load = load or load_plan
    files = plan_files(paths)
    opened: list[tuple[str, LoadedPlan]] = []
    problems: list[Problem] = []
    notes: list[Problem] = []
    for file in files:
        try:
            opened.append((file.path, load(file.path, stdin=stdin) if file.path == STDIN else load(file.path)))
        except PlanError as error:
            if file.found and not meant_as_plan(file.path):
                notes.append(not_a_plan(file.path))
                continue
            problems.extend(error.problems)
    if problems:
        raise PlanError(problems)
    if not opened:
        folders = ", ".join(path for path in paths if is_folder(path))
        raise PlanError(
            [
                *notes,
                Problem(
                    "none of the YAML files here is a plan. Put the plans in this folder, or name a plan file.",
                    Location(folders),
                ),
            ]
        )
    names = short_names([path for path, _ in opened])
    members = [Member(name, loaded) for name, (_, loaded) in zip(names, opened, strict=True)]
    return Portfolio(members, is_portfolio(paths), notes)


def meant_as_plan(path: str) -> bool:
    """Whether a file that failed to load as a plan was meant to be one (see looks_like_plan)."""
    from sendplan.plan.source import read_source

    try:
        _, text = read_source(path)
    except PlanError:  # not even text (a binary file named .yaml): treat it as a broken plan
        return True
    return looks_like_plan(text)


def not_a_plan(path: str) -> Problem:
    """The note that a YAML file found in a folder of plans is not a plan and is left out."""
    return Problem(
        'not a plan (no "plan:" or "tasks:" at the top), so it is left out. '
        "Move it out of the folder to silence this note.",
        Location(path),
        severity=Severity.WARNING,
    )


# ---------------------------------------------------------------------------------------
# PLAN:ID


class ItemRefError(ValueError):
    """An item reference names no item, or one that several open plans have. The message says which."""


def split_ref(text: str) -> tuple[str | None, str]:
    """ "sv:4.7" → ("sv", "4.7"); "4.7" → (None, "4.7"). Item ids hold no colon, so the last one splits."""
    if REF_SEPARATOR not in text:
        return None, text.strip()
    plan, _, item_id = text.rpartition(REF_SEPARATOR)
    return plan.strip(), item_id.strip()


def ref(plan: str, item_id: str) -> str:
    """How an item is shown when several plans are open: "sv:4.7"."""
    return f"{plan}{REF_SEPARATOR}{item_id}"


def find_item(portfolio: Portfolio, text: str, unknown: Callable[[str, LoadedPlan], str]) -> tuple[Member, str]:
    """The plan holding the item *text* names (PLAN:ID, or an ID only one open plan has) and its id.

    *unknown(id, loaded)* words "there is no item …" for one plan (with its guesses).
    """
    plan, item_id = split_ref(text)
    if plan is not None:
        member = portfolio.named(plan)
        if member is None:
            raise ItemRefError(
                f"no open plan is called {quoted(plan)}. The plans are: {', '.join(portfolio.names)}."
            )
        if member.loaded.item_path(item_id) is None:
            raise ItemRefError(unknown(item_id, member.loaded))
        return member, item_id
    holders = [member for member in portfolio.members if member.loaded.item_path(item_id) is not None]
    if len(holders) == 1:
        return holders[0], item_id
    if not holders:
        if len(portfolio.members) == 1:
            raise ItemRefError(unknown(item_id, portfolio.only))
        raise ItemRefError(
            f"there is no item {quoted(item_id)} in any of the {len(portfolio.members)} open plans "
            f"({', '.join(portfolio.names)}). `sendplan list` shows every id."
        )
    refs = ", ".join(ref(member.name, item_id) for member in holders)
    raise ItemRefError(
        f"{len(holders)} open plans have an item {quoted(item_id)}: {refs}. "
        f"Say which, such as {ref(holders[0].name, item_id)}."
    )


# ---------------------------------------------------------------------------------------
# Across plans: one code, one person


LEAD_NAME_CODE = "SP118"  # registered (with its documentation) in plan/checks/across.py


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def lead_name_problems(portfolio: Portfolio) -> list[Problem]:
    """A warning for each plan whose key names a lead code differently (spacing and case aside)
    from the name most plans give it (on a tie, the first plan's), located at this plan's
    name and pointing at where that name is written."""
    named: dict[str, list[tuple[Member, str]]] = {}
    for member in portfolio.members:
        for code, lead in member.loaded.plan.leads.items():
            named.setdefault(code, []).append((member, lead.name))
    problems: list[Problem] = []
    for code, holders in named.items():
        spellings = [_same_name(name) for _, name in holders]
        usual = max(dict.fromkeys(spellings), key=spellings.count)  # the first of the most common
        other, name = holders[spellings.index(usual)]
        there = other.loaded.locate(("leads", code, "name"))
        for (member, own), spelling in zip(holders, spellings, strict=True):
            if spelling == usual:
                continue
            problems.append(
                Problem(
                    f"lead {code} is {quoted(own)} here but {quoted(name)} in {there} ({other.name}). "
                    "One code should name one person in every plan: use the same name in both, "
                    "or give one of them a code of their own.",
                    member.loaded.locate(("leads", code, "name")),
                    code=LEAD_NAME_CODE,
                    severity=Severity.WARNING,
                    subject=code,
                )
            )
    return problems
