"""The recipe: config -> statements -> update -> gate -> translate -> render; gather, then write."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import catalog
from .catalog import Translations
from .config import Config, LanguageConfig, load_config
from .errors import PipelineError, Problem
from .files import write_atomic
from .pandoc import Pandoc, shared
from .progress import Progress, progress
from .source import read_statements
from .translate import Document, translate
from .update import UI, Extracted, UpdateReport, parse_bodies, po_path, update_catalogues


@dataclass
class Project:
    """A statements project read and brought up to date: what every command starts from."""

    config: Config
    extracted: list[Extracted]
    catalogues: dict[tuple[str, str], Translations]   # (slug, lang) -> catalogue
    ui: dict[str, Translations]                       # lang -> ui.po
    problems: list[Problem] = field(default_factory=list)  # catalogues that could not be read
    update: UpdateReport = field(default_factory=UpdateReport)
    stale: list[Path] = field(default_factory=list)   # catalogues `update` would change (dry run)

    def progress(self, x: Extracted, lang: str) -> Progress:
        return progress(x, lang, self.catalogues.get((x.slug, lang)))


def load_project(root: Path, *, pandoc: Pandoc | None = None, dry_run: bool = False) -> Project:
    """Read config and sources, update the catalogues (only say what would change with dry_run),
    then read every catalogue."""
    config = load_config(root)
    pandoc = pandoc or shared()
    extracted = parse_bodies(read_statements(config.source_dir), pandoc)
    report = update_catalogues(config, extracted, dry_run=dry_run)
    project = Project(config, extracted, {}, {}, problems=list(report.problems), update=report)
    unreadable = {p.location.path for p in report.problems}
    if dry_run:
        project.stale = list(report.written)
    for lc in config.targets:
        for slug in [x.slug for x in extracted] + [UI]:
            path = po_path(config, lc.code, slug)
            if not path.exists() or path in unreadable:
                continue
            try:
                cat = catalog.read_po(path)
            except PipelineError as exc:
                project.problems.extend(exc.problems)
                continue
            if slug == UI:
                project.ui[lc.code] = cat
            else:
                project.catalogues[(slug, lc.code)] = cat
    return project


def status_page(project: Project) -> bytes:
    """out/status.html: progress bars, counts and check results for a coordinator."""
    from .check import check_project
    from .render.html import render_status

    rows = [project.progress(x, lc.code) for x in project.extracted for lc in project.config.targets]
    thresholds = {lc.code: lc.threshold for lc in project.config.languages}
    return render_status(rows, thresholds, check_project(project, shared()))


@dataclass
class Decision:
    """Whether one statement is published in one language, and why."""

    extracted: Extracted
    language: LanguageConfig
    progress: Progress | None
    publish: bool
    draft: bool
    reason: str = ""


def decide(project: Project, *, draft: bool) -> list[Decision]:
    """The publication gate: the source always; a translation when ready (or as a draft)."""
    broken = {(str(p.location.path)) for p in project.problems}
    decisions = []
    for x in project.extracted:
        for lc in project.config.languages:
            if lc.code == project.config.source.code:
                decisions.append(Decision(x, lc, None, True, False))
                continue
            path = str(po_path(project.config, lc.code, x.slug))
            if path in broken:
                decisions.append(Decision(x, lc, None, False, False, "its catalogue could not be read"))
                continue
            p = project.progress(x, lc.code)
            if p.ready(lc.threshold):
                decisions.append(Decision(x, lc, p, True, False))
                continue
            why = (f"{p.translated} of {p.total} segments translated ({p.percent:.0f}%, needs "
                   f"{lc.threshold:.0f}%), {p.fuzzy} fuzzy, {p.untranslated} untranslated")
            if p.required_missing:
                why += f"; {p.required_missing} of the title and demands missing"
            decisions.append(Decision(x, lc, p, draft, draft, why))
    return decisions


@dataclass
class PublishReport:
    published: list[Decision] = field(default_factory=list)
    skipped: list[Decision] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def publish(root: Path, *, draft: bool = False, log: Callable[[str], None] = print) -> PublishReport:
    """Update catalogues, then write out/ for every ready statement and language."""
    from .render import Renderer  # the only door to pandoc writers and Typst

    pandoc = shared()
    project = load_project(root, pandoc=pandoc)
    config = project.config
    for path in project.update.written:
        log(f"updated {os.path.relpath(path, root)}")
    decisions = decide(project, draft=draft)
    report = PublishReport(problems=list(project.problems))
    report.published = [d for d in decisions if d.publish]
    report.skipped = [d for d in decisions if not d.publish]

    documents: list[Document] = []
    for d in report.published:
        cat = project.catalogues.get((d.extracted.slug, d.language.code))
        documents.append(translate(d.extracted, d.language, config, cat, project.ui.get(d.language.code),
                                   pandoc, draft=d.draft))

    renderer = Renderer(config, pandoc)
    out = config.out_dir
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        files = renderer.render_all(documents, staging)
        (staging / "status.html").write_bytes(status_page(project))
        files.append(Path("status.html"))
        # Everything is built: now move it into place, file by file, atomically.
        for rel in files:
            if write_atomic(out / rel, (staging / rel).read_bytes()):
                report.written.append(out / rel)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    for d in report.skipped:
        log(f"skipped {d.extracted.slug} [{d.language.code}]: {d.reason}")
    for d in report.published:
        if d.draft:
            log(f"draft   {d.extracted.slug} [{d.language.code}]: {d.reason}")
    log(f"published {len(report.published)} statement-language pairs, "
        f"{len(report.written)} files written, {len(report.skipped)} skipped")
    return report
