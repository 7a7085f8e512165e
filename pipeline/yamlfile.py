"""YAML loading with line numbers for every key, so messages can say where."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import PipelineError, Problem, Location


def load_yaml(text: str, path: Path, *, first_line: int = 1) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML safely; return the data and a map from key path to line number."""
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark else None
        what = getattr(exc, "problem", None) or str(exc)
        raise PipelineError(Problem(
            Location(path, line), f"this is not valid YAML ({what})",
            "check the indentation and quote text that contains ':' or starts with a special character",
        )) from None
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
