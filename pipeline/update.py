"""Bring locales/ up to date with source/: templates written, catalogues merged."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog, ui
from .config import Config
from .errors import PipelineError, Problem, Location
from .files import write_atomic
from .manifest import code_digest, digest, file_digest
from .pandoc import Pandoc, PandocError
from .poformat import Entry
from .segment import BODY_MARKDOWN, Segment, slot_texts, statement_segments
from .source import Statement

UI = "ui"
_CREATED = re.compile(r'^"POT-Creation-Date: [^"\\]*\\n"$', re.M)


@dataclass(frozen=True)
class Extracted:
    """A statement with its parsed body and its segments."""

    statement: Statement
    ast: dict
    texts: tuple[str, ...]  # Markdown of each slot of the body, in slot order
    segments: tuple[Segment, ...]

    @property
    def slug(self) -> str:
        return self.statement.slug


@dataclass
class UpdateReport:
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # catalogues that could not be read


def parse_bodies(statements: list[Statement], pandoc: Pandoc, *, cache: Path | None = None) -> list[Extracted]:
    """Parse every body in one pandoc request and cut each into segments.

    With a cache folder, a statement whose text (and the pipeline's code) is unchanged
    since the last run is taken from there: no pandoc work at all.
    """
    keys = [digest(code_digest(), s.body) for s in statements]
    cached: dict[int, tuple] = {}
    if cache is not None:
        for i, (s, key) in enumerate(zip(statements, keys)):
            try:
                data = json.loads((cache / f"{s.slug}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if data.get("key") == key:
                cached[i] = (data["ast"], data["texts"])
    todo = [i for i in range(len(statements)) if i not in cached]
    try:
        asts = pandoc.read([statements[i].body for i in todo], fmt=BODY_MARKDOWN) if todo else []
        for i, ast in zip(todo, asts):
            cached[i] = (ast, slot_texts(ast, pandoc))
    except PandocError as exc:
        raise PipelineError(Problem(Location(statements[0].path if statements else "source"),
                                    f"pandoc could not read the statements ({exc})")) from None
    extracted = []
    for i, s in enumerate(statements):
        ast, texts = cached[i]
        extracted.append(Extracted(s, ast, tuple(texts), tuple(statement_segments(s, ast, texts))))
        if cache is not None and i in todo:
            write_atomic(cache / f"{s.slug}.json",
                         json.dumps({"key": keys[i], "ast": ast, "texts": texts}, ensure_ascii=False))
    return extracted


def ui_entries() -> list[Entry]:
    """The template entries of the pipeline's own strings."""
    return [Entry(msgid=s.msgid, msgid_plural=s.plural, msgstr_plural=("", "") if s.plural else (),
                  extracted_comments=(s.comment,), references=("pipeline/ui.py",),
                  flags=("python-format",) if "%(" in s.msgid else ())
            for s in ui.STRINGS]


def template_path(config: Config, slug: str) -> Path:
    return config.locales_dir / "templates" / f"{slug}.pot"


def po_path(config: Config, lang: str, slug: str) -> Path:
    return config.locales_dir / lang / f"{slug}.po"


def _same_but_date(a: str, b: str) -> bool:
    return _CREATED.sub("", a) == _CREATED.sub("", b)


def _created_of(text: str) -> str | None:
    m = _CREATED.search(text)
    return m.group(0)[len('"POT-Creation-Date: '):-3] if m else None


def update_catalogues(config: Config, extracted: list[Extracted], *, memory=None,
                      dry_run: bool = False, state: dict[str, str] | None = None) -> UpdateReport:
    """Write every .pot and merge every .po; a file is rewritten only when it changes.

    With dry_run, nothing is written and `written` lists the files that would change.
    """
    report = UpdateReport()
    jobs = [(x.slug, x.statement.title, catalog.template_entries(x.segments, f"source/{x.slug}.md"))
            for x in extracted]
    jobs.append((UI, "the pipeline's own words", ui_entries()))
    for slug, title, entries in jobs:
        _update_one(config, slug, title, entries, report, memory, dry_run, state)
    known = {slug for slug, _, _ in jobs}
    for lc in config.targets:
        for po in sorted((config.locales_dir / lc.code).glob("*.po")):
            if po.stem not in known:
                report.problems.append(Problem(
                    Location(po), "no statement source/" + po.stem + ".md matches this catalogue",
                    "if the statement was renamed, rename the catalogue too; otherwise delete it"))
    return report


def _update_one(config: Config, slug: str, title: str, entries: list[Entry], report: UpdateReport,
                memory, dry_run: bool, state: dict[str, str] | None) -> None:
    """One statement's template and catalogues; a file whose inputs did not change is not touched."""
    template = digest(repr(entries))

    def unchanged(path: Path, *inputs: str) -> bool:
        return state is not None and state.get(f"update:{path}") == digest(*inputs, file_digest(path))

    def remember(path: Path, *inputs: str) -> None:
        if state is not None and not dry_run:
            state[f"update:{path}"] = digest(*inputs, file_digest(path))

    def save(path: Path, text: str) -> None:
        if dry_run:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                report.written.append(path)
        elif write_atomic(path, text):
            report.written.append(path)

    pot = template_path(config, slug)
    if not unchanged(pot, template):
        old_pot = pot.read_text(encoding="utf-8") if pot.exists() else ""
        created = _created_of(old_pot) or catalog._stamp()
        text = catalog.render_template(entries, title=title, project=slug, created=created)
        if old_pot and not _same_but_date(text, old_pot):
            created = catalog._stamp()
            text = catalog.render_template(entries, title=title, project=slug, created=created)
        if text != old_pot:
            save(pot, text)
        remember(pot, template)
    created = None
    pot_state = file_digest(pot)
    for lc in config.targets:
        path = po_path(config, lc.code, slug)
        if unchanged(path, template, pot_state):
            continue
        try:
            old = catalog.read_po(path) if path.exists() else None
        except PipelineError as exc:  # left exactly as it is; reported, and that language skipped
            report.problems.extend(exc.problems)
            continue
        if created is None:
            created = _created_of(pot.read_text(encoding="utf-8")) if pot.exists() else catalog._stamp()
        try:
            merged = catalog.merge(entries, old, lc.language, title=title, project=slug,
                                   created=created or catalog._stamp(), memory=memory)
        except PipelineError as exc:  # left exactly as it is; reported, and that language skipped
            report.problems.extend(exc.problems)
            continue
        save(path, merged)
        remember(path, template, pot_state)
