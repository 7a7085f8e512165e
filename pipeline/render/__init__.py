"""Translated documents -> HTML, DOCX and PDF files: the only code that writes with pandoc or Typst."""
from __future__ import annotations

import gc
import os
import sys
import tempfile
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..config import Config
from ..errors import PipelineError
from ..locale import Language
from ..manifest import digest, stat_digest
from ..pandoc import Pandoc, PandocError, shared
from ..translate import Document, translate
from .docx import References, docx_error, docx_request, finish_docx, references, with_all_styles
from .fonts import Fonts, resolve_fonts
from .html import Alternate, description, html_page, html_request, render_index
from .pdf import checked_source, typesetter, typst_error, typst_request

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

FORMATS = ("html", "docx", "pdf")


@dataclass(frozen=True)
class Task:
    """One output to build, and why."""

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
class Job:
    """One statement in one language to translate and render: all a render process is sent."""

    extracted: Any                # update.Extracted (its AST is read where the job runs)
    language: Any                 # config.LanguageConfig
    catalogue: Any                # catalog.Translations | None
    ui: Any                       # catalog.Translations | None
    draft: bool
    formats: tuple[str, ...]
    alternates: tuple[Alternate, ...]


class Renderer:
    """Everything a run needs to render, loaded once per process: the config, pandoc, the fonts."""

    def __init__(self, config: Config, pandoc: Pandoc | None = None, *, stamps: dict | None = None,
                 fonts: Fonts | None = None, scratch: Path | None = None) -> None:
        self.config = config
        self.scratch = scratch   # shared by the render processes: the DOCX reference documents
        self.pandoc = pandoc or shared()
        self.fonts = fonts or resolve_fonts(config)
        self._stamps = stamps   # the fonts' hashes from the last run, reused while their size and time are unchanged
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._refs: References | None = None   # the DOCX reference documents, in scratch or _tmp

    @cached_property
    def fonts_digest(self) -> str:
        """The fonts' hash, for the inputs of every output (asked by the caller only: ~10 ms a render process)."""
        return digest(*(p.name + ":" + stat_digest(p, self._stamps) for p in self.fonts.files))

    def alternates(self, published: list[tuple[str, Language]]) -> dict[str, list[Alternate]]:
        """Per statement, its published languages in the configured order."""
        order = {lc.code: i for i, lc in enumerate(self.config.languages)}
        by_slug: dict[str, list[Alternate]] = {}
        for slug, lang in sorted(published, key=lambda p: order.get(p[1].code, 99)):
            by_slug.setdefault(slug, []).append(
                Alternate(lang.tag, lang.name, f"{lang.code}/{slug}.html", lang.direction))
        return by_slug

    def build(self, job: Job) -> dict[str, bytes]:
        """The output files of one job: translated, written by pandoc, finished."""
        doc = translate(job.extracted, job.language, self.config, job.catalogue, job.ui, self.pandoc,
                        draft=job.draft)
        return self.write(doc, job.formats, list(job.alternates))

    def close(self) -> None:
        """Remove the temporary folder of the Word files."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _folder(self) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="statement-docx-")
        return Path(self._tmp.name)

    def references(self) -> References:
        """The DOCX reference documents: written by the first render process that needs them."""
        if self._refs is None:
            self._refs = references(self.pandoc, self.scratch or self._folder())
        return self._refs

    def write(self, doc: Document, formats: tuple[str, ...], alternates: list[Alternate]) -> dict[str, bytes]:
        """The output files of one document; pandoc writes them all in one request (one AST per format)."""
        requests: list[dict] = []
        if "html" in formats:
            requests.append(html_request(doc))
        if "docx" in formats:
            # (one file, written over for each document: not a new file each time, see _claim)
            path = self._folder() / "statement.docx"
            refs = self.references()
            requests.append(docx_request(doc, path, refs))
        if "pdf" in formats:
            requests.append(typst_request(doc, self.fonts))
        try:
            results = self.pandoc.write_many(requests)
        except PandocError as exc:
            results = [{"error": str(exc)}] * len(requests)
        answers = iter(results)
        out: dict[str, bytes] = {}
        if "html" in formats:
            answer = next(answers)
            if "error" in answer:
                raise PandocError(answer["error"])
            out["html"] = html_page(doc, answer["text"], description=description(doc), alternates=alternates,
                                    fonts=self.fonts)
        if "docx" in formats:
            answer = next(answers)
            try:
                if "error" in answer:
                    raise PandocError(answer["error"])
                written = with_all_styles(path.read_bytes(), doc, self.pandoc, refs, path)
            except (PandocError, OSError) as exc:
                raise docx_error(doc, exc) from None
            out["docx"] = finish_docx(written, doc, fonts=self.config.fonts, styles=refs.styles)
        if "pdf" in formats:
            answer = next(answers)
            if "error" in answer:
                raise typst_error(doc, answer["error"])
            out["pdf"] = typesetter(self.fonts).compile(checked_source(doc, answer["text"]), doc=doc)
        return out

    def render(self, doc: Document, fmt: str, alternates: list[Alternate]) -> bytes:
        """One output file of one document."""
        return self.write(doc, (fmt,), alternates)[fmt]


_renderer: Renderer | None = None


def _start_worker(config: Config, fonts: Fonts, scratch: Path) -> None:
    from multiprocessing import util

    global _renderer
    # (a pandoc of its own: a forked worker's copy of the caller's would be the caller's process)
    _renderer = Renderer(config, Pandoc(), fonts=fonts, scratch=scratch)
    setter = typesetter(fonts)  # Typst's compiler and fonts, loaded once per process
    # A worker ends with os._exit, which skips the finalisers that remove temporary folders at
    # exit: without these, every run left two folders behind in the system's temporary folder.
    util.Finalize(_renderer, _renderer.close, exitpriority=1)
    util.Finalize(setter, setter.close, exitpriority=1)
    # Pandoc started and the DOCX references written while the caller prepares the first job
    # (a first build's worker waits for the catalogue update's first statement).
    try:
        _renderer.references()
    except (PipelineError, PandocError, OSError):
        pass   # (met again by the first Word file, whose error names the statement)


def _ready() -> None:
    """A first task, so that a worker starts (and loads) before there is real work."""


def _claim(path: Path) -> bool:
    """Whether this process is the first to take the job `path` stands for: the first to give the
    scratch folder's CLAIMS file that name too. A name, not a new file: creating files costs
    the most where many were just deleted (ext4 passes over recently freed inodes), as in a
    clean rebuild of many statements."""
    try:
        os.link(path.parent / CLAIMS, path)
    except FileExistsError:
        return False
    except OSError:   # (a file system without hard links: a file of its own)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
    return True


CLAIMS = "claims"


def _build_in_worker(job: Job, claim: Path) -> dict[str, bytes] | None:
    """The job's outputs; None if the calling process took it first (see Builder.drain)."""
    assert _renderer is not None
    return _renderer.build(job) if _claim(claim) else None


def _single_threaded() -> bool:
    """Whether this process runs one thread, native ones included (Linux: no other OS forks cheaply)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


class Builder:
    """Builds jobs on `workers` processes (each with its own pandoc and Typst) and, once the calling
    process has done its own work, in that one too (`drain`): as many lines as cores. What the
    processes can share (the DOCX reference documents) is written once, in `scratch`."""

    def __init__(self, config: Config, fonts: Fonts) -> None:
        self.config = config
        self.fonts = fonts
        self._scratch = tempfile.TemporaryDirectory(prefix="statement-render-")
        self.scratch = Path(self._scratch.name)
        (self.scratch / CLAIMS).touch()
        self._pool: ProcessPoolExecutor | None = None
        self._pending: deque[tuple[Any, Future, Job, Path]] = deque()
        self._jobs = 0

    @property
    def started(self) -> bool:
        return self._pool is not None

    def start(self, workers: int) -> None:
        """Start `workers` processes now (better paid while the caller works)."""
        if self._pool is not None or workers <= 0:
            return
        import multiprocessing   # (here: a small rebuild renders in-process and needs neither import)
        from concurrent.futures import ProcessPoolExecutor

        fork = _single_threaded()
        if fork:
            # The workers are copies of this process, ready at once, instead of new interpreters
            # importing everything again (~0.15 s of CPU each).
            context = multiprocessing.get_context("fork")
            sys.stdout.flush()   # (what was printed is not the copies' to print again)
            sys.stderr.flush()
            gc.freeze()   # (the copies' collector leaves this process's objects alone: their pages stay shared)
        else:
            # A copy of a process with other threads (Typst's thread pool once it has compiled, a
            # pandoc request's watchdog) can deadlock: spawned workers start clean.
            context = multiprocessing.get_context("spawn")
        try:
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                             initializer=_start_worker, initargs=(self.config, self.fonts, self.scratch))
            for _ in range(workers):
                self._pool.submit(_ready)   # (with fork, every worker is made here)
        finally:
            if fork:
                gc.unfreeze()

    def submit(self, key: Any, job: Job, renderer: Renderer) -> Iterator[tuple[Any, dict[str, bytes]]]:
        """Build `job` (queued for a worker, or with `renderer` here); yields every (key, outputs) finished
        meanwhile. A failed job is reported by `drain`: the caller has more to do first."""
        if self._pool is None:
            yield key, renderer.build(job)
            return
        self._jobs += 1
        claim = self.scratch / f"job-{self._jobs}"
        self._pending.append((key, self._pool.submit(_build_in_worker, job, claim), job, claim))
        yield from self._collect(block=False, failed=False)

    def _collect(self, *, block: bool, failed: bool) -> Iterator[tuple[Any, dict[str, bytes]]]:
        """The results finished (waiting for one first with block); raises a job's error if failed."""
        if block:
            wait([f for _, f, _, _ in self._pending], return_when=FIRST_COMPLETED)
        if any(f.done() for _, f, _, _ in self._pending):
            still: deque = deque()
            for key, future, job, claim in self._pending:
                if future.done() and (failed or future.exception() is None):
                    yield key, future.result()
                else:
                    still.append((key, future, job, claim))
            self._pending = still

    def drain(self, renderer: Renderer) -> Iterator[tuple[Any, dict[str, bytes]]]:
        """Every result still in flight; meanwhile this process builds, with `renderer`, the jobs no
        worker has started yet, in the order they were queued (the workers' too: a caller queueing the
        longest first keeps the last ones short). A worker is handed its next job before it is done
        with the last; whichever process claims a job first builds it (`_claim`): this one, once
        the queue is empty, takes such a job instead of waiting for the worker to do both."""
        while self._pending:
            yield from self._collect(block=False, failed=True)
            for i in range(len(self._pending)):
                key, future, job, claim = self._pending[i]
                if future.cancel() or _claim(claim):   # (cancelled: never sent to a worker)
                    del self._pending[i]
                    yield key, renderer.build(job)
                    break
            else:
                if self._pending:
                    yield from self._collect(block=True, failed=True)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending.clear()
        self._scratch.cleanup()

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
