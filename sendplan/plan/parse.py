"""YAML text → plain data with marks, and every YAML failure as a located, plain-English Problem.

It composes YAML nodes with their marks (libyaml when present), refuses duplicate keys, aliases,
anchors, tags and deep nesting, and builds plain data in which every scalar is a string (so YAML
1.1 never turns `NO` into False or `4.10` into 4.1). A file left half-way through a git merge is
refused before YAML sees it. Typing the data is load.py's job; nothing here prints.
"""

from __future__ import annotations

import re
import typing
from sys import intern
from typing import Any

from sendplan.errors import Location, PlanError, Problem, quoted
from sendplan.plan.locate import EXACT, MAPPING, QUOTED, SCALAR, SEQUENCE, mark_location, node_location

if typing.TYPE_CHECKING:
    import yaml

    from sendplan.plan.locate import Mark, PositionsBuilder

# yaml is imported inside the functions that parse: a plan read back from the cache needs none
# of it. None means libyaml's CSafeLoader where PyYAML has it (far faster), else the pure-Python
# SafeLoader, which gives the same nodes and marks; tests set this to compare the two.
YamlLoader: Any = None


def yaml_loader() -> Any:
    """The YAML loader class in use."""
    if YamlLoader is not None:
        return YamlLoader
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# A plan nests about ten levels deep; anything past this is not a plan.
MAX_DEPTH = 64
NULL = re.compile(r"~|null|Null|NULL|")
NULL_TAG = "tag:yaml.org,2002:null"


# The line git writes where each unresolved merge conflict starts ("<<<<<<< HEAD").
_CONFLICT_START = re.compile(r"^<{7}(?: |\r?$)", re.MULTILINE)


def refuse_merge_conflicts(text: str, name: str) -> None:
    """Refuse a file left half-way through a git merge, with every conflict located.

    YAML would read the markers as text or stumble on them with a message about colons; the
    person who ran `git merge` needs to hear that the merge is not finished.
    """
    starts = list(_CONFLICT_START.finditer(text))
    if not starts:
        return
    problems = [
        Problem(
            'a git merge conflict is not resolved here: the file still holds the lines git added around it ("<<<<<<<", '
            '"=======", ">>>>>>>"). Keep the version you want, delete the other version and the marker lines, '
            "then run sendplan validate again.",
            Location(name, text.count("\n", 0, match.start()) + 1, 1),
        )
        for match in starts
    ]
    raise PlanError(problems)


# ---------------------------------------------------------------------------------------
# YAML → plain data, every scalar a string


def compose(text: str, name: str) -> yaml.Node | None:
    """The YAML node tree with marks, or PlanError with one located, plain-English problem."""
    import yaml

    try:
        return yaml.compose(text, Loader=yaml_loader())
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" in str(error.problem):  # libyaml stops at 1,000 levels
            raise PlanError([_depth_problem(text, name)]) from None
        raise PlanError([_yaml_problem(error, text, name)]) from None
    except yaml.reader.ReaderError:
        raise PlanError(_reader_problems(text, name)) from None
    except yaml.YAMLError as error:  # pragma: no cover - every YAMLError PyYAML raises is handled above
        raise PlanError.single(f"this is not valid YAML: {error}", Location(name)) from None
    except RecursionError:  # the pure-Python composer recurses once per level
        raise PlanError([_depth_problem(text, name)]) from None


def _line_text(text: str, mark: yaml.Mark) -> str:
    lines = text.splitlines()
    return lines[mark.line] if 0 <= mark.line < len(lines) else ""


def _char_at(text: str, mark: yaml.Mark | None) -> str:
    if mark is None:
        return ""
    line = _line_text(text, mark)
    return line[mark.column] if 0 <= mark.column < len(line) else ""

_QUOTE_IT = "If it is part of the text, put the whole text in double quotes."


def _yaml_problem(error: yaml.MarkedYAMLError, text: str, name: str) -> Problem:
    """A YAML syntax error in words, the same whether libyaml or pure-Python PyYAML found it.

    The two parsers word their errors differently ("did not find expected key" against
    "expected <block end>"), so the message is chosen from the source text at the mark as
    much as from the parser's wording.
    """
    import yaml

    mark = error.problem_mark or error.context_mark
    problem = (error.problem or "").strip()
    context = (error.context or "").strip()
    line = _line_text(text, mark) if mark else ""
    char = _char_at(text, mark)
    starts_line = mark is not None and not line[: mark.column].strip()

    if char == "\t" or "tab character" in problem:
        if starts_line:
            message = "a tab character is used for indentation here. YAML indents with spaces only; replace the tab with spaces."
        else:
            message = "a tab character is used here where YAML needs a space. Replace the tab with a space."
    elif "quoted scalar" in context and "end of stream" in problem:
        quote = _char_at(text, error.context_mark) or '"'
        mark = error.context_mark
        message = f"this quoted text is never closed: add the closing {quote} where the text ends."
    elif "quoted scalar" in context and "document separator" in problem:
        quote = _char_at(text, error.context_mark) or '"'
        mark = error.context_mark
        message = f'this quoted text runs into a "---" line: add the closing {quote} where the text ends.'
    elif ("escape" in problem or "hexdecimal" in problem) and mark is not None:
        backslash = line.rfind("\\", 0, mark.column + 1)
        mark = yaml.Mark(mark.name, mark.index, mark.line, backslash if backslash >= 0 else mark.column, None, 0)
        escape = line[mark.column : mark.column + 2]
        message = (
            f'a backslash in double-quoted text starts an escape, and "{escape}" is not a whole one. '
            'Write "\\\\" for each backslash, or use single quotes around the text.'
        )
    elif "mapping values are not allowed" in problem:
        if mark is not None and ": " not in line[: mark.column] and not line[: mark.column].rstrip().endswith(":"):
            message = (
                "YAML reads this line as more of the text on the line above. Line this key up with the "
                'keys around it, and check that the line above has its colon ("key: value").'
            )
        else:
            message = f"a colon followed by a space starts a new key here. {_QUOTE_IT}"
    elif "mapping keys are not allowed" in problem:
        message = f'a "?" followed by a space starts a complex key here. {_QUOTE_IT}'
    elif "found character" in problem and "cannot start any token" in problem:
        message = f'text cannot start with "{char}" in YAML. Put the whole text in double quotes.'
    elif context.startswith("while parsing a flow"):
        opening = "[" if "sequence" in context else "{"
        closing = "]" if opening == "[" else "}"
        opened = error.context_mark.line + 1 if error.context_mark else None
        at = f" at line {opened}" if opened else ""
        message = (
            f'the "{opening}"{at} is not closed where YAML expects: add the "{closing}", '
            f'or put text that holds a comma, colon or bracket in double quotes.'
        )
    elif context.startswith(("while parsing a block mapping", "while parsing a block collection")):
        if char == "-" and "mapping" in context:
            message = (
                'a list entry ("- ") appears among "key: value" lines here. Indent it under the key '
                "it belongs to."
            )
        elif starts_line:
            what = "keys" if "mapping" in context else "lines"
            message = f"this line is not lined up with the {what} above it. Check its indentation (spaces only)."
        else:
            message = (
                "YAML does not expect anything more on this line here. If the value has quotes, "
                "the whole value must be inside them."
            )
    elif context.startswith("while parsing a block node") or "node content" in problem:
        message = f'a value cannot start with "{char}" here. Put the whole text in double quotes.'
    elif "expected a single document" in context:
        message = (
            'a second YAML document starts here (after a "---" line). A plan file holds one document: '
            'remove the "---" line or move the second part to its own file.'
        )
    elif "alias" in problem:
        alias = re.match(r"\*[^\s,\[\]{}]*", line[mark.column :] if mark else "")
        shown = f'"{alias[0]}" ' if alias else ""
        message = (
            f'YAML reads {shown}as an alias (a reference to an "&" anchor), and there is none. '
            f"{_QUOTE_IT} sendplan does not use anchors and aliases."
        )
    elif "anchor" in context:
        message = (
            'this "&" anchor name is used twice. sendplan does not use anchors and aliases: '
            f"write the text out in full. {_QUOTE_IT}"
        )
    elif "simple key" in context:
        mark = error.context_mark or mark
        message = 'this line has no colon after its key: write "key: value", with a space after the colon.'
    elif "block scalar" in context:
        message = 'after "|" or ">" only a comment may follow on the line. Start the text on the next line, indented.'
    elif "incompatible YAML document" in problem or "directive" in context:
        message = 'this "%" line is a YAML directive sendplan cannot use. Delete the line.'
    else:
        parts = [part for part in (context, problem) if part]
        message = "this is not valid YAML: " + "; ".join(parts) + "."
    return Problem(message, mark_location(name, mark))


# The characters YAML refuses anywhere in a file (PyYAML's Reader.NON_PRINTABLE; libyaml's too).
_REFUSED = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The line breaks YAML counts: its marks, and so the lines of every other message, count these.
_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
# Past this many, the rest are counted in one more line rather than each given its own.
MOST_CHARACTERS = 20


def _reader_problems(text: str, name: str) -> list[Problem]:
    """Every character YAML refuses (control characters, U+FFFE), each where it is: YAML stops
    at the first, but each must be deleted, and text pasted from other programs often brings
    several (Word's line break is U+000B)."""
    found = list(_REFUSED.finditer(text))
    problems = []
    line, line_start, counted = 1, 0, 0
    for number, match in enumerate(found):
        for brk in _BREAK.finditer(text, counted, match.start()):
            line += 1
            line_start = brk.end()
        counted = match.start()
        location = Location(name, line, match.start() - line_start + 1)
        if number == MOST_CHARACTERS:
            problems.append(
                Problem(
                    f"the file holds {len(found) - number} more characters that YAML does not allow, from here on. "
                    "Delete them too (such characters come in with text pasted from other programs).",
                    location,
                )
            )
            break
        character = match[0]
        problems.append(
            Problem(
                f"the file holds the control character U+{ord(character):04X}, which YAML does not allow. "
                "Delete it (such characters come in with text pasted from other programs).",
                location,
            )
        )
    if not problems:  # pragma: no cover - YAML refuses only the characters _REFUSED finds
        problems.append(Problem("the file holds a character YAML does not allow. Delete it.", Location(name)))
    return problems


def _depth_problem(text: str, name: str) -> Problem:
    """Where the nesting first goes past MAX_DEPTH, found from the event stream (no recursion).

    Depth counts like to_data: the top-level node is depth 0 and each list or mapping adds one.
    """
    import yaml

    message = f"the file nests deeper than {MAX_DEPTH} levels here; a plan never needs that."

    def first_too_deep(source: str, loader: Any) -> Mark | None:
        depth = 0
        for event in yaml.parse(source, Loader=loader):
            if isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.NodeEvent):
                if depth > MAX_DEPTH:
                    return event.start_mark
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
        return None

    try:
        mark = first_too_deep(text, yaml_loader())
    except yaml.YAMLError as error:
        # libyaml looks ahead through "[[[[…" and stops at 1,000 levels before it hands over the
        # events; the pure-Python parser has no such limit and the deep point lies before the stop.
        stop = getattr(error, "problem_mark", None)
        try:
            mark = first_too_deep(text[: stop.index + 1] if stop else text, yaml.SafeLoader)
        except yaml.YAMLError:
            mark = stop
    return Problem(message, mark_location(name, mark))


def _alias_problem(text: str, name: str) -> Problem:
    """The first alias (*name) in the file, found from the event stream without expanding anything."""
    import yaml

    aliases = [event for event in yaml.parse(text, Loader=yaml_loader()) if isinstance(event, yaml.AliasEvent)]
    first = aliases[0] if aliases else None
    more = f" (this file has {len(aliases)} of them)" if len(aliases) > 1 else ""
    shown = f'"*{first.anchor}" ' if first is not None else ""
    return Problem(
        f"the alias {shown}repeats a value anchored elsewhere{more}. sendplan does not use anchors "
        "(&name) and aliases (*name): write the text out in full.",
        mark_location(name, first.start_mark if first is not None else None),
    )


_YAML_TAG = "tag:yaml.org,2002:"
# The tags YAML resolves plain text to, and the ones "!!str" and friends spell out: the text is kept.
_PLAIN_TAGS = frozenset(
    _YAML_TAG + kind for kind in ("str", "int", "float", "bool", "null", "timestamp", "merge", "value", "seq", "map")
)
# An anchor is "&name" at the start of a value; this finds every place one could be, and more.
_MAYBE_ANCHOR = re.compile(r"(?<![^\s\[{,])&[^\s\[\]{},]")


def _tag_problem(name: str, node: yaml.Node) -> Problem:
    tag = node.tag
    shown = "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag
    return Problem(
        f'YAML reads "{shown}" as a tag and would drop it from the text. sendplan does not use tags. '
        f"{_QUOTE_IT}",
        node_location(name, node),
    )


def anchor_problems(text: str, name: str) -> list[Problem]:
    """Every "&name" anchor: YAML drops it from the text, so "&Co partners" would lose "&Co".

    Aliases are refused in to_data; an anchor without an alias is harmless to YAML but silently
    cuts words from the plan. The event scan runs only when the text could hold an anchor.
    """
    import yaml

    if "&" not in text or not _MAYBE_ANCHOR.search(text):
        return []
    problems = []
    for event in yaml.parse(text, Loader=yaml_loader()):
        anchor = getattr(event, "anchor", None)
        if anchor is not None and not isinstance(event, yaml.AliasEvent):
            problems.append(
                Problem(
                    f'YAML reads "&{anchor}" as an anchor and would drop it from the text. '
                    f"sendplan does not use anchors. {_QUOTE_IT}",
                    mark_location(name, event.start_mark),
                )
            )
    return problems


def to_data(
    root: yaml.Node, name: str, *, text: str | None = None, positions: PositionsBuilder | None = None
) -> tuple[Any, list[Problem]]:
    """Plain dicts, lists, strings and None from the node tree, and the problems found on the way.

    With *positions*, every node's place goes into that index in the same walk, so the node
    tree need not outlive this call. Raises PlanError at once for an alias (the data would
    have holes; with *text* the message points at the alias itself) and for nesting deeper
    than MAX_DEPTH.
    """
    import yaml

    problems: list[Problem] = []
    seen: set[int] = set()
    index = positions

    def too_deep(node: yaml.Node) -> PlanError:
        return PlanError.single(
            f"the file nests deeper than {MAX_DEPTH} levels here; a plan never needs that.",
            node_location(name, node),
        )

    def place(node: yaml.Node, kind: int) -> int:
        """The node's number in the index (-1 without one); a list or mapping is left open."""
        if index is None:
            return -1
        start, end = node.start_mark, node.end_mark
        if kind != SCALAR:
            return index.start(start.line, start.column, kind)
        # A block scalar ends at the start of the line after it.
        last = end.line - 1 if end.column == 0 and end.line > start.line else end.line
        flags = 0
        style = getattr(node, "style", None)
        if style in (None, "", '"', "'") and start.line == end.line:
            quotes = 2 if style in ('"', "'") else 0
            if end.column - start.column == len(node.value) + quotes:
                flags = EXACT | (QUOTED if quotes else 0)
        return index.scalar(start.line, start.column, last, flags)

    def close(number: int, node: yaml.Node, entries: list[tuple[int, str | None, int, int]]) -> None:
        if index is not None:
            # A flow collection ends at its closing bracket; a block one at its last child.
            index.end(number, entries, node.end_mark.line if getattr(node, "flow_style", False) else None)

    def build(node: yaml.Node, depth: int) -> tuple[Any, int]:
        if depth > MAX_DEPTH:
            raise too_deep(node)
        # compose() hands back the same node object wherever an alias repeats it, so an alias
        # bomb is a small graph: stop at the first repeat instead of expanding it.
        if id(node) in seen:
            if text is not None:
                raise PlanError([*problems, _alias_problem(text, name)])
            raise PlanError(
                [
                    *problems,
                    Problem(
                        "this value is repeated elsewhere with an alias (*name). sendplan does not "
                        "use anchors (&name) and aliases (*name): write the text out in full.",
                        node_location(name, node),
                    ),
                ]
            )
        seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            problems.append(_tag_problem(name, node))
        if isinstance(node, yaml.ScalarNode):
            number = place(node, SCALAR)
            # libyaml gives plain scalars style "" where PyYAML gives None.
            if not node.style and node.tag == NULL_TAG and NULL.fullmatch(node.value):
                return None, number
            return node.value, number
        if isinstance(node, yaml.SequenceNode):
            number = place(node, SEQUENCE)
            items = []
            entries: list[tuple[int, str | None, int, int]] = []
            for child in node.value:
                value, child_number = build(child, depth + 1)
                items.append(value)
                entries.append((child_number, None, 0, 0))
            close(number, node, entries)
            return items, number
        if depth + 1 > MAX_DEPTH and node.value:  # keys count as a level too, as in _depth_problem
            raise too_deep(node.value[0][0])
        number = place(node, MAPPING)
        mapping: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        pairs: list[tuple[int, str | None, int, int]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem("a key must be plain text, not a list or mapping.", node_location(name, key_node)))
                continue
            key = key_node.value
            if key in first_seen:
                first = first_seen[key].start_mark.line + 1
                problems.append(
                    Problem(
                        f'duplicate key {quoted(key)}: it is already given at line {first}. '
                        "A key may appear once in each mapping; keep one and delete the other.",
                        node_location(name, key_node),
                    )
                )
                continue
            first_seen[key] = key_node
            key = intern(key)  # one string for every "id" key of the file
            mapping[key], child_number = build(value_node, depth + 1)
            mark = key_node.start_mark
            pairs.append((child_number, key, mark.line, mark.column))
        close(number, node, pairs)
        return mapping, number

    return build(root, 0)[0], problems
