"""Translated document -> PDF, typeset by Typst from pandoc's Typst output.

    pdf = render_pdf(doc, pandoc=pandoc, fonts=resolve_fonts(config))

One Typst compiler per font set is kept for the run (fonts are loaded once), and
it compiles in a private, empty folder: Typst reads no other file and fetches no
package. Translations are untrusted text; pandoc's Typst writer escapes them,
and everything this module writes into the Typst source itself is either a
fixed keyword or a string literal escaped by `_string`.
"""
from __future__ import annotations

import datetime
import os
import re
import shutil
import sys
import tempfile
import threading
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .. import ui
from ..errors import Location, PipelineError, Problem
from ..pandoc import Pandoc, PandocError, joined_words
from ..translate import Document, plain_inlines
from .fonts import Fonts
from .isolate import may_be_mixed, mixed, other_letters

TEMPLATE = "templates/statement.typ"
SIGNATORIES_ID = "signatories"
TWO_COLUMNS_FROM = 8          # longer signatory lists are set in two columns
AUTHORS_UP_TO = 6             # PDF author: the names up to this many, else "Signed by N …"
FALLBACK_TIMESTAMP = 946684800  # 2000-01-01: for an undated statement without SOURCE_DATE_EPOCH

# Typst numbering symbols for CLDR numbering systems (facts about digit sets).
_NUMBERING = {"latn": "1", "arab": "\u0661", "arabext": "\u06f1", "deva": "\u0967", "beng": "\u09e7"}

# Per script: body size, leading, paragraph spacing. Arabic-script faces are small on
# the body and tall (dots and marks above and below): larger, with more air.
_TYPE = {"Arab": ("12.5pt", "0.95em", "1.55em")}
_DEFAULT_TYPE = ("11pt", "0.78em", "1.2em")
_ITALIC_SCRIPTS = {"Latn", "Cyrl", "Grek"}


def render_pdf(doc: Document, *, pandoc: Pandoc, fonts: Fonts, timestamp: int | None = None) -> bytes:
    """The statement as a PDF; same inputs, same bytes (see `creation_timestamp`)."""
    source = typst_source(doc, pandoc=pandoc, fonts=fonts)
    return typesetter(fonts).compile(source, doc=doc, timestamp=timestamp)


def typst_source(doc: Document, *, pandoc: Pandoc, fonts: Fonts) -> str:
    """The Typst source of the statement: pandoc's body inside the project's template."""
    request = typst_request(doc, fonts)
    try:
        text = pandoc.write(request["doc"], "typst", template=request["template"], options=request["options"])
    except PandocError as exc:
        raise typst_error(doc, exc) from None
    assert text is not None
    return checked_source(doc, text)


def typst_error(doc: Document, exc: object) -> PipelineError:
    return _error(doc, f"pandoc could not write the Typst source: {exc}")


def checked_source(doc: Document, text: str) -> str:
    """Pandoc's Typst output, refused if any text would run as code."""
    found = code_in_markup(text)
    if found:  # a tripwire: escaping is what keeps text out of code, this checks it did
        raise _error(doc, f"refused: the text would run Typst code ({found})")
    return text


def typst_request(doc: Document, fonts: Fonts) -> dict:
    """What pandoc is asked to write: the Typst source (a `Pandoc.write_many` request)."""
    lang = doc.language
    setter = typesetter(fonts)
    size, leading, spacing = _TYPE.get(lang.script, _DEFAULT_TYPE)
    language, _, region = lang.tag.partition("-")
    variables = {
        "text-lang": language.lower(),
        "text-dir": "rtl" if lang.rtl else "ltr",
        "font-stack": "(" + "".join(_string(n) + ", " for n in setter.stack(lang.script)) + ")",
        "digits": _NUMBERING.get(lang.numbering, "1"),
        "body-size": size,
        "leading": leading,
        "spacing": spacing,
        "columns-from": str(TWO_COLUMNS_FROM),
        # Arabic-script typography has no italic: quotations stay upright there.
        "quote-style": '"italic"' if lang.script in _ITALIC_SCRIPTS else '"normal"',
    }
    if len(region) == 2 and region.isalpha():
        variables["text-region"] = region.upper()
    variables["document-title"] = _string(doc.title)
    author = _author(doc)
    if author:
        variables["author"] = author
    if doc.draft:
        variables["draft"] = "true"
    return {"doc": joined_words(_typst_ast(doc), typst=True), "format": "typst", "template": _template(),
            "options": {"variables": variables, "wrap_text": "none"}}


# Typst functions that read files, load packages or evaluate strings. Neither the template
# nor pandoc's writer calls them: found outside a string or raw literal, they came from text.
_CALL = r"#\s*(?:read|import|include|eval|plugin|image|json|csv|yaml|toml|xml|cbor)\b"
_FILE_ACCESS = re.compile(r"(?<!\\)(?:\\\\)*" + _CALL)
_LITERAL = re.compile(r'(?<!\\)(?:\\\\)*(?:"(?:[^"\\]|\\.)*"|`[^`]*`)', re.S)
# Such a call anywhere, in literals too. Taking the literals out puts '""' in their place, which
# cannot make one appear: a source without one (nearly all) needs no more (~1.4 ms a statement).
_ANY_CALL = re.compile(_CALL)


def code_in_markup(source: str) -> str | None:
    """The first file-reading or code-evaluating Typst call in `source`, outside string and raw literals."""
    if not _ANY_CALL.search(source):
        return None
    found = _FILE_ACCESS.search(_LITERAL.sub('""', source))
    return found.group(0).lstrip("\\") if found else None


def creation_timestamp(doc: Document) -> int:
    """SOURCE_DATE_EPOCH when set, else the statement's date: never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return int(epoch)
    if doc.date_iso:
        day = datetime.date.fromisoformat(doc.date_iso)
        return int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc).timestamp())
    return FALLBACK_TIMESTAMP


# ------------------------------------------------------------- the document for Typst


def _typst_ast(doc: Document) -> dict:
    """The body without the signatory list (the template sets it), metadata as the template wants it."""
    blocks = doc.ast["blocks"]
    cut = next((i for i in range(len(blocks) - 1, -1, -1) if _is_signatories_heading(blocks[i])), None)
    if cut is not None:
        blocks = blocks[:cut]
    rtl = doc.language.rtl
    # (its words are the document's, raw Typst made words included: may_be_mixed answers for them)
    if may_be_mixed(doc, rtl=rtl) or doc.body.kinds & _NOT_TYPST_SAFE:
        # _typst_safe copies every list and every node with content: what follows edits the copy only.
        blocks = _outline(_typst_safe(blocks))
        if mixed(blocks, rtl=rtl):
            blocks = _isolate_blocks(blocks, rtl=rtl)
    else:
        # Nothing _typst_safe changes, nothing to isolate: only _outline edits, and only the top-level
        # headings' own dicts (their "c" replaced), copied here; the rest is the document's.
        blocks = _outline([{**b} if b.get("t") == "Header" else b for b in blocks])
    ast = {"pandoc-api-version": doc.ast["pandoc-api-version"], "meta": {}, "blocks": blocks}

    def inlines(text: str) -> dict:
        words = plain_inlines(text)
        # (without a letter of the other direction, _isolate gives the words back as they are)
        return {"t": "MetaInlines", "c": _isolate(words, rtl=rtl) if other_letters(text, rtl=rtl) else words}

    meta = {"title": inlines(doc.title)}
    if doc.subtitle:
        meta["subtitle"] = inlines(doc.subtitle)
    if doc.date:
        meta["date"] = inlines(doc.date)
    if doc.signed_by and doc.signatories:
        meta["signed-by"] = inlines(doc.signed_by)
    if doc.signatories:
        meta["signatories-title"] = inlines(doc.t(ui.SIGNATORIES))
        meta["signatories"] = {"t": "MetaList", "c": [inlines(name) for name in doc.signatories]}
    if doc.draft:
        meta["draft-mark"] = inlines(doc.t(ui.DRAFT))
        meta["draft-notice"] = inlines(doc.t(ui.DRAFT_NOTICE))
        if doc.missing:
            meta["missing"] = inlines(doc.language.number(len(doc.missing)))
    ast["meta"] = meta
    return ast


# Nodes _typst_safe replaces (RawInline and RawBlock: when Typst), and None: a node that is not one.
_NOT_TYPST_SAFE = frozenset({"Cite", "Image", "RawInline", "RawBlock", None})


def _is_signatories_heading(block: dict) -> bool:
    return block.get("t") == "Header" and block["c"][1][0] == SIGNATORIES_ID


def _typst_safe(node):
    """What would make Typst run code, read a file or look up a reference becomes plain text."""
    if isinstance(node, list):
        out = []
        for item in node:
            t = item.get("t") if isinstance(item, dict) else None
            if t == "Cite":
                out.extend(_typst_safe(item["c"][1]))        # "@handle" is text, not a reference
            elif t == "Image":
                out.extend(_typst_safe(item["c"][1]))        # no files are read: the description
            elif t == "RawInline" and item["c"][0] == "typst":
                out.append({"t": "Str", "c": item["c"][1]})  # raw Typst in a source is shown, never run
            elif t == "RawBlock" and item["c"][0] == "typst":
                out.append({"t": "Para", "c": [{"t": "Str", "c": item["c"][1]}]})
            else:
                out.append(_typst_safe(item))
        return out
    if isinstance(node, dict) and "c" in node:
        return {**node, "c": _typst_safe(node["c"])}
    return node


# Unicode bidi isolates: a paragraph written in the other direction (an untranslated
# passage of a draft, an organisation's Latin name in an Arabic list) keeps its own
# word and punctuation order, while the page keeps its alignment and list numbers.
_ISOLATE = {"ltr": "\u2066", "rtl": "\u2067"}   # LRI, RLI
_POP = "\u2069"                                  # PDI


def _isolate(inlines: list, *, rtl: bool) -> list:
    """Inlines mostly in the other direction than the document's, isolated in their own."""
    ltr = rtl_count = 0
    for text in _texts(inlines):
        a, b = _strong_counts(text)
        ltr += a
        rtl_count += b
    own, other = (rtl_count, ltr) if rtl else (ltr, rtl_count)
    if other <= own:
        return inlines
    other_dir = "ltr" if rtl else "rtl"
    return [{"t": "Str", "c": _ISOLATE[other_dir]}, *inlines, {"t": "Str", "c": _POP}]


@lru_cache(maxsize=65536)
def _strong_counts(text: str) -> tuple[int, int]:
    """How many strong left-to-right and right-to-left characters a word has (words repeat: cached)."""
    ltr = rtl = 0
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            ltr += 1
        elif kind in ("R", "AL"):
            rtl += 1
    return ltr, rtl


def _texts(node):
    """The words of inlines, footnotes left out (they are paragraphs of their own)."""
    if isinstance(node, list):
        for item in node:
            yield from _texts(item)
    elif isinstance(node, dict):
        t, c = node.get("t"), node.get("c")
        if t == "Str":
            yield c
        elif t not in ("Note", "Code", "Math", "RawInline") and isinstance(c, list):
            yield from _texts(c)


def _isolate_blocks(blocks: list, *, rtl: bool) -> list:
    """`_isolate` applied to every paragraph, list item, heading and footnote."""
    for block in blocks:
        t, c = block.get("t"), block.get("c")
        if t in ("Para", "Plain"):
            _isolate_notes(c, rtl=rtl)
            block["c"] = _isolate(c, rtl=rtl)
        elif t == "Header":
            _isolate_notes(c[2], rtl=rtl)
            c[2] = _isolate(c[2], rtl=rtl)
        elif t in ("BlockQuote",):
            _isolate_blocks(c, rtl=rtl)
        elif t in ("BulletList",):
            for item in c:
                _isolate_blocks(item, rtl=rtl)
        elif t == "OrderedList":
            for item in c[1]:
                _isolate_blocks(item, rtl=rtl)
        elif t == "Div":
            _isolate_blocks(c[1], rtl=rtl)
    return blocks


def _isolate_notes(inlines, *, rtl: bool) -> None:
    if isinstance(inlines, list):
        for node in inlines:
            _isolate_notes(node, rtl=rtl)
    elif isinstance(inlines, dict):
        if inlines.get("t") == "Note":
            _isolate_blocks(inlines["c"], rtl=rtl)
        elif isinstance(inlines.get("c"), list):
            _isolate_notes(inlines["c"], rtl=rtl)


def _outline(blocks: list) -> list:
    """Body headings start at level 2 (the title is level 1) and never skip a level (PDF/UA)."""
    headers = [b for b in blocks if b.get("t") == "Header"]
    if not headers:
        return blocks
    shift = min(h["c"][0] for h in headers) - 2
    previous = 1
    for h in headers:
        level = min(h["c"][0] - shift, previous + 1)
        h["c"] = [level, *h["c"][1:]]
        previous = level
    return blocks


def _author(doc: Document) -> str | None:
    """A Typst literal for the PDF author: the organisations, or "Signed by N …" for a long list."""
    if not doc.signatories:
        return None
    if len(doc.signatories) <= AUTHORS_UP_TO:
        return "(" + "".join(_string(n) + ", " for n in doc.signatories) + ")"
    return _string(doc.signed_by)


def _string(text: str) -> str:
    """A Typst string literal holding `text` exactly (control characters dropped)."""
    escaped = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}
    return '"' + "".join(escaped.get(ch, ch) for ch in text if ch >= " " or ch in "\n\t") + '"'


@lru_cache(maxsize=None)
def _template() -> str:
    return resources.files("pipeline").joinpath(TEMPLATE).read_text(encoding="utf-8")


def _error(doc: Document, message: str) -> PipelineError:
    """A PipelineError naming the statement and the language, pointing at the file to look at."""
    lang = doc.language
    source = lang.code == doc.source_language.code
    if "could not be displayed" in message:
        hint = ("no configured font has a letter for this character: remove it from the text, "
                "or choose a font that has it under fonts: in project.yaml")
    else:
        hint = ("check this " + ("statement" if source else "translation") + " for unusual markup; "
                "if it looks right, report this as a pipeline bug")
    return PipelineError(Problem(
        Location(doc.edited_in),
        f"cannot typeset the PDF of '{doc.slug}' in {lang.english_name} ({lang.code}): {message}",
        hint))


def _warning(doc: Document, warning: object) -> Problem:
    """A Typst warning about a PDF that was written all the same (a layout that did not settle, a
    missing font): the user should look at that PDF before it goes out."""
    lang = doc.language
    return Problem(
        Location(doc.edited_in),
        f"Typst warns about the PDF of '{doc.slug}' in {lang.english_name} ({lang.code}): "
        f"{_typst_message(warning)}",
        "the PDF was written: look at it before sending it out; "
        "if it looks wrong and the text is right, report this as a pipeline bug",
        severity="warning")


# ------------------------------------------------------------- Typst


# typst-py calls comemo::evict(10) after each compilation (src/compiler.rs).
CACHE_AGE = 10
# What Typst freed goes back to the system after every TRIM_EVERY statements. Each time costs ~4 ms of
# system time (the C library hands back the pages; the next statement faults them in again): after
# every statement that was ~10 % of a PDF's time. 500 statements: peak memory of the publish (PSS)
# 277 MB trimming after each, 279 MB after every fourth, 295 MB never.
TRIM_EVERY = 4


class Typesetter:
    """A Typst compiler with the project's fonts loaded once, compiling in an empty private folder."""

    def __init__(self, fonts: Fonts) -> None:
        import typst

        self._dir = tempfile.TemporaryDirectory(prefix="statement-typst-")
        self._owner = os.getpid()   # (a forked render process shares this object, not the folder's ownership)
        root = Path(self._dir.name)
        self.root = root / "build"
        for sub in (self.root, root / "fonts", root / "packages", root / "package-cache"):
            sub.mkdir()
        # Typst loads fonts by folder: a folder of links to exactly the configured files.
        for i, path in enumerate(fonts.files):
            link = root / "fonts" / f"{i:02d}-{path.name}"
            try:
                link.symlink_to(path)
            except OSError:
                shutil.copyfile(path, link)
        found = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                            font_paths=[str(root / "fonts")])
        # The family names Typst reads from the files (fontpkg's name may be spelt differently).
        by_path = {Path(f.path).resolve(): f.family for f in found.fonts() if f.path}
        self._names = {
            family.name: next((by_path[p] for p in (f.path.resolve() for f in family.faces) if p in by_path),
                               family.name)
            for family in fonts.families
        }
        self._fonts = fonts
        self._compiler = typst.Compiler(
            root=str(self.root), font_paths=found, ignore_system_fonts=True,
            package_path=str(root / "packages"), package_cache_path=str(root / "package-cache"))
        self._lock = threading.Lock()
        self._compiled = 0

    def close(self) -> None:
        """Remove the private folder (only in the process that made it)."""
        if os.getpid() == self._owner:
            self._dir.cleanup()

    def _forget(self) -> None:
        """Let Typst drop what it memoised for the statement just compiled.

        After each compilation, typst-py evicts from Typst's memo cache the results that
        CACHE_AGE compilations have not used. A statement leaves ~6 MB there, which another
        statement seldom reuses: ~80 MB per render process once ten are kept. Compiling an empty
        document that many times (a few microseconds each) ages them out; the next statement is
        compiled as fast without them."""
        for _ in range(CACHE_AGE):
            self._compiler.compile(input=b"", format="svg")
        # What Typst freed goes back to the system (~8 MB of a render process), not to the C library's
        # free lists, where it still counts as the process's memory: every TRIM_EVERY statements.
        self._compiled += 1
        trim = _malloc_trim()
        if trim is not None and self._compiled % TRIM_EVERY == 0:
            trim(0)

    def stack(self, script: str) -> tuple[str, ...]:
        """Font family names for a document in `script`, as Typst knows them."""
        return tuple(self._names.get(n, n) for n in self._fonts.stack(script))

    def compile(self, source: str, *, doc: Document, timestamp: int | None = None) -> bytes:
        """Typst source -> PDF bytes; a Typst error becomes a PipelineError naming the statement."""
        when = creation_timestamp(doc) if timestamp is None else timestamp
        try:
            with self._lock:
                try:
                    pdf, warnings = self._compiler.compile_with_warnings(
                        input=source.encode("utf-8"), format="pdf", root=str(self.root),
                        timestamp=when, pdf_standards=["ua-1"], pdf_tags=True)
                finally:
                    self._forget()
        except RuntimeError as exc:  # typst.TypstError and friends
            raise _error(doc, _typst_message(exc)) from None
        # Said where it happens (a render process's output is the user's terminal too): the run goes on.
        for warning in warnings:
            print(_warning(doc, warning), file=sys.stderr)
        assert isinstance(pdf, bytes)
        return pdf


@lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (macOS, Windows, musl)."""
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def _typst_message(exc: Exception) -> str:
    """Typst's message and hints, without its trace through the generated source."""
    message = getattr(exc, "message", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    hints = [h for h in getattr(exc, "hints", None) or [] if "\n" not in h]
    return message + "".join(f" ({h})" for h in hints)


@lru_cache(maxsize=4)
def typesetter(fonts: Fonts) -> Typesetter:
    """The run's Typesetter for these fonts: created on first use, then reused."""
    return Typesetter(fonts)
