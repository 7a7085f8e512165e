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
        if "nesting depth" in what:  # PyYAML 6.0.4 and later stop here before Python's recursion limit
            raise _too_deep(path, line or first_line) from None
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start is not None and mark is not None and start.line != mark.line:
            what += f" {context} started on line {first_line + start.line}"  # where the mistake usually is
        raise PipelineError(Problem(
            Location(path, line), f"this is not valid YAML ({what})",
            "check the indentation and quote text that contains ':' or starts with a special character",
        )) from None
    except RecursionError:
        raise _too_deep(path, first_line) from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    _index(node, (), lines, first_line, path, set())
    return data, lines


def _index(node: Any, prefix: tuple, lines: dict[tuple, int], first_line: int, path: Path,
           seen: set[int]) -> None:
    """Record the line of every key path; refuse a key given twice (YAML would keep the last silently).

    Each node is visited once: an alias (*name) repeats a node, and a few nested
    aliases would otherwise make this walk exponential (the "billion laughs").
    """
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if len(prefix) > 20:
        raise _too_deep(path, first_line + node.start_mark.line)
    lines.setdefault(prefix, first_line + node.start_mark.line)
    if isinstance(node, yaml.MappingNode):
        keys: dict[Any, int] = {}
        for key, value in node.value:
            line = first_line + key.start_mark.line
            if isinstance(key, yaml.ScalarNode) and key.value in keys:
                raise PipelineError(Problem(Location(path, line),
                                            f"'{key.value}' is given twice (also at line {keys[key.value]})",
                                            "keep one of the two lines: YAML would silently use the last"))
            if isinstance(key, yaml.ScalarNode):
                keys[key.value] = line
            key_path = prefix + (key.value,)
            lines[key_path] = line
            _index(value, key_path, lines, first_line, path, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, prefix + (i,), lines, first_line, path, seen)


def _too_deep(path: Path, line: int) -> PipelineError:
    return PipelineError(Problem(Location(path, line), "this YAML is nested too deeply to be read",
                                 "a statement's front matter and project.yaml need two or three levels"))


def line_of(lines: dict[tuple, int], *path: Any) -> int | None:
    """The line of the deepest known part of a key path."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())
