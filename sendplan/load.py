"""YAML file → Plan, with every failure turned into a located Problem.

One loading path for every command. It reads the bytes with a size cap, decodes UTF-8,
composes YAML nodes with their marks (libyaml when present), refuses duplicate keys, aliases
and deep nesting, builds plain data in which every scalar is a string (so YAML 1.1 never turns
`NO` into False or `4.10` into 4.1), and lets pydantic type it. Nothing here prints.
"""

from __future__ import annotations

import os
import re
import sys
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sendplan.errors import Location, PlanError, Problem, quoted

if typing.TYPE_CHECKING:
    import yaml

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

# Big enough for a 100,000-item plan (about 20 MB); a larger file is more likely a mistake.
MAX_PLAN_BYTES = 64 * 1024 * 1024
MAX_BYTES_ENV = "SENDPLAN_MAX_BYTES"
# A plan nests about ten levels deep; anything past this is not a plan.
MAX_DEPTH = 64
STDIN = "-"
BUNDLED_NAME = "plan.yaml"

Path_ = tuple[str | int, ...]
_NULL = re.compile(r"~|null|Null|NULL|")
_NULL_TAG = "tag:yaml.org,2002:null"


def bundled_plan() -> Path:
    """The West Northamptonshire plan shipped inside the package.

    A file beside this module: pip always installs the package as files, and importlib.resources
    would cost more to import (about 10 ms) than the rest of a small command's own work."""
    return Path(__file__).resolve().parent / "data" / BUNDLED_NAME


def is_bundled(path: str) -> bool:
    """Whether *path* is the example plan shipped inside the package."""
    return path != STDIN and os.path.realpath(path) == os.path.realpath(bundled_plan())


def display_name(path: str) -> str:
    """How a plan file is named to a reader (a report's header): the bundled example by its
    file name and what it is, not the folder deep inside an installation it lives in."""
    return f"{BUNDLED_NAME} (the example bundled with sendplan)" if is_bundled(path) else path


def choose_plan(plan_option: str | None, cwd: Path | None = None) -> str:
    """--plan (or $SENDPLAN_PLAN, which click folds into it), else ./plan.yaml, else the nearest
    plan.yaml in a folder above, up to the top of the git repository, else the bundled plan."""
    if plan_option:
        return plan_option
    here = cwd or Path.cwd()
    local = here / "plan.yaml"
    if local.is_file():
        return "plan.yaml" if cwd is None else str(local)
    found = _plan_in_repository(here)
    return str(found) if found is not None else str(bundled_plan())


def _plan_in_repository(start: Path) -> Path | None:
    # A team keeps plan.yaml at the top of its repository and works in subfolders; without
    # this, a command run in docs/ would quietly answer from the bundled example instead.
    # Outside a git work tree only the current folder counts, so a stray plan.yaml in a
    # home folder is never picked up by surprise.
    folders = [start, *start.parents]
    top = next((index for index, folder in enumerate(folders) if (folder / ".git").exists()), None)
    if top is None:
        return None
    for folder in folders[1 : top + 1]:
        candidate = folder / "plan.yaml"
        if candidate.is_file():
            return candidate
    return None


def max_plan_bytes() -> int:
    raw = os.environ.get(MAX_BYTES_ENV)
    if raw is None or not raw.strip():
        return MAX_PLAN_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise PlanError.single(
            f'{MAX_BYTES_ENV}="{raw}" is not a whole number of bytes. '
            f"Set it to a number such as {MAX_PLAN_BYTES}, or unset it."
        ) from None
    if value <= 0:
        raise PlanError.single(
            f'{MAX_BYTES_ENV}="{raw}" must be a positive number of bytes. '
            f"Set it to a number such as {MAX_PLAN_BYTES}, or unset it."
        )
    return value


@dataclass
class LoadedPlan:
    """A plan and where each part of it sits in the file it came from."""

    plan: Any  # sendplan.model.Plan; typed loosely so importing this module skips pydantic
    source: str
    root: yaml.Node | None = None
    _item_paths: dict[str, Path_] = field(default_factory=dict, repr=False)

    def locate(self, path: Path_, *, key: bool = False) -> Location:
        """Where the value at *path* is (or its key, with *key*), as near as the file says."""
        return locate(self.source, self.root, path, key=key)

    def item_path(self, item_id: str) -> Path_ | None:
        if not self._item_paths:
            for t, task in enumerate(self.plan.tasks):
                for d, deliverable in enumerate(task.deliverables):
                    for i, item in enumerate(deliverable.items):
                        self._item_paths.setdefault(
                            item.id, ("tasks", t, "deliverables", d, "items", i)
                        )
        return self._item_paths.get(item_id)

    def where(self, item_id: str, field_name: str | None = None) -> Location:
        """The position of an item, or of one of its fields (the item itself if absent)."""
        path = self.item_path(item_id)
        if path is None:
            return Location(self.source)
        return self.locate(path + ((field_name,) if field_name else ()))


def locate(source: str, root: yaml.Node | None, path: Path_, *, key: bool = False) -> Location:
    import yaml

    node = root
    key_node: yaml.Node | None = None
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = next(
                ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part),
                None,
            )
            if found is None:
                break
            key_node, node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            key_node, node = None, node.value[part]
        else:
            break
    else:
        if key and key_node is not None:
            node = key_node
    if node is None:
        return Location(source)
    mark = node.start_mark
    # libyaml marks are 0-based; people count from 1.
    return Location(source, mark.line + 1, mark.column + 1)


# ---------------------------------------------------------------------------------------
# Reading bytes and text


def read_source(path: str, *, stdin: typing.BinaryIO | None = None) -> tuple[str, str]:
    """(name for messages, text) of a plan file or standard input, with every failure located."""
    limit = max_plan_bytes()
    if path == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(limit + 1)
        name = "<stdin>"
    else:
        name = path
        data = _read_file(path, limit)
    if len(data) > limit:
        raise PlanError.single(
            f"the file is larger than {limit:,} bytes, the most sendplan reads. "
            f"If it really is a plan, raise the limit with {MAX_BYTES_ENV}.",
            Location(name),
        )
    return name, decode(data, name)


def _read_file(path: str, limit: int) -> bytes:
    location = Location(path)
    target = Path(path)
    try:
        if target.is_dir():
            raise PlanError.single("this is a folder, not a plan file. Name the plan's YAML file.", location)
        size = target.stat().st_size
        if size > limit:
            raise PlanError.single(
                f"the file is {size:,} bytes, larger than the {limit:,} sendplan reads. "
                f"If it really is a plan, raise the limit with {MAX_BYTES_ENV}.",
                location,
            )
        with target.open("rb") as stream:
            return stream.read(limit + 1)
    except FileNotFoundError:
        raise PlanError.single(
            "no such file. Check the name, or run sendplan in the folder that holds plan.yaml.", location
        ) from None
    except PermissionError:
        raise PlanError.single("permission denied: sendplan cannot read this file.", location) from None
    except IsADirectoryError:
        raise PlanError.single("this is a folder, not a plan file. Name the plan's YAML file.", location) from None
    except OSError as error:
        raise PlanError.single(f"cannot read the file: {error.strerror or error}.", location) from None
    except ValueError:  # a NUL character in the name: no file can have it
        raise PlanError.single("this is not a usable file name. Check the name.", location) from None


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as editors count) of a byte offset."""
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


# Files people point sendplan at by mistake, known by their first bytes.
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (Word and Excel files are zip archives)"),
    (b"\xd0\xcf\x11\xe0", "an old-style Word or Excel file"),
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)
_SAVE_AS_UTF8 = "Save it as UTF-8 (in Notepad: Save As, Encoding UTF-8)."


def _utf16_without_bom(data: bytes) -> bool:
    """Mostly-ASCII text in UTF-16 has a zero in every other byte of its opening."""
    sample = data[:400]
    if len(sample) < 4:
        return False
    return any(zeros.count(0) >= 0.9 * len(zeros) for zeros in (sample[1::2], sample[0::2]))


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is fine), or a located error saying how to save it."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise PlanError.single(
                f"this is {what}, not a YAML text file. Point sendplan at the plan's .yaml file.",
                Location(name, 1, 1),
            )
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise PlanError.single(f"the file is saved as UTF-32. {_SAVE_AS_UTF8}", Location(name, 1, 1))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        raise PlanError.single(f"the file is saved as UTF-16. {_SAVE_AS_UTF8}", Location(name, 1, 1))
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _line_column(data, nul)
        raise PlanError.single(
            "the file holds a NUL byte, so it looks binary, not a YAML text file. "
            "Point sendplan at the plan's .yaml file.",
            Location(name, line, column),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_column(data, error.start)
        byte = data[error.start]
        # Word and Excel on Windows save Windows-1252: name the character the user typed.
        guess = bytes([byte]).decode("cp1252", errors="replace")
        typed = f' (in Windows-1252 it is "{guess}")' if guess.isprintable() and guess != "\ufffd" else ""
        raise PlanError.single(
            f"byte 0x{byte:02x} is not UTF-8 text{typed}. Save the file as UTF-8 "
            "(text pasted from Word or Excel is often Windows-1252).",
            Location(name, line, column),
        ) from None
    return text.removeprefix("\ufeff")


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
    except yaml.reader.ReaderError as error:
        raise PlanError([_reader_problem(error, text, name)]) from None
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


def _mark_location(name: str, mark: yaml.Mark | None) -> Location:
    # libyaml marks are 0-based; people count from 1.
    return Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)


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
        mark = yaml.Mark(mark.name, mark.index, mark.line, backslash if backslash >= 0 else mark.column, None, None)
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
    return Problem(message, _mark_location(name, mark))


def _reader_problem(error: yaml.reader.ReaderError, text: str, name: str) -> Problem:
    """A character YAML refuses (control characters, U+FFFE): say which, and where."""
    character = chr(error.character) if isinstance(error.character, int) else str(error.character)
    # libyaml counts bytes and PyYAML characters; the first such character is the one reported.
    offset = text.find(character)
    location = Location(name)
    if offset != -1:
        lines = text[:offset].splitlines(keepends=True) or [""]
        if lines[-1].endswith(("\n", "\r")):  # the character starts a new line
            lines.append("")
        location = Location(name, len(lines), len(lines[-1]) + 1)
    return Problem(
        f"the file holds the control character U+{ord(character):04X}, which YAML does not allow. "
        "Delete it (such characters come in with text pasted from other programs).",
        location,
    )


def _depth_problem(text: str, name: str) -> Problem:
    """Where the nesting first goes past MAX_DEPTH, found from the event stream (no recursion).

    Depth counts like to_data: the top-level node is depth 0 and each list or mapping adds one.
    """
    import yaml

    message = f"the file nests deeper than {MAX_DEPTH} levels here; a plan never needs that."

    def first_too_deep(source: str, loader: Any) -> yaml.Mark | None:
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
    return Problem(message, _mark_location(name, mark))


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
        _mark_location(name, first.start_mark if first is not None else None),
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
        _loc(name, node),
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
                    _mark_location(name, event.start_mark),
                )
            )
    return problems


def _loc(name: str, node: yaml.Node) -> Location:
    return Location(name, node.start_mark.line + 1, node.start_mark.column + 1)


def to_data(root: yaml.Node, name: str, *, text: str | None = None) -> tuple[Any, list[Problem]]:
    """Plain dicts, lists, strings and None from the node tree, and the problems found on the way.

    Raises PlanError at once for an alias (the data would have holes; with *text* the message
    points at the alias itself) and for nesting deeper than MAX_DEPTH.
    """
    import yaml

    problems: list[Problem] = []
    seen: set[int] = set()

    def too_deep(node: yaml.Node) -> PlanError:
        return PlanError.single(
            f"the file nests deeper than {MAX_DEPTH} levels here; a plan never needs that.",
            _loc(name, node),
        )

    def build(node: yaml.Node, depth: int) -> Any:
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
                        _loc(name, node),
                    ),
                ]
            )
        seen.add(id(node))
        if node.tag not in _PLAIN_TAGS:
            problems.append(_tag_problem(name, node))
        if isinstance(node, yaml.ScalarNode):
            # libyaml gives plain scalars style "" where PyYAML gives None.
            if not node.style and node.tag == _NULL_TAG and _NULL.fullmatch(node.value):
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [build(child, depth + 1) for child in node.value]
        if depth + 1 > MAX_DEPTH and node.value:  # keys count as a level too, as in _depth_problem
            raise too_deep(node.value[0][0])
        mapping: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem("a key must be plain text, not a list or mapping.", _loc(name, key_node)))
                continue
            key = key_node.value
            if key in first_seen:
                first = first_seen[key].start_mark.line + 1
                problems.append(
                    Problem(
                        f'duplicate key {quoted(key)}: it is already given at line {first}. '
                        "A key may appear once in each mapping; keep one and delete the other.",
                        _loc(name, key_node),
                    )
                )
                continue
            first_seen[key] = key_node
            mapping[key] = build(value_node, depth + 1)
        return mapping

    return build(root, 0), problems


# ---------------------------------------------------------------------------------------
# Plain data → Plan, pydantic errors → located problems


def _inner_model(annotation: Any) -> Any:
    """The pydantic model inside list[X], dict[K, X], X | None and Annotated[X, …]."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        model = _inner_model(argument)
        if model is not None:
            return model
    return None


def _model_at(root_model: Any, path: Sequence[str | int]) -> Any:
    model = root_model
    expect_key = False
    for part in path:
        if expect_key:  # inside dict[str, Model]: the part is a key such as a lead code
            expect_key = False
            continue
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        if info is None:
            return None
        annotation = info.annotation
        expect_key = typing.get_origin(annotation) is dict
        model = _inner_model(annotation)
    return model


def _item_id_at(data: Any, path: Sequence[str | int]) -> str | None:
    if len(path) < 6 or path[0] != "tasks" or path[2] != "deliverables" or path[4] != "items":
        return None
    try:
        item = data["tasks"][path[1]]["deliverables"][path[3]]["items"][path[5]]
    except (KeyError, IndexError, TypeError):
        return None
    value = item.get("id") if isinstance(item, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _describe(path: Sequence[str | int]) -> str:
    names = [part for part in path if isinstance(part, str)]
    return f'"{names[-1]}"' if names else "the plan"


_TYPE_MESSAGES = {
    "list_type": "should be a list (lines starting with \"- \")",
    "dict_type": "should be a mapping (lines of \"key: value\")",
    "model_type": "should be a mapping (lines of \"key: value\")",
    "model_attributes_type": "should be a mapping (lines of \"key: value\")",
    "string_type": "should be text",
    "int_parsing": "should be a whole number",
    "int_type": "should be a whole number",
    "int_from_float": "should be a whole number",
    "int_parsing_size": "should be a whole number of sensible size",
}


_SINGULAR = {"tasks": "task", "deliverables": "deliverable", "items": "item", "updates": "update"}


def _container(path: Sequence[str | int]) -> str:
    """Where a missing key belongs, in words: ' in "plan"', ' in this task', ' in lead AG'."""
    parent = path[:-1]
    if not parent:
        return " at the top of the file"
    if isinstance(parent[-1], int) and len(parent) >= 2 and parent[-2] in _SINGULAR:
        return f" in this {_SINGULAR[str(parent[-2])]}"
    if len(parent) >= 2 and parent[-2] == "leads":
        return f" in lead {parent[-1]}"
    return f' in "{parent[-1]}"'


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return quoted(value)


def _pydantic_problems(error: Any, data: Any, name: str, root: yaml.Node) -> list[Problem]:
    from sendplan.model import Plan

    details = []
    key_errors: set[tuple[str | int, ...]] = set()
    for detail in error.errors(include_url=False):
        path = tuple(detail["loc"])
        # pydantic ends the path of a bad dictionary key (a lead code, whose validator raises
        # ValueError) with "[key]"; a key the user wrote as "[key]" ends other errors' paths.
        if len(path) >= 3 and path[-1] == "[key]" and detail["type"] == "value_error":
            path = path[:-1]
            key_errors.add(path)
        details.append((path, detail))
    # A misspelt required key ("titel") is reported once, as the unknown key with its guess.
    guessed: set[tuple[str | int, ...]] = set()
    problems = []
    for path, detail in details:
        kind = detail["type"]
        item_id = _item_id_at(data, path)
        where = f" in item {item_id}" if item_id else ""
        value = detail.get("input")
        if kind == "extra_forbidden":
            key = str(path[-1])
            model = _model_at(Plan, path[:-1])
            allowed = list(model.model_fields) if model is not None else []
            import difflib  # only on a mistake

            guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f' — did you mean "{guess[0]}"?' if guess else f". Allowed keys here: {', '.join(allowed)}."
            if guess:
                guessed.add((*path[:-1], guess[0]))
            message = f'unknown key {quoted(key)}{where}{hint}'
            location = locate(name, root, path, key=True)
        elif kind == "missing":
            continue  # after the loop, once every guess is known
        else:
            text = detail["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
            if kind in _TYPE_MESSAGES:
                text = f"{_describe(path)}{where} {_TYPE_MESSAGES[kind]}, not {_shown(value)}."
            elif kind == "value_error" and item_id and "item" not in text:
                text = f"{_describe(path)}{where}: {text}"
            elif kind == "value_error":
                text = f"{_describe(path)}: {text}"
            message = text
            location = locate(name, root, path, key=path in key_errors)
        problems.append(Problem(message, location, item_id))
    for path, detail in details:
        if detail["type"] == "missing" and path not in guessed:
            item_id = _item_id_at(data, path)
            where = f" in item {item_id}" if item_id else _container(path)
            problems.append(Problem(f"{_describe(path)} is missing{where}: add it.", locate(name, root, path[:-1]), item_id))
    return problems


def consistency_problems(loaded: LoadedPlan) -> list[Problem]:
    """Rules that span items: ids are unique, depends_on names real items and has no cycle."""
    problems: list[Problem] = []
    first_place: dict[str, Location] = {}
    depends: dict[str, list[str]] = {}
    for t, task in enumerate(loaded.plan.tasks):
        for d, deliverable in enumerate(task.deliverables):
            for i, item in enumerate(deliverable.items):
                path = ("tasks", t, "deliverables", d, "items", i)
                if item.id in first_place:
                    problems.append(
                        Problem(
                            f'item id "{item.id}" is used twice (first at line {first_place[item.id].line}). '
                            "Each item needs its own id; give this one a new id.",
                            loaded.locate((*path, "id")),
                            item.id,
                        )
                    )
                    continue
                first_place[item.id] = loaded.locate((*path, "id"))
                depends[item.id] = item.depends_on
    for item_id, needs in depends.items():
        for position, needed in enumerate(needs):
            if needed not in depends:
                import difflib  # only on a mistake

                guess = difflib.get_close_matches(needed, list(depends), n=3, cutoff=0.5)
                hint = f" Did you mean {', '.join(guess)}?" if guess else ""
                path = loaded.item_path(item_id) or ()
                problems.append(
                    Problem(
                        f'item {item_id} depends on "{needed}", which is not an item in this plan.{hint}',
                        loaded.locate((*path, "depends_on", position)),
                        item_id,
                    )
                )
    problems.extend(_cycle_problems(loaded, depends))
    return problems


def _cycle_problems(loaded: LoadedPlan, depends: dict[str, list[str]]) -> Iterator[Problem]:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    reported: set[frozenset[str]] = set()
    for start, needs in depends.items():
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(needs))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif child in depends and state.get(child) == 1:
                cycle = [name for name, _ in stack][[name for name, _ in stack].index(child) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    path = loaded.item_path(cycle[0]) or ()
                    chain = " → ".join([*cycle, cycle[0]])
                    yield Problem(
                        f"items depend on each other in a circle ({chain}), so none can finish first.",
                        loaded.locate((*path, "depends_on")),
                        cycle[0],
                    )
            elif child in depends and not state.get(child):
                state[child] = 1
                stack.append((child, iter(depends[child])))


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


def parse_plan(text: str, name: str) -> LoadedPlan:
    """Text of a plan file → LoadedPlan, or PlanError with every problem found."""
    import yaml
    from pydantic import ValidationError

    from sendplan.model import Plan

    refuse_merge_conflicts(text, name)
    root = compose(text, name)
    if root is None:
        raise PlanError.single(
            "the file is empty. A plan needs at least \"plan:\" with a title, and \"tasks:\".",
            Location(name, 1, 1),
        )
    # Nesting and aliases first, so both YAML loaders give the same answer for a deep list.
    data, problems = to_data(root, name, text=text)
    problems.extend(anchor_problems(text, name))
    if not isinstance(root, yaml.MappingNode):
        what = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        if isinstance(root, yaml.ScalarNode) and root.tag == _NULL_TAG:
            raise PlanError.single(
                "the file holds no plan (only an empty value). A plan starts with \"plan:\" and \"tasks:\".",
                _loc(name, root),
            )
        raise PlanError.single(
            f"the file holds {what}, not a plan. A plan is a mapping that starts with \"plan:\" and \"tasks:\".",
            _loc(name, root),
        )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        raise PlanError(problems + _pydantic_problems(error, data, name, root)) from None
    loaded = LoadedPlan(plan, name, root)
    problems.extend(consistency_problems(loaded))
    if problems:
        raise PlanError(problems)
    return loaded


def load_plan(path: str, *, stdin: typing.BinaryIO | None = None) -> LoadedPlan:
    """Read, parse and type a plan file ("-" for standard input)."""
    name, text = read_source(path, stdin=stdin)
    from sendplan import cache  # an unchanged plan skips YAML and pydantic (see cache.py)

    with cache.gc_paused():
        cached = cache.load(text, name)
        if cached is not None:
            return cached
        loaded = parse_plan(text, name)
        cache.store(text, loaded.plan)
    return loaded
