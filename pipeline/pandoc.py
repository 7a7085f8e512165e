"""The one door to pandoc: a long-lived `pandoc lua` worker speaking JSON lines."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import threading
import uuid
import weakref
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import PipelineError, Problem, Location

try:
    import fcntl
except ImportError:  # Windows: pipes keep their size
    fcntl = None

WORKER = Path(__file__).with_name("lua") / "worker.lua"
# Markdown as statements are written: typographic quotes are typed, not inferred,
# so what translators see is exactly the characters of the source.
MARKDOWN = "markdown-smart"
REQUEST_TIMEOUT = float(os.environ.get("PIPELINE_PANDOC_TIMEOUT", "300"))  # seconds per request
STOP_TIMEOUT = 2.0   # seconds a worker is given to stop
# GHC runtime options. The pandoc binary asks for a 64 MB heap from the start (-H64m, built in);
# a 4 MB allocation area (-A4m -H4m, the default size) keeps a worker ~60 MB smaller than that.
# An old generation of at least 8 MB (-O8m; the default is 1 MB): each collection of it costs
# ~11 ms however little is alive in it (what pandoc keeps is ~2 MB), and with the default one came
# after every second document written. Writing the HTML, Word and Typst of 150 synthetic
# statements took 19-20 ms of CPU each, against 25-28 ms with -A8m -H8m and no -O, for the same
# peak memory (~119 MB RSS).
RTS_OPTIONS = ("+RTS", "-A4m", "-H4m", "-O8m", "-RTS")
# The workers that parse statement bodies (update) keep an old generation of at least 16 MB:
# reading 300 synthetic bodies took 12.4-14.5 ms of CPU each, against 14.0-15.5 ms with -O8m;
# 8 MB more memory, while the publish's memory is not at its peak.
PARSING_RTS_OPTIONS = ("+RTS", "-A4m", "-H4m", "-O16m", "-RTS")
# Pipes (and their Python buffers) of 1 MB, not 64 KB: an answer of a few MB then arrives in
# a few reads, each of which lets the reading thread wait for the GIL held by the main thread
# (~5 ms each time: with 64 KB pipes the main thread's work and pandoc's hardly overlapped).
PIPE_SIZE = 1 << 20


@lru_cache(maxsize=1)
def pandoc_path() -> str:
    """The pandoc binary shipped by pypandoc-binary (never a system pandoc).

    Found beside the package without importing it: importing pypandoc and letting it probe
    for pandoc (it runs `pandoc --version`) costs ~0.1 s of every run that starts pandoc."""
    if not os.environ.get("PYPANDOC_PANDOC"):
        spec = importlib.util.find_spec("pypandoc")
        for folder in (spec.submodule_search_locations or []) if spec else []:
            bundled = Path(folder, "files", "pandoc.exe" if os.name == "nt" else "pandoc")
            if os.access(bundled, os.X_OK):
                return str(bundled)
    import pypandoc

    return pypandoc.get_pandoc_path()


def encode(doc: dict) -> str:
    """A pandoc document as JSON text: compact (~13 % fewer bytes through the pipe), and not
    searched for reference cycles, which a tree of JSON values cannot have (~25 % faster)."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"), check_circular=False)


def joined_words(node: Any, *, typst: bool = False) -> Any:
    """A copy of a pandoc document (or any part of one) with each run of words and single spaces
    (Str, Space, Str...) as one Str: pandoc's writers join such runs themselves, so they write
    the same bytes from it, and it has far fewer elements to encode and for pandoc to read
    (~3 ms of a statement's JSON).

    For the Typst writer (`typst`): at most TYPST_WORDS words in one Str (the writer is slower on
    long ones), and no run starts with a word that starts with a digit: the writer escapes a
    "1." that could begin a line (Typst would number it) only when it is a Str of its own."""
    if type(node) is list:
        out: list = []
        words: list[str] | None = None   # the words of the Str being built at out[-1]
        space = False                    # a Space follows it, not yet in out

        def end_run() -> None:
            if words is not None and len(words) > 1:
                out[-1] = {"t": "Str", "c": " ".join(words)}
            if space:
                out.append(_SPACE)

        for item in node:
            t = item.get("t") if type(item) is dict else None
            if t == "Str":
                text = item["c"]
                if words is not None and space and text and not (typst and len(words) >= TYPST_WORDS):
                    words.append(text)
                    space = False
                    continue
                end_run()
                space = False
                out.append(item)
                # (an empty Str, which pandoc's readers never make, is left alone: the Typst writer
                # takes a line to begin after it)
                words = None if not text or typst and text[0].isdigit() else [text]
            elif t == "Space" and words is not None and not space:
                space = True
            else:
                end_run()
                words, space = None, False
                out.append(item if t == "Space" else joined_words(item, typst=typst))
        end_run()
        return out
    if type(node) is dict:
        return {k: joined_words(v, typst=typst) if type(v) in (list, dict) else v for k, v in node.items()}
    return node


# Words in one Str for the Typst writer: it read and wrote 60 statements fastest with 4 (~7 ms
# each, against ~10 ms with none joined and ~9 ms with 11).
TYPST_WORDS = 4
_SPACE = {"t": "Space"}


# A plain text: words of letters, digits, combining marks (Arabic vowel signs, Latin accents) and
# this punctuation, single spaces between them, and a letter first, not followed by "." or ")" (a list
# item: "a. ", "iv) ", "B."). pandoc's Markdown reader (markdown-smart, or fewer extensions) makes it
# one paragraph of one Str per word (tested against pandoc: tests/test_fast_paths.py). Almost every
# segment and translation is one: pandoc need not read it.
_PLAIN_OTHERS = (",.;:!?()'\"/%\u2010-\u2015\u2018\u2019\u201c\u201d\u2026\u00ab\u00bb\u060c\u061b\u061f\u066a-\u066c"
                 "\u0300-\u036f\u064b-\u065f\u0670\u06d6-\u06ed-")
_PLAIN_CHAR = rf"(?:[^\W_]|[{_PLAIN_OTHERS}])"
_PLAIN = re.compile(rf"(?![^\W\d_]+[.)])[^\W\d_]{_PLAIN_CHAR}*(?: {_PLAIN_CHAR}+)*")


def plain_blocks(text: str) -> list[dict] | None:
    """The blocks pandoc's Markdown reader makes of a plain text (see _PLAIN), or None for any other."""
    if not _PLAIN.fullmatch(text):
        return None
    inlines: list[dict] = []
    for word in text.split(" "):
        if inlines:
            inlines.append({"t": "Space"})
        inlines.append({"t": "Str", "c": word})
    return [{"t": "Para", "c": inlines}]


class PandocError(RuntimeError):
    """Pandoc could not do what was asked; the caller adds the user's context."""


class Pandoc:
    """One pandoc process serving many requests, started on first use."""

    def __init__(self, rts: tuple[str, ...] = RTS_OPTIONS) -> None:
        self._rts = rts
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._api: list[int] | None = None
        self._unanswered = 0   # requests sent by `warm_up`, whose answers are read and dropped

    def _start(self) -> subprocess.Popen[bytes]:
        try:
            proc = subprocess.Popen(
                [pandoc_path(), *self._rts, "lua", str(WORKER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=PIPE_SIZE,
            )
        except OSError as exc:
            raise PipelineError(
                Problem(Location(pandoc_path()), f"cannot start pandoc: {exc}",
                        "reinstall the pipeline's dependencies (make publish creates .venv)")
            ) from exc
        for pipe in (proc.stdin, proc.stdout) if fcntl is not None else ():
            try:
                fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)
            except OSError:  # not Linux, or above /proc/sys/fs/pipe-max-size: the default size
                pass
        self._unanswered = 0
        _running.add(self)
        return proc

    def _started(self) -> subprocess.Popen[bytes]:
        """The worker, started if it is not running (under the lock)."""
        if self._proc is None or self._proc.poll() is not None:
            self._proc = self._start()
        assert self._proc.stdin and self._proc.stdout
        return self._proc

    def warm_up(self, texts: list[str], *, fmt: str) -> None:
        """Start the worker and give it bodies to read (as `read_bodies`) while the caller goes on; the
        answer is dropped by the next call. A fresh pandoc takes twice as long over its first real
        request as over the next (the 5 real statements: 48 against 21 ms): its heap is still growing."""
        with self._lock:
            proc = self._started()
            try:
                proc.stdin.write(_request("read_bodies", **_bodies(texts, fmt)))
                proc.stdin.flush()
                self._unanswered += 1
            except OSError:
                pass   # (the next call starts another worker, and says what went wrong)

    def call(self, op: str, **request: Any) -> dict[str, Any]:
        """Send one request and return the worker's answer; PandocError on failure."""
        with self._lock:
            proc = self._started()
            line = _request(op, **request)
            # Pandoc's Markdown reader can take exponential time on some texts (nested or
            # unclosed [ ): past the limit the worker is killed and the next call starts another.
            expired = threading.Event()
            watchdog = threading.Timer(REQUEST_TIMEOUT, lambda: (expired.set(), proc.kill()))
            watchdog.start()
            try:
                proc.stdin.write(line)
                proc.stdin.flush()
                while self._unanswered:
                    proc.stdout.readline()
                    self._unanswered -= 1
                answer = proc.stdout.readline()
            except OSError:
                answer = b""
            finally:
                watchdog.cancel()
            if expired.is_set():
                proc.wait()
                self._proc = None
        if not answer:
            if expired.is_set():
                raise PandocError(f"pandoc did not finish in {REQUEST_TIMEOUT:g} s (a text nests brackets [ ] "
                                  "or quotations too deeply?)")
            raise PandocError("pandoc stopped unexpectedly")
        result = json.loads(answer)
        if not result.pop("ok"):
            raise PandocError(result["error"])
        return result

    def read(self, texts: list[str], *, fmt: str = MARKDOWN) -> list[dict]:
        """Parse Markdown texts into pandoc JSON documents, in one request (none if every text is
        plain words: `plain_blocks`)."""
        if not texts:
            return []
        # (what plain_blocks knows holds for pandoc's Markdown and for it with extensions taken off)
        plain = fmt == MARKDOWN or fmt.startswith(MARKDOWN + "-") and "+" not in fmt
        quick = [plain_blocks(t) if plain else None for t in texts]
        todo = [t for t, blocks in zip(texts, quick) if blocks is None]
        docs = [json.loads(d) for d in self.call("read", texts=todo, format=fmt)["docs"]] if todo else []
        if docs:
            self._api = docs[0]["pandoc-api-version"]
        api = self.api_version()
        read = iter(docs)
        return [next(read) if blocks is None else {"pandoc-api-version": api, "meta": {}, "blocks": blocks}
                for blocks in quick]

    def read_bodies(self, texts: list[str], *, fmt: str) -> list[tuple[dict, list[str], str]]:
        """Parse statement bodies, in one request: for each, its JSON document, the Markdown
        text of each of its slots (segment.slots), written as the inlines would be by themselves,
        and the document as pandoc wrote it (JSON text: stored as it is, not encoded again).

        Attribute-less spans (an editor's bare <span>…</span>) are unwrapped in the document, and
        spaces at the edges of emphasis moved outside it: pandoc writes them so, and a
        translation could never have them back.
        """
        if not texts:
            return []
        answer = self.call("read_bodies", **_bodies(texts, fmt))
        docs = [json.loads(d) for d in answer["docs"]]
        self._api = docs[0]["pandoc-api-version"]
        return list(zip(docs, answer["texts"], answer["docs"]))

    def read_file(self, path: Path, *, fmt: str) -> dict:
        """Parse a file of any format pandoc reads (docx, html, markdown) into a JSON document."""
        return json.loads(self.call("read_file", path=str(path), format=fmt)["doc"])

    def markdown(self, inline_lists: list[list]) -> list[str]:
        """Write each list of pandoc inlines as one line of Markdown, in one request."""
        if not inline_lists:
            return []
        doc = {"pandoc-api-version": self.api_version(), "meta": {},
               "blocks": [{"t": "Plain", "c": inl} for inl in inline_lists]}
        marker = uuid.uuid4().hex  # cannot occur in the text: separates the segments
        return self.call("markdown", doc=encode(doc), marker=marker)["texts"]

    def api_version(self) -> list[int]:
        """The pandoc-types version of this pandoc's JSON (asked once)."""
        if self._api is None:
            self._api = json.loads(self.call("read", texts=[""], format=MARKDOWN)["docs"][0])["pandoc-api-version"]
        return self._api

    def write(self, doc: dict, fmt: str, *, options: dict | None = None,
              template: str | None = None, path: Path | None = None) -> str | None:
        """Write a document in another format; binary formats go to `path`."""
        request: dict[str, Any] = {"doc": encode(doc), "format": fmt,
                                   "options": options or {}}
        if template is not None:
            request["template"] = template
        if path is not None:
            request["path"] = str(path)
        result = self.call("write", **request)
        return result.get("text")

    def write_many(self, requests: list[dict]) -> list[dict]:
        """Several `write`s in one request: [{"doc": dict, "format": str, "options"?, "template"?, "path"?}].

        Each answer is {"text": str}, {"path": str} or {"error": str}: one output failing
        does not take the others with it. Requests given the same document (the same object)
        share it: it is encoded and read by pandoc once.
        """
        if not requests:
            return []
        docs: dict[int, int] = {}   # id(document) -> its number (1, 2…: a Lua index) in `encoded`
        encoded: list[str] = []
        for r in requests:
            if id(r["doc"]) not in docs:
                encoded.append(encode(r["doc"]))
                docs[id(r["doc"])] = len(encoded)
        sent = [{**r, "doc": docs[id(r["doc"])], "options": r.get("options") or {}} for r in requests]
        return self.call("write_many", docs=encoded, requests=sent)["results"]

    def close(self) -> None:
        """Stop the worker: told to (its input ends), so that it removes the file `pandoc lua` keeps
        in the temporary folder (pandoc-hist<pid>-0, left behind when it is killed); killed if it
        has not stopped within STOP_TIMEOUT (busy with an answer no one reads)."""
        if self._proc is not None:
            proc, self._proc = self._proc, None
            try:
                proc.stdin.close()
                proc.wait(timeout=STOP_TIMEOUT)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
            proc.stdout.close()

    def _disown(self) -> None:
        """In a forked copy of the process that started the worker: let go of the copies of its pipes
        (the worker still reads from the original), so that it stops when its owner closes them."""
        if self._proc is not None:
            for pipe in (self._proc.stdin, self._proc.stdout):
                try:
                    pipe.close()
                except (OSError, ValueError):
                    pass
            self._proc = None


def _request(op: str, **request: Any) -> bytes:
    return (json.dumps({"op": op, **request}, ensure_ascii=False) + "\n").encode("utf-8")


def _bodies(texts: list[str], fmt: str) -> dict[str, Any]:
    return {"texts": texts, "format": fmt, "marker": uuid.uuid4().hex}


_running: weakref.WeakSet[Pandoc] = weakref.WeakSet()   # every Pandoc whose worker this process started


def stop_all() -> None:
    """Stop every pandoc worker this process started (see Pandoc.close)."""
    for p in list(_running):
        p.close()


def _forked() -> None:
    for p in list(_running):
        p._disown()
    _running.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


_shared: Pandoc | None = None


def shared() -> Pandoc:
    """The process-wide pandoc worker."""
    global _shared
    if _shared is None:
        _shared = Pandoc()
    return _shared
