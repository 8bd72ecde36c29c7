"""Every problem of a plan at once: a mistake that one stage of reading finds (a wrong value)
does not hide one that another stage finds (an id used twice, a dependency on an item the plan
does not have, a circle of dependencies, a reason left out), and warnings wait for a valid plan.

The two-mistake files of the corpus (tests/cases/bad/*-and-*.yaml) pin the exact messages; here
the rule is checked on generated plans, and its limits one by one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from helpers import MINIMAL_PLAN, generate_module
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendplan.errors import PlanError
from sendplan.plan import ids, load, parse

PLAN = generate_module().generate(40)
LINES = PLAN.splitlines(keepends=True)
ID_LINE = re.compile(r'^( +)- id: "([^"]+)"$')


def _items() -> list[dict[str, int]]:
    """For each item of PLAN, the line numbers (0-based) of its keys."""
    found: list[dict[str, int]] = []
    for number, line in enumerate(LINES):
        if ID_LINE.match(line.rstrip("\n")):
            found.append({"id": number})
        elif found and (key := re.match(r"^ {12}(\w+):", line)):
            found[-1].setdefault(key[1], number)
    return found


ITEMS = _items()
IDS = [ID_LINE.match(LINES[item["id"]].rstrip("\n"))[2] for item in ITEMS]  # type: ignore[index]


def problems(lines: dict[int, str]) -> Counter[str]:
    """Every problem of PLAN with *lines* put in place of its own, as "FILE:LINE:COL: message"."""
    text = "".join(lines.get(number, line) for number, line in enumerate(LINES))
    try:
        load.parse_plan(text, "plan.yaml")
    except PlanError as error:
        return Counter(f"{problem.location}: {problem.message}" for problem in error.problems)
    return Counter()


def test_the_generated_plan_is_valid_and_has_what_the_mistakes_need() -> None:
    """PLAN loads, and enough of its items have a status, a deadline, a lead and a RAG reason to damage."""
    assert problems({}) == Counter()
    for key, least in (("status", 30), ("deadline", 20), ("lead", 30), ("rag_reason", 1)):
        assert sum(1 for item in ITEMS if key in item) >= least, key


@st.composite
def mistakes(draw: st.DrawFn) -> tuple[dict[int, str], dict[int, str]]:
    """(wrong values, id mistakes): lines to put in PLAN, the two on different items."""
    count = len(ITEMS)
    id_items = draw(st.sets(st.integers(0, count - 1), min_size=1, max_size=4))
    value_items = draw(st.sets(st.integers(0, count - 1).filter(lambda index: index not in id_items), min_size=1, max_size=4))
    values: dict[int, str] = {}
    for index in sorted(value_items):
        item = ITEMS[index]
        choices = [key for key in ("status", "deadline", "rag_reason") if key in item]
        for key in draw(st.sets(st.sampled_from(choices), min_size=1)):
            wrong = {"status": "sleeping", "deadline": "31/13/2024", "rag_reason": '""'}[key]
            values[item[key]] = f"            {key}: {wrong}\n"
    wrong_ids: dict[int, str] = {}
    for index in sorted(id_items):
        item = ITEMS[index]
        kind = draw(st.sampled_from(["repeat", "depends"] if "lead" in item else ["repeat"]))
        if kind == "repeat":  # this item takes another item's id
            other = IDS[draw(st.integers(0, count - 1))]
            wrong_ids[item["id"]] = LINES[item["id"]].replace(f'"{IDS[index]}"', f'"{other}"')
        else:  # its lead line becomes a dependency, on an item of the plan or on none
            needed = draw(st.sampled_from([*IDS, "9.99", "1.1b"]))
            wrong_ids[item["lead"]] = f'            depends_on: ["{needed}"]\n'
    return values, wrong_ids


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mistakes())
def test_wrong_values_hide_no_id_problem(damage: tuple[dict[int, str], dict[int, str]]) -> None:
    """The problems of a plan with wrong values and id mistakes are those of each kind of mistake alone."""
    values, wrong_ids = damage
    alone = problems(values)
    assert alone  # every wrong value is a problem
    assert problems({**values, **wrong_ids}) == alone + problems(wrong_ids)


def test_an_unreadable_id_holds_back_only_the_dependency_check() -> None:
    """With one id unreadable, a dependency on an id not found is not reported (it may be that item), a repeated id is."""
    text = MINIMAL_PLAN.replace('"1.1"', '"1 1"') + (
        '          - id: "1.2"\n'
        '            depends_on: ["1.1"]\n'
        '          - id: "1.2"\n'
    )
    with pytest.raises(PlanError) as caught:
        load.parse_plan(text, "plan.yaml")
    assert [f"{problem.location}: {problem.message}" for problem in caught.value.problems] == [
        'plan.yaml:13:17: "id": "1 1" is not an item id: use letters, digits and dots such as "4.7".',
        'plan.yaml:22:17: item id "1.2" is used twice (first at line 20). Each item needs its own id; give this one a new id.',
    ]


def test_items_that_are_not_a_list_hold_back_the_dependency_check() -> None:
    """A deliverable whose "items" is not a list may hold the item a dependency names: that is not reported."""
    text = MINIMAL_PLAN.replace(
        "            status: not_started\n",
        '            status: not_started\n            depends_on: ["2.1"]\n'
        '      - title: Another deliverable\n        items: "2.1 and 2.2"\n',
    )
    with pytest.raises(PlanError) as caught:
        load.parse_plan(text, "plan.yaml")
    assert [problem.message for problem in caught.value.problems] == [
        '"items" should be a list (lines starting with "- "), not "2.1 and 2.2".'
    ]


def test_raw_ids_reads_ids_as_the_model_does() -> None:
    """Ids are stripped as the model strips them, one dependency may be written alone, and what is unreadable is left out."""
    data = {
        "tasks": [
            {
                "deliverables": [
                    {
                        "items": [
                            {"id": " 4.10 ", "depends_on": "4.2"},
                            {"id": "4.2", "depends_on": ["4.10", None, "no good", {"id": "x"}]},
                            {"action": "no id"},
                        ]
                    }
                ]
            }
        ]
    }
    prefix = ("tasks", 0, "deliverables", 0, "items")
    assert ids.raw_ids(data) == ([((*prefix, 0), "4.10", ["4.2"]), ((*prefix, 1), "4.2", ["4.10"])], False)
    assert ids.raw_ids({"tasks": None}) == ([], True)
    assert ids.raw_ids({"tasks": {"1": "a mapping"}}) == ([], False)


def test_a_valid_plan_never_reads_its_ids_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ids of the plain data are read only when a value is wrong: a valid plan does not pay for it."""

    def refuse(data: object) -> object:
        raise AssertionError("raw_ids was called for a valid plan")

    monkeypatch.setattr(load, "raw_ids", refuse)
    assert load.parse_plan(PLAN, "plan.yaml").plan.tasks


def test_warnings_wait_until_the_plan_has_no_errors(
    write_plan: Callable[..., Path], run: Callable[..., Result]
) -> None:
    """An unknown lead (a warning) is not reported beside a wrong date (an error); it is once the date is right."""
    text = MINIMAL_PLAN.replace("lead: AG", "lead: XY")
    broken = write_plan(text.replace("deadline: Mar 2022", "deadline: 31/13/2024"), "broken.yaml")
    result = run("validate", str(broken))
    assert result.exit_code == 1
    assert [line.split(": ", 1)[0] for line in result.stderr.splitlines()] == [f"{broken}:17:23"]
    assert "SP105" not in result.stderr
    fixed = write_plan(text, "fixed.yaml")
    result = run("validate", str(fixed))
    assert result.exit_code == 0
    assert f'{fixed}:18:19: warning: item 1.1 is led by "XY"' in result.stderr


@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "pure-python"])
def test_every_character_yaml_refuses_is_located(loader: type, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each character YAML refuses is a line of its own, on YAML's lines (NEL is a line break); past 20, one line counts the rest."""
    monkeypatch.setattr(parse, "YamlLoader", loader)
    with pytest.raises(PlanError) as caught:
        load.parse_plan("plan:\n  title: a\x0bb\x0bc\n  x: \x85\x07\n" + "y: " + "\x1b" * 30 + "\n", "plan.yaml")
    found = [(str(problem.location), problem.message) for problem in caught.value.problems]
    assert [where for where, _ in found] == [
        "plan.yaml:2:11",
        "plan.yaml:2:13",
        "plan.yaml:4:1",
        *(f"plan.yaml:5:{column}" for column in range(4, 21)),
        "plan.yaml:5:21",
    ]
    assert found[0][1].startswith("the file holds the control character U+000B, which YAML does not allow. Delete it")
    assert found[2][1].startswith("the file holds the control character U+0007,")
    assert found[19][1].startswith("the file holds the control character U+001B,")
    assert found[20][1] == (
        "the file holds 13 more characters that YAML does not allow, from here on. "
        "Delete them too (such characters come in with text pasted from other programs)."
    )
