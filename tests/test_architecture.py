"""The package keeps its shape: small modules, no import cycle, click and the clock only in the CLI,
and only the plan's writer replaces a plan file. Read from the source with ast; nothing is run.

How imports are counted: every `import` and `from … import` statement in a module, at the top
or inside a function, names an edge to the sendplan module it imports (`from sendplan.plan
import cache` names sendplan.plan.cache). Two kinds are left out, on purpose:
- imports under `if TYPE_CHECKING:`, which never run: they only let an annotation name a type,
  so they cannot make an import order fail;
- the parent packages Python initialises first (importing sendplan.plan.load runs
  sendplan/plan/__init__.py): every package __init__ but the CLI's imports nothing of sendplan
  (checked below), and the CLI's imports only modules below it.
Two tables name modules that are imported by name when needed, and count as imports too: the
CLI's COMMANDS (sendplan.cli → each command module) and each OutputFormat's and ReportFormat's
writer and each PORTFOLIO_WRITERS entry (sendplan.outputs.registry → each writer module).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import sendplan

PACKAGE = Path(sendplan.__file__).resolve().parent
MAX_LINES = 500
# The one module that reads the real clock (to fill in --as-of).
CLOCK_MODULE = "sendplan.cli.options"
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"), ("time", "time")}
# Modules that may rename one file over another, and why.
REPLACERS = {
    "sendplan.plan.write": "the plan file itself, edited under its lock (update, done)",
    "sendplan.files": "whole files written at once: -o outputs, and a new plan through plan/write.py (init)",
    "sendplan.plan.cachefile": "snapshots in the cache folder, never beside the plan",
}
RENAME_CALLS = {("os", "replace"), ("os", "rename"), ("os", "renames"), ("shutil", "move")}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
TREES = {name: ast.parse(path.read_text(encoding="utf-8"), str(path)) for name, path in MODULES.items()}


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that can run: the bodies of `if TYPE_CHECKING:` blocks are skipped."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def package_of(name: str) -> str:
    """The package a module's relative imports start from."""
    path = MODULES[name]
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def imported(name: str) -> set[str]:
    """The sendplan modules *name* imports when it runs (see the module docstring)."""
    found: set[str] = set()
    for node in runtime_nodes(TREES[name]):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package_of(name).split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


def lazily_imported() -> dict[str, set[str]]:
    """The modules the two lookup tables import by name (see the module docstring)."""
    from sendplan.cli import COMMANDS
    from sendplan.outputs.registry import PORTFOLIO_WRITERS, OutputFormat, ReportFormat

    writers = [fmt.writer for fmt in (*OutputFormat, *ReportFormat)] + list(PORTFOLIO_WRITERS.values())
    return {
        "sendplan.cli": {f"sendplan.cli.{where.partition(':')[0]}" for where in COMMANDS.values()},
        "sendplan.outputs.registry": {f"sendplan.outputs.{where.partition(':')[0]}" for where in writers},
    }


GRAPH = {name: imported(name) for name in MODULES}
for _name, _targets in lazily_imported().items():
    assert _targets <= set(MODULES), _targets - set(MODULES)
    GRAPH[_name] |= _targets


def calls(name: str) -> Iterator[tuple[str, str, int]]:
    """(object, attribute, line) for each call of the form obj.attr(...) that can run; the object
    is the last name before the attribute (`datetime.date.today()` gives ("date", "today"))."""
    for node in runtime_nodes(TREES[name]):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name):
                yield owner.id, node.func.attr, node.lineno
            elif isinstance(owner, ast.Attribute):
                yield owner.attr, node.func.attr, node.lineno


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_500_lines(name: str) -> None:
    """Every module of the package stays readable: at most 500 lines."""
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it into rooms of their own"


def test_no_import_cycle() -> None:
    """No chain of imports (function-level ones included) leads from a module back to itself."""
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> None:
        if name in path:
            cycle = [*path[path.index(name) :], name]
            pytest.fail("import cycle: " + " → ".join(cycle))
        if name in done:
            return
        path.append(name)
        for target in sorted(GRAPH[name]):
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(GRAPH):
        visit(name)


def test_the_graph_is_read() -> None:
    """The import graph is not vacuous: known edges, top-level and in functions, are found."""
    assert "sendplan.plan.load" in GRAPH["sendplan.plan.cache"]
    assert "sendplan.plan.cache" in GRAPH["sendplan.plan.read"]
    assert "sendplan.plan.read" in GRAPH["sendplan.cli.options"]  # imported inside load()
    assert "sendplan.outputs.rows" not in GRAPH["sendplan.outputs.registry"]  # only for annotations
    assert "sendplan.cli.listings" in GRAPH["sendplan.cli"]  # through COMMANDS
    assert "sendplan.outputs.xlsx" in GRAPH["sendplan.outputs.registry"]  # through OutputFormat


def test_the_cache_depends_on_the_loader_never_the_reverse() -> None:
    """load.py (and what it imports) never reaches cache.py: the loader knows nothing of the cache."""
    reached: set[str] = set()
    todo = ["sendplan.plan.load"]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo.extend(GRAPH[name])
    assert "sendplan.plan.cache" not in reached


def test_packages_other_than_the_cli_import_nothing() -> None:
    """Package __init__ files import no sendplan module (the CLI's gathers its command modules)."""
    for name, path in MODULES.items():
        if path.name == "__init__.py" and name != "sendplan.cli":
            assert GRAPH[name] == set(), name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_the_cli_imports_click(name: str) -> None:
    """Nothing below sendplan/cli imports click: the library is usable without a command line."""
    if name == "sendplan.cli" or name.startswith("sendplan.cli."):
        return
    for node in ast.walk(TREES[name]):
        if isinstance(node, ast.Import):
            assert not any(alias.name.split(".")[0] == "click" for alias in node.names), name
        elif isinstance(node, ast.ImportFrom):
            assert (node.module or "").split(".")[0] != "click", name


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_the_cli_options_read_the_clock(name: str) -> None:
    """Only sendplan/cli/options.py calls date.today() (or datetime.now(), time.time()); every
    other module is given the day as `as_of`."""
    found = [f"{obj}.{attr}() at line {line}" for obj, attr, line in calls(name) if (obj, attr) in CLOCK_CALLS]
    if name == CLOCK_MODULE:
        assert found, "the clock moved: update CLOCK_MODULE and the conftest guard"
    else:
        assert found == [], f"{name} reads the clock: take the day as a parameter (as_of)"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_only_the_writers_replace_files(name: str) -> None:
    """Only plan/write.py replaces a plan; files.py (outputs and new plans) and the cache replace
    their own files. (Path.replace cannot be told from str.replace here; sendplan uses os.replace.)"""
    found = [f"{obj}.{attr}() at line {line}" for obj, attr, line in calls(name) if (obj, attr) in RENAME_CALLS]
    found += [
        f".rename() at line {node.lineno}"
        for node in runtime_nodes(TREES[name])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "rename"
    ]
    if name in REPLACERS:
        assert found, f"{name} no longer replaces files: update REPLACERS"
    else:
        assert found == [], f"{name} replaces a file; only {', '.join(REPLACERS)} may"


def test_only_the_plan_writer_and_the_outputs_use_whole_file_writes() -> None:
    """sendplan.files writes any path it is given, so only plan/write.py (new plans) and the output
    registry (-o FILE) may import it."""
    users = {name for name, targets in GRAPH.items() if "sendplan.files" in targets}
    assert users == {"sendplan.plan.write", "sendplan.outputs.registry"}


def layer(name: str) -> int:
    """0 errors and files, 1 plan, 2 queries and report data, 3 outputs and office round trips, 4 the CLI (and
    `python -m sendplan`, which runs it)."""
    if name.startswith("sendplan.cli") or name == "sendplan.__main__":
        return 4
    if name.startswith(("sendplan.outputs", "sendplan.office")):
        return 3
    if name in (
        "sendplan.query", "sendplan.summary", "sendplan.report", "sendplan.timeline", "sendplan.portfolio",
        "sendplan.portfolio_report",
    ):  # fmt: skip
        return 2
    if name.startswith("sendplan.plan"):
        return 1
    return 0  # sendplan (the version), sendplan.errors, sendplan.files


@pytest.mark.parametrize("name", sorted(MODULES))
def test_layers_import_only_the_layers_below(name: str) -> None:
    """cli → outputs, office → query, summary, report, timeline → plan → errors, files, as docs/architecture.md
    draws it: no module imports a layer above its own."""
    above = sorted(target for target in GRAPH[name] if layer(target) > layer(name))
    assert above == [], f"{name} imports {above}, a layer above it"


def test_every_format_names_a_writer_that_exists() -> None:
    """Each OutputFormat and ReportFormat line names a module in sendplan/outputs and a function in
    it: adding a format is that module plus the one line in registry.py."""
    from sendplan.outputs.registry import RENDERERS, OutputFormat, ReportFormat, writer_of

    for fmt in OutputFormat:
        assert callable(RENDERERS[fmt]), fmt
        assert fmt.extensions, f"{fmt} has no extension for -o"
    for report_format in ReportFormat:
        assert callable(writer_of(report_format)), report_format
        assert report_format.extensions, f"{report_format} has no extension for -o"
