"""Quality checks: plain functions (Pair) -> [Finding], in a translator's words."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from .locale import Language
from .segment import stringify

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    check: str      # silenced by the flag ignore-<check>
    severity: str
    message: str
    hint: str


class Side:
    """One text of a pair as pandoc read it, and what the checks read of it, each computed once:
    a source segment is checked against its translation in every language, with one Side."""

    def __init__(self, blocks: list) -> None:
        self.blocks = blocks

    @cached_property
    def text(self) -> str:
        return stringify(self.blocks)

    @cached_property
    def nodes(self) -> list[dict]:
        return _nodes(self.blocks)

    @cached_property
    def sentence(self) -> str:
        """The text without its footnotes: the text itself when there are none (most segments)."""
        return stringify(self.blocks, notes=False) if _has_note(self.nodes) else self.text

    # (Counters shared by every pair of the text: read, never changed)
    @cached_property
    def markup(self) -> Counter:
        return _count(self.nodes, _MARKUP)

    @cached_property
    def foreign(self) -> Counter:
        return _count(self.nodes, _FOREIGN)

    @cached_property
    def targets(self) -> Counter:
        return _targets(self.nodes)

    @cached_property
    def urls(self) -> Counter:
        return self.targets + Counter(_URL.findall(self.text))

    @cached_property
    def numbers(self) -> Counter:
        return numbers(self.text + " " + " ".join(self.targets))


@dataclass(frozen=True)
class Pair:
    """A source segment and its translation, with both read by pandoc."""

    msgid: str
    msgstr: str
    source: list        # pandoc blocks of the msgid
    translation: list   # pandoc blocks of the msgstr
    language: Language
    signatory: bool = False
    source_side: Side | None = field(default=None, compare=False, repr=False)   # the msgid's, if shared

    # What several checks read, computed once per pair (a frozen dataclass may cache in __dict__).
    @cached_property
    def src(self) -> Side:
        return self.source_side if self.source_side is not None else Side(self.source)

    @cached_property
    def dst(self) -> Side:
        return Side(self.translation)


# ----------------------------------------------------------------- helpers


def _has_note(nodes: list[dict]) -> bool:
    return any(n.get("t") == "Note" for n in nodes)


def _nodes(tree) -> list[dict]:
    found: list[dict] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            found.append(node)
            c = node.get("c")
            if isinstance(c, list):
                stack.append(c)
    return found


_MARKUP = {"Emph": "italic", "Strong": "bold", "Code": "code", "Note": "footnote",
           "Link": "link", "Strikeout": "strike-through", "Superscript": "superscript",
           "Subscript": "subscript"}
_FOREIGN = {"RawInline": "raw HTML or code", "RawBlock": "raw HTML or code", "Image": "image",
            "Header": "heading", "BulletList": "list", "OrderedList": "list", "CodeBlock": "code block",
            "Table": "table", "BlockQuote": "block quote", "Math": "formula", "Div": "block"}


def _count(nodes: list[dict], kinds) -> Counter:
    return Counter(n["t"] for n in nodes if n.get("t") in kinds)


# ----------------------------------------------------------------- checks


def check_markup(p: Pair) -> list[Finding]:
    """Same bold, italic, code, footnotes and links as the original; nothing foreign; no stray ** or [."""
    findings = []
    src, dst = p.src.markup, p.dst.markup
    for kind, name in _MARKUP.items():
        if src[kind] != dst[kind]:
            findings.append(Finding("markup", ERROR,
                                    f"the original has {src[kind]} {name} mark-up, the translation {dst[kind]}",
                                    f"keep the {name} of the original (e.g. **…**, *…*, [text](address), ^[…])"))
    extra = p.dst.foreign - p.src.foreign
    for kind in extra:
        findings.append(Finding("markup", ERROR, f"the translation adds {_FOREIGN[kind]} the original does not have",
                                "remove it: translations may not add HTML, code, images, headings or lists "
                                "(write a leading number or dash as \\1. or \\-)"))
    blocks = [b for b in p.translation if b.get("t") in ("Para", "Plain")]
    if len(p.translation) > 1 and len(blocks) == len(p.translation):
        findings.append(Finding("markup", ERROR, "the translation has several paragraphs, the original one",
                                "join the paragraphs: one segment is one paragraph"))
    stray = [s for s in ("**", "[", "]", "^[") if s in p.dst.text and s not in p.src.text]
    if stray:
        findings.append(Finding("markup", ERROR, f"stray {' '.join(stray)} in the translation: mark-up that does not close",
                                "close the bold/italic/link as in the original, or remove the stray characters"))
    return findings


def _targets(nodes: list[dict]) -> Counter:
    return Counter(n["c"][2][0] for n in nodes if n.get("t") in ("Link", "Image"))


_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"'«»]+[^\s<>()\[\]\"'«».,;:!?،؛؟]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def check_urls(p: Pair) -> list[Finding]:
    """Link targets, web addresses and e-mail addresses unchanged (in any order)."""
    src, dst = p.src.urls, p.dst.urls
    findings = []
    for url in (src - dst):
        findings.append(Finding("urls", ERROR, f"the address {url} of the original is missing or changed",
                                "copy the address exactly as in the original"))
    for url in (dst - src):
        findings.append(Finding("urls", ERROR, f"the translation has the address {url}, which the original does not",
                                "use only the addresses of the original"))
    return findings


_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c\u00a0\u202f' ]\d+)*")


class _Digits(dict):
    """str.translate's table: every digit (any script) as its ASCII digit, every other character as
    itself; filled as characters are met (a text is translated in C, not character by character)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        self[code] = str(unicodedata.digit(ch)) if ch.isdigit() and unicodedata.digit(ch, None) is not None else ch
        return self[code]


_DIGITS = _Digits()


def _ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)


def numbers(text: str) -> Counter:
    """Numbers by value, whatever the digits and separators: 134,000 = ١٣٤٬٠٠٠ = 134.000."""
    values: Counter = Counter()
    for token in _NUMBER.findall(_ascii_digits(text)):
        groups = re.split(r"[.,\u066b\u066c\u00a0\u202f' ]", token)
        seps = re.findall(r"[.,\u066b\u066c\u00a0\u202f' ]", token)
        if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]) and len(set(seps)) == 1 \
                and seps[0] != "\u066b":
            values[int("".join(groups))] += 1          # thousands separators
        elif len(groups) == 2:
            values[float(f"{groups[0]}.{groups[1]}")] += 1  # a decimal separator
        else:
            for g in groups:                            # a list, a date such as 26/01
                values[int(g)] += 1
    return values


def check_numbers(p: Pair) -> list[Finding]:
    """The same numbers by value (digits of any script, any separators), years and dates included."""
    src, dst = p.src.numbers, p.dst.numbers
    missing, extra = sorted((src - dst), key=float), sorted((dst - src), key=float)
    findings = []
    for i, n in enumerate(missing):
        instead = f" (the translation has {_fmt(extra[i])})" if i < len(extra) else ""
        findings.append(Finding("numbers", ERROR, f"the number {_fmt(n)} of the original is missing or different{instead}",
                                "check the figures; digits may be written in any script"))
    for n in extra[len(missing):]:
        findings.append(Finding("numbers", ERROR, f"the translation has the number {_fmt(n)}, which the original does not",
                                "check the figures; if the original writes it in words, add the flag "
                                "ignore-numbers to this entry"))
    return findings


def _fmt(n) -> str:
    return str(int(n)) if float(n).is_integer() else str(n)


_OVERRIDES = {chr(c) for c in range(0x202A, 0x202F)}
_ISOLATE_OPEN = {"\u2066", "\u2067", "\u2068"}
_ISOLATE_CLOSE = "\u2069"
_ISOLATES = _ISOLATE_OPEN | {_ISOLATE_CLOSE}
_INVISIBLE = {"\u200b": "zero-width space", "\u200e": "left-to-right mark", "\u200f": "right-to-left mark",
              "\u061c": "Arabic letter mark", "\ufeff": "zero-width no-break space", "\u2060": "word joiner"}


def check_bidi(p: Pair) -> list[Finding]:
    """No directional overrides; balanced isolates; no stray invisible marks."""
    text = p.msgstr
    chars = set(text)
    findings = []
    if _OVERRIDES & chars:
        findings.append(Finding("bidi", ERROR, "the translation contains a directional override (U+202A–U+202E)",
                                "delete it: overrides can reorder the words readers see"))
    depth = 0
    for ch in text if chars & _ISOLATES else ():   # (counted only in the texts that have any)
        if ch in _ISOLATE_OPEN:
            depth += 1
        elif ch == _ISOLATE_CLOSE:
            depth -= 1
            if depth < 0:
                break
    if depth != 0:
        findings.append(Finding("bidi", ERROR, "unbalanced directional isolate (U+2066–U+2069)",
                                "every isolate must be closed by U+2069; or delete them (the pipeline isolates by itself)"))
    for ch, name in _INVISIBLE.items():
        if ch in text and ch not in p.msgid:
            findings.append(Finding("bidi", WARNING, f"invisible character in the translation: {name} (U+{ord(ch):04X})",
                                    "delete it unless it is needed here"))
    return findings


def check_whitespace(p: Pair) -> list[Finding]:
    """Leading, trailing and doubled spaces as in the original."""
    findings = []
    if p.msgstr[:1].isspace() != p.msgid[:1].isspace():
        findings.append(Finding("whitespace", WARNING, "the translation starts with a space, the original does not"
                                if p.msgstr[:1].isspace() else "the original starts with a space, the translation does not",
                                "match the original"))
    if p.msgstr[-1:].isspace() != p.msgid[-1:].isspace():
        findings.append(Finding("whitespace", WARNING, "trailing space differs from the original", "match the original"))
    if "  " in p.msgstr.strip() and "  " not in p.msgid:
        findings.append(Finding("whitespace", WARNING, "double space in the translation", "use a single space"))
    return findings


# Sentence-ending punctuation and its equivalents in other scripts.
_ENDINGS = {".": ".\u06d4", "?": "?\u061f", "!": "!", ":": ":", ";": ";\u061b", ",": ",\u060c"}
_ARABIC_SCRIPT = {"?": "\u061f", ",": "\u060c", ";": "\u061b"}


def _last_punct(text: str) -> str:
    text = text.rstrip().rstrip("\"'”’»)]*_")
    return text[-1:] if text[-1:] in "".join(_ENDINGS.values()) else ""


def check_punctuation(p: Pair) -> list[Finding]:
    """Ending punctuation like the original's, in the script's own form (؟ ، ؛ in Arabic script)."""
    src = _last_punct(p.src.sentence)
    dst = _last_punct(p.dst.sentence)
    findings = []
    if src and (not dst or dst not in _ENDINGS.get(src, src)):
        findings.append(Finding("punctuation", WARNING,
                                f"the original ends with '{src}', the translation "
                                + (f"with '{dst}'" if dst else "without punctuation"),
                                f"end it with {' or '.join(_ENDINGS[src])}"))
    elif not src and dst and dst not in ".":
        findings.append(Finding("punctuation", WARNING, f"the translation ends with '{dst}', the original does not",
                                "match the original"))
    if p.language.script == "Arab":
        for latin, arabic in _ARABIC_SCRIPT.items():
            text = p.dst.text
            if re.search(rf"[\u0600-\u06ff]\s?{re.escape(latin)}", text):
                findings.append(Finding("punctuation", WARNING,
                                        f"Latin '{latin}' after Arabic-script text",
                                        f"use the Arabic-script '{arabic}'"))
    return findings


def check_untranslated(p: Pair) -> list[Finding]:
    """A translation identical to the original (signatory names and numbers-only text exempt)."""
    if p.signatory or p.msgstr.strip() != p.msgid.strip():
        return []
    if not any(ch.isalpha() for ch in p.src.text):
        return []
    return [Finding("untranslated", WARNING, "the translation is identical to the original",
                    "translate it, or add the flag ignore-untranslated if it is right as it is")]


CHECKS: tuple[Callable[[Pair], list[Finding]], ...] = (
    check_markup, check_urls, check_numbers, check_bidi, check_whitespace, check_punctuation,
    check_untranslated,
)
SIGNATORY_CHECKS = (check_bidi, check_whitespace, check_untranslated)


def run_checks(p: Pair, ignored: set[str]) -> list[Finding]:
    """Every check that applies to this pair, minus the ones the translator silenced."""
    checks = SIGNATORY_CHECKS if p.signatory else CHECKS
    return [f for check in checks for f in check(p) if f"ignore-{f.check}" not in ignored]


def signatory_key(name: str) -> str:
    """A name as compared for duplicates: case, accents, punctuation and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed.casefold() if ch.isalnum())
