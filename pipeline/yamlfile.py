"""YAML loading with line numbers for every key, so messages can say where."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import PipelineError, Problem, Location



class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's when PyYAML has it
    """The safe loader, except that dates stay text: the caller checks them and names the line
    (PyYAML would raise a bare ValueError for 2026-13-45)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str, path: Path, *, first_line: int = 1) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML safely; return the data and a map from key path to line number."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark else None
        what = getattr(exc, "problem", None) or str(exc)
        raise PipelineError(Problem(
            Location(path, line), f"this is not valid YAML ({what})",
            "check the indentation and quote text that contains ':' or starts with a special character",
        )) from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    _index(node, (), lines, first_line)
    return data, lines


def _index(node: Any, prefix: tuple, lines: dict[tuple, int], first_line: int) -> None:
    if node is None:
        return
    lines.setdefault(prefix, first_line + node.start_mark.line)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = prefix + (key.value,)
            lines[path] = first_line + key.start_mark.line
            _index(value, path, lines, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, prefix + (i,), lines, first_line)


def line_of(lines: dict[tuple, int], *path: Any) -> int | None:
    """The line of the deepest known part of a key path."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
