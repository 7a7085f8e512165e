"""The one exception type of the pipeline and the one place that formats its messages."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where something is: a file, and a line in it when there is one."""

    path: Path | str
    line: int | None = None

    def __str__(self) -> str:
        path = display_path(self.path)
        return f"{path}:{self.line}" if self.line else str(path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input, in the user's words."""

    location: Location
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"
    check: str = ""          # the check that found it, for `ignore-<check>` flags

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.severity == "warning":
            text = f"{self.location}: warning: {self.message}"
        return _visible(f"{text} — {self.hint}" if self.hint else text)


_CONTROL = dict.fromkeys([*range(0x00, 0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0)])  # all but \n


def _visible(text: str) -> str:
    """Control characters quoted (\\x1b): text from a file must not drive the user's terminal."""
    if not any(ord(ch) in _CONTROL for ch in text):
        return text
    return "".join(f"\\x{ord(ch):02x}" if ord(ch) in _CONTROL else ch for ch in text)


class PipelineError(Exception):
    """A user's mistake (or a missing tool), carrying every problem found."""

    def __init__(self, problems: list[Problem] | Problem, summary: str = ""):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.summary = summary
        super().__init__(self.report())

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.summary:
            lines.append(self.summary)
        return "\n".join(lines)


def fail(path: Path | str, message: str, hint: str = "", line: int | None = None) -> PipelineError:
    """Build a PipelineError for a single problem (to be raised by the caller)."""
    return PipelineError(Problem(Location(path, line), message, hint))


_ROOT: list[Path] = []


def set_display_root(root: Path) -> None:
    """Paths in messages are shown relative to the project being worked on."""
    _ROOT[:] = [root.resolve()]


def display_path(path: Path | str) -> str:
    p = Path(path)
    if _ROOT and p.is_absolute():
        try:
            return str(p.resolve().relative_to(_ROOT[0]))
        except ValueError:
            pass
    return str(p)
