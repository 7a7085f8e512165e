"""AST + Translations -> translated AST, plus the list of what fell back to the source."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import ui
from .catalog import Translations
from .config import Config, LanguageConfig
from .locale import Language
from .pandoc import Pandoc, joined_words
from .segment import BODY_MARKDOWN, SIGNATORY, Segment, slots, stringify
from .update import Extracted

EMPTY_ATTR = ["", [], []]
TRANSLATION_MARKDOWN = BODY_MARKDOWN  # (a translation is read as its source is)
_UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")


@dataclass(frozen=True)
class Fallback:
    """A segment published in the source language because it has no usable translation."""

    segment: Segment
    reason: str  # "untranslated" or "fuzzy"


@dataclass
class Document:
    """A statement in one language, ready for the renderers."""

    slug: str
    language: Language
    source_language: Language
    ast: dict                    # full pandoc document: meta + body + signatory list
    title: str
    subtitle: str | None
    date: str | None             # in the language's words and digits
    date_iso: str | None
    signatories: tuple[str, ...]
    strings: dict[str, str]      # the pipeline's own words, translated
    missing: tuple[Fallback, ...] = ()
    draft: bool = False
    signed_by: str = ""

    def t(self, msgid: str) -> str:
        return self.strings.get(msgid, msgid)

    @property
    def edited_in(self) -> Path:
        """The file a user edits for this document: its statement, or its translation."""
        if self.language.code == self.source_language.code:
            return Path("source") / f"{self.slug}.md"
        return Path("locales") / self.language.code / f"{self.slug}.po"

    @cached_property
    def body(self) -> "BodySummary":
        """What the renderers ask of the body before walking it (found in one walk, for HTML and
        Typst both: ast is not edited once the document is made)."""
        words: list[str] = []
        raw: list[str] = []
        kinds: set = set()
        _summarise(self.ast["blocks"], words, raw, kinds)
        return BodySummary(_bidi_classes("".join(words)), _bidi_classes("".join(raw)), frozenset(kinds))

    @cached_property
    def joined(self) -> dict:
        """ast with each run of words and spaces as one Str (pandoc.joined_words): what the HTML and
        Word requests send (the same object: encoded and read by pandoc once for both)."""
        return joined_words(self.ast)


def _summarise(nodes: list, words: list[str], raw: list[str], kinds: set) -> None:
    """The words, raw code and kinds of nodes of a block or inline list, into the lists and set
    given (one call for each list holding nodes: words and spaces, most nodes, are taken in turn)."""
    for item in nodes:
        if isinstance(item, dict):
            t = item.get("t")
            if t == "Str":
                words.append(item["c"])
                continue
            if t == "Space":
                continue
            kinds.add(t)
            c = item.get("c")
            if t in ("RawInline", "RawBlock"):
                raw.append(c[1])
            elif isinstance(c, list):
                _summarise(c, words, raw, kinds)
            elif isinstance(c, dict):
                kinds.add(None)  # (pandoc's JSON has none: not walked, the body is "unusual")
        elif isinstance(item, list):
            _summarise(item, words, raw, kinds)


@dataclass(frozen=True)
class BodySummary:
    """The bidi classes of the characters of a body's words (Str: footnotes and signatory list
    included) and of its raw code; the kinds ("t") of its nodes other than Str and Space, with
    None for a node of none."""

    words: frozenset[str]
    raw: frozenset[str]
    kinds: frozenset


def _bidi_classes(text: str) -> frozenset[str]:
    return frozenset(map(unicodedata.bidirectional, set(text)))


def plain_inlines(text: str) -> list[dict]:
    """Plain text as pandoc inlines: no Markdown is interpreted (names, titles)."""
    out: list[dict] = []
    for i, word in enumerate(text.split()):
        if i:
            out.append({"t": "Space"})
        out.append({"t": "Str", "c": word})
    return out


# ------------------------------------------------------------- sanitising


@dataclass
class _Allowed:
    raws: set = field(default_factory=set)
    maths: set = field(default_factory=set)
    cites: dict = field(default_factory=dict)
    targets: set = field(default_factory=set)
    images: set = field(default_factory=set)
    attrs: set = field(default_factory=set)
    notes: int = 0


# Nodes with nothing inside and nothing `_allowed` or `sanitize` looks at: passed over at once
# (most nodes are words and spaces).
_PLAIN = {"Str", "Space", "SoftBreak", "LineBreak"}


def _allowed(inlines: list) -> _Allowed:
    allowed = _Allowed()
    _collect(inlines, allowed)
    return allowed


def _collect(nodes: list, allowed: _Allowed) -> None:
    """What a source's nodes allow, found in document order (a citation key's citations: in theirs)."""
    for item in nodes:
        if isinstance(item, dict):
            t = item.get("t")
            if t in _PLAIN:
                continue
            c = item.get("c")
            if t == "RawInline":
                allowed.raws.add((c[0], c[1]))
            elif t == "Math":
                allowed.maths.add(json.dumps(c))
            elif t == "Cite":
                allowed.cites.setdefault(_cite_key(c), []).append(c[0])
            elif t == "Link":
                allowed.targets.add(c[2][0])
            elif t == "Image":
                allowed.images.add(c[2][0])
            elif t == "Note":
                allowed.notes += 1
            if t in ("Link", "Image", "Span", "Code"):
                allowed.attrs.add(json.dumps(c[0]))
            if isinstance(c, list):
                _collect(c, allowed)
        elif isinstance(item, list):
            _collect(item, allowed)


def sanitize(inlines: list, source: list, *, _allowance: _Allowed | None = None) -> list:
    """Keep only what the source segment allows: no new raw code, links, images, notes, attributes."""
    allowed = _allowed(source) if _allowance is None else _allowance  # shared with nested notes

    def clean(items: list) -> list:
        out: list = []
        for node in items:
            if node.get("t") in _PLAIN:
                out.append(node)  # (what clean_one gives back for them)
            else:
                out.extend(clean_one(node))
        return out

    def clean_one(node: dict) -> list:
        t, c = node.get("t"), node.get("c")
        if t == "RawInline":
            if (c[0], c[1]) in allowed.raws:
                return [node]
            return [{"t": "Str", "c": c[1]}]
        if t == "Math":  # the source's own formulas only (Typst runs code in math)
            return [node] if json.dumps(c) in allowed.maths else [{"t": "Str", "c": stringify([node])}]
        if t == "Cite":  # the source's own citations only; anything else is text
            known = allowed.cites.get(_cite_key(c))
            if not known:
                return clean(c[1])
            citations = known.pop(0) if len(known) > 1 else known[0]  # in the source's order
            return [{"t": "Cite", "c": [citations, clean(c[1])]}]
        if t == "Image":
            if c[2][0] in allowed.images and not c[2][0].lower().startswith(_UNSAFE_SCHEMES):
                return [{"t": "Image", "c": [_attr(c[0], allowed), clean(c[1]), c[2]]}]
            return clean(c[1])
        if t == "Link":
            target = c[2][0]
            if target in allowed.targets and not target.strip().lower().startswith(_UNSAFE_SCHEMES):
                return [{"t": "Link", "c": [_attr(c[0], allowed), clean(c[1]), c[2]]}]
            return clean(c[1])
        if t == "Note":
            if allowed.notes > 0:
                allowed.notes -= 1
                return [{"t": "Note", "c": _clean_blocks(c, source, allowed)}]
            return [{"t": "Space"}, {"t": "Str", "c": "(" + stringify(c).strip() + ")"}]
        if t == "Span":
            return [{"t": "Span", "c": [_attr(c[0], allowed), clean(c[1])]}]
        if t == "Code":
            return [{"t": "Code", "c": [_attr(c[0], allowed), c[1]]}]
        if t == "Quoted":
            return [{"t": "Quoted", "c": [c[0], clean(c[1])]}]
        if isinstance(c, list) and t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript",
                                         "Subscript", "SmallCaps"):
            return [{"t": t, "c": clean(c)}]
        return [node]

    return clean(inlines)


def _cite_key(c: list) -> str:
    """A citation as the reader wrote it (pandoc numbers citations by their place in the document)."""
    return json.dumps([[x.get("citationId"), x.get("citationMode"), x.get("citationPrefix"),
                        x.get("citationSuffix")] for x in c[0]])


def _attr(attr: list, allowed: _Allowed) -> list:
    return attr if json.dumps(attr) in allowed.attrs else EMPTY_ATTR


def _clean_blocks(blocks: list, source: list, allowed: _Allowed) -> list:
    """A footnote's blocks: paragraphs only, each sanitised against the source segment."""
    return [{"t": "Para", "c": sanitize(_block_inlines(b), source, _allowance=allowed)}
            for b in blocks if b.get("t") in ("Para", "Plain") or _block_inlines(b)]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain_text(text: str) -> str:
    """A translation without the control characters no output format can hold (XML refuses them)."""
    return _CONTROL.sub("", text)


def _block_inlines(block: dict) -> list:
    """The inline content of a block, however the translator's Markdown was read."""
    t, c = block.get("t"), block.get("c")
    if t in ("Para", "Plain"):
        return c
    if t == "Header":
        return c[2]
    if t in ("RawBlock", "CodeBlock"):
        return [{"t": "Str", "c": c[1]}]
    if t == "LineBlock":
        return [x for line in c for x in line + [{"t": "Space"}]][:-1]
    if t not in ("BlockQuote", "BulletList", "OrderedList", "Div", "Figure"):
        # Tables, definition lists…: their words, as text (nothing of a translation is dropped)
        text = " ".join(" ".join(_paragraph_texts(c)).split())
        return [{"t": "Str", "c": text}] if text else []
    out: list = []
    children = c if isinstance(c, list) else []
    if t == "OrderedList":
        children = c[1]
    elif t == "Div":
        children = c[1]
    elif t == "Figure":  # "![alt](src)" alone: the image itself (its caption is a segment of its own)
        children = c[2]
    for child in children:
        for b in (child if isinstance(child, list) and child and isinstance(child[0], dict) else [child]):
            if isinstance(b, dict) and "t" in b:
                inl = _block_inlines(b)
                if inl:
                    out += ([{"t": "Space"}] if out else []) + inl
    return out


def _paragraph_texts(node) -> list[str]:
    """The plain text of every paragraph (or cell, or term) inside a block, in order."""
    if isinstance(node, dict):
        if node.get("t") in ("Para", "Plain"):
            return [stringify(node["c"])]
        node = node.get("c")
    if isinstance(node, list):
        if node and all(isinstance(n, dict) and n.get("t") in _INLINE_KINDS for n in node):
            return [stringify(node)]  # a definition list's term
        return [text for n in node for text in _paragraph_texts(n)]
    return []


_INLINE_KINDS = {"Str", "Space", "SoftBreak", "LineBreak", "Emph", "Strong", "Code", "Link", "Span", "Quoted",
                 "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Math", "RawInline", "Note",
                 "Cite", "Image"}


def parse_translation(blocks: list) -> list:
    """A translation read back from Markdown: its inlines, whatever blocks the reader made."""
    out: list = []
    for b in blocks:
        inl = _block_inlines(b)
        if inl:
            out += ([{"t": "Space"}] if out else []) + inl
    return out


# Inlines holding inlines, where: `sanitize`, checking a segment against itself, copies them as they are.
_WRAPPERS = {"Emph": None, "Strong": None, "Underline": None, "Strikeout": None, "Superscript": None,
             "Subscript": None, "SmallCaps": None, "Quoted": 1, "Span": 1, "Link": 1, "Image": 1}
_LEAVES = {"Str", "Space", "LineBreak", "Code", "Math", "RawInline"}  # (no inlines inside)


def _source_as_is(inlines: list) -> bool:
    """Every SoftBreak of a source segment's inlines made a Space, in place (`_soft_breaks_as_spaces`);
    and whether `sanitize(inlines, inlines)` would then give back inlines equal to them, so that it
    need not run (it copies the whole tree: a third of the time of translating a source statement).

    Checked against itself, a segment keeps every raw code, formula, attribute and footnote; what it
    may still change is a link or image of an unsafe scheme (made text), a footnote's blocks other than
    paragraphs (made paragraphs) and repeated citations (their order): for these, False.
    """
    ok = True
    for i, node in enumerate(inlines):
        t = node.get("t")
        if t in _LEAVES:
            continue
        if t == "SoftBreak":
            inlines[i] = {"t": "Space"}
            continue
        c = node.get("c")
        if t in _WRAPPERS:
            where = _WRAPPERS[t]
            if t == "Link":
                ok = not c[2][0].strip().lower().startswith(_UNSAFE_SCHEMES) and ok
            elif t == "Image":
                ok = not c[2][0].lower().startswith(_UNSAFE_SCHEMES) and ok
            ok = _source_as_is(c if where is None else c[where]) and ok
        elif t == "Note" and all(b.get("t") == "Para" for b in c):
            for block in c:
                ok = _source_as_is(block["c"]) and ok
        else:  # a Cite, a footnote with other blocks, an unknown kind: sanitize decides
            _soft_breaks_as_spaces(node)
            ok = False
    return ok


def _soft_breaks_as_spaces(node) -> None:
    """Every SoftBreak of these inlines made a Space, in place, as pandoc reads a one-line text back."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict) and item.get("t") == "SoftBreak":
                node[i] = {"t": "Space"}
            else:
                _soft_breaks_as_spaces(item)
    elif isinstance(node, dict):
        for value in node.values():
            if isinstance(value, (list, dict)):
                _soft_breaks_as_spaces(value)


# ------------------------------------------------------------- the document


def translate(x: Extracted, lc: LanguageConfig, config: Config, translations: Translations | None,
              ui_strings: Translations | None, pandoc: Pandoc, *, draft: bool = False) -> Document:
    """The statement in `lc`'s language: translations where usable, the source elsewhere."""
    lang = lc.language
    is_source = lang.code == config.source.code
    st = x.statement
    missing: list[Fallback] = []
    by_text = {(s.context, s.msgid): s for s in x.segments}

    def lookup(msgid: str, context: str | None = None) -> str | None:
        if is_source:
            return msgid
        m = translations.get(msgid, context) if translations else None
        if m is not None and m.usable:
            return plain_text(m.msgstr)
        if context != SIGNATORY and msgid.strip():
            reason = "fuzzy" if m is not None and m.fuzzy and m.translated else "untranslated"
            missing.append(Fallback(by_text.get((context, msgid), Segment(msgid, context)), reason))
        return None

    ast = x.editable_ast()
    found = list(slots(ast["blocks"]))
    pending = []
    for slot, text in zip(found, x.texts):
        if not text.strip():
            continue
        if is_source:
            # The source's own text read back is its AST (the identity law, tested), soft line
            # breaks becoming spaces: no need to ask pandoc. The same sanitising applies.
            if not _source_as_is(slot.inlines):
                slot.holder[slot.key] = sanitize(slot.inlines, slot.inlines)
            continue
        got = lookup(text)
        if got is not None:
            pending.append((slot, got))
    parsed = pandoc.read([t for _, t in pending], fmt=TRANSLATION_MARKDOWN) if pending else []
    for (slot, _), doc in zip(pending, parsed):
        slot.holder[slot.key] = sanitize(parse_translation(doc["blocks"]), slot.inlines)

    title = lookup(st.title) or st.title
    subtitle = (lookup(st.subtitle) or st.subtitle) if st.subtitle else None
    names = []
    for s in st.signatories:
        name = lookup(s.name, SIGNATORY) or s.name
        names.append(f"{name} ({s.short})" if s.short else name)

    strings = {s.msgid: plain_text((ui_strings.text(s.msgid) if ui_strings and not is_source else None) or s.msgid)
               for s in ui.STRINGS}
    n = len(names)
    signed_by = None
    if ui_strings and not is_source:
        signed_by = ui_strings.ngettext(ui.SIGNED_BY, ui.SIGNED_BY_PLURAL, n)
    if signed_by is None:
        signed_by = ui.SIGNED_BY if n == 1 else ui.SIGNED_BY_PLURAL
    signed_by = lang.digits(plain_text(signed_by).replace("%(n)d", str(n)))

    blocks = list(ast["blocks"])
    if names:
        blocks.append({"t": "Header", "c": [2, ["signatories", ["signatories"], []],
                                            plain_inlines(strings[ui.SIGNATORIES])]})
        blocks.append({"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}],
                                                 [[{"t": "Plain", "c": plain_inlines(nm)}] for nm in names]]})
    date = lang.date(st.date) if st.date else None
    meta = {
        "title": {"t": "MetaInlines", "c": plain_inlines(title)},
        "lang": {"t": "MetaString", "c": lang.tag},
        "dir": {"t": "MetaString", "c": lang.direction},
    }
    if subtitle:
        meta["subtitle"] = {"t": "MetaInlines", "c": plain_inlines(subtitle)}
    if date:
        meta["date"] = {"t": "MetaInlines", "c": plain_inlines(date)}
    doc = {"pandoc-api-version": ast["pandoc-api-version"], "meta": meta, "blocks": blocks}
    return Document(
        slug=st.slug, language=lang, source_language=config.source, ast=doc, title=title,
        subtitle=subtitle, date=date, date_iso=st.date.isoformat() if st.date else None,
        signatories=tuple(names), strings=strings, missing=tuple(missing), draft=draft,
        signed_by=signed_by,
    )
