"""Hostile input of every shape: the loader returns a plan or raises PlanError, nothing else.

Each example must finish within hypothesis' per-example deadline (2 s); no timing is asserted.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml
from helpers import MINIMAL_PLAN, REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendplan.errors import PlanError
from sendplan.outputs.problems import format_problem
from sendplan.plan import load, source

SEED_TEXT = (REPO / "plan.yaml").read_text(encoding="utf-8")
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FUZZ = settings(max_examples=40, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

# Keys the plan model knows, so that generated documents reach pydantic's checks, not just YAML's.
KEYS = [
    "plan", "title", "date", "leads", "name", "tasks", "number", "deliverables", "items", "id", "action",
    "success_criteria", "deadline", "lead", "status", "completed", "rag", "rag_reason", "revised_deadline",
    "revision_reason", "updates", "by", "text", "evidence", "depends_on", "glossary", "checks", "ignore",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(["Mar 2022", "31 Feb 2022", "NO", "yes", "4.10", "2022-03-31", "~", "AG", "done", "1"]),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=10))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=30,
)


def outcome(text: str, name: str = "fuzz.yaml") -> load.LoadedPlan | PlanError:
    """Parse *text*; any exception but PlanError escapes and fails the test."""
    try:
        return load.parse_plan(text, name)
    except PlanError as error:
        return error


def assert_reported_well(result: load.LoadedPlan | PlanError, text: str) -> None:
    """A PlanError's problems each format to one clean line, located inside the file."""
    if isinstance(result, load.LoadedPlan):
        return
    lines = text.splitlines() or [""]
    for problem in result.problems:
        shown = format_problem(problem)
        assert "\n" not in shown and not RAW_CONTROL.search(shown)
        assert problem.message
        location = problem.location
        if location is not None and location.line is not None:
            assert 1 <= location.line <= len(lines) + 1
            assert location.column is not None and location.column >= 1


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data: bytes) -> None:
    """Any bytes at all decode and parse to a plan or a PlanError."""
    try:
        text = source.decode(data, "fuzz.yaml")
    except PlanError as error:
        assert error.problems
        return
    assert_reported_well(outcome(text), text)


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_from_a_file(data: bytes) -> None:
    """Any bytes written to a file load, through read_source, as a plan or a PlanError."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.yaml"
        path.write_bytes(data)
        try:
            name, text = source.read_source(str(path))
        except PlanError as error:
            assert str(error.problems[0].location).startswith(str(path))
            return
        assert name == str(path)
        assert_reported_well(outcome(text), text)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab: -[]{},&*!|>'\"#\t\n%@`?\\")), max_size=120))
def test_yaml_punctuation_soup(text: str) -> None:
    """Text made of YAML's own punctuation gives a plan or a located PlanError."""
    assert_reported_well(outcome(text), text)


@FUZZ
@given(documents)
def test_arbitrary_yaml_documents(document: object) -> None:
    """Any document of mappings, lists, text and nulls, written by PyYAML, gives a plan or a PlanError."""
    text = yaml.safe_dump(document, allow_unicode=True)
    assert_reported_well(outcome(text), text)


@FUZZ
@given(st.dictionaries(keys, documents, max_size=4))
def test_plan_shaped_documents(extra: dict[str, object]) -> None:
    """A valid small plan with arbitrary keys merged into it gives a plan or a PlanError."""
    document = yaml.safe_load(MINIMAL_PLAN)
    item = document["tasks"][0]["deliverables"][0]["items"][0]
    item.update(extra)
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    assert_reported_well(outcome(text), text)


def mutate(text: str, kind: str, position: int, character: str) -> str:
    lines = text.splitlines(keepends=True)
    line = position % len(lines)
    if kind == "delete a line":
        return "".join(lines[:line] + lines[line + 1 :])
    if kind == "duplicate a line":
        return "".join(lines[: line + 1] + lines[line:])
    if kind == "insert a tab":
        at = position % len(text)
        return text[:at] + "\t" + text[at:]
    if kind == "insert a character":
        at = position % len(text)
        return text[:at] + character + text[at:]
    at = position % (len(text) - 1)  # swap two neighbouring characters
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


MUTATIONS = st.sampled_from(["delete a line", "duplicate a line", "insert a tab", "insert a character", "swap"])


@FUZZ
@given(
    st.lists(
        st.tuples(MUTATIONS, st.integers(min_value=0, max_value=10**6), st.sampled_from(list(":-[]{}&*!|>'\"#% "))),
        min_size=1,
        max_size=3,
    )
)
def test_mutations_of_the_bundled_plan(changes: list[tuple[str, int, str]]) -> None:
    """The real plan with lines deleted or doubled, tabs or punctuation put in, characters swapped."""
    text = SEED_TEXT
    for kind, position, character in changes:
        text = mutate(text, kind, position, character)
    assert_reported_well(outcome(text, "plan.yaml"), text)
