"""Translated documents -> HTML, DOCX and PDF files: the only code that writes with pandoc or Typst."""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..locale import Language
from ..manifest import digest
from ..pandoc import Pandoc, shared
from ..translate import Document
from .docx import render_docx
from .fonts import resolve_fonts
from .html import Alternate, render_html, render_index
from .pdf import render_pdf

FORMATS = ("html", "docx", "pdf")


@dataclass(frozen=True)
class Task:
    """One output to build, and why."""

    decision: Any      # publish.Decision
    fmt: str
    rel: str           # path under out/
    inputs: dict       # content hashes it is built from
    why: str


@dataclass(frozen=True)
class Edition:
    """A statement published in one language, as the index lists it."""

    slug: str
    language: Language
    source_language: Language
    title: str
    date: str | None
    date_iso: str | None
    draft: bool


class Renderer:
    """Everything a run needs to render, loaded once per process: the config, pandoc, the fonts."""

    def __init__(self, config: Config, pandoc: Pandoc | None = None) -> None:
        self.config = config
        self.pandoc = pandoc or shared()
        self.fonts = resolve_fonts(config)
        self.fonts_digest = digest(*(p.name + ":" + digest(p.read_bytes()) for p in self.fonts.files))

    def alternates(self, published: list[tuple[str, Language]]) -> dict[str, list[Alternate]]:
        """Per statement, its published languages in the configured order."""
        order = {lc.code: i for i, lc in enumerate(self.config.languages)}
        by_slug: dict[str, list[Alternate]] = {}
        for slug, lang in sorted(published, key=lambda p: order.get(p[1].code, 99)):
            by_slug.setdefault(slug, []).append(
                Alternate(lang.tag, lang.name, f"{lang.code}/{slug}.html", lang.direction))
        return by_slug

    def render(self, doc: Document, fmt: str, alternates: list[Alternate]) -> bytes:
        """One output file of one document."""
        if fmt == "html":
            return render_html(doc, pandoc=self.pandoc, alternates=alternates, fonts=self.fonts)
        if fmt == "docx":
            return render_docx(doc, pandoc=self.pandoc, fonts=self.config.fonts)
        return render_pdf(doc, pandoc=self.pandoc, fonts=self.fonts)


_worker: Renderer | None = None


def _start_worker(config: Config) -> None:
    global _worker
    _worker = Renderer(config, Pandoc())  # its own pandoc process, fonts and Typst compiler


def _render_in_worker(doc: Document, fmt: str, alternates: list[Alternate]) -> bytes:
    assert _worker is not None
    return _worker.render(doc, fmt, alternates)


def render_tasks(renderer: Renderer, jobs_list: list[tuple[Task, Document, list[Alternate]]], *,
                 jobs: int | None) -> dict[str, bytes]:
    """Build every task's output, on `jobs` processes (default: all cores); same bytes as serially."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(jobs_list) <= 3:
        return {t.rel: renderer.render(doc, t.fmt, alts) for t, doc, alts in jobs_list}
    # Slowest first (PDFs), so the pool does not end waiting on one long job.
    order = sorted(jobs_list, key=lambda j: j[0].fmt != "pdf")
    # spawn, not fork: a forked copy of a process that already ran Typst (its thread pool)
    # can deadlock; each worker starts clean and loads fonts and pandoc once.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(jobs_list)), mp_context=context,
                             initializer=_start_worker, initargs=(renderer.config,)) as pool:
        futures = {t.rel: pool.submit(_render_in_worker, doc, t.fmt, alts) for t, doc, alts in order}
        return {rel: future.result() for rel, future in sorted(futures.items())}


def index_entry(project, d) -> dict:
    """What the index lists of one edition (a publish.Decision): its title in its language, draft or not."""
    if d.kept:
        return d.kept
    st, lang = d.extracted.statement, d.language.code
    cat = project.catalogues.get((st.slug, lang))
    title = st.title if lang == project.config.source.code else ((cat.text(st.title) if cat else None) or st.title)
    return {"title": title, "draft": d.draft}


def editions_index(project, listed: list, renderer: Renderer) -> bytes:
    """out/index.html for every listed statement x language: published now, or kept from before."""
    config = project.config
    editions = []
    for d in listed:
        st, lang, entry = d.extracted.statement, d.language.language, index_entry(project, d)
        editions.append(Edition(st.slug, lang, config.source, entry["title"], lang.date(st.date) if st.date else None,
                                st.date.isoformat() if st.date else None, entry["draft"]))
    return render_index(editions, fonts=renderer.fonts)
