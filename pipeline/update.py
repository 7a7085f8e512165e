"""Bring locales/ up to date with source/: templates written, catalogues merged."""
from __future__ import annotations

import json
import os
import pickle
import re
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from . import catalog, poformat, ui
from .config import Config, load_config
from .errors import PipelineError, Problem, Location
from .files import write_atomic
from .manifest import Manifest, code_digest, digest, file_digest, stat_digest
from .pandoc import PARSING_RTS_OPTIONS, Pandoc, PandocError, shared
from .poformat import Entry
from .segment import BODY_MARKDOWN, Segment, statement_segments
from .source import Statement, read_statement, read_statements

UI = "ui"
_CREATED = re.compile(r'^"POT-Creation-Date: [^"\\]*\\n"$', re.M)


# Statements sent to pandoc per request: only the parsed bodies of a few are in memory at once.
CHUNK = 4


class Extracted:
    """A statement with its segments; its parsed body (pandoc AST) is fetched on demand.

    One update found unchanged (`Extracted.cached`) knows only its slug, title and key: the
    Statement, slot texts and segments are read from .cache/ the first time they are asked for.
    """

    def __init__(self, statement: Statement, texts: tuple[str, ...], segments: tuple[Segment, ...],
                 key: str = "", body: dict | Callable[[], dict] | None = None) -> None:
        self._parts: tuple | Callable[[], tuple] = (statement, tuple(texts), tuple(segments))
        self.slug, self.title = statement.slug, statement.title
        self.key = key  # hash of the source file and the pipeline's code it was extracted with
        self.body = body if body is not None else {}

    @classmethod
    def cached(cls, slug: str, title: str, key: str, parts: Callable[[], tuple],
               body: Callable[[], dict]) -> "Extracted":
        x = cls.__new__(cls)
        x._parts, x.slug, x.title, x.key, x.body = parts, slug, title, key, body
        return x

    def _loaded(self) -> tuple:
        if callable(self._parts):
            self._parts = self._parts()
        return self._parts

    @property
    def statement(self) -> Statement:
        return self._loaded()[0]

    @property
    def texts(self) -> tuple[str, ...]:  # Markdown of each slot of the body, in slot order
        return self._loaded()[1]

    @property
    def segments(self) -> tuple[Segment, ...]:
        return self._loaded()[2]

    @property
    def ast(self) -> dict:
        """The parsed body as pandoc JSON (read again from .cache/ on each use when it lives there)."""
        return self.body() if callable(self.body) else self.body

    def editable_ast(self) -> dict:
        """The parsed body, the caller's own to edit: read afresh from .cache/, or a copy of the one in memory."""
        if callable(self.body):
            return self.body()
        return json.loads(json.dumps(self.body))  # (several times faster than copy.deepcopy)

    def __getstate__(self) -> dict:
        self._loaded()  # (sent to a render process whole: its parts, and where its AST is)
        return self.__dict__

    def __repr__(self) -> str:
        return f"Extracted({self.slug!r}, key={self.key!r})"


@dataclass
class UpdateReport:
    written: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # catalogues that could not be read
    # With update_catalogues(keep_read=True): the catalogues read here and left as they were (or
    # read back after the write), so that the caller does not parse them a second time.
    read: dict[Path, catalog.Translations] | None = None


@dataclass(frozen=True)
class Known:
    """A source file whose bytes are those update saw last time: what read_statements needs to
    sort it, and where the rest is (.cache/extract/<slug>.pickle: `_record`), read only if asked for."""

    path: Path
    slug: str
    title: str
    date: object  # datetime.date | None
    key: str


class Sources:
    """What was made of each source file last time, by the file's hash.

    .cache/extract/index.pickle says, for every statement, the hash of its file, its title and
    date; .cache/extract/<slug>.pickle holds what was made of it (`_record`). An unchanged
    statement is neither validated again nor sent to pandoc, and its own cache file is not even
    read unless something asks for more than its title (`Extracted.cached`).
    """

    def __init__(self, cache: Path | None) -> None:
        self.folder = cache / "extract" if cache is not None else None
        self.index: dict[str, tuple] = {}   # slug -> (key, title, date) as stored
        self.keys: dict[str, str] = {}      # slug -> key of the file read in this run
        self._changed = False               # a statement's cache file was written
        if self.folder is not None:
            try:
                stored_code, index = pickle.loads((self.folder / "index.pickle").read_bytes())
                if stored_code == code_digest() and isinstance(index, dict):
                    self.index = index
            except (OSError, pickle.PickleError, ValueError, EOFError, AttributeError, TypeError):
                pass

    def read(self, path: Path) -> Statement | Known:
        """read_statement, or what is known of the same bytes from last time."""
        try:
            key = digest(code_digest(), path.read_bytes())
        except OSError:
            return read_statement(path)  # which says what is wrong
        self.keys[path.stem] = key
        hit = self.index.get(path.stem)
        if hit is not None and hit[0] == key and self.folder is not None \
                and (self.folder / f"{path.stem}.pickle").exists():
            return Known(path, path.stem, hit[1], hit[2], key)
        return read_statement(path)

    def parts(self, known: Known, pandoc: Pandoc) -> Callable[[], tuple]:
        """A loader of (Statement, texts, segments) of an unchanged statement; should its cache
        file be unreadable by then, the statement is read and parsed again, and the file rewritten."""
        def load() -> tuple:
            record = _recorded(self.folder, known.slug)
            if record is not None and record.key == known.key:
                statement = record.statement
                if statement.path != known.path:
                    statement = replace(statement, path=known.path)
                return statement, record.texts, record.segments
            statement = read_statement(known.path)
            [(ast, texts, doc)] = _parse([statement], pandoc)
            segments = tuple(statement_segments(statement, ast, texts))
            _record(self.folder, statement, known.key, texts, segments, doc)
            return statement, tuple(texts), segments
        return load

    def save_one(self, x: Extracted) -> tuple:
        """This statement's index entry (what was made of it is kept as soon as it is: `extract`)."""
        old = self.index.get(x.slug)
        if old is not None and old[0] == x.key:
            return old
        self.index[x.slug] = (x.key, x.title, x.statement.date)
        self._changed = True
        return self.index[x.slug]

    def let_go(self, x: Extracted, pandoc: Pandoc) -> None:
        """Saved, then forgotten: its Statement, texts and segments are read again if asked for."""
        if self.folder is None or not x.key or callable(x._parts):
            return
        key, title, date = self.save_one(x)
        x._parts = self.parts(Known(x.statement.path, x.slug, title, date, key), pandoc)

    def save(self, extracted: list[Extracted]) -> None:
        """Keep what was made of the files that changed."""
        if self.folder is None:
            return
        index = {x.slug: self.save_one(x) for x in extracted if x.key}
        if self._changed or index != self.index:
            write_atomic(self.folder / "index.pickle",
                         pickle.dumps((code_digest(), index), protocol=pickle.HIGHEST_PROTOCOL))
            self.index = index
            for old in self.folder.glob("*.json"):   # (where an older pipeline kept each parsed body)
                old.unlink(missing_ok=True)


class _Record(NamedTuple):
    """.cache/extract/<slug>.pickle: what was made of a source file. One file, not two: a cold update
    of 500 statements creates 500 fewer files, and creating one costs the most where files were
    just deleted (ext4 passes over recently freed inodes)."""

    code: str                     # the pipeline's code_digest
    key: str                      # the hash of the source file
    statement: Statement
    texts: tuple[str, ...]
    segments: tuple[Segment, ...]
    body_key: str                 # the hash of the body: an edit of the front matter alone is not parsed again
    doc: str                      # the body as pandoc parsed it, the JSON text pandoc wrote (encoding the
                                  # parsed document again cost as much as parsing it)


def _record(folder: Path, s: Statement, key: str, texts: Iterable[str], segments: Iterable[Segment],
            doc: str) -> None:
    write_atomic(folder / f"{s.slug}.pickle",
                 pickle.dumps(_Record(code_digest(), key, s, tuple(texts), tuple(segments), _body_key(s), doc),
                              protocol=pickle.HIGHEST_PROTOCOL))


def _recorded(folder: Path, slug: str) -> _Record | None:
    """What `_record` kept of a statement, if it is there, readable and made by this pipeline."""
    try:
        record = pickle.loads((folder / f"{slug}.pickle").read_bytes())
    except (OSError, pickle.PickleError, ValueError, EOFError, AttributeError, TypeError, ImportError):
        return None
    return record if isinstance(record, _Record) and record.code == code_digest() else None


def _body_key(s: Statement) -> str:
    return digest(code_digest(), s.body)


class _Body:
    """The AST of a statement from .cache/extract/<slug>.pickle, parsed again if that is gone.

    An object, not a closure: a render process is sent it and reads the file itself."""

    def __init__(self, folder: Path, statement: Statement | Callable[[], Statement], pandoc: Pandoc | None) -> None:
        self.folder, self._statement, self.pandoc = folder, statement, pandoc

    def statement(self) -> Statement:
        return self._statement() if callable(self._statement) else self._statement

    def __call__(self) -> dict:
        s = self.statement()
        record = _recorded(self.folder, s.slug)
        if record is not None and record.body_key == _body_key(s):
            return json.loads(record.doc)
        [(ast, _, _)] = _parse([s], self.pandoc or shared())   # (kept again by the next update)
        return ast

    def __getstate__(self) -> dict:
        return {"folder": self.folder, "_statement": self.statement(), "pandoc": None}  # (a process's own pandoc)


def _parse(statements: list[Statement], pandoc: Pandoc) -> list[tuple[dict, list[str], str]]:
    """Parse bodies in one pandoc request: (AST, slot texts, AST as JSON text) of each."""
    try:
        return pandoc.read_bodies([s.body for s in statements], fmt=BODY_MARKDOWN)
    except PandocError as exc:
        raise PipelineError(Problem(Location(statements[0].path if statements else "source"),
                                    f"pandoc could not read the statements ({exc})")) from None


# What a pandoc that will parse statements is given to read first, when there is a core to spare
# (see Pandoc.warm_up): a statement's shapes, ~2 KB (less left the next request as slow).
SAMPLE_BODY = "\n\n".join([
    "We, the undersigned organisations, call on all parties to *protect civilians* and to respect "
    "[international humanitarian law](https://example.org/ihl), in every governorate, on 1 March.",
    "1. Stop the attacks on **homes**, schools and hospitals.\n2. Open safe routes for aid.\n"
    "3. Release those detained for their work.",
    "- Organisation for Rights (Qamishli)\n- Women's Network – Raqqa\n- Youth Initiative, Hasakah",
] * 4)


class _Early:
    """A second pandoc worker parsing the bodies of the statements read so far, while the others'
    front matter is still being read (until then the second core had nothing to do: ~0.6 s at
    500 statements). One chunk in flight, at most EARLY bodies sent; `extract` takes what it finds
    here instead of sending it to pandoc again."""

    EARLY = 64

    def __init__(self, worker: Pandoc | None = None) -> None:
        self.worker = worker or Pandoc(PARSING_RTS_OPTIONS)
        self.parsed: dict[str, tuple[dict, list[str], str]] = {}   # body -> as _parse gives it
        self._queue: list[str] = []
        self._sent = 0
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._busy: tuple[list[str], Future] | None = None

    def read(self, read: Callable[[Path], Statement | Known]) -> Callable[[Path], Statement | Known]:
        """`read`, giving each body it reads (not one known from .cache/) to the worker."""
        def reading(path: Path) -> Statement | Known:
            s = read(path)
            if isinstance(s, Statement) and self._sent < self.EARLY:
                self._queue.append(s.body)
                self._send(block=False)
            return s
        return reading

    def _send(self, *, block: bool) -> None:
        if self._busy is not None:
            chunk, future = self._busy
            if not (block or future.done()):
                return
            try:
                self.parsed.update(zip(chunk, future.result()))
            except (PipelineError, PandocError):
                pass   # (parsed again by extract, which reports what is wrong)
            self._busy = None
        if len(self._queue) >= CHUNK or (block and self._queue):
            chunk, self._queue = self._queue[:CHUNK], self._queue[CHUNK:]
            self._sent += len(chunk)
            self._busy = chunk, self._pool.submit(self.worker.read_bodies, chunk, fmt=BODY_MARKDOWN)

    def finish(self) -> dict[str, tuple[dict, list[str], str]]:
        """What was parsed (the chunk in flight waited for). What was not sent yet is left to
        `extract`'s two workers; but fewer bodies than a chunk are parsed here too (this worker is
        already started, and done with the others when they are asked for)."""
        if len(self._queue) >= CHUNK:
            self._queue.clear()
        while self._busy is not None or self._queue:
            self._send(block=True)
        self._pool.shutdown(wait=True)
        return self.parsed


def parse_bodies(statements: list[Statement], pandoc: Pandoc, *, cache: Path | None = None,
                 sources: Sources | None = None) -> list[Extracted]:
    """Parse every body with `pandoc` (no other worker) and cut each into segments (see `extract`)."""
    return list(extract(statements, pandoc, cache=cache, sources=sources, parsers=1))


def extract(statements: list[Statement], pandoc: Pandoc, *, cache: Path | None = None,
            sources: Sources | None = None, release: bool = False, parsers: int = 2,
            early: _Early | None = None) -> Iterator[Extracted]:
    """Each statement with its segments, in order, as soon as it is ready.

    With a cache folder, a statement whose body (and the pipeline's code) is unchanged since
    the last run is taken from there, and so is one `sources` knows: no pandoc work at all.
    The ASTs then stay in the cache folder, not in memory (`Extracted.ast` reads them).
    The others go to pandoc a few at a time, on two threads: pandoc parses the next ones while
    the caller works on the last. With `parsers=2`, each thread has its own pandoc worker (a
    second one is started when there are two chunks or more: pandoc's parse is most of the
    work, and one worker left the second core idle); it is stopped once the last chunk is
    parsed. With `release`, `pandoc` is stopped then too: its memory is not held while the
    caller works on the rest (should a cache file be unreadable later on, `pandoc` starts another).
    With `early`, the bodies it parsed are not parsed again, and its worker is the second one.
    """
    parsed = early.finish() if early is not None else {}
    # The signatories' segments, one of each: the same organisations sign many statements, and
    # every statement's segments stay in memory (a publish renders them after the update).
    same: dict[Segment, Segment] = {}
    done: dict[int, Extracted] = {}
    todo: list[int] = []

    def parsed_now(s: Statement, parsed: tuple[dict, list[str], str]) -> Extracted:
        """A statement as pandoc parsed it (as _parse gives it), kept in the cache too."""
        ast, texts, doc = parsed
        x = _extracted(s, ast, texts, sources, cache, pandoc, same)
        if cache is not None:
            _record(cache, s, x.key, texts, x.segments, doc)
        return x

    for i, s in enumerate(statements):
        if isinstance(s, Known):
            x = done[i] = Extracted.cached(s.slug, s.title, s.key, sources.parts(s, pandoc), lambda: {})
            x.body = _Body(cache, lambda x=x: x.statement, pandoc)
            continue
        record = _recorded(cache, s.slug) if cache is not None else None
        if record is not None and record.body_key == _body_key(s):   # (only the front matter changed)
            done[i] = parsed_now(s, (json.loads(record.doc), record.texts, record.doc))
            continue
        if s.body in parsed:   # (popped: a statement with the same body is parsed anew)
            done[i] = parsed_now(s, parsed.pop(s.body))
            continue
        todo.append(i)

    def parse(chunk: list[int], worker: Pandoc) -> list[Extracted]:
        return [parsed_now(statements[i], one) for i, one in zip(chunk, _parse([statements[i] for i in chunk], worker))]

    chunks = [todo[at:at + CHUNK] for at in range(0, len(todo), CHUNK)]
    # Chunk k goes to workers[k % 2]: the two chunks in flight are always a chunk and the next.
    second = early.worker if early is not None else None
    if second is not None and not (parsers > 1 and len(chunks) > 1):
        second.close()
        second = None
    workers = (pandoc, (second or Pandoc(PARSING_RTS_OPTIONS)) if parsers > 1 and len(chunks) > 1 else pandoc)
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = deque(pool.submit(parse, chunk, workers[k]) for k, chunk in enumerate(chunks[:2]))
        following = enumerate(chunks[2:], 2)   # at most two chunks ahead
        try:
            for i in range(len(statements)):
                if i not in done:
                    for j, x in zip(chunks[0], pending.popleft().result()):
                        done[j] = x
                    chunks.pop(0)
                    k, nxt = next(following, (0, None))
                    if nxt is not None:
                        pending.append(pool.submit(parse, nxt, workers[k % 2]))
                    elif not pending:
                        if workers[1] is not pandoc:
                            workers[1].close()
                        if release:
                            pandoc.close()
                yield done.pop(i)
        finally:
            for future in pending:
                future.cancel()
            if workers[1] is not pandoc:
                pool.shutdown(wait=True)   # (its pandoc may be answering a cancelled chunk's thread)
                workers[1].close()


def _extracted(s: Statement, ast: dict, texts: Iterable[str], sources: Sources | None, cache: Path | None,
               pandoc: Pandoc, same: dict[Segment, Segment] | None = None) -> Extracted:
    segments = tuple(statement_segments(s, ast, texts, same))
    source_key = sources.keys.get(s.slug, "") if sources is not None else ""
    body = _Body(cache, s, pandoc) if cache is not None else ast
    return Extracted(s, tuple(texts), segments, source_key, body)


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


class _Digests:
    """Content hashes of the files of locales/, each read once per run (and known after a write).

    With a cache folder, a file's hash is kept in .cache/hashes.pickle with the file's size,
    modification and change times and inode (manifest.stat_digest): an update no longer reads
    every catalogue to learn that none changed.
    """

    def __init__(self, cache: Path | None = None) -> None:
        self._known: dict[Path, str] = {}
        self._file = cache / "hashes.pickle" if cache is not None else None
        self._stamps: dict[str, list] = {}   # path -> stat_digest's stamp
        self._changed = False
        if self._file is not None:
            try:
                stored_code, self._stamps = pickle.loads(self._file.read_bytes())
                if stored_code != code_digest() or not isinstance(self._stamps, dict):
                    self._stamps = {}
            except (OSError, pickle.PickleError, ValueError, EOFError, AttributeError, TypeError):
                self._stamps = {}

    def __call__(self, path: Path) -> str:
        found = self._known.get(path)
        if found is None:
            found = self._known[path] = self._hash(path)
        return found

    def _hash(self, path: Path) -> str:
        if self._file is None:
            return file_digest(path)
        before = self._stamps.get(str(path))
        value = stat_digest(path, self._stamps)
        self._changed |= self._stamps.get(str(path)) is not before  # hashed again: save the new stamp
        return value

    def wrote(self, path: Path, text: str) -> None:
        self._known[path] = digest(text)
        self._stamps.pop(str(path), None)  # hashed again (from its bytes) when next asked
        self._changed = True

    def save(self) -> None:
        if self._file is not None and self._changed:
            write_atomic(self._file, pickle.dumps((code_digest(), self._stamps),
                                                  protocol=pickle.HIGHEST_PROTOCOL))


def warmed_parser() -> Pandoc:
    """A pandoc for update_project's second parser, started now and reading a sample body: for a caller
    with a core to spare before it calls update_project (a fresh pandoc is slow over its first request)."""
    parser = Pandoc(PARSING_RTS_OPTIONS)
    parser.warm_up([SAMPLE_BODY], fmt=BODY_MARKDOWN)
    return parser


def update_project(root: Path, *, pandoc: Pandoc | None = None, dry_run: bool = False,
                   memory: bool = True, keep: bool = True, on_extracted: Callable[[Extracted], None] | None = None,
                   parser: Pandoc | None = None) -> tuple[Config, list[Extracted], UpdateReport, Manifest]:
    """Read config and sources, then bring every .pot and .po up to date (only say which
    would change with dry_run). What did not change since the last run is taken from .cache/.

    With keep=False (the update command), a statement's segments are saved in .cache/ and let go
    once its catalogues are done: the Extracted returned read them again if asked.
    `on_extracted` is shown each statement as soon as it is parsed, before its catalogues.
    `parser` is the second parser's pandoc (see warmed_parser), stopped when done."""
    config = load_config(root)
    pandoc = pandoc or shared()
    cache = config.cache_dir
    manifest = Manifest.load(cache)
    sources = Sources(cache)
    # A second pandoc parses when there is a core for it: not on one core, nor when the caller
    # shown each statement works on it meanwhile (a first publish renders on the other core).
    parsers = 1 if on_extracted or (os.cpu_count() or 1) < 2 else 2
    # While the front matter is read, though, a first publish's render process waits for the first
    # statement too: the second pandoc parses then in either case.
    early = _Early(parser) if (os.cpu_count() or 1) > 1 else None
    if early is None and parser is not None:
        parser.close()
    try:
        statements = read_statements(config.source_dir, read=early.read(sources.read) if early else sources.read)
    except BaseException:
        if early is not None:
            early.finish()
            early.worker.close()
        raise
    extracted: list[Extracted] = []   # filled as update goes: pandoc reads the next while one is merged
    digests = _Digests(None if dry_run else cache)
    reuse = None
    if memory:
        paths = {lc.code: sorted(p for p in (config.locales_dir / lc.code).glob("*.po") if p.stem != UI)
                 for lc in config.targets}
        reuse = catalog.Memory(paths, digest=digests, cache=cache / "memory")
    # The bodies are parsed by workers of their own, stopped once the last is parsed (`pandoc` is the
    # caller's, which goes on to other work).
    ready = extract(statements, Pandoc(PARSING_RTS_OPTIONS), cache=cache / "extract", sources=sources,
                    release=True, parsers=parsers, early=early)
    if on_extracted is not None:
        ready = _shown(ready, on_extracted)
    if not keep and not dry_run:
        ready = _letting_go(ready, sources, pandoc)
    report = update_catalogues(config, ready, dry_run=dry_run, state=manifest.extra, memory=reuse,
                               digests=digests, seen=extracted, keep_read=keep)
    sources.save(extracted)
    if not dry_run:
        if reuse is not None:
            reuse.save()
        digests.save()
        manifest.save()
    return config, extracted, report, manifest


def _shown(stream: Iterable[Extracted], see: Callable[[Extracted], None]) -> Iterator[Extracted]:
    for x in stream:
        see(x)
        yield x


def _letting_go(stream: Iterable[Extracted], sources: Sources, pandoc: Pandoc) -> Iterator[Extracted]:
    for x in stream:
        yield x   # resumed once the caller is done with x
        sources.let_go(x, pandoc)


def update_catalogues(config: Config, extracted: Iterable[Extracted], *, memory=None,
                      dry_run: bool = False, state: dict[str, str] | None = None,
                      digests: Callable[[Path], str] | None = None,
                      seen: list[Extracted] | None = None, keep_read: bool = False) -> UpdateReport:
    """Write every .pot and merge every .po; a file is rewritten only when it changes.

    With dry_run, nothing is written and `written` lists the files that would change.
    `extracted` may be a stream; `seen` collects it. `state` remembers what each file was made from: a statement whose source, template
    and catalogues are as the last run left them is not looked at again. With keep_read, `read`
    holds what the catalogues read say (the caller's next step reads them all).
    """
    report = UpdateReport(read={} if keep_read else None)
    digests = digests or _Digests()
    seen = [] if seen is None else seen
    for x in extracted:
        seen.append(x)
        _update_one(config, x.slug, x.title, x.key or digest(repr(x.segments)),
                    lambda x=x: catalog.template_entries(x.segments, f"source/{x.slug}.md"),
                    report, memory, dry_run, state, digests)
    ui_template = ui_entries()
    _update_one(config, UI, "the pipeline's own words", digest(repr(ui_template)), lambda: ui_template,
                report, memory, dry_run, state, digests)
    known = {x.slug for x in seen} | {UI}
    for lc in config.targets:
        for po in sorted((config.locales_dir / lc.code).glob("*.po")):
            if po.stem not in known:
                report.problems.append(Problem(
                    Location(po), "no statement source/" + po.stem + ".md matches this catalogue",
                    "if the statement was renamed, rename the catalogue too; otherwise delete it"))
    poformat.forget()
    return report


def _update_one(config: Config, slug: str, title: str, template: str, make_entries: Callable[[], list[Entry]],
                report: UpdateReport, memory, dry_run: bool, state: dict[str, str] | None,
                digests) -> None:
    """One statement's template and catalogues; a file whose inputs did not change is not touched.

    `template` is a hash of everything the entries are made from: they are only built when
    some file has to be written.
    """
    code = code_digest()
    root = config.root

    def unchanged(path: Path, *inputs: str) -> bool:
        return state is not None and state.get(_state_key(root, path)) == digest(code, *inputs, digests(path))

    def remember(path: Path, *inputs: str) -> None:
        if state is not None and not dry_run:
            state[_state_key(root, path)] = digest(code, *inputs, digests(path))

    def save(path: Path, text: str) -> bool:
        if dry_run:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                report.written.append(path)
            return False
        if write_atomic(path, text):
            report.written.append(path)
        digests.wrote(path, text)
        return True

    entries: list[Entry] | None = None
    pot = template_path(config, slug)
    if not unchanged(pot, template):
        entries = make_entries()
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
    pot_state = digests(pot)
    for lc in config.targets:
        path = po_path(config, lc.code, slug)
        facts = repr(lc.language)
        if unchanged(path, template, pot_state, facts):
            continue
        try:
            old = catalog.read_po(path) if path.exists() else None
        except PipelineError as exc:  # left exactly as it is; reported, and that language skipped
            report.problems.extend(exc.problems)
            continue
        if created is None:
            created = _created_of(pot.read_text(encoding="utf-8")) if pot.exists() else catalog._stamp()
        if entries is None:
            entries = make_entries()
        try:
            merged = catalog.merge_catalogue(entries, old, lc.language, title=title, project=slug,
                                             created=created or catalog._stamp(), memory=memory)
        except PipelineError as exc:  # left exactly as it is; reported, and that language skipped
            report.problems.extend(exc.problems)
            continue
        written = len(report.written)
        if save(path, merged.text):
            if merged.verify:  # a reused translation may not fit its new original: read it as publish will
                try:
                    read = catalog.read_po(path)
                except PipelineError as exc:
                    report.problems.extend(exc.problems)
                    continue
                if report.read is not None:
                    report.read[path] = read
            elif report.read is not None and old is not None and len(report.written) == written:
                report.read[path] = old   # (not rewritten: the file is the one just read)
            if memory is not None:
                memory.record(lc.code, path, digests(path), merged.reusable)
        remember(path, template, pot_state, facts)


def _state_key(root: Path, path: Path) -> str:
    """Paths relative to the project: a copied or moved project keeps its state."""
    text, prefix = str(path), str(root) + os.sep
    if text.startswith(prefix):  # as path.relative_to(root).as_posix(), for a fraction of the cost
        return "update:" + text[len(prefix):].replace(os.sep, "/")
    try:
        return "update:" + path.relative_to(root).as_posix()
    except ValueError:
        return f"update:{path}"
