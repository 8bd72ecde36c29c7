"""The fast JSON writer gives byte for byte what json.dumps(ensure_ascii=False, indent=2) gives."""

from __future__ import annotations

import io
import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendplan.outputs.json import _escape_c1, dumps, encode_records, render_json, to_json
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


# --- orjson: the rows of a listing, byte for byte as before ---------------------------------

RECORD_SCALARS = st.none() | st.booleans() | st.integers() | st.text()
RECORD_VALUES = st.recursive(
    RECORD_SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=25,
)


def old_text(records: list[Any]) -> bytes:
    """What render_json wrote before orjson: the Python writer, a row at a time."""
    if not records:
        return b"[]\n"
    text = "[\n  " + ",\n  ".join(_escape_c1(dumps(value, pad="  ")) for value in records) + "\n]\n"
    return text.encode("utf-8", "surrogatepass")


@given(st.lists(RECORD_VALUES, max_size=5))
def test_encode_records_is_the_old_text(records: list[Any]) -> None:
    """Any records of text, whole numbers (past 64 bits too), booleans and null, with every
    character (lone surrogates, controls, bidi marks): orjson's path gives the old bytes."""
    assert encode_records(records) == old_text(records)


def test_every_character_comes_out_as_before() -> None:
    """All of Unicode in one text, C1 and invisible characters escaped exactly as before."""
    everything = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF)
    records = [{"text": everything, "n": 2**63 - 1, "list": [everything[:500], None, True]}]
    assert encode_records(records) == old_text(records)


@pytest.mark.parametrize(
    "command",
    [["overdue"], ["list"], ["due", "--within", "6m"], ["leads"], ["tasks"], ["status"], ["by-lead", "AG"]],
    ids=" ".join,
)
@pytest.mark.parametrize("plan", ["bundled", "generated"])
def test_listings_print_the_old_bytes(command: list[str], plan: str, tmp_path: Path, bundled_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every JSON listing, on the bundled plan and a generated 1,000-item one, prints exactly
    what the Python writer printed."""
    from click.testing import CliRunner

    from sendplan import cli
    from sendplan.outputs import json as json_output

    path = bundled_plan
    if plan == "generated":
        from helpers import generate_module

        path = tmp_path / "plan.yaml"
        path.write_text(generate_module().generate(1000), encoding="utf-8")
    args = [*command, "--plan", str(path), "--as-of", "2022-06-01", "--json"]
    new = CliRunner().invoke(cli.cli, args, catch_exceptions=False).stdout_bytes
    monkeypatch.setattr(json_output, "encode_records", old_text)
    old = CliRunner().invoke(cli.cli, args, catch_exceptions=False).stdout_bytes
    assert new == old
    assert new.startswith(b"[")
