"""Positions in a plan file: the YAML path of a value and the node (and FILE:LINE:COL) it sits at.

A path is a tuple such as ("tasks", 3, "deliverables", 0, "items", 2, "deadline"). Pure: works
on a composed node tree, reads no file.
"""

from __future__ import annotations

import typing

from sendplan.errors import Location

if typing.TYPE_CHECKING:
    import yaml

    class Mark(typing.Protocol):
        """A position as PyYAML gives it (pure-Python and libyaml marks alike): 0-based."""

        line: int
        column: int


Path_ = tuple[str | int, ...]


def node_location(name: str, node: yaml.Node) -> Location:
    """Where *node* starts in the file *name*."""
    # libyaml marks are 0-based; people count from 1.
    return Location(name, node.start_mark.line + 1, node.start_mark.column + 1)


def mark_location(name: str, mark: Mark | None) -> Location:
    """Where *mark* is in the file *name* (the file alone when there is no mark)."""
    # libyaml marks are 0-based; people count from 1.
    return Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)


def _walk(root: yaml.Node | None, path: Path_) -> tuple[bool, yaml.Node | None, yaml.Node | None]:
    """(whole path found, the deepest node reached, the key node of the last step taken)."""
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
                return False, node, key_node
            key_node, node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            key_node, node = None, node.value[part]
        else:
            return False, node, key_node
    return True, node, key_node


def node_at(root: yaml.Node | None, path: Path_) -> yaml.Node | None:
    """The node at *path*, or None when the file does not hold it there."""
    found, node, _key = _walk(root, path)
    return node if found else None


def locate(source: str, root: yaml.Node | None, path: Path_, *, key: bool = False) -> Location:
    """Where the value at *path* is (or its key, with *key*), as near as the file says: a path
    the file does not hold is located at the deepest node it does hold."""
    found, node, key_node = _walk(root, path)
    if found and key and key_node is not None:
        node = key_node
    if node is None:
        return Location(source)
    return node_location(source, node)
