"""source/<slug>.md -> Statement: front matter validated, body kept with its line offset."""
from __future__ import annotations

import datetime
import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import PipelineError, Problem, Location
from .yamlfile import line_of, load_yaml

_KEYS = {"title", "subtitle", "date", "signatories"}
_SIGNATORY_KEYS = {"name", "short"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Pandoc's Markdown reader slows down exponentially with nested or unclosed [ brackets
# (ten levels take seconds, twenty never finish), and quadratically with many < or `.
# Text beyond these limits is refused, with its line, before pandoc ever sees it.
MAX_PARAGRAPH = 50_000        # characters in one paragraph of a statement
MAX_BRACKET_DEPTH = 4         # [ ] (and ]( ) open at once, unclosed ones included
MAX_BLOCK_DEPTH = 12          # > quotes and list markers opened on one line
MAX_SIMILAR = 500             # < or ` characters in one paragraph
_BRACKET_OR_ESCAPE = re.compile(r"\\.|[\n\[\]()]", re.S)
_CONTAINER = re.compile(r"[ \t]{0,3}(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))[ \t]?")


# slots: a publish keeps every statement's signatories (tens of thousands) in memory, and pickling
# an object without slots (.cache/extract/) gives it a __dict__ it then keeps.
@dataclass(frozen=True, slots=True)
class Signatory:
    """An organisation as it signed the statement."""

    name: str
    short: str | None = None
    line: int | None = None

    def __reduce__(self):  # (pickled as its fields: dataclass's own pickling of slots is ~2x slower)
        return type(self), (self.name, self.short, self.line)


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
        raw = path.read_bytes()
    except OSError as exc:
        raise PipelineError(Problem(Location(path), f"cannot read this file ({exc.strerror})",
                                    "a statement is a Markdown file source/<slug>.md")) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PipelineError(Problem(Location(path, raw[: exc.start].count(b"\n") + 1),
                                    "this file is not UTF-8 text", "save it as UTF-8")) from None
    return parse_statement(text, path)


def markdown_problem(text: str) -> tuple[int, str, str] | None:
    """Whether pandoc could not read `text` in reasonable time: (line in text, what is wrong, what to do)."""
    stack: list[tuple[str, int]] = []
    line = 1
    for m in _BRACKET_OR_ESCAPE.finditer(text):  # the characters that matter, escapes skipped
        ch, i = m.group(), m.start()
        if ch[0] == "\\":
            line += ch == "\\\n"
            continue
        if ch == "\n":
            line += 1
        elif ch == "[" or ch == "(" and i and text[i - 1] == "]":
            stack.append((ch, line))
            if len(stack) > MAX_BRACKET_DEPTH:
                return stack[0][1], (f"more than {MAX_BRACKET_DEPTH} brackets [ ] are open at once here "
                                     "(nested, or opened and never closed)"), \
                    "close each bracket, and write a bracket that is text as \\["
        elif ch in "])":
            want = "[" if ch == "]" else "("
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == want:
                    del stack[k:]
                    break
    for number, row in enumerate(text.split("\n"), 1):
        depth, pos = 0, 0
        while True:
            m = _CONTAINER.match(row, pos)
            if not m or m.end() == pos:
                break
            depth, pos = depth + 1, m.end()
        if depth > MAX_BLOCK_DEPTH:
            return number, f"{depth} quotation or list levels are opened on one line", \
                "a statement needs a few levels at most: remove the extra > or list markers"
    for ch, name in (("<", "'<'"), ("`", "'`'")):
        if text.count(ch) > MAX_SIMILAR:
            return 1, f"{text.count(ch)} {name} characters in one paragraph (at most {MAX_SIMILAR})", \
                "split the paragraph, or remove what was pasted by mistake"
    return None


def body_problems(body: str, path: Path, first_line: int) -> list[Problem]:
    """Paragraphs of a statement's body that are too long, or too deeply nested, to be read."""
    problems = []
    for start, block in _paragraphs(body, first_line):
        if len(block) > MAX_PARAGRAPH:
            problems.append(Problem(Location(path, start),
                                    f"this paragraph is {len(block):,} characters long (at most {MAX_PARAGRAPH:,})",
                                    "separate its paragraphs with blank lines; if it is not text, remove it"))
            continue
        found = markdown_problem(block)
        if found:
            problems.append(Problem(Location(path, start + found[0] - 1), found[1], found[2]))
    return problems


def _paragraphs(body: str, first_line: int):
    """(line, text) of each run of non-blank lines."""
    lines: list[str] = []
    start = first_line
    for number, row in enumerate(body.split("\n"), first_line):
        if row.strip():
            if not lines:
                start = number
            lines.append(row)
        elif lines:
            yield start, "\n".join(lines)
            lines = []
    if lines:
        yield start, "\n".join(lines)


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
    if title is not None and not isinstance(title, str):
        problem(("title",), "the title must be text", "write it on one line after 'title:', in quotes if it has a ':'")
        title = ""
    elif not isinstance(title, str) or not title.strip():
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
            # (interned: the same organisations sign many statements, and all are kept in memory)
            signatories.append(Signatory(sys.intern(item.strip()), None, line))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            extra = set(item) - _SIGNATORY_KEYS
            short = item.get("short")
            if extra:
                problem(keys, f"unknown key '{sorted(extra)[0]}' in signatory {i + 1}",
                        "a signatory has only 'name' and 'short'")
            elif short is not None and (not isinstance(short, str) or not short.strip()):
                problem(keys, f"the short name of signatory {i + 1} must be text", "write e.g. short: SLDP")
            else:
                signatories.append(Signatory(sys.intern(item["name"].strip()),
                                             sys.intern(short.strip()) if short else None, line))
        else:
            problem(keys, f"signatory {i + 1} has no name",
                    "write the organisation's name, or 'name:' and 'short:' lines")

    seen: dict[str, int | None] = {}
    for i, s in enumerate(signatories):
        if s.name in seen:
            problems.append(Problem(Location(path, s.line), f"'{s.name}' is already in the list of signatories"
                                    + (f" (line {seen[s.name]})" if seen[s.name] else ""),
                                    "remove one of the two lines"))
        seen.setdefault(s.name, s.line)

    if not re.sub(r"<!--.*?-->", "", body, flags=re.S).strip() and not problems:
        problems.append(Problem(Location(path, body_line), "the statement has no text",
                                "write the statement's paragraphs after the front matter"))
    problems += body_problems(body, path, body_line)
    if problems:
        raise PipelineError(problems)
    return Statement(
        path=path, slug=slug, title=title.strip(), subtitle=subtitle.strip() if subtitle else None,
        date=date, signatories=tuple(signatories), body=body, body_line=body_line,
        title_line=line_of(lines, "title") or 2, subtitle_line=line_of(lines, "subtitle"),
    )


def read_statements(source_dir: Path, *, read: Callable[[Path], Statement] = read_statement) -> list[Statement]:
    """Every statement of a project, newest first; problems of all files reported together.

    `read` turns one file into a Statement (update passes one that remembers them in .cache/)."""
    statements: list[Statement] = []
    problems: list[Problem] = []
    if not source_dir.is_dir():
        raise PipelineError(Problem(Location(source_dir), "there is no source/ folder here",
                                    "run the pipeline in a statements project, or pass --project DIR"))
    paths = sorted(source_dir.glob("*.md"))
    if not paths:
        raise PipelineError(Problem(Location(source_dir), "there is no statement in source/",
                                    "add one as source/<slug>.md (python -m pipeline import FILE makes it)"))
    for path in paths:
        try:
            statements.append(read(path))
        except PipelineError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PipelineError(problems)
    statements.sort(key=lambda s: (s.date or datetime.date.min, s.slug), reverse=True)
    return statements
