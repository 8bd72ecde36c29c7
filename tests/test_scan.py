"""The fast reader (scan.py) gives exactly libyaml's data and positions, or declines: checked on
the bundled and generated plans, on documents of every shape it reads written in every style,
and on those documents damaged a character at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import MINIMAL_PLAN, REPO, generate_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendplan.errors import PlanError
from sendplan.plan import load
from sendplan.plan.scan import scan


def libyaml(text: str) -> tuple[Any, tuple[Any, ...]] | None:
    """What libyaml and parse.py make of *text*: (data, index state), or None if it is refused."""
    try:
        data, positions, problems, _scanned = load.read_data(text, "plan.yaml", fast=False)
    except PlanError:
        return None
    return (None if problems else (data, positions.arrays()))


def assert_agrees(text: str) -> bool:
    """The fast reader declines, or gives libyaml's answer exactly. True if it read the text."""
    fast = scan(text, "plan.yaml")
    if fast is None:
        return False
    data, positions = fast
    oracle = libyaml(text)
    assert oracle is not None, f"the fast reader accepted what libyaml refuses: {text!r}"
    assert data == oracle[0], text
    assert positions.arrays()[:10] == oracle[1][:10], text
    return True


@pytest.mark.parametrize("size", [200, 2000])
def test_generated_plans_are_read_as_libyaml_reads_them(size: int) -> None:
    """The benchmark generator's plans (every spelling it writes) are read, and agree."""
    assert assert_agrees(generate_module().generate(size))


def test_the_bundled_and_starter_plans_are_read(bundled_plan: Path) -> None:
    """The plans sendplan ships are in the style it reads fast."""
    assert assert_agrees(bundled_plan.read_text(encoding="utf-8"))
    assert assert_agrees((REPO / "sendplan" / "data" / "starter.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted((REPO / "tests" / "cases").rglob("*.yaml")), ids=lambda path: path.name)
def test_every_case_file_agrees_or_is_declined(path: Path) -> None:
    """Each good and bad case file of the corpus: the same answer as libyaml's, or declined."""
    assert_agrees(path.read_text(encoding="utf-8", errors="replace").removeprefix("\ufeff"))


def test_crlf_plans_are_read_with_the_same_positions() -> None:
    """A plan saved with Windows line ends reads the same, lines counted as libyaml counts them."""
    assert assert_agrees(MINIMAL_PLAN.replace("\n", "\r\n"))
    assert scan(MINIMAL_PLAN.replace("\n", "\r\n", 3).replace("\n", "\r", 1), "plan.yaml") is None


@pytest.mark.parametrize(
    "text",
    [
        "a: |\n  block\n",
        "a: >\n  folded\n",
        "a: &x b\nc: *x\n",
        "a: !!str b\n",
        "a: b\n  c\n",
        'a: "b\n  c"\n',
        'a: "b\\tc"\n',
        "a:\tb\n",
        "? a\n: b\n",
        "a: {b: c}\n",
        "a: [b, [c]]\n",
        "a: b\na: c\n",
        "--- \na: b\n",
        "%YAML 1.1\n---\na: b\n",
        "- a\n- b\n",
        "a:\n-\nb: c\n",
        "a: b: c\n",
        '"a": b\n',
        "a: [b,]\n",
        "a: -b\n",
        "a: b\u2028c\n",
        "a: b\x85c\n",
    ],
    ids=repr,
)
def test_what_it_does_not_read_is_declined(text: str) -> None:
    """Outside the block style it reads, it declines (libyaml then reads or refuses the file)."""
    assert scan(text, "plan.yaml") is None


# --- documents of every shape, written in every style it reads -----------------------------

WORDS = ["a", "b c", "Mar 2022", "4.10", "NO", "yes", "~", "null", "", "x#y", "a:b", "£5m", "it's", 'say "hi"',
         "-5", "- x", "#c", "a: b", "[x]", "{y}", "&z", "*w", "!t", "|", ">", "%", "@", "`", "?", "x ", " x",
         "Ост", "СК", "é", "✓ done", "a,b", "a]", "<<", "=", "2022-03-31", "TBC??", "\\", "a  b"]  # fmt: skip
KEYS = ["id", "title", "a", "b b", "x1", "СК", "under_score", "dot.ted", "da-sh", "1", "it's", "R&D", "k:", "#k", "-k", "k "]

scalars = st.sampled_from(WORDS)
keys = st.sampled_from(KEYS)
trees = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=3),
    max_leaves=12,
)


def render_scalar(value: str, draw: Any) -> str:
    style = draw(st.sampled_from(["plain", "double", "single"]))
    if style == "double":
        return '"' + value + '"'
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return value


def render(value: Any, indent: int, draw: Any, lines: list[str], prefix: str) -> None:
    """Block style with random choices: indent widths, compact "- key:", indentless lists,
    flow lists, comments and blank lines. *prefix* is what starts the first line."""
    pad = " " * indent
    if draw(st.booleans()) and draw(st.booleans()):
        lines.append(pad + draw(st.sampled_from(["# a comment", "", "   ", "  # deep comment"])))
    if isinstance(value, dict) and value:
        first = True
        for key, part in value.items():
            lead = prefix if first else pad
            first = False
            if isinstance(part, dict | list) and part:
                if isinstance(part, list) and all(isinstance(x, str) for x in part) and draw(st.booleans()):
                    flow = ", ".join(render_scalar(x, draw) for x in part)
                    lines.append(f"{lead}{key}: [{flow}]" + draw(st.sampled_from(["", "  # c"])))
                    continue
                lines.append(f"{lead}{key}:" + draw(st.sampled_from(["", " # c"])))
                step = draw(st.sampled_from([0, 2, 4])) if isinstance(part, list) else draw(st.sampled_from([1, 2, 4]))
                render(part, indent + step, draw, lines, " " * (indent + step))
            elif isinstance(part, dict | list):
                lines.append(f"{lead}{key}: {'{}' if isinstance(part, dict) else '[]'}")
            else:
                empty = part == "" and draw(st.booleans())
                text = "" if empty else " " + render_scalar(part, draw)
                lines.append(f"{lead}{key}:{text}" + draw(st.sampled_from(["", "  # note", " "])))
    elif isinstance(value, list) and value:
        first = True
        for part in value:
            lead = prefix if first else pad
            first = False
            dash = "-" + " " * draw(st.sampled_from([1, 1, 3]))
            if isinstance(part, dict) and part:
                render(part, indent + len(dash), draw, lines, lead + dash)
            elif isinstance(part, list) and part:
                lines.append(lead + "-")
                render(part, indent + 2, draw, lines, " " * (indent + 2))
            elif isinstance(part, dict | list):
                lines.append(f"{lead}{dash}{'{}' if isinstance(part, dict) else '[]'}")
            else:
                lines.append(lead + dash + render_scalar(part, draw))
    else:
        lines.append(prefix + ("{}" if value == {} else "[]" if value == [] else render_scalar(value, draw)))


@st.composite
def documents(draw: Any) -> str:
    tree = draw(st.dictionaries(keys, trees, min_size=1, max_size=4))
    lines: list[str] = []
    base = draw(st.sampled_from([0, 0, 2]))
    render(tree, base, draw, lines, " " * base)
    end = draw(st.sampled_from(["\n", "", "\n\n"]))
    text = "\n".join(lines) + end
    return text.replace("\n", "\r\n") if draw(st.integers(0, 9)) == 0 else text


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_documents_in_every_style_agree(text: str) -> None:
    """Any document built from the shapes it reads, with tricky words and keys, in any layout:
    the fast reader's data and positions are libyaml's, or it declines."""
    assert_agrees(text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(list(" :-#'\"[]{},&*!|>%@\n\r\t~x\\?")),
                             st.sampled_from(["insert", "delete", "replace"])), min_size=1, max_size=3))  # fmt: skip
def test_damaged_documents_agree_or_are_declined(text: str, edits: list[tuple[int, str, str]]) -> None:
    """The same documents with a few characters inserted, deleted or replaced: never a different answer."""
    for position, char, how in edits:
        at = position % (len(text) + 1)
        if how == "insert":
            text = text[:at] + char + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + char + text[at + 1 :]
    assert_agrees(text)


def test_the_documents_are_mostly_read() -> None:
    """The generated documents are mostly in the style it reads, so the tests above are not vacuous."""
    read = 0

    @settings(max_examples=300, deadline=None, database=None)
    @given(documents())
    def count(text: str) -> None:
        nonlocal read
        read += assert_agrees(text)

    count()
    assert read > 60


@pytest.mark.parametrize("text", ["id:\r\n  it's: []\r\na: a  b \n", "d:\r\n title:\r\n  a: a:\n", "a: b\r\nc: d\r"])
def test_mixed_line_ends_are_declined(text: str) -> None:
    """A file mixing CRLF with lone LF or CR is libyaml's to read (found by the damage test)."""
    assert scan(text, "plan.yaml") is None


LINES = ["a: b", "a:", "- a", "-", "- a: b", "b: [x, y]", "c: 'q'", 'd: "q"', "# c", "", "e: f # g", "- - x", "f: {}",
         "g: []", "-   h: i", "j: k: l", "? m", ": n", "o", "p: |", "  q", "r: &s t", "u: *s", "---", "v:  w  "]  # fmt: skip


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 6), st.sampled_from(LINES)), min_size=1, max_size=12))
def test_any_soup_of_lines_agrees_or_is_declined(lines: list[tuple[int, str]]) -> None:
    """Lines of every kind at any indent, in any order: never an answer libyaml would not give."""
    assert_agrees("\n".join(" " * indent + line for indent, line in lines) + "\n")


def test_lookalike_letters_are_kept_the_same_way_by_both_readers() -> None:
    """SP111's look-alike letters (in lead keys, codes, dates) have the same places whichever
    reader read the file, also when the fast reader makes each task's model as it goes."""
    from sendplan.plan.model import Task

    text = MINIMAL_PLAN.replace("  AG:\n", "  АG:\n").replace("deadline: Mar 2022", "deadline: Маr 2022")
    fast = load.read_data(text, "plan.yaml", each_task=Task.model_validate)
    slow = load.read_data(text, "plan.yaml", fast=False)
    assert fast[3] and not slow[3]
    assert fast[1].lookalikes == slow[1].lookalikes
    assert [(path, text) for path, text, *_rest in fast[1].lookalikes] == [
        (("leads", "АG"), "АG"),
        (("tasks", 0, "deliverables", 0, "items", 0, "deadline"), "Маr 2022"),
    ]
