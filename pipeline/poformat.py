"""Canonical PO text formatter: byte-for-byte the output of GNU gettext ``msgcat``.

Pure functions over plain data (no I/O, no polib).  Layout follows ``write-po.c``
of GNU gettext 0.21 and line breaking follows libunistring 1.0's UAX #14 code
(``ulc_width_linebreaks``), for the subset of Unicode that English, Arabic,
Kurmanji and Sorani text uses (see ``_line_break_class``).

msgcat's normalisations are applied too, so the output is a fixed point of it:

* live entries first, obsolete (``#~``) entries last; an obsolete entry whose
  (first) msgstr is empty is dropped;
* flags: ``fuzzy`` only when the (first) msgstr is non-empty, then the
  ``[no-]<lang>-format`` flags in GNU's language order, ``range: a..b`` (live
  entries only), ``no-wrap``; ``wrap`` and ``impossible-*-format`` vanish;
* references: a leading ``./`` is stripped, ``file:007`` becomes ``file:7``,
  repeats are dropped; ``#:`` lines are packed up to the page width;
* ``--width`` below 20 counts as 20.

Flags GNU gettext does not know (``markdown-text``, Weblate's ``ignore-*``...)
are written after GNU's own, in input order: msgcat itself would drop them.
Only ``python-format`` strings get GNU's "no break inside a directive" rule;
other ``*-format`` flags are written but their directives are not parsed.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import Callable, Iterable, Sequence

__all__ = ["Entry", "format_po", "format_entry", "wrap_string", "escape", "char_width"]

_RANGE = re.compile(r"range: ([0-9]+)\.\.([0-9]+)")
MIN_WIDTH = 20  # msgcat --width=N silently uses 20 for smaller N

# Format-string languages in the order msgcat 0.21 writes their flags.
FORMAT_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "csharp", "javascript", "scheme",
    "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal", "smalltalk",
    "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace", "php",
    "gcc-internal", "gfc-internal", "ycp",
)


@dataclass(frozen=True)
class Entry:
    """One PO message; comment fields hold text without their ``#`` markers."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    translator_comments: tuple[str, ...] = ()
    extracted_comments: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    msgid_plural: str | None = None
    msgstr_plural: tuple[str, ...] = ()


# --------------------------------------------------------------------------
# Character properties (column width, UAX #14 line-break class)
# --------------------------------------------------------------------------


_SPACING_MN = frozenset((0xCBF, 0xCC6, 0x11A07, 0x11A08, 0x11C3F))
_WIDE_UNASSIGNED = (
    (0x2E80, 0x303E), (0x3040, 0xA4CF), (0xF900, 0xFAFF), (0xFE10, 0xFE6F),
    (0xFF00, 0xFF60), (0x1F200, 0x1F2FF), (0x20000, 0x3FFFD),
)


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Return the column width of one character as libunistring's uc_width counts it."""
    cp = ord(ch)
    if cp < 0x20 or 0x7F <= cp < 0xA0:
        return 0  # control characters: uc_width() is -1, ignored by the wrapper
    if cp < 0x300:
        return 0 if cp == 0xAD else 1
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Cf"):
        return 1 if cp in _SPACING_MN else 0
    if 0x1160 <= cp <= 0x11FF or 0xD7B0 <= cp <= 0xD7FF:
        return 0  # Hangul medial vowels and final consonants
    if cat == "Cn":  # CPython reports unassigned code points as "F"
        return 2 if any(lo <= cp <= hi for lo, hi in _WIDE_UNASSIGNED) else 1
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


# Pair table of libunistring 1.0 (UAX #14 table 7.3) restricted to the classes
# below: "_" direct break, "%" break only across spaces, "^" no break.
_PAIR_CLASSES = "OP CL CP QU GL NS EX SY IS PR PO NU AL HL ID IN HY BA BB B2 WJ RI".split()
_PAIR_ROWS = (
    "^^^^^^^^^^^^^^^^^^^^^^",  # OP
    "_^^%%^^^^%%____%%%__^_",  # CL
    "_^^%%%^^^%%%%%_%%%__^_",  # CP
    "^^^%%%^^^%%%%%%%%%%%^%",  # QU
    "%^^%%%^^^%%%%%%%%%%%^%",  # GL
    "_^^%%%^^^______%%%__^_",  # NS
    "_^^%%%^^^______%%%__^_",  # EX
    "_^^%%%^^^__%_%_%%%__^_",  # SY
    "_^^%%%^^^__%___%%%__^_",  # IS
    "%^^%%%^^^__%%%%%%%__^_",  # PR
    "%^^%%%^^^__%%%_%%%__^_",  # PO
    "%^^%%%^^^%%%%%_%%%__^_",  # NU
    "%^^%%%^^^%%%%%_%%%__^_",  # AL
    "%^^%%%^^^%%%%%_%%%__^_",  # HL
    "_^^%%%^^^_%____%%%__^_",  # ID
    "_^^%%%^^^______%%%__^_",  # IN
    "_^^%_%^^^__%___%%%__^_",  # HY
    "_^^%_%^^^______%%%__^_",  # BA
    "%^^%%%^^^%%%%%%%%%%%^%",  # BB
    "_^^%%%^^^______%%%_^^_",  # B2
    "%^^%%%^^^%%%%%%%%%%%^%",  # WJ
    "_^^%%%^^^______%%%__^%",  # RI
)
_PAIR = {
    (a, b): _PAIR_ROWS[i][j]
    for i, a in enumerate(_PAIR_CLASSES)
    for j, b in enumerate(_PAIR_CLASSES)
}

# Explicit classes (LineBreak.txt) for ASCII and the punctuation realistic text
# uses; everything else is derived from the general category below.
_CLASS = {
    " ": "SP", "!": "EX", '"': "QU", "$": "PR", "%": "PO", "'": "QU", "(": "OP",
    ")": "CP", "+": "PR", ",": "IS", "-": "HY", ".": "IS", "/": "SY", ":": "IS",
    ";": "IS", "?": "EX", "[": "OP", "\\": "PR", "]": "CP", "{": "OP", "|": "BA",
    "}": "CL", "\t": "BA", "\n": "BK", "\x0b": "BK", "\x0c": "BK", "\r": "BK",
    "\x85": "BK", "\u2028": "BK", "\u2029": "BK",
    "\xa0": "GL", "\xa1": "OP", "\xa2": "PO", "\xa3": "PR", "\xa4": "PR",
    "\xa5": "PR", "\xab": "QU", "\xad": "BA", "\xb0": "PO", "\xb1": "PR",
    "\xb4": "BB", "\xbb": "QU", "\xbf": "OP", "\u02c8": "BB", "\u02cc": "BB",
    "\u02df": "BB",
    # Arabic
    "\u034f": "GL", "\u035c": "GL", "\u035d": "GL", "\u035e": "GL", "\u035f": "GL",
    "\u0360": "GL", "\u0361": "GL", "\u0362": "GL",
    "\u0600": "AL", "\u0601": "AL", "\u0602": "AL", "\u0603": "AL", "\u0604": "AL",
    "\u0605": "AL", "\u0609": "PO", "\u060a": "PO", "\u060b": "PO", "\u060c": "IS", "\u060d": "IS",
    "\u061b": "EX", "\u061e": "EX", "\u061f": "EX", "\u066a": "PO",
    "\u066b": "NU", "\u066c": "NU", "\u06d4": "EX", "\u06dd": "AL", "\u08e2": "AL",
    # General Punctuation
    "\u200b": "ZW", "\u200d": "ZWJ", "\u2007": "GL", "\u2011": "GL", "\u202f": "GL",
    "\u2010": "BA", "\u2012": "BA", "\u2013": "BA", "\u2014": "B2", "\u2015": "AI",
    "\u2016": "AI", "\u2017": "AL", "\u2018": "QU", "\u2019": "QU", "\u201a": "OP",
    "\u201b": "QU", "\u201c": "QU", "\u201d": "QU", "\u201e": "OP", "\u201f": "QU",
    "\u2020": "AI", "\u2021": "AI", "\u2022": "AI", "\u2024": "IN", "\u2025": "IN",
    "\u2026": "IN", "\u2027": "BA", "\u2030": "PO", "\u2031": "PO", "\u2032": "PO",
    "\u2033": "PO", "\u2034": "PO", "\u2035": "PO", "\u2036": "PO", "\u2037": "PO",
    "\u2039": "QU", "\u203a": "QU", "\u203c": "NS", "\u203d": "NS", "\u2044": "IS",
    "\u2045": "OP", "\u2046": "CL", "\u2047": "NS", "\u2048": "NS", "\u2049": "NS",
    "\u2056": "BA", "\u2058": "BA", "\u2059": "BA", "\u205a": "BA", "\u205b": "BA",
    "\u205d": "BA", "\u205e": "BA", "\u2060": "WJ", "\ufeff": "WJ",
    "\u2061": "AL", "\u2062": "AL", "\u2063": "AL", "\u2064": "AL", "\ufdfc": "PO",
    "\u2e18": "OP", "\u2e3a": "B2", "\u2e3b": "B2",
    "\u3001": "CL", "\u3002": "CL", "\u3005": "NS", "\u30fc": "NS", "\uff0c": "CL",
    "\uff0e": "CL", "\uff01": "EX", "\uff1f": "EX", "\uff1a": "NS", "\uff1b": "NS",
    "\u20a7": "PO", "\u20b6": "PO", "\u20bb": "PO", "\u20be": "PO",
    "\u2116": "PR", "\u2103": "PO", "\u2109": "PO",
}


@lru_cache(maxsize=4096)
def _line_break_class(ch: str) -> str:
    """Return the resolved UAX #14 class of ``ch`` (AI/SA/XX folded into AL)."""
    cls = _CLASS.get(ch)
    if cls is not None:
        return "AL" if cls == "AI" else cls
    cp = ord(ch)
    if cp < 0x80:
        if ch.isdigit():
            return "NU"
        return "CM" if cp < 0x20 or cp == 0x7F else "AL"
    if 0x1F1E6 <= cp <= 0x1F1FF:
        return "RI"
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Mc", "Cc", "Cf") or 0x1F3FB <= cp <= 0x1F3FF:
        return "CM"  # emoji modifiers (EM) only ever follow an emoji base: same effect
    if cat == "Cn":
        return "ID" if any(lo <= cp <= hi for lo, hi in _WIDE_UNASSIGNED) else "AL"
    wide = unicodedata.east_asian_width(ch) in ("W", "F")
    if cat == "Nd":
        return "ID" if wide else "NU"
    if cat == "Zs":
        return "BA"
    if cat == "Ps":
        return "OP"
    if cat == "Pe":
        return "CL"
    if cat in ("Pi", "Pf"):
        return "QU"
    if cat == "Pd":
        return "BA"
    if 0x0590 <= cp <= 0x05FF and cat == "Lo":
        return "HL"
    if cat == "Sc":
        return "PR"
    return "ID" if wide else "AL"


# Break codes, as in libunistring's <unilbrk.h>.
_UNDEFINED, _PROHIBITED, _POSSIBLE, _MANDATORY = 0, 1, 2, 3


# Each class as one character, so a text's classes are one str.translate() away; runs of
# one class are then walked as one step (see _break_opportunities).
_CLASS_NAMES = _PAIR_CLASSES + ["BK", "SP", "ZW", "CM", "ZWJ"]
_CLASS_CODE = {name: chr(0x41 + i) for i, name in enumerate(_CLASS_NAMES)}
_CLASS_OF_CODE = {code: name for name, code in _CLASS_CODE.items()}
_CLASS_TABLE: dict[int, str] = {}  # code point -> class character, filled as characters are met
# Classes whose repeats can still break (or are mandatory breaks, or count pairs): walked one by one.
_REPEATS_MATTER = {name for name in _PAIR_CLASSES if _PAIR[name, name] == "_"} | {"BK", "RI"}
_RUN = re.compile(r"(.)\1*", re.S)


def _classes(text: str) -> str:
    """The class character of each character of `text`."""
    table = _CLASS_TABLE
    for ch in set(text):
        if ord(ch) not in table:
            table[ord(ch)] = _CLASS_CODE[_line_break_class(ch)]
    return text.translate(table)


# Text of pair classes and spaces only (nearly all text) needs none of the state machine's
# special cases: a break goes before a character whose pair with the last non-space one before
# it is "_", or "%" with spaces between.
_SPECIAL = re.compile("[" + "".join(re.escape(_CLASS_CODE[n]) for n in ("BK", "ZW", "CM", "ZWJ", "RI")) + "]")
_SP = _CLASS_CODE["SP"]
# Pairs of class characters (the last non-space one, the next one) a line may break between:
# next to each other, or with spaces between them.
_DIRECT = frozenset(_CLASS_CODE[a] + _CLASS_CODE[b]
                    for a in _PAIR_CLASSES for b in _PAIR_CLASSES if _PAIR[a, b] == "_")
_SPACED = frozenset(_CLASS_CODE[a] + _CLASS_CODE[b]
                    for a in _PAIR_CLASSES for b in _PAIR_CLASSES if _PAIR[a, b] in "_%")


def _break_opportunities(text: str) -> list[tuple[int, int]]:
    """Return (index, _POSSIBLE or _MANDATORY) for each character a line may break before.

    libunistring's state machine, one step per run of characters of one class: in such a
    run every character after the first changes nothing, unless the class is one of
    _REPEATS_MATTER.
    """
    classes = _classes(text)
    found: list[tuple[int, int]] = []
    last = "BK"  # class of last non-space character (combining marks skipped)
    preceding = "BK"  # class of the immediately preceding character
    seen_space = False
    regional_indicators = 0
    for run in _RUN.finditer(classes):
        prop = _CLASS_OF_CODE[run.group(1)]
        start = run.start()
        stop = run.end() if prop in _REPEATS_MATTER else start + 1
        for i in range(start, stop):
            if prop == "BK":
                found.append((i, _MANDATORY))
                last, seen_space = "BK", False
            elif prop == "SP":
                seen_space = True
            elif prop == "ZW":
                last, seen_space = "ZW", False
            elif prop in ("CM", "ZWJ"):
                if last == "BK":
                    last, seen_space = "AL", False
                elif last == "ZW" or seen_space:
                    found.append((i, _POSSIBLE))
                    last, seen_space = "AL", False
                # else: "X CM" is treated as "X"
            else:
                if last == "BK":
                    pass
                elif last == "ZW":
                    found.append((i, _POSSIBLE))
                elif preceding == "ZWJ":
                    pass  # LB8a: no break right after a zero width joiner
                elif last == prop == "RI":
                    if seen_space or regional_indicators % 2 == 0:
                        found.append((i, _POSSIBLE))  # LB30a: flags are pairs of RIs
                else:
                    rule = _PAIR[last, prop]
                    if rule == "_" or (rule == "%" and seen_space):
                        found.append((i, _POSSIBLE))
                last, seen_space = prop, False
            regional_indicators = regional_indicators + 1 if prop == "RI" else 0
            preceding = prop
    return found


def _width_linebreaks(
    opportunities: Sequence[tuple[int, int]], columns: Sequence[int], width: int, start_column: int
) -> list[int]:
    """Greedy fill like libunistring's ulc_width_linebreaks: the indexes to break before.

    `columns[i]` is the width of the text's first i characters.
    """
    breaks: list[int] = []
    last_p = -1
    last_column = start_column
    piece_start = 0  # the piece being measured runs from here
    for i, code in opportunities:
        if last_p >= 0 and last_column + columns[i] - columns[piece_start] > width:
            if not breaks or breaks[-1] != last_p:
                breaks.append(last_p)
            last_column = 0
        if code == _MANDATORY:
            last_p, last_column, piece_start = -1, 0, i + 1
        else:
            last_column += columns[i] - columns[piece_start]
            last_p = piece_start = i
    if last_p >= 0 and last_column + columns[-1] - columns[piece_start] > width:
        if not breaks or breaks[-1] != last_p:
            breaks.append(last_p)
    return breaks


def _breaks_near(classes: str, forbidden: set[int], columns: Sequence[int], width: int,
                 start_column: int) -> list[int]:
    """_width_linebreaks of a text of pair classes and spaces only (given by its _classes), every
    break opportunity _POSSIBLE but those in `forbidden`.

    Opportunities are looked for only where a line must end: back from the last character that
    still fits, usually a word's length; or, if none is found after the line's start, forward
    from there (a word longer than the line stays whole). Not at every character of the text:
    that cost more than the rest of writing a catalogue's long texts.
    """
    n = len(classes)

    def can_break(i: int) -> bool:  # before classes[i]
        c = classes[i]
        if c == _SP or i in forbidden:
            return False
        j = i - 1
        while j >= 0 and classes[j] == _SP:
            j -= 1
        return j >= 0 and classes[j] + c in (_DIRECT if j == i - 1 else _SPACED)

    breaks: list[int] = []
    base, previous = -start_column, 0  # columns[] of the line's start; the break it starts at
    while columns[n] > base + width:  # the rest does not fit on this line
        last_fitting = bisect_right(columns, base + width) - 1
        i = last_fitting
        while i > previous and not can_break(i):
            i -= 1
        if i <= previous:
            i = max(last_fitting, previous) + 1
            while i < n and not can_break(i):
                i += 1
            if i >= n:
                break
        breaks.append(i)
        base, previous = columns[i], i
    return breaks


def _filler(text: str, forbidden: set[int], columns: Sequence[int], width: int) -> Callable[[int], list[int]]:
    """The line breaks of `text` (never before an index in `forbidden`) by its start column."""
    classes = _classes(text)
    if not _SPECIAL.search(classes):
        return lambda start: _breaks_near(classes, forbidden, columns, width, start)
    opportunities = [(i, code) for i, code in _break_opportunities(text) if i not in forbidden]
    return lambda start: _width_linebreaks(opportunities, columns, width, start)


# --------------------------------------------------------------------------
# Strings
# --------------------------------------------------------------------------

_ESCAPES = {
    "\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v",
    "\\": "\\", '"': '"',
}


_ESCAPE_TABLE = str.maketrans({c: "\\" + e for c, e in _ESCAPES.items()})
_ASCII_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def escape(value: str) -> str:
    """Return ``value`` with the C escapes GNU gettext writes in PO strings."""
    return "".join("\\" + _ESCAPES[c] if c in _ESCAPES else c for c in value)


def _portions(value: str) -> list[str]:
    """Split ``value`` after each newline (GNU wraps each portion separately)."""
    parts = value.split("\n")
    portions = [p + "\n" for p in parts[:-1]]
    if parts[-1] or not portions:
        portions.append(parts[-1])
    return portions


def _python_directives(value: str) -> list[bool]:
    """Mark the characters after the ``%`` of each valid Python %-directive (no break there)."""
    inside = [False] * len(value)
    named = unnamed = 0
    i, n = 0, len(value)
    while i < n:
        if value[i] != "%":
            i += 1
            continue
        start, i = i, i + 1
        name = False
        if i < n and value[i] == "(":
            depth, i = 0, i + 1
            while i < n and not (value[i] == ")" and depth == 0):
                depth += {"(": 1, ")": -1}.get(value[i], 0)
                i += 1
            if i >= n:
                break  # unterminated: invalid, GNU stops parsing
            name, i = True, i + 1
        while i < n and value[i] in "-+ #0":
            i += 1
        if i < n and value[i] == "*":
            if named:
                break
            unnamed, i = unnamed + 1, i + 1
        else:
            while i < n and value[i] in "0123456789":
                i += 1
        if i < n and value[i] == ".":
            i += 1
            if i < n and value[i] == "*":
                if named:
                    break
                unnamed, i = unnamed + 1, i + 1
            else:
                while i < n and value[i] in "0123456789":
                    i += 1
        if i < n and value[i] in "hlL":
            i += 1
        if i >= n or value[i] not in "%csridouxXeEfgG":
            break
        if name:
            if unnamed:
                break
            named += 1
        elif value[i] != "%":
            if named:
                break
            unnamed += 1
        for k in range(start + 1, i + 1):
            inside[k] = True
        i += 1
    return inside


def wrap_string(
    keyword: str,
    value: str,
    *,
    width: int = 79,
    prefix: str = "",
    wrap: bool = True,
    python_format: bool = False,
) -> list[str]:
    """Return the lines of ``keyword "value"`` as msgcat --width=width wraps them."""
    return list(_wrap(keyword, value, width, prefix, wrap, python_format))


@lru_cache(maxsize=2048)
def _wrap(keyword: str, value: str, width: int, prefix: str, wrap: bool, python_format: bool) -> tuple[str, ...]:
    # Remembered: the same text is written in the template and in every language's catalogue,
    # one after the other (a statement's few hundred texts: a bigger cache only holds memory).
    if "\0" in value:
        raise ValueError("PO strings cannot contain NUL characters")
    width = max(width, MIN_WIDTH)
    after_break = len(prefix) + 1
    avail = (width if wrap else 1 << 62) - 1 - after_break
    if "\n" not in value:
        escaped = value.translate(_ESCAPE_TABLE)
        size = len(escaped) if escaped.isascii() and not _ASCII_CONTROL.search(escaped) \
            else sum(map(char_width, escaped))
        if len(keyword) + 1 + size < avail:  # fits with room to spare
            return (f'{prefix}{keyword} "{escaped}"',)
    in_directive = _python_directives(value) if python_format else None
    portions = _portions(value)
    lines: list[str] = []
    first_line = True
    offset = 0
    for index, portion in enumerate(portions):
        text = portion.translate(_ESCAPE_TABLE)
        forbidden: set[int] = set()  # no break before these: inside an escape or a directive
        if in_directive is not None or len(text) != len(portion):
            at = 0
            for k, ch in enumerate(portion, offset):
                if in_directive is not None and in_directive[k]:
                    forbidden.add(at)
                if ch in _ESCAPES:
                    forbidden.add(at + 1)
                    at += 2
                else:
                    at += 1
        offset += len(portion)
        if portion.endswith("\n"):
            forbidden.add(len(text) - 2)  # never break right before the final \n
        if text.isascii() and not _ASCII_CONTROL.search(text):
            columns: Sequence[int] = range(len(text) + 1)
        else:
            columns = list(accumulate(map(char_width, text), initial=0))
        start = len(keyword) + 1 if first_line else 0
        # Where a line may break is only looked for in a text too long for its line.
        fill = _filler(text, forbidden, columns, avail) if start + columns[-1] > avail else None
        # On the keyword's line or, if it breaks there, on the lines after `keyword ""`. A text that
        # breaks from column 0 breaks after the keyword too (its first line is shorter): it is
        # filled once, from column 0.
        at_zero = fill(0) if fill and first_line and text else None
        breaks = at_zero or (fill(start) if fill else [])
        more = index < len(portions) - 1
        if first_line and text and (more or start > avail or breaks):
            lines.append(f'{prefix}{keyword} ""')
            first_line = False
            breaks = at_zero if at_zero is not None else fill(0) if fill else []
        head = f"{prefix}{keyword} " if first_line else prefix
        first_line = False
        for a, b in zip([0] + breaks, breaks + [len(text)]):
            lines.append(f'{head}"{text[a:b]}"')
            head = prefix
    return tuple(lines)


# --------------------------------------------------------------------------
# Entries and files
# --------------------------------------------------------------------------


def _comment_lines(marker: str, texts: Iterable[str]) -> list[str]:
    """Return ``#``-comment lines, GNU style (no trailing blank after a bare marker)."""
    lines = []
    for text in texts:
        if "\n" in text or "\r" in text or text.endswith("\\"):
            # msgcat's lexer joins a line ending in a backslash with the next one
            raise ValueError(f"comment cannot be written losslessly: {text!r}")
        lines.append(f"{marker} {text}" if text else marker)
    return lines


@lru_cache(maxsize=256)
def _reference_lines(references: tuple[str, ...], width: int) -> tuple[str, ...]:
    """Return ``#:`` lines, packing file names up to the page width like msgcat.

    Remembered: every entry of a statement's template has the same references."""
    seen: set[tuple[str, int | None]] = set()
    names: list[str] = []
    for ref in references:
        if not ref or ref.endswith("\\") or any(c.isspace() for c in ref):
            raise ValueError(f"invalid reference {ref!r}")
        name, colon, line = ref.rpartition(":")
        key = (name, int(line)) if colon and line.isascii() and line.isdigit() else (ref, None)
        name = key[0]
        while name.startswith("./"):
            name = name[2:]
        key = (name, key[1])
        if key not in seen:  # msgcat parses "file:line" and drops repeats
            seen.add(key)
            names.append(name if key[1] is None else f"{name}:{key[1]}")
    if not names:
        return ()
    lines, current, column = [], "#:", 2
    for name in names:
        size = len(name.encode("utf-8")) + 1
        if column > 2 and column + size > width:
            lines.append(current)
            current, column = "#:", 2
        current += " " + name
        column += size
    lines.append(current)
    return tuple(lines)


@lru_cache(maxsize=256)
def _flags(
    flags: tuple[str, ...], *, fuzzy_allowed: bool, obsolete: bool
) -> tuple[tuple[str, ...], bool, bool]:
    """Return (the ``#,`` flags in msgcat's order, then unknown ones; wrap?; python-format?).

    Remembered: a catalogue has a handful of different sets of flags."""
    fuzzy, wrap, formats, span, others = False, True, {}, None, []
    for flag in flags:
        if not flag or flag != flag.strip() or any(c in flag for c in ",\n\r"):
            raise ValueError(f"invalid flag {flag!r}")
        lang = flag[: -len("-format")] if flag.endswith("-format") else None
        value = "yes"
        for prefix in ("no-", "possible-", "impossible-"):
            if lang and lang.startswith(prefix) and lang[len(prefix):] in FORMAT_LANGUAGES:
                value, lang = prefix[:-1], lang[len(prefix):]
        if flag == "fuzzy":
            fuzzy = True
        elif flag in ("wrap", "no-wrap"):
            wrap = flag == "wrap"
        elif lang in FORMAT_LANGUAGES:
            formats[lang] = value
        elif _RANGE.fullmatch(flag):
            span = tuple(int(n) for n in _RANGE.fullmatch(flag).groups())
        elif flag not in others:
            others.append(flag)  # msgcat drops these; we keep them, after GNU's own
    out = ["fuzzy"] if fuzzy and fuzzy_allowed else []
    for lang in FORMAT_LANGUAGES:
        if formats.get(lang) == "no":
            out.append(f"no-{lang}-format")
        elif formats.get(lang) in ("yes", "possible"):
            out.append(f"{lang}-format")
    if span and not obsolete:
        out.append(f"range: {span[0]}..{span[1]}")
    if not wrap:
        out.append("no-wrap")
    return tuple(out + others), wrap, formats.get("python") in ("yes", "possible")


def format_entry(entry: Entry, *, width: int = 79) -> list[str]:
    """Return the lines of one entry as msgcat writes it (empty if msgcat drops it)."""
    plural = entry.msgid_plural is not None
    if plural and not entry.msgstr_plural:
        raise ValueError(f"plural entry {entry.msgid!r} needs msgstr_plural")
    if not plural and entry.msgstr_plural:
        raise ValueError(f"msgstr_plural without msgid_plural in {entry.msgid!r}")
    first_msgstr = entry.msgstr_plural[0] if plural else entry.msgstr
    if entry.obsolete and not first_msgstr:
        return []
    if entry.previous_msgid is None and (
        entry.previous_msgctxt is not None or entry.previous_msgid_plural is not None
    ):
        raise ValueError(f"previous msgctxt/msgid_plural without previous msgid: {entry.msgid!r}")
    flags, do_wrap, python_format = _flags(
        tuple(entry.flags), fuzzy_allowed=bool(first_msgstr), obsolete=entry.obsolete
    )

    lines: list[str] = []
    for text in entry.translator_comments:
        lines += _comment_lines("#", text.split("\n"))
    lines += _comment_lines("#.", entry.extracted_comments)
    lines += _reference_lines(tuple(entry.references), max(width, MIN_WIDTH))
    if flags:
        lines.append("#, " + ", ".join(flags))

    def put(keyword: str, value: str, prefix: str) -> None:
        lines.extend(wrap_string(keyword, value, width=width, prefix=prefix, wrap=do_wrap,
                                 python_format=python_format))

    previous = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        put("msgctxt", entry.previous_msgctxt, previous)
    if entry.previous_msgid is not None:
        put("msgid", entry.previous_msgid, previous)
    if entry.previous_msgid_plural is not None:
        put("msgid_plural", entry.previous_msgid_plural, previous)
    prefix = "#~ " if entry.obsolete else ""
    if entry.msgctxt is not None:
        put("msgctxt", entry.msgctxt, prefix)
    put("msgid", entry.msgid, prefix)
    if plural:
        put("msgid_plural", entry.msgid_plural, prefix)
        for n, value in enumerate(entry.msgstr_plural):
            put(f"msgstr[{n}]", value, prefix)
    else:
        put("msgstr", entry.msgstr, prefix)
    return lines


@lru_cache(maxsize=1024)
def _entry_lines(entry: Entry, width: int) -> tuple[str, ...]:
    # Remembered: a template's entries come back unchanged in each language's new catalogue
    # (written right after the template: one statement's entries are enough to remember).
    return tuple(format_entry(entry, width=width))


def forget() -> None:
    """Let go of the texts remembered for the catalogues just written (~2 MB after 500 statements):
    they are useful while one statement's template and catalogues are written, not afterwards."""
    _wrap.cache_clear()
    _entry_lines.cache_clear()


def _parse_header_comments(lines: Sequence[str], header: str) -> Entry:
    """Turn the file's leading ``#`` lines into the header entry."""
    translator: list[str] = []
    extracted: list[str] = []
    references: list[str] = []
    flags: list[str] = []
    for line in lines:
        if "\n" in line or not line.startswith("#"):
            raise ValueError(f"not a single comment line: {line!r}")
        if line.startswith("#,"):
            flags += [f.strip() for f in line[2:].split(",") if f.strip()]
        elif line.startswith("#."):
            extracted.append(line[3:] if line.startswith("#. ") else line[2:])
        elif line.startswith("#:"):
            references += line[2:].split()
        elif line.startswith(("#~", "#|")):
            raise ValueError(f"unsupported header comment line: {line!r}")
        else:
            translator.append(line[2:] if line.startswith("# ") else line[1:])
    return Entry(
        msgid="",
        msgstr=header,
        translator_comments=tuple(translator),
        extracted_comments=tuple(extracted),
        references=tuple(references),
        flags=tuple(flags),
    )


def format_po(
    header_comment_lines: Sequence[str],
    header: str,
    entries: Iterable[Entry],
    *,
    width: int = 79,
) -> str:
    """Return a whole PO file (header comment lines, header msgstr, entries) as msgcat writes it."""
    entries = list(entries)
    keys: set[tuple[str | None, str]] = set()
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            raise ValueError("only the header may have an empty msgid")
        key = (entry.msgctxt, entry.msgid)
        if key in keys:
            raise ValueError(f"duplicate message {key!r}")
        keys.add(key)
    if "charset=utf-8" not in header.lower() and not all(
        (value or "").isascii()
        for e in entries
        for value in (e.msgid, e.msgstr, e.msgctxt, e.msgid_plural, e.previous_msgid,
                      e.previous_msgctxt, e.previous_msgid_plural, *e.msgstr_plural)
    ):  # msgcat would read the file as ASCII and reject or re-wrap it
        raise ValueError("non-ASCII strings need 'charset=UTF-8' in the header")
    blocks = [format_entry(_parse_header_comments(header_comment_lines, header), width=width)]
    ordered = [e for e in entries if not e.obsolete] + [e for e in entries if e.obsolete]
    blocks += [b for b in (_entry_lines(e, width) for e in ordered) if b]
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
