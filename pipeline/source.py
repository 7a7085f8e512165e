"""source/<slug>.md -> Statement: front matter validated, body kept with its line offset."""
from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import PipelineError, Problem, Location
from .yamlfile import line_of, load_yaml

_KEYS = {"title", "subtitle", "date", "signatories"}
_SIGNATORY_KEYS = {"name", "short"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Signatory:
    """An organisation as it signed the statement."""

    name: str
    short: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Statement:
    """A canonical statement: its front matter and its Markdown body."""

    path: Path
    slug: str
    title: str
    subtitle: str | None
    date: datetime.date | None
    signatories: tuple[Signatory, ...]
    body: str
    body_line: int  # line of the file where the body starts
    title_line: int = 1
    subtitle_line: int | None = None


def read_statement(path: Path) -> Statement:
    """Read and validate one source file; PipelineError lists every problem in it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PipelineError(Problem(Location(path), "this file is not UTF-8 text",
                                    "save it as UTF-8")) from None
    return parse_statement(text, path)


def parse_statement(text: str, path: Path) -> Statement:
    """Validate a statement's text (front matter + body)."""
    text = text.replace("\r\n", "\n")
    problems: list[Problem] = []
    slug = path.stem
    if not _SLUG.match(slug):
        problems.append(Problem(Location(path), f"the file name '{slug}' is not a usable slug",
                                "rename it with lowercase letters, digits and hyphens, e.g. 2026-01-26-call.md"))
    if not text.startswith("---\n"):
        raise PipelineError(Problem(Location(path, 1), "the file does not start with YAML front matter",
                                    "begin it with a line '---', the title, date and signatories, then '---'"))
    end = re.search(r"^(---|\.\.\.)[ \t]*$", text[4:], re.M)
    if not end:
        raise PipelineError(Problem(Location(path, 1), "the front matter is not closed",
                                    "add a line '---' after the signatories"))
    front = text[4:4 + end.start()]
    body = text[4 + end.end():].lstrip("\n")
    body_line = text[: len(text) - len(body)].count("\n") + 1
    data, lines = load_yaml(front, path, first_line=2)

    def problem(keys: tuple, message: str, hint: str = "") -> None:
        problems.append(Problem(Location(path, line_of(lines, *keys)), message, hint))

    if not isinstance(data, dict):
        raise PipelineError(Problem(Location(path, 2), "the front matter must be a mapping (key: value)",
                                    "see source/ in the README for an example"))
    for key in data:
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), sorted(_KEYS), n=1)
            problem((key,), f"unknown key '{key}' in the front matter",
                    f"did you mean '{close[0]}'?" if close else "known keys: " + ", ".join(sorted(_KEYS)))

    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problem(("title",), "the statement has no title", "add a line 'title: …' to the front matter")
        title = ""
    subtitle = data.get("subtitle")
    if subtitle is not None and (not isinstance(subtitle, str) or not subtitle.strip()):
        problem(("subtitle",), "the subtitle must be text", "write it on one line after 'subtitle:' or remove it")
        subtitle = None

    date = data.get("date")
    if date is not None:
        try:
            date = datetime.date.fromisoformat(str(date).strip()) if re.fullmatch(
                r"\d{4}-\d{2}-\d{2}", str(date).strip()) else None
        except ValueError:
            date = None
        if date is None:
            problem(("date",), f"'{data.get('date')}' is not a date", "write the date as YYYY-MM-DD, e.g. 2026-01-26")

    signatories: list[Signatory] = []
    raw = data.get("signatories") or []
    if not isinstance(raw, list):
        problem(("signatories",), "signatories must be a list", "write one '- name' line per organisation")
        raw = []
    for i, item in enumerate(raw):
        keys = ("signatories", i)
        line = line_of(lines, *keys)
        if isinstance(item, str) and item.strip():
            signatories.append(Signatory(item.strip(), None, line))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            extra = set(item) - _SIGNATORY_KEYS
            short = item.get("short")
            if extra:
                problem(keys, f"unknown key '{sorted(extra)[0]}' in signatory {i + 1}",
                        "a signatory has only 'name' and 'short'")
            elif short is not None and (not isinstance(short, str) or not short.strip()):
                problem(keys, f"the short name of signatory {i + 1} must be text", "write e.g. short: SLDP")
            else:
                signatories.append(Signatory(item["name"].strip(), short.strip() if short else None, line))
        else:
            problem(keys, f"signatory {i + 1} has no name",
                    "write the organisation's name, or 'name:' and 'short:' lines")

    if not body.strip() and not problems:
        problems.append(Problem(Location(path, body_line), "the statement has no text",
                                "write the statement's paragraphs after the front matter"))
    if problems:
        raise PipelineError(problems)
    return Statement(
        path=path, slug=slug, title=title.strip(), subtitle=subtitle.strip() if subtitle else None,
        date=date, signatories=tuple(signatories), body=body, body_line=body_line,
        title_line=line_of(lines, "title") or 2, subtitle_line=line_of(lines, "subtitle"),
    )


def read_statements(source_dir: Path) -> list[Statement]:
    """Every statement of a project, newest first; problems of all files reported together."""
    statements: list[Statement] = []
    problems: list[Problem] = []
    for path in sorted(source_dir.glob("*.md")):
        try:
            statements.append(read_statement(path))
        except PipelineError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PipelineError(problems)
    statements.sort(key=lambda s: (s.date or datetime.date.min, s.slug), reverse=True)
    return statements
