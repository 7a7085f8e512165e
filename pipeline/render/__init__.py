"""Translated documents -> HTML, DOCX and PDF files: the only code that writes with pandoc or Typst."""
from __future__ import annotations

import dataclasses
import tempfile
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..config import Config
from ..locale import Language
from ..manifest import digest, stat_digest
from ..pandoc import Pandoc, PandocError, shared
from ..translate import Document
from .docx import docx_error, docx_request, finish_docx
from .fonts import Fonts, resolve_fonts
from .html import Alternate, description, html_page, html_request, render_index
from .pdf import checked_source, typesetter, typst_error, typst_request

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

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


@dataclass(frozen=True)
class Written:
    """What pandoc wrote of one document; the rest (page, Word fixes, Typst) needs no pandoc."""

    doc: Document                 # without its AST: the finishing steps read only its fields
    formats: tuple[str, ...]
    alternates: tuple[Alternate, ...] = ()
    html: str | None = None       # the page body
    description: str = ""
    docx: bytes | None = None     # pandoc's package, before finish_docx
    typst: str | None = None      # the Typst source


class Renderer:
    """Everything a run needs to render, loaded once per process: the config, pandoc, the fonts."""

    def __init__(self, config: Config, pandoc: Pandoc | None = None, *, stamps: dict | None = None,
                 fonts: Fonts | None = None) -> None:
        self.config = config
        self.pandoc = pandoc or shared()
        self.fonts = fonts or resolve_fonts(config)
        # (stamps: the fonts' hashes from the last run, reused while their size and time are unchanged)
        self.fonts_digest = digest(*(p.name + ":" + stat_digest(p, stamps) for p in self.fonts.files))
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._count = 0

    def alternates(self, published: list[tuple[str, Language]]) -> dict[str, list[Alternate]]:
        """Per statement, its published languages in the configured order."""
        order = {lc.code: i for i, lc in enumerate(self.config.languages)}
        by_slug: dict[str, list[Alternate]] = {}
        for slug, lang in sorted(published, key=lambda p: order.get(p[1].code, 99)):
            by_slug.setdefault(slug, []).append(
                Alternate(lang.tag, lang.name, f"{lang.code}/{slug}.html", lang.direction))
        return by_slug

    def write(self, doc: Document, formats: tuple[str, ...], alternates: list[Alternate]) -> Written:
        """Everything pandoc writes of one document, in one request (one AST per format)."""
        return self.prepare(doc, formats, alternates)()

    def prepare(self, doc: Document, formats: tuple[str, ...], alternates: list[Alternate]):
        """The pandoc request for one document, built now; returns the call that sends it.

        The call (`() -> Written`) may run on another thread: while pandoc writes one
        document, this process prepares the next.
        """
        requests: list[dict] = []
        if "html" in formats:
            requests.append(html_request(doc))
            summary = description(doc)
        if "docx" in formats:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="statement-docx-")
            self._count += 1
            path = Path(self._tmp.name) / f"statement-{self._count}.docx"
            requests.append(docx_request(doc, path))
        if "pdf" in formats:
            requests.append(typst_request(doc, self.fonts))
        bare = dataclasses.replace(doc, ast={})

        def send() -> Written:
            try:
                results = self.pandoc.write_many(requests)
            except PandocError as exc:
                results = [{"error": str(exc)}] * len(requests)
            answers = iter(results)
            fields: dict[str, Any] = {}
            if "html" in formats:
                answer = next(answers)
                if "error" in answer:
                    raise PandocError(answer["error"])
                fields["html"] = answer["text"]
                fields["description"] = summary
            if "docx" in formats:
                answer = next(answers)
                try:
                    if "error" in answer:
                        raise PandocError(answer["error"])
                    fields["docx"] = path.read_bytes()
                    path.unlink()
                except (PandocError, OSError) as exc:
                    raise docx_error(bare, exc) from None
            if "pdf" in formats:
                answer = next(answers)
                if "error" in answer:
                    raise typst_error(bare, answer["error"])
                fields["typst"] = answer["text"]
            return Written(bare, tuple(formats), tuple(alternates), **fields)
        return send

    def render(self, doc: Document, fmt: str, alternates: list[Alternate]) -> bytes:
        """One output file of one document."""
        return finish(self.write(doc, (fmt,), alternates), self.fonts, self.config.fonts)[fmt]


def finish(written: Written, fonts: Fonts, word_fonts: dict[str, str]) -> dict[str, bytes]:
    """The output files of a written document (no pandoc: this runs in any process)."""
    doc, out = written.doc, {}
    if written.html is not None:
        out["html"] = html_page(doc, written.html, description=written.description,
                                alternates=list(written.alternates), fonts=fonts)
    if written.docx is not None:
        out["docx"] = finish_docx(written.docx, doc, fonts=word_fonts)
    if written.typst is not None:
        out["pdf"] = typesetter(fonts).compile(checked_source(doc, written.typst), doc=doc)
    return out


_fonts: Fonts | None = None
_word_fonts: dict[str, str] = {}


def _start_worker(fonts: Fonts, word_fonts: dict[str, str]) -> None:
    global _fonts, _word_fonts
    _fonts, _word_fonts = fonts, word_fonts
    typesetter(fonts)  # Typst's compiler and fonts, loaded once per process


def _ready() -> None:
    """A first task, so that a worker starts (and loads) before there is real work."""


def _finish_in_worker(written: Written) -> dict[str, bytes]:
    assert _fonts is not None
    return finish(written, _fonts, _word_fonts)


class Builder:
    """Finishes written documents on `workers` processes and in this one, a few in flight at a time.

    The calling process translates and asks pandoc (one pandoc for the run); Typst and the
    Word post-processing run on the workers. When they are all busy, the caller finishes the
    document itself instead of waiting, so every core stays busy and memory stays flat.
    """

    def __init__(self, fonts: Fonts, word_fonts: dict[str, str], *, workers: int) -> None:
        self.fonts = fonts
        self.word_fonts = word_fonts
        self.workers = workers
        self.limit = 2 * workers
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[tuple[Any, Future]] = deque()

    def start(self) -> None:
        """Start the worker processes now (spawn re-imports: better paid while the caller works)."""
        if self._pool is not None or self.workers <= 0:
            return
        # spawn, not fork: a forked copy of a process that already ran Typst (its thread pool)
        # can deadlock; each worker starts clean and loads the fonts once.
        import multiprocessing   # (here: a small rebuild renders in-process and needs neither import)
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_start_worker,
                                         initargs=(self.fonts, self.word_fonts))
        for _ in range(self.workers):
            self._pool.submit(_ready)

    def submit(self, key: Any, written: Written) -> Iterator[tuple[Any, dict[str, bytes]]]:
        """Finish `written` (here or on a worker); yields every (key, outputs) finished meanwhile."""
        yield from self._collect()
        if self._pool is None or len(self._pending) >= self.limit:
            yield key, finish(written, self.fonts, self.word_fonts)
            yield from self._collect()
        else:
            self._pending.append((key, self._pool.submit(_finish_in_worker, written)))

    def _collect(self) -> Iterator[tuple[Any, dict[str, bytes]]]:
        """The results already finished, without waiting."""
        if any(f.done() for _, f in self._pending):
            still: deque = deque()
            for key, future in self._pending:
                if future.done():
                    yield key, future.result()
                else:
                    still.append((key, future))
            self._pending = still

    def drain(self) -> Iterator[tuple[Any, dict[str, bytes]]]:
        """Every result still in flight."""
        while self._pending:
            wait([f for _, f in self._pending], return_when=FIRST_COMPLETED)
            still: deque = deque()
            for key, future in self._pending:
                if future.done():
                    yield key, future.result()
                else:
                    still.append((key, future))
            self._pending = still

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending.clear()

    def __enter__(self) -> "Builder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
