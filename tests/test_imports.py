"""Each command path imports only what it needs: checked in a fresh interpreter, never by timing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import MINIMAL_PLAN

import sendplan

HEAVY = ("pydantic", "rich", "yaml", "dateutil", "ruamel", "icalendar")
AS_OF = "2022-06-01"

# Runs in the child: import sendplan.cli (and run a command if given), then report which
# heavy modules are loaded on the last line of stderr.
CHILD = """
import json, sys
args = json.loads(sys.argv[1])
heavy = json.loads(sys.argv[2])
import sendplan.cli
if args is not None:
    try:
        sendplan.cli.cli.main(args, prog_name="sendplan")
    except SystemExit:
        pass
sys.stdout.flush()
loaded = sorted(name for name in heavy if name in sys.modules)
print(json.dumps(loaded), file=sys.stderr)
"""


def loaded_modules(args: list[str] | None, cwd: Path, watch: tuple[str, ...] = HEAVY, **env: str) -> set[str]:
    # PYTHONPATH is the folder that holds the package under test, installed or a checkout.
    package_parent = str(Path(sendplan.__file__).resolve().parent.parent)
    environment = {**os.environ, "PYTHONPATH": package_parent, **env}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(args), json.dumps(watch)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.fixture
def plan(bundled_plan: Path) -> str:
    return str(bundled_plan)


def test_importing_the_cli_imports_nothing_heavy(tmp_path: Path) -> None:
    """`import sendplan.cli` loads none of pydantic, rich, yaml, dateutil, ruamel or icalendar."""
    assert loaded_modules(None, tmp_path) == set()


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["overdue", "--help"]], ids=["help", "version", "command-help"])
def test_help_and_version_import_nothing_heavy(tmp_path: Path, args: list[str]) -> None:
    """--help and --version answer from click alone."""
    assert loaded_modules(args, tmp_path) == set()


def test_help_imports_only_the_cli_and_the_format_names(tmp_path: Path) -> None:
    """`sendplan --help` builds its option choices from sendplan.outputs.registry; it needs no
    dates, errors, writers or loader (each costs milliseconds of start-up)."""
    own = (
        "sendplan.outputs.registry",
        "sendplan.plan.dates",
        "sendplan.errors",
        "sendplan.outputs.rows",
        "sendplan.outputs.table",
        "sendplan.outputs.json",
        "sendplan.plan.load",
        "sendplan.plan.read",
        "importlib.resources",
    )
    assert loaded_modules(["--help"], tmp_path, own) == {"sendplan.outputs.registry"}


def test_overdue_json_never_imports_rich(tmp_path: Path, plan: str) -> None:
    """JSON output of a freshly parsed plan needs pydantic, but not rich or dateutil; the bundled
    plan is in the block style scan.py reads, so not even yaml."""
    loaded = loaded_modules(["overdue", "--json", "--as-of", AS_OF, "--plan", plan], tmp_path)
    assert loaded == {"pydantic"}


def test_a_plan_in_another_style_is_read_by_yaml(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    """A plan the fast reader declines (here a block scalar) is read through libyaml."""
    path = write_plan(MINIMAL_PLAN.replace("action: Do the thing", "action: >\n              Do the thing"))
    loaded = loaded_modules(["overdue", "--json", "--as-of", AS_OF, "--plan", str(path)], tmp_path)
    assert loaded == {"pydantic", "yaml"}


def test_tsv_never_imports_rich(tmp_path: Path, plan: str) -> None:
    """TSV output does not import rich."""
    loaded = loaded_modules(["list", "--format", "tsv", "--as-of", AS_OF, "--plan", plan], tmp_path)
    assert "rich" not in loaded
    assert "dateutil" not in loaded


def test_table_imports_rich(tmp_path: Path, plan: str) -> None:
    """The table path really does use rich (so the tests above are not vacuous)."""
    loaded = loaded_modules(["list", "--format", "table", "--as-of", AS_OF, "--plan", plan], tmp_path)
    assert "rich" in loaded


@pytest.mark.parametrize(
    "command",
    [
        ["overdue", "--json"],
        ["by-lead", "ag", "--json"],
        ["list", "--lead", "AG", "--due-before", "Dec 2022", "--format", "tsv"],
        ["due", "--within", "3m", "--json"],
        ["leads", "--json"],
        ["tasks", "--format", "tsv"],
    ],
    ids=" ".join,
)
def test_cached_plan_skips_pydantic(tmp_path: Path, plan: str, command: list[str]) -> None:
    """The second run on an unchanged plan reads the cache: no yaml, no pydantic, no rich."""
    args = [*command, "--as-of", AS_OF, "--plan", plan]
    assert "pydantic" in loaded_modules(args, tmp_path)
    assert loaded_modules(args, tmp_path) == set()


def test_validate_from_cache_skips_pydantic(tmp_path: Path, plan: str) -> None:
    """validate on an unchanged valid plan answers from the cache, without pydantic."""
    loaded_modules(["validate", plan], tmp_path)
    assert "pydantic" not in loaded_modules(["validate", plan], tmp_path)


def test_no_cache_always_validates(tmp_path: Path, plan: str) -> None:
    """With SENDPLAN_NO_CACHE=1 every run parses and validates the plan again."""
    args = ["overdue", "--json", "--as-of", AS_OF, "--plan", plan]
    loaded_modules(args, tmp_path, SENDPLAN_NO_CACHE="1")
    assert "pydantic" in loaded_modules(args, tmp_path, SENDPLAN_NO_CACHE="1")


def test_unusual_deadline_spelling_imports_dateutil(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    """dateutil is imported only for a spelling the fast patterns do not know."""
    from helpers import MINIMAL_PLAN

    path = write_plan(MINIMAL_PLAN.replace("deadline: Mar 2022", "deadline: 31st of March 2022"))
    loaded = loaded_modules(["list", "--json", "--as-of", AS_OF, "--plan", str(path)], tmp_path, SENDPLAN_NO_CACHE="1")
    assert "dateutil" in loaded


def test_word_library_only_for_a_word_report(tmp_path: Path, plan: str) -> None:
    """python-docx (and its lxml) load for `report -o FILE.docx` and for no other report."""
    watch = ("docx", "lxml")
    base = ["report", "--as-of", AS_OF, "--plan", plan]
    assert loaded_modules(["report", "--help"], tmp_path, watch) == set()
    assert loaded_modules([*base, "-o", str(tmp_path / "r.html")], tmp_path, watch) == set()
    assert loaded_modules([*base, "-o", str(tmp_path / "r.docx")], tmp_path, watch) == {"docx", "lxml"}
