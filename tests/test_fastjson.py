"""The fast JSON writer gives byte for byte what json.dumps(ensure_ascii=False, indent=2) gives."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from sendplan.fastjson import dumps

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
