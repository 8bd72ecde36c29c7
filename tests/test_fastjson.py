"""The fast JSON writer gives byte for byte what json.dumps(ensure_ascii=False, indent=2) gives."""

from __future__ import annotations

import io
import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sendplan.outputs.json import dumps, render_json, to_json
from sendplan.outputs.rows import Report, record
from sendplan.plan.read import load_plan
from sendplan.query import rows

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
KEYS = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=30,
)


@given(VALUES)
def test_same_text_as_json_dumps(value: Any) -> None:
    """Any JSON-able value comes out exactly as the standard library writes it."""
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_special_cases() -> None:
    """Empty containers, nested rows, control and non-ASCII characters, inf and nan match too."""
    value = [
        {"id": "1.1", "success_criteria": [], "last_update": None, "x": {}, "ok": True, "n": 3},
        {"text": "naïve \x1b[31m \u2028 \"quoted\" \\", "nested": {"a": [1, [2, []]]}},
        math.inf,
        -math.inf,
    ]
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)
    assert dumps([]) == "[]"


@given(VALUES)
def test_padded_value_matches_json_dumps_inside_a_list(value: Any) -> None:
    """With pad, the value reads as it would one level down in json.dumps's list."""
    expected = json.dumps([value], ensure_ascii=False, indent=2)
    assert "[\n  " + dumps(value, pad="  ") + "\n]" == expected


def test_streamed_json_output_equals_whole_text(bundled_plan: Path) -> None:
    """render_json, written row by row, prints exactly to_json(rows) plus a newline."""
    plan = load_plan(str(bundled_plan)).plan
    item_rows = rows(plan, date(2022, 6, 1))
    odd = replace(item_rows[0], action="bell \x07 csi \x9b[31m esc \x1b end")
    for chosen in (item_rows, [], [odd]):
        out = io.StringIO()
        render_json(Report("items", chosen, "title"), out)
        assert out.getvalue() == to_json(list(chosen)) + "\n"
        assert json.loads(out.getvalue()) == json.loads(json.dumps(record(list(chosen)), ensure_ascii=False))
    assert "\x9b" not in out.getvalue() and "\\u009b" in out.getvalue()
