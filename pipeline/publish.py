"""The recipe: config -> statements -> update -> gate -> translate -> render; gather, then write."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import catalog
from .catalog import Translations
from .config import Config, LanguageConfig, load_config
from .errors import PipelineError, Problem
from .manifest import Manifest, code_digest, digest, file_digest, stat_digest
from .pandoc import Pandoc, shared
from .progress import Progress, progress
from .update import UI, Extracted, UpdateReport, po_path, update_project, warmed_parser

EDITIONS = "editions"   # manifest.extra key: per "lang/slug", what the index lists of the last published edition


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
    manifest: Manifest | None = None                  # what was built from what, last time

    def progress(self, x: Extracted, lang: str) -> Progress:
        return progress(x, lang, self.catalogues.get((x.slug, lang)))


def load_project(root: Path, *, pandoc: Pandoc | None = None, dry_run: bool = False,
                 memory: bool = True, on_extracted: Callable[[Extracted], None] | None = None,
                 parser: Pandoc | None = None) -> Project:
    """Read config and sources, update the catalogues (only say what would change with dry_run),
    then read every catalogue. What did not change since the last run is taken from .cache/.
    `on_extracted` is shown each statement as soon as it is parsed; `parser`: see update_project."""
    config, extracted, report, manifest = update_project(root, pandoc=pandoc or shared(), dry_run=dry_run,
                                                         memory=memory, on_extracted=on_extracted, parser=parser)
    cache = config.cache_dir
    project = Project(config, extracted, {}, {}, problems=list(report.problems), update=report,
                      manifest=manifest)
    unreadable = {p.location.path for p in report.problems}
    if dry_run:
        project.stale = list(report.written)
    for lc in config.targets:
        for slug in [x.slug for x in extracted] + [UI]:
            path = po_path(config, lc.code, slug)
            if not path.exists() or path in unreadable:
                continue
            try:
                cat = catalog.read_po_cached(path, cache / "catalogues", (report.read or {}).get(path))
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
    kept: dict | None = None   # not rebuilt, but the edition published before stays listed: its index entry


def _kept(project: Project, x: Extracted, lc: LanguageConfig) -> dict | None:
    """The index entry of the edition published last time, if its files are all still intact in out/."""
    from .render import FORMATS

    manifest = project.manifest
    entry = manifest.extra.get(EDITIONS, {}).get(f"{lc.code}/{x.slug}") if manifest else None
    if entry is None or any(manifest.why_rebuild(project.config.out_dir, f"{lc.code}/{x.slug}.{fmt}", {})
                            for fmt in FORMATS):
        return None
    return entry


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
            unreadable = "catalogue" if path in broken else \
                "ui.po" if str(po_path(project.config, lc.code, UI)) in broken else None
            if unreadable:  # a translator's slip must not unpublish what readers already have
                kept = _kept(project, x, lc)
                why = f"its {unreadable} could not be read" + ("; the edition published before stays" if kept else "")
                decisions.append(Decision(x, lc, None, False, False, why, kept))
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
    rebuilt: list[tuple[str, str]] = field(default_factory=list)   # (output, why)
    problems: list[Problem] = field(default_factory=list)


def _inputs(config: Config, x: Extracted, lang: str, draft: bool, shared_inputs: dict[str, str]) -> dict[str, str]:
    """The content hashes one statement x language is built from."""
    return shared_inputs | {
        "source": file_digest(x.statement.path),
        "catalogue": file_digest(po_path(config, lang, x.slug)) if lang != config.source.code else "-",
        "ui": file_digest(po_path(config, lang, UI)) if lang != config.source.code else "-",
        "draft": "draft" if draft else "final",
    }


def _output_inputs(inputs: dict[str, str], fmt: str, languages: list[str]) -> dict[str, str]:
    """The inputs of one output: a page also shows the languages it links to (published, * for a draft)."""
    return inputs | {"languages": ",".join(languages)} if fmt == "html" else inputs


def publish(root: Path, *, draft: bool = False, jobs: int | None = None, memory: bool = True,
            log: Callable[[str], None] = print) -> PublishReport:
    """Update catalogues, then write out/ for every ready statement and language.

    Only outputs whose inputs changed (by content hash) are rebuilt, on `jobs` processes;
    everything is built before anything in out/ is replaced.
    """
    from .manifest import MANIFEST
    from .render import Builder
    from .render.fonts import resolve_fonts

    jobs = max(1, jobs or os.cpu_count() or 1)
    pandoc = shared()
    first = load_config(root)
    fresh = jobs > 1 and not ((first.cache_dir / MANIFEST).exists() and first.out_dir.is_dir())
    # A first build: the pandoc that will parse the statements warms up on the other core meanwhile,
    # and the render processes start before the update, so that their start-up (fonts) overlaps it
    # instead of delaying the first document.
    parser = warmed_parser() if fresh else None
    builder = None
    try:
        builder = Builder(first, resolve_fonts(first))
        if fresh:
            builder.start(jobs - 1)
        return _publish(root, first, pandoc, builder, parser, draft=draft, jobs=jobs, memory=memory, log=log)
    finally:
        if builder is not None:
            builder.close()
        if parser is not None:
            parser.close()   # (stopped by the update once it is done parsing; not if the run failed first)


# Fewer documents than this to rebuild: render them here rather than start processes (~0.5 s).
POOL_FROM = 3


def _publish(root: Path, first: Config, pandoc: Pandoc, builder, parser: Pandoc | None, *, draft: bool, jobs: int,
             memory: bool, log: Callable[[str], None]) -> PublishReport:
    from .lock import Staging
    from .render import FORMATS, Job, Renderer, Task, editions_index, index_entry

    out = first.out_dir

    def common_inputs(renderer: Renderer) -> dict[str, str]:
        """The content hashes every output is built from."""
        return {"pipeline": code_digest(), "config": file_digest(root / "project.yaml"),
                "fonts": renderer.fonts_digest}

    wanted: dict[str, dict] = {}   # rel -> the inputs of the build whose output is to be kept
    built: dict[str, str] = {}     # rel -> hash of what was built
    with Staging(out) as staging:
        def keep(tasks: tuple[Task, ...], outputs: dict[str, bytes]) -> None:
            for t in tasks:
                if wanted.get(t.rel) is t.inputs:   # (not an early build superseded since)
                    staging.put(t.rel, outputs[t.fmt])
                    built[t.rel] = digest(outputs[t.fmt])

        def build(tasks: tuple[Task, ...], job: Job) -> None:
            for t in tasks:
                wanted[t.rel] = t.inputs
            for done, outputs in builder.submit(tasks, job, renderer):
                keep(done, outputs)

        on_extracted: Callable[[Extracted], None] | None = None
        stamps: dict = {}   # the fonts' hashes taken for the early builds, kept in the manifest with the others
        if builder.started:
            # A first build: the source language's Word and PDF files need nothing of the catalogues,
            # so they are built while the update goes on. The page waits, as it links the translations
            # published; unless the project has no other language, when it links none.
            renderer = Renderer(first, pandoc, stamps=stamps, fonts=builder.fonts)
            source = next(lc for lc in first.languages if lc.code == first.source.code)
            early_common = common_inputs(renderer)
            alone = len(first.languages) == 1

            def early(x: Extracted) -> None:
                needs = _inputs(first, x, source.code, False, early_common)
                tasks = tuple(Task(fmt, f"{source.code}/{x.slug}.{fmt}", _output_inputs(needs, fmt, [source.code]), "new")
                              for fmt in FORMATS if alone or fmt != "html")
                alternates = renderer.alternates([(x.slug, source.language)])[x.slug] if alone else ()
                build(tasks, Job(x, source, None, None, False, tuple(t.fmt for t in tasks), tuple(alternates)))

            on_extracted = early

        project = load_project(root, pandoc=pandoc, memory=memory, on_extracted=on_extracted, parser=parser)
        config, manifest = project.config, project.manifest
        assert manifest is not None
        for path in project.update.written:
            log(f"updated {os.path.relpath(path, root)}")
        decisions = decide(project, draft=draft)
        report = PublishReport(problems=list(project.problems))
        report.published = [d for d in decisions if d.publish]
        report.skipped = [d for d in decisions if not d.publish]

        manifest.stamps.update(stamps)   # (6 MB of fonts are not hashed twice)
        renderer = Renderer(config, pandoc, stamps=manifest.stamps, fonts=builder.fonts, scratch=builder.scratch)
        common = common_inputs(renderer)
        listed = [d for d in decisions if d.publish or d.kept]  # (in the configured order)
        languages: dict[str, list[str]] = {}
        for d in listed:
            languages.setdefault(d.extracted.slug, []).append(d.language.code + ("*" if d.draft else ""))

        work: list[tuple[Decision, list[Task]]] = []   # per statement x language, the outputs to rebuild
        for d in report.published:
            inputs = _inputs(config, d.extracted, d.language.code, d.draft, common)
            tasks = []
            for fmt in FORMATS:
                rel = f"{d.language.code}/{d.extracted.slug}.{fmt}"
                needs = _output_inputs(inputs, fmt, languages[d.extracted.slug])
                why = manifest.why_rebuild(out, rel, needs)
                if why:
                    tasks.append(Task(fmt, rel, needs, why))
            if tasks:
                work.append((d, tasks))

        alternates = renderer.alternates([(d.extracted.slug, d.language.language) for d in listed])
        if len(work) >= POOL_FROM:
            builder.start(jobs - 1)

        with builder:
            # One statement x language per job, translated and rendered on a render process. All are
            # queued at once (a job is small: its AST is read where it is built); what is built is
            # collected as it comes. The longest first: the last ones, which a process may still be
            # on when the others have nothing left to do, are then the shortest.
            queue = [(d, todo) for d, tasks in work
                     if (todo := tuple(t for t in tasks if wanted.get(t.rel) != t.inputs))]   # (not built early)
            queue.sort(key=lambda q: len(q[1]) * sum(len(s.msgid) for s in q[0].extracted.segments), reverse=True)
            for d, todo in queue:
                slug, lang = d.extracted.slug, d.language.code
                build(todo, Job(d.extracted, d.language, project.catalogues.get((slug, lang)),
                                project.ui.get(lang), d.draft, tuple(t.fmt for t in todo),
                                tuple(alternates[slug])))

            # The pages of the whole project, while the render processes work.
            for path in renderer.fonts.files:
                rel = f"fonts/{path.name}"
                stamp = manifest.outputs.get(rel, {})
                if (stamp.get("source") != stat_digest(path, manifest.stamps)
                        or stamp.get("output") != _stamp(out / rel)):
                    staging.put(rel, path.read_bytes())
            staging.put("index.html", editions_index(project, listed, renderer))
            status_key = digest(code_digest(),
                                *(f"{x.slug}:{file_digest(x.statement.path)}" for x in project.extracted),
                                *(f"{p}:{file_digest(p)}" for p in sorted(config.locales_dir.glob("*/*.po"))))
            status = None
            if manifest.why_rebuild(out, "status.html", {"all": status_key}):
                status = status_page(project)
                staging.put("status.html", status)
            for done, outputs in builder.drain(renderer):
                keep(done, outputs)

        # Everything is built: out/ is replaced in one atomic step (only the files that changed).
        report.written = staging.commit()
    if status is not None:
        manifest.record("status.html", {"all": status_key}, status)
    for path in renderer.fonts.files:
        rel = f"fonts/{path.name}"
        manifest.outputs[rel] = {"source": stat_digest(path, manifest.stamps), "output": _stamp(out / rel)}
    for d, tasks in work:
        for t in tasks:
            manifest.outputs[t.rel] = {"inputs": t.inputs, "output": built[t.rel]}
            report.rebuilt.append((t.rel, t.why))
    manifest.extra[EDITIONS] = {f"{d.language.code}/{d.extracted.slug}": index_entry(project, d) for d in listed}
    manifest.save()

    for rel, why in report.rebuilt:
        log(f"built   {rel} ({why})")
    for d in report.skipped:
        log(f"skipped {d.extracted.slug} [{d.language.code}]: {d.reason}")
    for d in report.published:
        if d.draft:
            log(f"draft   {d.extracted.slug} [{d.language.code}]: {d.reason}")
    log(f"published {len(report.published)} statement-language pairs: {len(report.rebuilt)} outputs rebuilt, "
        f"{len(report.written)} files written, {len(report.skipped)} skipped")
    return report


def _stamp(path: Path) -> str:
    """A copied font in out/, as size and time: an edit or a deletion shows, without reading 6 MB."""
    try:
        st = path.stat()
    except OSError:
        return "-"
    return f"{st.st_size}:{st.st_mtime_ns}"
