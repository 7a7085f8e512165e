"""Segments -> .pot; merge into .po; .po -> Translations. The only module that touches PO files."""
from __future__ import annotations

import datetime
import gettext
import os
import pickle
import re
import shutil
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

import polib

from .errors import PipelineError, Problem, Location
from .files import write_atomic
from .manifest import code_digest, digest
from .locale import Language
from .poformat import Entry, format_po
from .segment import Segment

FUZZY = "fuzzy"
MARKDOWN_FLAG = "markdown-text"
TEMPLATE_FLAGS = {MARKDOWN_FLAG}
# GNU msgmerge's threshold: fstrcmp() >= 0.6, which is rapidfuzz's normalised Indel ratio.
FUZZY_CUTOFF = 60.0

Key = tuple  # (msgctxt or None, msgid)


@dataclass(frozen=True)
class Message:
    """A catalogue entry as read from a .po file, with its line."""

    msgid: str
    msgstr: str
    context: str | None = None
    fuzzy: bool = False
    flags: tuple[str, ...] = ()
    line: int | None = None
    obsolete: bool = False
    previous_msgid: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()  # the translator's own "# " comments

    @property
    def key(self) -> Key:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural)
        return bool(self.msgstr)

    @property
    def usable(self) -> bool:
        """Translated and not fuzzy: the translation may be published."""
        return self.translated and not self.fuzzy and not self.obsolete


@dataclass
class Translations:
    """What one .po file says: its messages by (context, msgid), with locations."""

    path: Path
    messages: dict[Key, Message] = field(default_factory=dict)
    obsolete: dict[Key, Message] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)
    header_comments: tuple[str, ...] = ()  # the "# " lines above the header entry

    def get(self, msgid: str, context: str | None = None) -> Message | None:
        return self.messages.get((context, msgid))

    def text(self, msgid: str, context: str | None = None) -> str | None:
        """The usable translation of msgid, or None."""
        m = self.get(msgid, context)
        return m.msgstr if m is not None and m.usable else None

    def ngettext(self, singular: str, plural: str, n: int) -> str | None:
        m = self.get(singular)
        if m is None or not m.usable or not m.msgstr_plural:
            return None
        index = plural_index(self.header.get("Plural-Forms", ""), n)
        return m.msgstr_plural[min(index, len(m.msgstr_plural) - 1)]


def plural_index(plural_forms: str, n: int) -> int:
    expr = plural_forms.partition("plural=")[2].strip().rstrip(";")
    try:
        return int(gettext.c2py(expr)(n)) if expr else int(n != 1)
    except (ValueError, SyntaxError):
        return int(n != 1)


# ---------------------------------------------------------------- reading


def read_po_cached(path: Path, cache: Path, known: Translations | None = None) -> Translations:
    """read_po, remembered under `cache` by the file's content hash (parsing is the slow part).
    `known`: what read_po made of the file as it now is (update read it), only to be remembered."""
    raw = path.read_bytes()
    key = digest(code_digest(), raw)  # a new pipeline may read (or refuse) a file differently
    spot = cache / f"{path.parent.name}--{path.stem}.pickle"
    if known is not None:
        write_atomic(spot, pickle.dumps((key, known)))
        return known
    try:
        stored_key, translations = pickle.loads(spot.read_bytes())
        if stored_key == key:
            translations.path = path
            return translations
    except (OSError, pickle.PickleError, ValueError, EOFError, AttributeError, TypeError):
        pass
    translations = read_po(path)
    write_atomic(spot, pickle.dumps((key, translations)))
    return translations


def read_po(path: Path) -> Translations:
    """Read a .po/.pot file; PipelineError with the file and line on any problem."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PipelineError(Problem(Location(path), f"cannot read the file ({exc.strerror})",
                                    "restore it from git, or delete it: `make update` writes a new one")) from None
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PipelineError(Problem(Location(path, line), "this file is not UTF-8 text",
                                    "save it as UTF-8 (in Poedit: Catalogue ▸ Properties ▸ UTF-8)")) from None
    text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    if not text.strip():
        raise PipelineError(Problem(Location(path, 1), "this catalogue is empty",
                                    "restore it from git (git checkout -- FILE), or delete it: "
                                    "`make update` then writes a new one to translate"))
    bad = _lexical_problem(path, text)
    if bad:
        raise PipelineError(bad)
    try:
        po = polib.pofile(text, encoding="utf-8", check_for_duplicates=False)
    except (OSError, ValueError, IndexError, KeyError, TypeError, AttributeError) as exc:
        raise PipelineError(_polib_problem(path, str(exc))) from None
    header_comments = tuple("# " + c if c else "#" for c in po.header.splitlines()) if po.header else ()
    translations = Translations(path=path, header=dict(po.metadata), header_comments=header_comments)
    lines = text.split("\n")
    problems: list[Problem] = []
    seen: dict[Key, int | None] = {}
    for e in po:
        key = (e.msgctxt, e.msgid)
        if key in seen:
            problems.append(Problem(
                Location(path, e.linenum), "this text (msgid) is already in this file"
                + (f", at line {seen[key]}" if seen[key] else ""),
                "delete one of the two entries (keep the better translation)"))
            continue
        seen[key] = e.linenum
        line = e.linenum if e.obsolete else _msgstr_line(lines, e.linenum)
        if e.obsolete and e.previous_msgid is None:
            e.previous_msgid = _obsolete_previous_msgid(lines, e.linenum)  # polib does not read "#~|"
        message = _message(e, obsolete=e.obsolete, line=line)
        if not e.obsolete and e.msgid:
            problems += _entry_problems(path, message, e.linenum)
        (translations.obsolete if e.obsolete else translations.messages)[key] = message
    if problems:
        raise PipelineError(problems)
    return translations


# The contexts (msgctxt) the pipeline writes; any other is a hand edit that would silently
# detach the translation from its segment.
CONTEXTS = (None, "signatory")
# A translation is at most this much longer than its original: anything longer is a paste
# gone wrong, and would cost pandoc minutes to read.
MAX_GROWTH, GROWTH_ALLOWANCE = 3, 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _entry_problems(path: Path, m: Message, entry_line: int | None) -> list[Problem]:
    """What is wrong with one live entry as the pipeline will use it."""
    from .source import markdown_problem

    where = Location(path, m.line or entry_line)
    if m.context not in CONTEXTS:
        return [Problem(Location(path, entry_line), f"unknown context (msgctxt) '{m.context}'",
                        "the pipeline writes only msgctxt \"signatory\": delete this msgctxt line, "
                        "or restore the entry with `make update`")]
    if m.msgid_plural is None and m.msgstr_plural:
        return [Problem(where, "msgstr[0], msgstr[1]… are only for an entry with a msgid_plural",
                        "write the translation as one msgstr \"…\"")]
    if m.msgid_plural is not None and not m.msgstr_plural:
        return [Problem(where, "this entry has a msgid_plural but no msgstr[0], msgstr[1]…",
                        "write one msgstr[N] \"…\" line per plural form (see Plural-Forms in the header)")]
    for text in (m.msgstr, *m.msgstr_plural):
        bad = _CONTROL.search(text)
        if bad:
            return [Problem(where, f"the translation has an invisible control character (U+{ord(bad.group()):04X})",
                            "delete it; most editors do not show it: retype the words around it")]
        limit = MAX_GROWTH * len(m.msgid) + GROWTH_ALLOWANCE
        if len(text) > limit:
            return [Problem(where, f"the translation is {len(text):,} characters long, its original "
                                   f"{len(m.msgid):,}: something was pasted here by mistake",
                            "keep only the translation of this entry's msgid")]
        found = markdown_problem(text)
        if found:
            return [Problem(where, f"the translation cannot be read as Markdown: {found[1]}", found[2])]
    return []


def _obsolete_previous_msgid(lines: list[str], start: int | None) -> str | None:
    """The "#~| msgid" of the obsolete entry starting at line `start` (its comments come first)."""
    if not start:
        return None
    parts: list[str] = []
    keyword, found = "", False
    for row in lines[start - 1: start + 400]:
        if not row.startswith("#") or row.startswith("#~ msg"):
            break
        if not row.startswith("#~|"):
            continue
        body = row[3:].strip()
        if not body.startswith('"'):
            keyword, _, body = body.partition(" ")
            body = body.strip()
        if keyword == "msgid" and len(body) >= 2:
            found = True
            parts.append(polib.unescape(body[1:-1]))
    return "".join(parts) if found else None


def _msgstr_line(lines: list[str], start: int | None) -> int | None:
    """The line of an entry's msgstr: where a translator fixes it."""
    if start is None:
        return None
    for i in range(start - 1, min(len(lines), start + 400)):
        if lines[i].startswith("msgstr"):
            return i + 1
    return start


def _message(e: polib.POEntry, obsolete: bool = False, line: int | None = None) -> Message:
    plural = tuple(e.msgstr_plural[i] for i in sorted(e.msgstr_plural)) if e.msgid_plural else ()
    return Message(
        msgid=e.msgid, msgstr=e.msgstr, context=e.msgctxt, fuzzy=FUZZY in (f.strip() for f in e.flags),
        flags=tuple(dict.fromkeys(f.strip() for f in e.flags if f.strip() and f.strip() != FUZZY)),
        line=line, obsolete=obsolete,
        previous_msgid=e.previous_msgid, msgid_plural=e.msgid_plural or None, msgstr_plural=plural,
        comments=tuple(e.tcomment.splitlines()) if e.tcomment else (),
    )


# polib (like Babel) silently accepts an unclosed string or an unknown escape; GNU
# msgfmt does not. This checks each line's tokens and the order of the keywords (polib
# does the parsing), so such a file is refused with its line instead of being half-read
# and rewritten. Only the escapes polib decodes are accepted: any other would be read
# as two characters and written back doubled.
_STRING = r'"(?:[^"\\]|\\[\\"ntrbfv])*"'
_LINE = re.compile(rf'^(?:#~\s*\|?\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{_STRING}\s*$')
_KEYWORD = re.compile(r'^(?:#~\s*)?(msgctxt|msgid_plural|msgid|msgstr\[\d+\]|msgstr)(?=[\s"]|$)')
_ESCAPE = re.compile(r'\\(.)')
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _lexical_problem(path: Path, text: str) -> Problem | None:
    entry: list[str] = []        # keywords of the entry being read
    entry_line, obsolete = 0, False
    for n, line in enumerate(text.split("\n"), 1):
        control = _RAW_CONTROL.search(line)
        if control:
            return Problem(Location(path, n), f"an invisible control character (U+{ord(control.group()):04X}) "
                                              "is on this line", "delete it; retype the words around it if "
                                                                 "your editor does not show it")
        stripped = line.strip()
        if stripped.startswith("#") and not stripped.startswith(("#~", "#|")) or not stripped:
            if stripped.startswith("#") and (len(stripped) - len(stripped.rstrip("\\"))) % 2:
                return Problem(Location(path, n), "this comment ends with a backslash \\",
                               "GNU gettext would join it with the next line: delete the backslash")
            continue
        if stripped.startswith("#|") and _LINE.match(stripped[2:].strip()):
            continue
        if stripped.startswith("#~") and not _LINE.match(stripped[2:].lstrip().removeprefix("|").strip()):
            if stripped[2:].lstrip().startswith("#") or not stripped[2:].strip():
                continue
        elif _LINE.match(stripped):
            if stripped.startswith("#~|"):
                continue
            keyword = _KEYWORD.match(stripped)
            if keyword:
                word = keyword.group(1).split("[")[0]
                if word in ("msgctxt", "msgid") and not (word == "msgid" and entry == ["msgctxt"]):
                    if entry and entry[-1] != "msgstr":
                        return _missing_msgstr(path, entry_line)
                    entry, entry_line, obsolete = [], n, stripped.startswith("#~")
                elif stripped.startswith("#~") != obsolete:
                    return Problem(Location(path, n), "this entry mixes obsolete lines (#~) and live lines",
                                   "start every line of an obsolete entry with #~, or none of them")
                if word == "msgid_plural" and entry[-1:] != ["msgid"] or \
                        word == "msgstr" and (not entry or keyword.group(1) == "msgstr" and "msgstr" in entry) or \
                        word == "msgid" and entry not in ([], ["msgctxt"]):
                    return Problem(Location(path, n), f"{keyword.group(1)} is out of place here",
                                   "an entry is: msgctxt (optional), msgid, msgid_plural (optional), then msgstr")
                if word == "msgstr" and ("[" in keyword.group(1)) != ("msgid_plural" in entry):
                    if "[" in keyword.group(1):
                        return Problem(Location(path, n), f"{keyword.group(1)} is only for an entry with a msgid_plural",
                                       'write the translation as one msgstr "…"')
                    return Problem(Location(path, n), "this entry has a msgid_plural: its translations are "
                                                      "msgstr[0], msgstr[1]…", "write one msgstr[N] line per plural form")
                entry.append(word)
            continue
        if stripped.count('"') % 2 or not stripped.endswith('"'):
            what = "a string is not closed (or has an unescaped quote \" inside)"
            hint = 'end the line with a closing " and write a quote inside the text as \\"'
        elif any(m.group(1) not in '\\"ntrbfv' for m in _ESCAPE.finditer(stripped)):
            bad = next(m.group(0) for m in _ESCAPE.finditer(stripped) if m.group(1) not in '\\"ntrbfv')
            what = f"the escape {bad} is not supported here"
            hint = "write the character itself (\\n, \\t, \\\" and \\\\ are the escapes to use)"
        else:
            what = "this line is not a valid PO line"
            hint = 'each line is a keyword (msgid, msgstr…) and a "…" string, a "…" continuation, or a # comment'
        return Problem(Location(path, n), what, hint)
    if entry and entry[-1] != "msgstr":
        return _missing_msgstr(path, entry_line)
    return None


def _missing_msgstr(path: Path, line: int) -> Problem:
    return Problem(Location(path, line), "this entry has no msgstr",
                   'add a line msgstr "" (empty: not translated yet) after its msgid')


def _polib_problem(path: Path, text: str) -> Problem:
    import re

    m = re.search(r"line (\d+)", text)
    line = int(m.group(1)) if m else None
    if "duplicate" in text.lower():
        what = "the same text appears twice in this file"
        hint = "delete one of the two entries (keep the better translation)"
    else:
        what = "this is not a valid PO file (" + re.sub(r"\s*\(line \d+\)", "", text).strip() + ")"
        hint = "check the quotes on that line: every line of a msgstr is one \"…\" string; or restore the file from git"
    return Problem(Location(path, line), what, hint)


# ---------------------------------------------------------------- translation memory


Reusable = dict  # context -> {msgid: usable translation}: what one catalogue offers the memory


# The translation memory's index is written whole once more than this many catalogues
# (or an eighth of them) changed since it last was.
RECENT, RECENT_MAX = ".recent", 16


class Memory:
    """What translators already wrote in other statements' catalogues, per language.

    Organisation names and stock phrases recur from statement to statement: `update`
    pre-fills an exact match and offers a close one as fuzzy. Only usable translations
    (translated, not fuzzy) are ever reused. The catalogues are read on first use; with a
    cache folder, what each catalogue offers is kept there by the catalogue's content hash, in
    one index per language (<lang>.pickle; `record` adds what update just wrote, `save` writes
    it), so only a catalogue changed by hand is read again.
    """

    def __init__(self, paths_by_language: dict[str, list[Path]], reader=None, *,
                 digest=None, cache: Path | None = None) -> None:
        self._paths = paths_by_language
        self._reader = reader or read_po
        self._digest = digest
        self._cache = cache if digest is not None else None
        self._loaded: dict[str, dict[str | None, dict[str, str]]] = {}
        # Per language, what each catalogue offers by its file name: (content hash, pickled offer).
        # Kept pickled: loading and saving the index costs little more than its bytes, and an
        # offer is only unpickled when the memory is consulted. Only what changed in this run
        # stays in memory; the whole index is read when the memory is first consulted, and again
        # when it is written whole.
        self._recent: dict[str, dict[str, tuple[str, bytes]]] = {}  # changed since <lang>.pickle
        # What `record` was told in this run, compressed until saved (zlib, fastest level: a third
        # of the size): an update that rewrites every catalogue holds all their offers till then.
        self._written: dict[str, dict[str, tuple[str, bytes]]] = {}
        self._dirty: set[str] = set()
        self._ids: dict[str, str] = {}  # one string for a msgid all languages have

    def _spot(self, lang: str, part: str = "") -> Path:
        # One index per language, <lang>.pickle, and what changed since it was written,
        # <lang>.recent.pickle: an edit rewrites the small file, not the whole index.
        return self._cache / f"{lang}{part}.pickle"

    def _load(self, spot: Path) -> dict:
        try:
            stored_code, stored = pickle.loads(spot.read_bytes())
            if stored_code == code_digest() and isinstance(stored, dict):
                return stored
        except (OSError, pickle.PickleError, ValueError, EOFError, AttributeError, TypeError):
            pass
        return {}

    def _recent_of(self, lang: str) -> dict[str, tuple[str, bytes]]:
        if lang not in self._recent:
            self._recent[lang] = self._load(self._spot(lang, RECENT))
        return self._recent[lang]

    def _whole(self, lang: str) -> dict[str, tuple[str, bytes]]:
        # Every entry carries the content hash of its catalogue: one left over from an
        # interrupted save is never taken for the catalogue as it now is.
        index = self._load(self._spot(lang))
        index.update(self._recent_of(lang))
        index.update(self._pending(lang))
        return index

    def _pending(self, lang: str) -> dict[str, tuple[str, bytes]]:
        """What this run recorded, as the index keeps it."""
        written = self._written.get(lang, {})
        return {stem: (key, zlib.decompress(packed)) for stem, (key, packed) in written.items()}

    def _offer(self, lang: str, path: Path, index: dict[str, tuple[str, bytes]]) -> Reusable:
        if self._cache is None:
            return self._read(path)
        key = self._digest(path)
        known = index.get(path.stem)
        if known is not None and known[0] == key:
            try:
                return pickle.loads(known[1])
            except (pickle.PickleError, ValueError, EOFError, AttributeError, TypeError):
                pass
        offer = self._read(path)
        self.record(lang, path, key, offer)
        return offer

    def _read(self, path: Path) -> Reusable:
        try:
            cat = self._reader(path)
        except PipelineError:
            return {}  # reported where that catalogue itself is read
        return reusable(m for m in cat.messages.values() if m.usable)

    def _language(self, lang: str) -> dict[str | None, dict[str, str]]:
        if lang not in self._loaded:
            known: dict[str | None, dict[str, str]] = {}
            index = self._whole(lang) if self._cache is not None else {}
            ids = self._ids
            for path in self._paths.get(lang, []):
                for context, texts in self._offer(lang, path, index).items():
                    mine = known.setdefault(context, {})
                    for msgid, msgstr in texts.items():
                        if msgid not in mine:
                            mine[ids.setdefault(msgid, msgid)] = msgstr
            self._loaded[lang] = known
        return self._loaded[lang]

    def record(self, lang: str, path: Path, key: str, offer: Reusable) -> None:
        """What the catalogue `path` (content hash `key`) offers, as update just wrote it."""
        if self._cache is not None:
            packed = zlib.compress(pickle.dumps(offer, protocol=pickle.HIGHEST_PROTOCOL), 1)
            self._written.setdefault(lang, {})[path.stem] = (key, packed)
            self._dirty.add(lang)

    def save(self) -> None:
        """Write what changed: in <lang>.recent.pickle while that stays small next to the whole
        index, otherwise the whole index again (catalogues gone are dropped from it)."""
        self._loaded.clear()  # no longer needed; the whole index may have to be read
        for lang in sorted(self._dirty):
            current = {p.stem for p in self._paths.get(lang, [])}
            recent = {**self._recent_of(lang), **self._pending(lang)}
            recent = {stem: v for stem, v in recent.items() if stem in current}
            if len(recent) > max(RECENT_MAX, len(current) // 8):
                index = self._load(self._spot(lang))
                index.update(recent)
                index = {stem: v for stem, v in index.items() if stem in current}
                write_atomic(self._spot(lang), pickle.dumps((code_digest(), index),
                                                            protocol=pickle.HIGHEST_PROTOCOL))
                recent = {}
            write_atomic(self._spot(lang, RECENT), pickle.dumps((code_digest(), recent),
                                                                protocol=pickle.HIGHEST_PROTOCOL))
            self._recent[lang] = recent
            self._written.pop(lang, None)
            stale = self._cache / lang  # one file per catalogue, as versions before the index kept it
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
        self._dirty.clear()

    def knows(self, lang: str) -> bool:
        """Whether any catalogue of this language offers a translation."""
        return any(self._language(lang).values())

    def exact(self, lang: str, key: Key) -> str | None:
        """The translation of exactly this text in another statement, if any."""
        context, msgid = key
        return self._language(lang).get(context, {}).get(msgid)

    def close(self, lang: str, key: Key) -> tuple[str, str] | None:
        """(previous msgid, its translation) of the closest text, as msgmerge would match it."""
        context, msgid = key
        candidates = self._language(lang).get(context, {})
        best = _closest(msgid, candidates)
        return (best, candidates[best]) if best is not None else None


def reusable(messages) -> Reusable:
    """The usable, single-form translations among `messages`, as the memory offers them."""
    offer: Reusable = {}
    for m in messages:
        if m.msgid_plural is None and m.msgid:
            offer.setdefault(m.context, {}).setdefault(m.msgid, m.msgstr)
    return offer


def _closest(text: str, candidates) -> str | None:
    """The candidate msgmerge would take as a fuzzy match for `text`, if any."""
    if not candidates:
        return None
    from rapidfuzz import fuzz, process  # only a merge that needs a fuzzy match pays its import

    best = process.extractOne(text, list(candidates), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return best[0] if best else None


# ---------------------------------------------------------------- writing


def _now() -> datetime.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)


def _stamp() -> str:
    return _now().strftime("%Y-%m-%d %H:%M+0000")


def template_entries(segments: Iterable[Segment], reference: str) -> list[Entry]:
    """The .pot entries of a statement's segments (a repeated text is one entry)."""
    entries: dict[Key, Entry] = {}
    for s in segments:
        key = (s.context, s.msgid)
        if key in entries:
            continue
        entries[key] = Entry(
            msgid=s.msgid, msgctxt=s.context,
            extracted_comments=tuple(s.comment.splitlines()) if s.comment else (),
            references=(reference,), flags=(MARKDOWN_FLAG,) if s.markdown else (),
        )
    return list(entries.values())


def _header_text(fields: list[tuple[str, str]]) -> str:
    return "".join(f"{k}: {v}\n" for k, v in fields)


def render_template(entries: list[Entry], *, title: str, project: str, created: str) -> str:
    """The text of a .pot file."""
    header = [
        ("Project-Id-Version", project),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", created),
        ("PO-Revision-Date", "YEAR-MO-DA HO:MI+ZONE"),
        ("Last-Translator", "FULL NAME <EMAIL@ADDRESS>"),
        ("Language-Team", "LANGUAGE <LL@li.org>"),
        ("Language", ""),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ]
    comments = [f"# Translation template for: {title}", "#", "#, fuzzy"]
    return format_po(comments, _header_text(header), entries)


def merge(template: list[Entry], old: Translations | None, language: Language, *,
          title: str, project: str, created: str, memory: Memory | None = None) -> str:
    """msgmerge: a .po text for `language` from the template and the previous catalogue."""
    return merge_catalogue(template, old, language, title=title, project=project, created=created,
                           memory=memory).text


@dataclass(frozen=True)
class Merged:
    """A merged catalogue: its text, and what update needs to know of it without reading it back."""

    text: str
    reusable: Reusable   # what it offers the translation memory (its usable translations)
    verify: bool         # a translation now stands under another original: read the file to check it


def merge_catalogue(template: list[Entry], old: Translations | None, language: Language, *,
                    title: str, project: str, created: str, memory: Memory | None = None) -> Merged:
    """merge(), with what the text says known without parsing it again."""
    old = old or Translations(path=Path())
    consulted = False   # (the memory reads every catalogue of the language: only when a text needs it)
    verify = False
    active = dict(old.messages)
    active.pop((None, ""), None)
    obsolete = dict(old.obsolete)
    exact = {key for key in ((e.msgctxt, e.msgid) for e in template) if key in active}
    # Old translations the new template no longer has: candidates for fuzzy matches.
    pool: dict[str | None, dict[str, Message]] = {}
    for key, m in active.items():
        if key not in exact and m.translated and m.msgid_plural is None:
            pool.setdefault(m.context, {})[m.msgid] = m

    entries: list[Entry] = []
    for t in template:
        key = (t.msgctxt, t.msgid)
        m = active.get(key) or obsolete.pop(key, None)
        if m is not None:
            if (m.msgid_plural is None) != (t.msgid_plural is None) and m.translated:
                raise PipelineError(_plurality_problem(old.path, m, plural=t.msgid_plural is not None))
            verify = verify or (m.obsolete and m.translated)  # obsolete entries were never checked
            entries.append(_carry(t, m))
            continue
        if memory is not None and not consulted:
            consulted = True
            if not memory.knows(language.code):
                memory = None   # (a first update: nothing to look up for each of the statement's texts)
        reused = memory.exact(language.code, key) if memory else None
        if reused:
            entries.append(replace(t, msgstr=reused))
            continue
        candidates = pool.get(t.msgctxt, {})
        best = _closest(t.msgid, candidates)
        if best is None and memory:
            best_text = memory.close(language.code, key)
            if best_text:
                verify = verify or _too_long(best_text[1], t.msgid)
                entries.append(replace(t, msgstr=best_text[1], flags=(FUZZY,) + t.flags,
                                       previous_msgid=best_text[0]))
                continue
        if best is not None:
            m = candidates[best]
            verify = verify or _too_long(m.msgstr, t.msgid)
            entries.append(replace(t, msgstr=m.msgstr, translator_comments=m.comments,
                                   flags=(FUZZY,) + _user_flags(m, t), previous_msgctxt=None,
                                   previous_msgid=_translated_text(m)))
            continue
        entries.append(t)

    # Nothing a translator wrote is dropped: vanished translations stay as #~ entries.
    template_keys = {(e.msgctxt, e.msgid) for e in template}
    keep: list[Entry] = []
    for key, m in list(active.items()) + list(obsolete.items()):
        if key in template_keys or not m.translated or not m.msgid:  # (an old header is no translation)
            continue
        keep.append(Entry(msgid=m.msgid, msgstr=m.msgstr, msgctxt=m.context, obsolete=True,
                          translator_comments=m.comments,
                          previous_msgid=m.previous_msgid if m.fuzzy and m.msgid_plural is None else None,
                          flags=((FUZZY,) if m.fuzzy else ()) + m.flags,
                          msgid_plural=m.msgid_plural, msgstr_plural=m.msgstr_plural))
    header = _po_header(old, language, project=project, created=created)
    comments = old_header_comments(old) or [
        f"# {language.english_name} translation of: {title}",
        "# Translators: fill in each msgstr; leave a signatory's msgstr empty to keep the name as signed.",
    ]
    try:
        text = format_po(comments, header, entries + keep)
    except ValueError as exc:  # something polib read that gettext cannot write back
        raise PipelineError(Problem(Location(old.path), f"this catalogue cannot be written back ({exc})",
                                    "restore it from git, or report this as a pipeline bug")) from None
    offer: Reusable = {}
    for e in entries:  # as Memory would read them from the text: usable, single-form translations
        if e.msgstr and e.msgid and e.msgid_plural is None and FUZZY not in e.flags:
            offer.setdefault(e.msgctxt, {}).setdefault(e.msgid, e.msgstr)
    return Merged(text, offer, verify)


def _too_long(translation: str, msgid: str) -> bool:
    """Whether read_po would refuse `translation` as a paste gone wrong under `msgid`."""
    return len(translation) > MAX_GROWTH * len(msgid) + GROWTH_ALLOWANCE


def _plurality_problem(path: Path, m: Message, *, plural: bool) -> Problem:
    if plural:
        return Problem(Location(path, m.line), "the original of this entry has plural forms, the translation not",
                       "write msgid_plural and one msgstr[N] line per plural form (Poedit shows a tab per form)")
    return Problem(Location(path, m.line), "this entry has plural forms (msgid_plural, msgstr[N]) but its "
                                           "original is a single text",
                   'keep one translation as msgstr "…" and delete the msgid_plural and msgstr[N] lines')


def _translated_text(m: Message) -> str:
    """The text a translation was made for: a fuzzy entry's msgstr translates its previous msgid."""
    return m.previous_msgid if m.fuzzy and m.previous_msgid is not None else m.msgid


def _user_flags(m: Message, t: Entry) -> tuple[str, ...]:
    """Template flags, then the flags a translator or tool added (ignore-… checks)."""
    return t.flags + tuple(f for f in m.flags if f not in TEMPLATE_FLAGS and f not in t.flags)


def _carry(t: Entry, m: Message) -> Entry:
    return replace(
        t, msgstr=m.msgstr, translator_comments=m.comments,
        flags=((FUZZY,) if m.fuzzy else ()) + _user_flags(m, t),
        previous_msgid=m.previous_msgid if m.fuzzy else None,
        msgid_plural=m.msgid_plural if t.msgid_plural else t.msgid_plural,
        msgstr_plural=m.msgstr_plural if t.msgid_plural else (),
    )


def _po_header(old: Translations, language: Language, *, project: str, created: str) -> str:
    """The header: the old one's fields in their order, with the facts kept right."""
    fields = [(k, v) for k, v in old.header.items()]
    facts = {
        "Project-Id-Version": project,
        "POT-Creation-Date": created,
        "Language": language.code,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": language.plural_forms,
    }
    defaults = [
        ("Project-Id-Version", project), ("Report-Msgid-Bugs-To", ""), ("POT-Creation-Date", created),
        ("PO-Revision-Date", created), ("Last-Translator", ""), ("Language-Team", ""),
    ]
    if not fields:
        fields = defaults
    seen = {k for k, _ in fields}
    fields = [(k, facts.get(k, v)) for k, v in fields]
    fields += [(k, v) for k, v in facts.items() if k not in seen]
    return _header_text(fields)


def old_header_comments(old: Translations) -> list[str]:
    return list(old.header_comments)
