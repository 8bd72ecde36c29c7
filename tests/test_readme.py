"""The README and the pages under docs/ tell the truth: their examples are real output and every
command is documented."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import click
import pytest
from helpers import REPO, run_in_terminal

import sendplan
from sendplan.cli import cli

README = (REPO / "README.md").read_text(encoding="utf-8")
PAGES = {"README.md": README} | {
    f"docs/{path.name}": path.read_text(encoding="utf-8") for path in sorted((REPO / "docs").glob("*.md"))
}
CONSOLE_BLOCK = re.compile(r"```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```", re.DOTALL)
EXAMPLES = [
    {"page": page, **match.groupdict()} for page, text in PAGES.items() for match in CONSOLE_BLOCK.finditer(text)
]


def run_shell(command: str) -> str:
    """Run a docs command line with `sendplan` meaning this package, on an 80-column terminal:
    what the terminal shows, then standard error."""
    package_root = Path(sendplan.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(package_root)}
    env.pop("SENDPLAN_PLAN", None)
    script = f'sendplan() {{ "{sys.executable}" -m sendplan "$@"; }}\n{command}'
    shown, error = run_in_terminal(script, REPO, env)
    return shown + error


def tidy(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{example['page']}: {example['command']}" for example in EXAMPLES])
def test_console_examples_are_real_output(example: dict[str, str]) -> None:
    """Each ```console block, in the README and every docs page, prints exactly what it shows
    (trailing spaces aside)."""
    assert tidy(run_shell(example["command"])) == tidy(example["output"])


def test_every_docs_page_has_examples_and_is_linked_from_the_readme() -> None:
    """The examples really come from every page, and the README links every docs page."""
    assert {example["page"] for example in EXAMPLES} >= {"README.md", "docs/checks.md", "docs/reports.md"}
    for page in PAGES:
        if page != "README.md":
            assert f"]({page})" in README, f"the README does not link {page}"


def test_every_command_is_documented_with_an_example() -> None:
    """Each command appears in the README or a docs page, and its --help ends with a runnable example."""
    ctx = click.Context(cli)
    documented = "\n".join(PAGES.values())
    for name, command in cli.commands.items():
        assert f"sendplan {name}" in documented, name
        help_text = command.get_help(click.Context(command, info_name=name, parent=ctx))
        assert "Example" in help_text and f"sendplan {name}" in help_text, name


def test_quick_start_is_two_commands() -> None:
    """The quick start installs and runs `sendplan overdue`, then runs the tests."""
    quick = README.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert quick.splitlines() == ["pip install . && sendplan overdue", "pip install -e '.[test]' && pytest"]


def test_ci_runs_the_readme_test_command() -> None:
    """CI installs the test extras as the README does (editable) and runs the same pytest command."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install --quiet -e ".[test]"' in ci
    assert re.search(r"^pytest$", ci, re.MULTILINE)


LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def anchors(text: str) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as -."""
    headings = re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", text, flags=re.DOTALL), re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_links_between_pages_work(page: str) -> None:
    """Every relative link in the README and docs/ names a file that exists (and a heading in it)."""
    folder = (REPO / page).parent
    for match in LINK.finditer(PAGES[page]):
        target = match["target"]
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        file = (folder / path).resolve() if path else REPO / page
        assert file.exists(), f"{page}: {target} does not exist"
        if anchor and file.suffix == ".md":
            assert anchor in anchors(file.read_text(encoding="utf-8")), f"{page}: no heading for #{anchor} in {path or page}"
