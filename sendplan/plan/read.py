"""The one way into a plan file: its text (source.py), then a cached snapshot when the text is
unchanged (cache.py), else the full load (load.py), whose result is then kept in the cache.

The dependencies run one way, read → cache → load; the loader never knows about the cache.
"""

from __future__ import annotations

import typing

from sendplan.plan import cache, load
from sendplan.plan.load import LoadedPlan
from sendplan.plan.source import read_source


def load_plan(path: str, *, stdin: typing.BinaryIO | None = None) -> LoadedPlan:
    """Read, parse and type a plan file ("-" for standard input)."""
    name, text = read_source(path, stdin=stdin)
    return load_text(text, name)


def load_text(text: str, name: str) -> LoadedPlan:
    """Parse and type the text of a plan file already read (an edit reads it under its lock)."""
    # An unchanged plan skips YAML and pydantic (see cache.py).
    with cache.gc_paused():
        cached = cache.load(text, name)
        if cached is not None:
            return cached
        loaded = load.parse_plan(text, name)
        cache.store(text, loaded.plan, positions=loaded.positions, flat=loaded.flat)
    return loaded
