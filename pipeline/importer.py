"""A raw statement (.txt, .md, .docx, .html) -> source/<slug>.md, listing what was left out.

The recipe reads like the editor's own work on a pasted web page:

    read lines ─▶ cut navigation ─▶ drop clutter ─▶ title ─▶ subtitle, date
               ─▶ cut page footer ─▶ signatory list ─▶ body blocks ─▶ write

Every step only *moves* lines: into the statement, or into the list of what was
left out (shown to the editor), never into nothing.
"""
from __future__ import annotations

import datetime
import html.parser
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .checks import signatory_key
from .errors import Location, PipelineError, Problem, display_path
from .files import write_atomic
from .pandoc import Pandoc, PandocError, shared
from .source import Statement, parse_statement, read_statement
from .yamlfile import load_yaml

FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
           ".docx": "docx", ".html": "html", ".htm": "html"}
SLUG_MAX = 60
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_STRIP = " \t\r\n\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
         "\u202f\u205f\u3000\ufeff\u200b\u200e\u200f\u2060"


# ─── what the importer hands back ──────────────────────────────────────────────

@dataclass(frozen=True)
class Removed:
    """A line of the raw file left out of the statement, and why."""

    location: Location
    text: str
    why: str

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 90 else self.text[:87] + "…"
        return f"{self.location}: {self.why}: {text}"


@dataclass
class ImportResult:
    """What was written, what was recognised, and what the editor should review."""

    source: Path
    path: Path
    written: bool
    statement: Statement
    paragraphs: int
    demands: int
    date_from: str
    signatories_from: str
    removed: list[Removed] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def report(self) -> str:
        """The summary printed by `python -m pipeline import`."""
        s = self.statement
        verb = "written" if self.written else "unchanged"
        shorts = sum(1 for x in s.signatories if x.short)
        lines = [
            f"{display_path(self.path)} {verb}, imported from {display_path(self.source)}",
            f"  title:       {s.title}",
        ]
        if s.subtitle:
            lines.append(f"  subtitle:    {s.subtitle}")
        lines += [
            f"  date:        {self.date_from}",
            f"  body:        {_count(self.paragraphs, 'paragraph')}, {_count(self.demands, 'demand')}",
            f"  signatories: {len(s.signatories)} {self.signatories_from}"
            + (f"; {shorts} with a short name" if shorts else ""),
        ]
        if self.removed:
            lines.append(f"Left out ({_count(len(self.removed), 'line')}) — check that none of it belongs "
                         "to the statement:")
            lines += [f"  {r}" for r in sorted(self.removed, key=lambda r: r.location.line or 0)]
        if self.warnings:
            lines.append(f"{_count(len(self.warnings), 'warning')}:")
            lines += [f"  {w}" for w in sorted(self.warnings, key=lambda w: w.location.line or 0)]
        if self.notes:
            lines.append("Notes:")
            lines += [f"  {n}" for n in self.notes]
        return "\n".join(lines)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ─── reading: one file -> lines ────────────────────────────────────────────────

@dataclass
class Line:
    """One line of the raw statement: plain text to recognise, and its Markdown to write."""

    text: str                       # plain text, list marker removed
    line: int | None = None         # line in the raw file (text and Markdown files)
    raw: str = ""                   # the line as it was, for the report
    inlines: list | None = None     # pandoc inlines (Word, HTML): written as Markdown by pandoc
    markdown: str | None = None     # the author's own Markdown (.md files)
    heading: int = 0                # heading level given by the document's structure
    marker: str | None = None       # "1." for a numbered item, "-" for a bullet
    number: int | None = None       # the item's number as printed
    indent: int = 0                 # leading spaces (text files): continuation of an item
    role: str | None = None         # "title", "subtitle" or "date" from a Word document's properties
    wrapped: bool = False           # the file breaks paragraphs into lines (text, Markdown)

    @property
    def blank(self) -> bool:
        return not self.text and self.marker is None


_MARKER = re.compile(
    r"^(?:(?P<bullet>[•·▪●◦○■□►▸➢➤✓✔]|[-–—*+](?=\s|$))"
    r"|\(?(?P<num>\d{1,3})(?:\.(?!\d)|\)|\s*[-–](?!\d)))[ \t\u00a0]*")


def split_marker(text: str) -> tuple[str | None, int | None, int]:
    """The list marker starting a line: (kind, number, length); kind None when there is none."""
    m = _MARKER.match(text)
    if not m:
        return None, None, 0
    if m.group("bullet"):
        return "-", None, m.end()
    return "1.", int(m.group("num")), m.end()


def read_lines(path: Path, pandoc: Pandoc) -> tuple[list[Line], list[Removed]]:
    """The raw file as lines (blank lines kept: they separate blocks), plus what a reader left out."""
    kind = FORMATS[path.suffix.lower()]
    if kind == "text":
        return _text_lines(_decode(path), path), []
    if kind == "markdown":
        return _markdown_lines(_decode(path), path, pandoc)
    try:
        doc = pandoc.read_file(path, fmt=kind)
    except PandocError as exc:
        what = "Word document" if kind == "docx" else "web page"
        raise PipelineError(Problem(Location(path), f"pandoc cannot read this {what} ({exc})",
                                    "open it and save it again as .docx" if kind == "docx"
                                    else "save the page again from the browser (Save as… → Web page, HTML only)"))
    lines = _meta_lines(doc.get("meta", {})) if kind == "docx" else []
    for block in doc.get("blocks", []):
        lines += _block_lines(block)
    removed = _outside_main(path) if kind == "html" else []
    return lines, removed


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise PipelineError(Problem(Location(path), "this file is not UTF-8 text",
                                        "save it again as UTF-8 (in Notepad: Save as → Encoding: UTF-8)")) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text_lines(text: str, path: Path) -> list[Line]:
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip(_STRIP)
        kind, num, length = split_marker(stripped)
        lines.append(Line(text=stripped[length:].strip(_STRIP), line=number, raw=stripped, marker=kind,
                          number=num, indent=len(raw) - len(raw.lstrip(_STRIP)), wrapped=True))
    return lines


_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?$")


def _markdown_lines(text: str, path: Path, pandoc: Pandoc) -> tuple[list[Line], list[Removed]]:
    """Markdown as the author typed it: kept for the body, read by pandoc for the plain text."""
    lines, removed, skip = _front_matter_lines(text, path)
    for number, raw in enumerate(text.split("\n"), start=1):
        if number <= skip:
            continue
        stripped = raw.strip(_STRIP)
        heading = 0
        m = _MD_HEADING.match(stripped)
        if m:
            heading, stripped = len(m.group(1)), m.group(2)
        kind, num, length = split_marker(stripped) if not heading else (None, None, 0)
        content = stripped[length:].strip(_STRIP)
        lines.append(Line(text=content, line=number, raw=raw.strip(_STRIP), markdown=content,
                          heading=heading, marker=kind, number=num,
                          indent=len(raw) - len(raw.lstrip(_STRIP)), wrapped=True))
    todo = [ln for ln in lines if ln.text and ln.line]
    for ln, doc in zip(todo, pandoc.read([ln.text for ln in todo])):
        ln.text = _plain_blocks(doc["blocks"]).strip(_STRIP) or ln.text
    return lines, removed


def _front_matter_lines(text: str, path: Path) -> tuple[list[Line], list[Removed], int]:
    """A website's Markdown export: title, subtitle and date from its YAML front matter."""
    m = re.match(r"---\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|$)", text, re.S)
    if not m:
        return [], [], 0
    try:
        data, where = load_yaml(m.group(1), path, first_line=2)
    except PipelineError:
        data = None
    if not isinstance(data, dict):
        return [], [], 0
    lines: list[Line] = []
    removed: list[Removed] = []
    for key, value in data.items():
        role = {"title": "title", "subtitle": "subtitle", "date": "date"}.get(str(key))
        if role and isinstance(value, (str, datetime.date)) and str(value).strip():
            value = str(value).strip()
            lines += [Line(text=value, raw=f"{key}: {value}", markdown=value, role=role, line=where.get((key,)),
                           heading=1 if role == "title" else 0), Line("")]
        else:
            removed.append(Removed(Location(path, where.get((key,))), f"{key}: {value}",
                                   "front matter of the export"))
    return lines, removed, m.group(0).count("\n")


def _meta_lines(meta: dict) -> list[Line]:
    """A Word document's Title, Subtitle and Date paragraphs (pandoc puts them in the metadata)."""
    lines = []
    for role in ("title", "subtitle", "date"):
        value = meta.get(role)
        if value and value.get("t") == "MetaInlines":
            text = _plain(value["c"]).strip(_STRIP)
            if text:
                lines += [Line(text=text, raw=text, inlines=_trim(value["c"]), role=role,
                               heading=1 if role == "title" else 0), Line("")]
    return lines


def _block_lines(block: dict, marker: str | None = None, number: int | None = None) -> list[Line]:
    """One pandoc block -> lines: a paragraph per line, split at hard line breaks."""
    t, c = block["t"], block.get("c")
    if t in ("Para", "Plain"):
        out = []
        for part in _split_breaks(c):
            text = _plain(part).strip(_STRIP)
            inlines = _trim(part)
            kind, num = marker, number
            if marker is None:  # a list typed by hand in a paragraph: "1- …", "• …"
                kind, num, length = split_marker(text)
                if kind:
                    inlines = _drop_chars(inlines, length)
                    text = text[length:].strip(_STRIP)
            out.append(Line(text=text, raw=_plain(part).strip(_STRIP), inlines=inlines,
                            marker=kind, number=num))
            marker = number = None  # only the first line of an item carries its marker
        return out + ([Line("")] if t == "Para" else [])
    if t == "Header":
        text = _plain(c[2]).strip(_STRIP)
        return [Line(text=text, raw=text, inlines=_trim(c[2]), heading=c[0]), Line("")]
    if t in ("BulletList", "OrderedList"):
        start = c[0][0] if t == "OrderedList" else None
        items = c[1] if t == "OrderedList" else c
        out = []
        for i, item in enumerate(items):
            for j, sub in enumerate(item):
                first = j == 0
                out += [ln for ln in _block_lines(sub, ("1." if start is not None else "-") if first else None,
                                                  start + i if first and start is not None else None)
                        if not ln.blank]
        return out + [Line("")]
    if t in ("BlockQuote", "Div", "Figure"):
        blocks = c if t == "BlockQuote" else c[1] if t == "Div" else c[2]
        return [ln for b in blocks for ln in _block_lines(b)]
    if t == "LineBlock":
        return [Line(text=_plain(x).strip(_STRIP), raw=_plain(x), inlines=_trim(x)) for x in c] + [Line("")]
    if t == "CodeBlock":
        return [Line(text=x.strip(_STRIP), raw=x, inlines=_words(x.strip(_STRIP))) for x in c[1].split("\n")] \
            + [Line("")]
    if t == "Table":
        return _table_lines(c) + [Line("")]
    if t == "DefinitionList":
        out = []
        for term, defs in c:
            out.append(Line(text=_plain(term).strip(_STRIP), raw=_plain(term), inlines=_trim(term)))
            out += [ln for d in defs for b in d for ln in _block_lines(b)]
        return out + [Line("")]
    return [Line("")]  # HorizontalRule, RawBlock: no text of the statement


def _table_lines(c: list) -> list[Line]:
    """A table row per line, its cells joined by ' – ' (a numbered first cell is the item number)."""
    out = []
    parts = [("table head", c[3][1])] + [(None, b[2] + b[3]) for b in c[4]] + [(None, c[5][1])]
    for role, rows in parts:
        for row in rows:
            cells = [_plain([i for b in cell[4] for i in _block_inlines(b)]).strip(_STRIP) for cell in row[1]]
            cells = [x for x in cells if x]
            if not cells:
                continue
            number = int(cells[0].rstrip(".")) if re.fullmatch(r"\d{1,3}\.?", cells[0]) and len(cells) > 1 else None
            text = " – ".join(cells[1:] if number is not None else cells)
            out.append(Line(text=text, raw=" | ".join(cells), inlines=_words(text), role=role,
                            marker="1." if number is not None else None, number=number))
    return out


def _block_inlines(block: dict) -> list:
    if block["t"] in ("Para", "Plain"):
        return block["c"] + [{"t": "Space"}]
    return []


def _split_breaks(inlines: list) -> list[list]:
    parts: list[list] = [[]]
    for x in inlines:
        if x["t"] == "LineBreak":
            parts.append([])
        else:
            parts[-1].append(x)
    return [p for p in parts if _plain(p).strip(_STRIP)] or [[]]


def _plain(inlines: list) -> str:
    """Pandoc inlines as the reader sees them, without markup."""
    out = []
    for x in inlines:
        t, c = x["t"], x.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
            out.append(_plain(c))
        elif t in ("Span", "Link"):
            out.append(_plain(c[1]))
        elif t == "Quoted":
            q = "“”" if c[0]["t"] == "DoubleQuote" else "‘’"
            out.append(q[0] + _plain(c[1]) + q[1])
        elif t == "Cite":
            out.append(_plain(c[1]))
        elif t in ("Code", "Math"):
            out.append(c[1])
    return "".join(out)


def _plain_blocks(blocks: list) -> str:
    parts = []
    for b in blocks:
        if b["t"] in ("Para", "Plain"):
            parts.append(_plain(b["c"]))
        elif b["t"] == "Header":
            parts.append(_plain(b["c"][2]))
        elif b["t"] in ("BulletList", "OrderedList"):
            items = b["c"][1] if b["t"] == "OrderedList" else b["c"]
            parts += [_plain_blocks(item) for item in items]
        elif b["t"] in ("BlockQuote", "Div"):
            parts.append(_plain_blocks(b["c"] if b["t"] == "BlockQuote" else b["c"][1]))
    return " ".join(parts)


def _trim(inlines: list) -> list:
    """Inlines without spaces at either end."""
    inlines = list(inlines)
    while inlines and inlines[0]["t"] in ("Space", "SoftBreak"):
        inlines.pop(0)
    while inlines and inlines[-1]["t"] in ("Space", "SoftBreak"):
        inlines.pop()
    if inlines and inlines[0]["t"] == "Str":
        inlines[0] = {"t": "Str", "c": inlines[0]["c"].lstrip(_STRIP)}
    if inlines and inlines[-1]["t"] == "Str":
        inlines[-1] = {"t": "Str", "c": inlines[-1]["c"].rstrip(_STRIP)}
    return [x for x in inlines if x["t"] != "Str" or x["c"]]


def _drop_chars(inlines: list, n: int) -> list:
    """Inlines without their first n characters (a list marker typed by hand)."""
    inlines = list(inlines)
    while n > 0 and inlines:
        x = inlines[0]
        size = len(x["c"]) if x["t"] == "Str" else 1 if x["t"] in ("Space", "SoftBreak") else None
        if size is None:  # the marker is inside formatting: keep the words, lose the formatting
            return _words(_plain(inlines)[n:].strip(_STRIP))
        if size <= n:
            inlines.pop(0)
            n -= size
        else:
            inlines[0] = {"t": "Str", "c": x["c"][n:]}
            n = 0
    return _trim(inlines)


def _words(text: str) -> list:
    """Plain text as pandoc inlines, so that pandoc escapes what Markdown would misread."""
    out: list = []
    for i, word in enumerate(re.split(r"[ \t\n]+", text)):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return _trim(out)


class _OutsideMain(html.parser.HTMLParser):
    """Text of a page outside its <main> element, which pandoc's reader leaves out."""

    SKIP = {"script", "style", "head", "template", "noscript", "svg"}
    BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article", "nav",
             "header", "footer", "aside", "form", "ul", "ol", "label", "button", "option", "td", "th"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.main = self.skip = 0
        self.seen_main = False
        self.chunks: list[str] = [""]

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.main += 1
            self.seen_main = True
        elif tag in self.SKIP:
            self.skip += 1
        if tag in self.BLOCK or tag == "main":
            self.chunks.append("")

    def handle_endtag(self, tag):
        if tag == "main":
            self.main = max(0, self.main - 1)
        elif tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        if tag in self.BLOCK or tag == "main":
            self.chunks.append("")

    def handle_data(self, data):
        if not self.main and not self.skip:
            self.chunks[-1] += data


def _outside_main(path: Path) -> list[Removed]:
    parser = _OutsideMain()
    parser.feed(path.read_bytes().decode("utf-8", errors="replace"))
    if not parser.seen_main:
        return []
    texts = [" ".join(c.split()) for c in parser.chunks]
    return [Removed(Location(path), t, "outside the page's <main> content") for t in texts if t]


# ─── recognising one line ──────────────────────────────────────────────────────

_ARABIC_FOLD = str.maketrans({"ى": "ي", "ـ": None, "ٱ": "ا"})


def fold(text: str) -> str:
    """Text as compared by the recognisers: no case, accents, Arabic vowel marks or extra spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_ARABIC_FOLD)
    return " ".join(text.casefold().split())


def _folded_keys(table: dict[str, int]) -> dict[str, int]:
    return {fold(k): v for k, v in table.items()}


def _alternation(keys) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


_EN_MONTHS = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
              "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
              "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
              "dec": 12}
_AR_MONTHS = _folded_keys({
    # Syrian / Levantine names
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8,
    "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    # Egyptian / Gulf names
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "أغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # Maghrebi names
    "جانفي": 1, "فيفري": 2, "أفريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "أوت": 8})
_KU_MONTHS = _folded_keys({"Çile": 1, "Sibat": 2, "Sivat": 2, "Adar": 3, "Nîsan": 4, "Gulan": 5,
                           "Hezîran": 6, "Tîrmeh": 7, "Tebax": 8, "Îlon": 9, "Elon": 9, "Cotmeh": 10,
                           "Mijdar": 11, "Kanûn": 12})
_WEEKDAYS = _alternation({fold(w) for w in (
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun "
    "الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت "
    "yekşem duşem sêşem çarşem pêncşem în şemî").split()})
_D, _Y = r"(?P<d>\d{1,2})", r"(?P<y>\d{4})"
_EN, _AR, _KU = _alternation(_EN_MONTHS), _alternation(_AR_MONTHS), _alternation(_KU_MONTHS)
_DATES = [re.compile(p) for p in (
    rf"{_Y}-(?P<m>\d{{1,2}})-{_D}",
    rf"{_Y}/(?P<m>\d{{1,2}})/{_D}",
    rf"{_D}[/.\-](?P<m>\d{{1,2}})[/.\-]{_Y}",
    rf"{_D}(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<en>{_EN})\.?,?\s+{_Y}",
    rf"(?P<en>{_EN})\.?\s+{_D}(?:st|nd|rd|th)?,?\s+{_Y}",
    rf"{_D}\s*(?P<ar>{_AR})(?:\s*[/\-]\s*(?:{_AR})|\s*\((?:{_AR})\))?\s*[،,]?\s*{_Y}\s*م?",
    rf"{_D}(?:e|an|em|emin)?\.?\s+(?P<ku>{_KU})(?:ye|ya|e|a)?\s+(?:sala\s+)?{_Y}(?:an|e|a)?",
)]
_DATE_LABEL = re.compile(r"^(?:(?:date|dated|published|posted|issued|released|updated)(?:\s+on)?"
                         r"|التاريخ|بتاريخ|تاريخ|dirok|tarix)\s*[:\-–]?\s*")
_PLACE = re.compile(r"^[^\d,،:]{1,40}[,،:]\s*")
_WEEKDAY = re.compile(rf"^(?:{_WEEKDAYS})[,،]?\s+")


def parse_date(text: str) -> datetime.date | None:
    """The date a line consists of ('26 January 2026', '٢٦ كانون الثاني ٢٠٢٦', '26ê Çileyê 2026'…)."""
    t = fold(text).strip(" .")
    if not t or len(t) > 80:
        return None
    candidates = [t]
    for prefix in (_DATE_LABEL, _PLACE, _WEEKDAY):
        t = prefix.sub("", t, count=1)
        candidates.append(t)
    for candidate in dict.fromkeys(candidates):
        for pattern in _DATES:
            m = pattern.fullmatch(candidate)
            if m:
                return _date(m)
    return None


def _date(m: re.Match) -> datetime.date | None:
    g = m.groupdict()
    if g.get("en"):
        month = _EN_MONTHS[g["en"]]
    elif g.get("ar"):
        month = _AR_MONTHS[g["ar"]]
    elif g.get("ku"):
        month = _KU_MONTHS[g["ku"]]
    else:
        month = int(g["m"])
    day, year = int(g["d"]), int(g["y"])
    if month > 12 and day <= 12:  # 01/26/2026: month first
        day, month = month, day
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


_SIGNATORY_HEADINGS = re.compile("|".join(f"(?:{p})" for p in (
    r"(?:the )?(?:list of )?(?:the )?(?:co-?)?signator(?:y|ies)(?: (?:organi[sz]ations?|groups|ngos|csos|list))?",
    r"(?:the )?(?:undersigned|signing|endorsing|supporting)(?: (?:organi[sz]ations?|groups|ngos|csos|parties"
    r"|civil society organi[sz]ations))?",
    r"(?:this statement (?:is|was|has been) )?(?:signed|endorsed) by(?: the following(?: organi[sz]ations)?)?",
    r"(?:organi[sz]ations|groups) (?:signing|endorsing|that (?:have )?signed)(?: (?:this|the) statement)?",
    r"endorsements?|signed",
    fold(r"(?:ال)?موقع(?:ون|ين|ات)(?: على (?:هذا )?البيان)?"),
    fold(r"(?:قائمة )?(?:ال)?(?:منظمات|جهات|مؤسسات|هيئات) (?:ال)?موقعة(?: على (?:هذا )?البيان)?"),
    fold(r"قائمة (?:ال)?موقعين"),
    fold(r"rêxistinên (?:îmzeker|îmzekar)(?:ên)?|rêxistinên ku (?:ev daxuyanî )?îmze kirine"),
    fold(r"îmzeker(?:ên|an)?|îmzekar(?:ên|an)?"),
    r"واژۆکەران|ڕێکخراوە واژۆکەرەکان|رێکخراوە واژۆکەرەکان",
)))


def _heading_key(text: str) -> str:
    key = fold(text).strip(" *_#:：.-–—")
    return re.sub(r"\s*\([^()]*\)$", "", key).strip(" *_#:：.-–—")  # "Signatories (in alphabetical order)"


def signatory_heading(text: str) -> tuple[bool, str]:
    """Whether a line is the heading of the signatory list, and any names after its colon."""
    head, colon, rest = text.partition(":")
    if _SIGNATORY_HEADINGS.fullmatch(_heading_key(text)):
        return True, ""
    if colon and rest.strip(_STRIP) and _SIGNATORY_HEADINGS.fullmatch(_heading_key(head)):
        return True, rest.strip(_STRIP)
    return False, ""


_SHARE_WORD = "|".join((
    r"share(?: (?:this|on|via|it))?(?: (?:statement|post|page|article|story))?", r"tweet(?: this)?", "facebook",
    "twitter", "linkedin", "whatsapp", "telegram", "e-?mail", r"print(?: this)?", "pinterest", "reddit",
    r"copy(?: the)? link", r"\(?pdf\)?", "like this", r"loading\.\.\.", r"click to (?:share|print|email)[^|]*",
    r"download(?: (?:the|this))?(?: (?:statement|file|document|report|english|arabic|kurdish|version|full text))*"
    r"(?: (?:as|in))?(?: \(?(?:pdf|docx?|word)\)?)?",
    fold("شارك|مشاركة|(?:تحميل|تنزيل)(?: البيان)?|طباعة|parve bike|parve bikin|daxîne|daxistin|çap bike"),
))
_CLUTTER = [
    ("share or download link", re.compile(rf"(?:(?:{_SHARE_WORD})[\s|·•,:/\-–]*)+")),
    ("navigation", re.compile(
        r"(?:show|view|see) all|read more|continue reading|load more|back to top|skip to (?:main )?content"
        r"|(?:«|‹|<|←)?\s*(?:previous|prev|next|older|newer)(?: (?:post|article|entry|story|statement|page)s?)?"
        r"\s*(?:»|›|>|→)?|home|menu|search|go back|"
        + fold("عرض الكل|اقرأ المزيد|المزيد|التالي|السابق|الرئيسية|القائمة|بحث|hemû nîşan bide|zêdetir bixwîne"
               "|pêşve|paşve|lêgerîn"))),
    ("page tags", re.compile(r"(?:tags?|categories|category|labels)\s*:.*|(?:posted in|filed under)\b.*|"
                             + fold("(?:الوسوم|التصنيفات|الكلمات المفتاحية|etîket)\\s*:.*"))),
]
_FOOTER = re.compile(
    r"about (?!\d)[^.!?]{1,60}|leave a (?:reply|comment)|post a comment|add a comment|\d+ comments?|comments?"
    r"|your email address will not be published.*|post comment|related(?: (?:posts|articles|news|content|stories))?"
    r"|you (?:may|might) also like.*|more (?:news|statements|posts)|(?:©|\(c\)|copyright\b).*|all rights reserved.*"
    r"|subscribe to our newsletter.*|"
    + fold("(?:عن|حول) [^.!?؟]{1,50}|اترك (?:تعليقا|تعليقاً|ردا|رداً)|أضف تعليقا|التعليقات|مقالات ذات صلة"
           "|أخبار ذات صلة|منشورات ذات صلة|جميع الحقوق محفوظة.*|derbarê [^.!?]{1,50}|der barê [^.!?]{1,50}"
           "|şîroveyekê binivîse|bersivekê bihêle|nûçeyên têkildar|hemû maf parastî ne.*"))
_STRAY = re.compile(r"[-–—•*·▪●◦○■□►▸➢➤✓✔|_=~]*")


def clutter(line: Line) -> str | None:
    """Why a line is page clutter (a link to share, navigation, a stray bullet), or None."""
    if line.marker == "-" and not line.text or (not line.marker and line.text and _STRAY.fullmatch(line.text)):
        return "stray bullet"
    if line.role == "table head":
        return "a table's header row"
    key = fold(line.text).strip(" |:»«›‹<>→←")
    if not key or line.heading and line.heading < 3 or _words_in(key) > 20:
        return None
    for why, pattern in _CLUTTER:
        if pattern.fullmatch(key):
            return why
    return None


def footer(line: Line) -> bool:
    """Whether a line starts the page's footer: 'About <organisation>', a comment form, related posts."""
    key = fold(line.text).strip(" :")
    return bool(key) and len(key.split()) <= 8 and _FOOTER.fullmatch(key) is not None


_END = ".!?؟…"


def _words_in(text: str) -> int:
    return len(text.split())


def title_like(text: str) -> bool:
    """A line that can be a title: not a sentence ending in a full stop, not a whole paragraph."""
    return bool(text) and not text.endswith((".", ",", ";", "؛", "،")) and _words_in(text) <= 40 \
        and len(text) <= 300


def standfirst_like(line: Line) -> bool:
    """A line under the title that can be its subtitle: a phrase of some words, not an item or heading."""
    return title_like(line.text) and _words_in(line.text) >= 4 and not line.text.endswith(":") \
        and line.heading == 0 and line.marker != "1."


def sentence_like(text: str) -> bool:
    """A line of prose rather than a name: long, or a whole sentence."""
    return _words_in(text) > 20 or (text.endswith(tuple(_END)) and _words_in(text) > 10)


def name_like(line: Line) -> bool:
    """A line that reads as an organisation's name (for a list with no heading)."""
    text = line.text
    return bool(text) and _words_in(text) <= 14 and len(text) <= 120 and line.heading == 0 \
        and not text.endswith(tuple(_END + ":;,،؛")) and parse_date(text) is None


# ─── names: name + short ───────────────────────────────────────────────────────

_MINOR = {"of", "for", "and", "the", "in", "on", "at", "to", "a", "an", "by", "with", "de", "des", "du", "la",
          "le", "les", "et", "al", "el", "der", "die", "das", "und", "fur", "&"}
_NAME_ABBR = re.compile(r"^(?P<name>.+?)\s*\((?P<short>[^()\s]+)\)$|^(?P<name2>.+?)\s+[–—-]\s+(?P<short2>\S+)$")
_ABBR_NAME = re.compile(r"^(?P<short>\S+)\s+[–—-]\s+(?P<name>.+)$")


def _acronym(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return 2 <= len(letters) <= 10 and all(ch.isupper() for ch in letters) \
        and all(ch.isalnum() or ch in ".&" for ch in text)


def initials_of(short: str, name: str) -> bool:
    """Whether `short` is clearly the initials of `name` (small words may be skipped, a tail left out)."""
    letters = [fold(ch) for ch in short if ch.isalnum()]
    words = [w for w in (re.sub(r"^\W+", "", w) for w in re.split(r"[\s\-–/]+", name)) if w]
    significant = sum(1 for w in words if fold(w) not in _MINOR)

    def match(a: int, w: int, matched: int) -> bool:
        if a == len(letters):  # the rest of the name may be left out ("SCM – Syrian Center for Media and …")
            return matched >= 2 and matched * 2 >= significant
        if w == len(words):
            return False
        minor = fold(words[w]) in _MINOR
        if fold(words[w][0]) == letters[a] and match(a + 1, w + 1, matched + (not minor)):
            return True
        return minor and match(a, w + 1, matched)

    return len(letters) >= 2 and match(0, 0, 0)


def split_name(text: str) -> tuple[str, str | None, str | None]:
    """(name, short, doubt): the abbreviation split off only when it is clearly the name's initials."""
    for pattern in (_NAME_ABBR, _ABBR_NAME):
        m = pattern.match(text)
        if not m:
            continue
        name = m.group("name") or m.groupdict().get("name2")
        short = m.group("short") or m.groupdict().get("short2")
        if not name or not short or not _acronym(short):
            continue
        if initials_of(short, name):
            return name.rstrip(_STRIP), short, None
        return text, None, short
    return text, None, None


# ─── the recipe ────────────────────────────────────────────────────────────────

@dataclass
class _Draft:
    """What the steps find, gathered before anything is written."""

    path: Path
    title: Line | None = None
    subtitle: Line | None = None
    date: datetime.date | None = None
    date_from: str = ""
    blocks: list[Line] = field(default_factory=list)
    names: list[Line] = field(default_factory=list)
    names_from: str = ""
    removed: list[Removed] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def loc(self, line: Line | None) -> Location:
        return Location(self.path, line.line if line else None)

    def drop(self, line: Line, why: str) -> None:
        self.removed.append(Removed(self.loc(line), line.raw or line.text, why))

    def warn(self, line: Line | None, message: str, hint: str = "") -> None:
        self.warnings.append(Problem(self.loc(line), message, hint, severity="warning", check="import"))

    def take_date(self, line: Line, date: datetime.date, why: str) -> bool:
        """Take a date line out: the statement's date, or a copy of it; False for another date."""
        if self.date is None:
            self.date = date
            where = f"line {line.line}: " if line.line else ""
            self.date_from = f"{date.isoformat()} (from {where}“{line.raw or line.text}”)"
            return True
        if self.date == date:
            self.drop(line, "the date, repeated")
            return True
        self.drop(line, why)
        return False


def import_statement(path: Path, *, root: Path, slug: str | None = None, force: bool = False,
                     pandoc: Pandoc | None = None) -> ImportResult:
    """Turn a raw statement into source/<slug>.md; PipelineError for a user's mistake."""
    path = Path(path)
    if not path.is_file():
        raise PipelineError(Problem(Location(path), "no such file", "give the path of the raw statement to import"))
    if path.suffix.lower() not in FORMATS:
        raise PipelineError(Problem(Location(path), f"cannot import '{path.suffix or path.name}' files",
                                    "save the statement as .txt, .md, .docx or .html and import that"))
    pandoc = pandoc or shared()
    try:
        return _import_file(path, root, slug, force, pandoc)
    except PandocError as exc:
        raise PipelineError(Problem(Location(path), f"pandoc failed on this file ({exc})",
                                    "save it as plain text (.txt) and import that")) from None


def _import_file(path: Path, root: Path, slug: str | None, force: bool, pandoc: Pandoc) -> ImportResult:
    lines, removed = read_lines(path, pandoc)
    lines = _join_wrapped(lines)
    draft = _Draft(path, removed=removed)
    _warn_outside_main(draft)
    lines = _cut_navigation(lines, draft)
    lines = _drop_clutter(lines, draft)
    lines = _find_title(lines, draft)
    lines = _take_head(lines, draft)
    lines = _cut_footer(lines, draft)
    body = _split_signatories(lines, draft)
    draft.blocks = _body_blocks(body, draft)
    if not any(b.text for b in draft.blocks):
        raise PipelineError(Problem(draft.loc(draft.title), "no statement text found after the title",
                                    "check that the file holds the statement's paragraphs"))
    signatories = _signatories(draft)

    slug = _slug_option(slug, path) if slug else make_slug(draft.title.text, draft.date, draft)
    target = root / "source" / f"{slug}.md"
    text = render(draft, signatories, pandoc)
    exists = target.exists()
    if exists and not force and target.read_text(encoding="utf-8", errors="replace") != text:
        raise PipelineError(Problem(Location(target), "this statement already exists",
                                    "pass --force to overwrite it, or --slug to give the import another name"))
    parse_statement(text, target)  # never write a file the pipeline cannot read
    written = write_atomic(target, text)
    statement = read_statement(target)
    paragraphs = sum(1 for b in draft.blocks if not b.marker and not b.heading)
    demands = sum(1 for b in draft.blocks if b.marker)
    return ImportResult(
        source=path, path=target, written=written, statement=statement, paragraphs=paragraphs, demands=demands,
        date_from=draft.date_from or "none found — add 'date: YYYY-MM-DD' to the front matter if the "
                                     "statement is dated",
        signatories_from=draft.names_from, removed=draft.removed, warnings=draft.warnings, notes=draft.notes)


def _warn_outside_main(d: _Draft) -> None:
    for r in d.removed:
        if signatory_heading(r.text)[0]:
            d.warnings.append(Problem(r.location, f"the page has “{r.text}” outside its main content, which "
                                      "was left out", "copy the signatories into a .txt file and import that",
                                      severity="warning", check="import"))


def _nonblank(lines: list[Line]) -> list[int]:
    return [i for i, ln in enumerate(lines) if not ln.blank]


_BREADCRUMB = re.compile(r"\S.*?\s[»›>]\s.*?\S\s[»›>]\s.*\S")  # Home » Statements » …


def _cut_navigation(lines: list[Line], d: _Draft) -> list[Line]:
    """Links to other posts above the title ('Older post', its date, 'Show all'), breadcrumbs."""
    nonblank = _nonblank(lines)
    top: list[int] = []
    for i in nonblank[:15]:
        ln = lines[i]
        if ln.role or ln.text.endswith(".") or _words_in(ln.text) > 12:
            break
        top.append(i)
    end = -1
    for i in top:
        if clutter(lines[i]) == "navigation" or _BREADCRUMB.fullmatch(lines[i].text):
            end = i
    # "post title / its date" pairs: links to other posts, unless the last pair is the title and its date
    pairs = 0
    while 2 * pairs + 1 < len(top) and parse_date(lines[top[2 * pairs]].text) is None \
            and parse_date(lines[top[2 * pairs + 1]].text) is not None:
        pairs += 1
    if pairs >= 2:
        after = nonblank[2 * pairs] if 2 * pairs < len(nonblank) else None
        last_pair_is_nav = after is not None and title_like(lines[after].text)
        end = max(end, top[2 * pairs - 1] if last_pair_is_nav else top[2 * pairs - 3])
    for ln in lines[:end + 1]:
        if not ln.blank:
            d.drop(ln, "navigation to other pages")
    return lines[end + 1:]


def _drop_clutter(lines: list[Line], d: _Draft) -> list[Line]:
    kept = []
    for ln in lines:
        why = clutter(ln) if not ln.blank else None
        if why:
            d.drop(ln, why)
        else:
            kept.append(ln)
    return kept


def _find_title(lines: list[Line], d: _Draft) -> list[Line]:
    """The title: a Word document's Title, else the first line (dates above it are the date)."""
    nonblank = _nonblank(lines)
    if not nonblank:
        raise PipelineError(Problem(Location(d.path), "the file has no text", "check that it is the statement"))
    for i in nonblank:
        if lines[i].role == "title":
            return _title_at(lines, i, d, keep_above=True)
    first = None
    for i in nonblank:
        date = parse_date(lines[i].text) if not lines[i].marker else None
        if date is None:
            first = i
            break
        d.take_date(lines[i], date, "a second date above the title")
    if first is None:
        raise PipelineError(Problem(d.loc(lines[nonblank[-1]]), "no title found",
                                    "add the statement's title as the first line of the file"))
    candidate = lines[first]
    following = nonblank[nonblank.index(first) + 1:]
    heading = next((i for i in following if lines[i].heading), None)
    if not candidate.heading and heading is not None:
        if not title_like(candidate.text):  # no title line: the first heading is the title
            return _title_at(lines, heading, d, keep_above=True)
        if lines[heading].heading == 1 and _words_in(candidate.text) <= 4 and heading in following[:5]:
            for ln in lines[first:heading]:  # a page's label above its <h1>: "News", "Statements"
                if not ln.blank:
                    d.drop(ln, "above the title")
            return _title_at(lines, heading, d)
    if not title_like(candidate.text) or signatory_heading(candidate.text)[0]:
        raise PipelineError(Problem(
            d.loc(candidate), "no title found: the first line reads as a paragraph, not a title",
            f"add the statement's title as the first line of {display_path(d.path)}"))
    return _title_at(lines, first, d)


def _title_at(lines: list[Line], i: int, d: _Draft, *, keep_above: bool = False) -> list[Line]:
    title = lines[i]
    if title.marker == "-":
        d.drop(replace(title, raw=title.raw[:1]), "stray bullet before the title")
        title = replace(title, marker=None)
    d.title = title
    return lines[:i] + lines[i + 1:] if keep_above else lines[i + 1:]


def _take_head(lines: list[Line], d: _Draft) -> list[Line]:
    """Below the title: the title repeated, a standfirst (the subtitle) and its copies, a date line."""
    title_key = signatory_key(d.title.text)
    head: list[int] = []
    for i in _nonblank(lines):
        ln = lines[i]
        if ln.role in ("subtitle", "date") or signatory_key(ln.text) == title_key:
            head.append(i)
        elif not ln.role and parse_date(ln.text) and not ln.marker:
            head.append(i)
        elif standfirst_like(ln) and not signatory_heading(ln.text)[0] and not footer(ln):
            head.append(i)
        else:
            break
    standfirsts: list[Line] = []
    for i in head:
        ln = lines[i]
        date = parse_date(ln.text) if ln.role != "subtitle" else None
        if signatory_key(ln.text) == title_key:
            d.drop(ln, "the title, repeated by the page")
        elif date:
            d.take_date(ln, date, "a second date below the title")
        elif ln.role == "date":
            d.drop(ln, "the document's date, not a day of the calendar")
            d.warn(ln, f"cannot read the date “{ln.text}”", "add 'date: YYYY-MM-DD' to the front matter")
        else:
            standfirsts.append(ln)
    # keep one of each standfirst: the plain one over a bulleted or Title-Cased copy
    chosen: dict[str, Line] = {}
    for ln in standfirsts:
        key = signatory_key(ln.text)
        other = chosen.get(key)
        if other is None:
            chosen[key] = ln
            continue
        worse, better = (ln, other) if ln.marker and not other.marker else (other, ln)
        chosen[key] = better
        d.drop(worse, "a copy of the subtitle")
    rest = lines[head[-1] + 1:] if head else lines
    kept = list(chosen.values())
    if kept:
        subtitle = kept[0]
        if subtitle.marker:
            d.drop(replace(subtitle, raw=subtitle.raw[:1]), "stray bullet before the subtitle")
        d.subtitle = replace(subtitle, marker=None)
        rest = [replace(x, marker=None, role=None) for x in kept[1:]] + rest
    return rest


def _cut_footer(lines: list[Line], d: _Draft) -> list[Line]:
    """'About <organisation>', comment forms, related posts: from there on, the page, not the statement."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.blank or not footer(ln) or signatory_heading(ln.text)[0]:
            out.append(ln)
            i += 1
            continue
        # a signatory list after the footer is kept: the footer ends where it starts
        end = next((j for j in range(i + 1, len(lines)) if signatory_heading(lines[j].text)[0]), len(lines))
        d.drop(ln, "page footer")
        for x in lines[i + 1:end]:
            if not x.blank:
                d.drop(x, f"after “{ln.text}”")
        i = end
    return out


def _split_signatories(lines: list[Line], d: _Draft) -> list[Line]:
    """The signatory list (after its heading, or the short names closing the text); returns the body."""
    heading = next((i for i, ln in enumerate(lines) if not ln.blank and not ln.marker
                    and signatory_heading(ln.text)[0]), None)
    if heading is not None:
        ln = lines[heading]
        _, inline = signatory_heading(ln.text)
        where = f", line {ln.line}" if ln.line else ""
        d.names_from = f"(after “{ln.text if not inline else ln.text.partition(':')[0] + ':'}”{where})"
        d.drop(ln if not inline else replace(ln, raw=ln.text.partition(":")[0] + ":"),
               "signatory heading (the pipeline prints its own)")
        names: list[Line] = []
        if inline:  # "Signatories: A; B; C" (commas may belong to a name: they are left to the editor)
            parts = re.split(r"\s*[;؛]\s*", inline)
            names += [replace(ln, text=p, raw=p, marker=None, heading=0) for p in parts if p]
        after: list[Line] = []
        for j, x in enumerate(lines[heading + 1:], start=heading + 1):
            if x.blank:
                continue
            if sentence_like(x.text) or x.heading:
                after = [y for y in lines[j:] if not y.blank]
                break
            if x.text.endswith((":", "：")) and not x.marker:  # "Individuals:", "International organisations:"
                d.drop(x, "a heading inside the signatory list")
                d.warn(x, f"the signatory list has a heading of its own (“{x.text}”), left out",
                       "the names below it are kept in the list; check that they belong there")
                continue
            names.append(x)
        if after:
            d.warn(after[0], f"{_count(len(after), 'line')} of text after the signatory list kept at the end "
                   "of the statement's body", "move it where it belongs, or delete it if it is the page's")
        d.names = names
        return lines[:heading] + [Line("")] + after
    # no heading: the short name-like lines that close the text
    nonblank = _nonblank(lines)
    start = len(nonblank)
    while start > 0 and (name_like(lines[nonblank[start - 1]]) or start > 1 and start < len(nonblank)
                         and _short_with_stop(lines[nonblank[start - 1]]) and name_like(lines[nonblank[start - 2]])):
        start -= 1
    tail = [lines[i] for i in nonblank[start:]]
    before = lines[nonblank[start - 1]] if start > 0 else None
    if len(tail) >= 3 and before is not None and not before.text.endswith(":"):
        d.names = tail
        first = tail[0]
        d.names_from = (f"(no heading: the {len(tail)} short lines closing the text"
                        + (f", from line {first.line}" if first.line else "") + ")")
        d.warn(first, f"no signatory heading: the {len(tail)} short lines closing the text were taken as the "
               "signatories", "check where the list starts")
        return lines[:nonblank[start]]
    d.names_from = "(none found)"
    d.warn(None, "no signatory list found",
           "add a heading such as 'Signatories:' above the list of organisations, or add them to the front matter")
    return lines


def _short_with_stop(line: Line) -> bool:
    """'Syrian Network for Human Rights.': a name with a full stop, between other names."""
    return line.text.endswith(".") and _words_in(line.text) <= 6 and not line.heading


def _body_blocks(lines: list[Line], d: _Draft) -> list[Line]:
    """Paragraphs, headings and list items, one per line; date lines taken out."""
    blocks: list[Line] = []
    for ln in lines:
        if ln.blank:
            continue
        date = parse_date(ln.text) if not ln.marker and not ln.heading else None
        if date is not None and d.take_date(ln, date, "a date line with another date"):
            continue
        if date is not None:
            d.warn(ln, f"a line with another date ({ln.text}) was left out",
                   f"the statement is dated {d.date.isoformat()}; change the front matter if that is wrong")
            continue
        blocks.append(ln)
    return blocks


def _join_wrapped(lines: list[Line]) -> list[Line]:
    """Lines of a text file that are one paragraph or item broken at the margin, joined."""
    out: list[Line] = []
    for ln in lines:
        last = out[-1] if out else None
        if last is not None and not last.blank and not ln.blank and ln.wrapped and not ln.marker \
                and not ln.heading and not last.heading \
                and (ln.indent > last.indent if last.marker else _continues(last, ln)):
            out[-1] = _join(last, ln)
        else:
            out.append(ln)
    return out


def _continues(last: Line, ln: Line) -> bool:
    """The previous line stops mid-sentence and this one goes on (lower case, a link, a number)."""
    first = ln.text[:1]
    return not last.text.endswith(tuple(_END + ":;\"”’)»")) and _words_in(last.text) >= 6 \
        and (first.islower() or first.isdigit() or ln.raw[:1] in tuple("[(*_“\"'«")) and parse_date(ln.text) is None


def _join(a: Line, b: Line) -> Line:
    return replace(a, text=f"{a.text} {b.text}", raw=f"{a.raw} {b.raw}",
                   markdown=f"{a.markdown} {b.markdown}" if a.markdown is not None else None,
                   inlines=a.inlines + [{"t": "Space"}] + b.inlines if a.inlines is not None else None)


@dataclass(frozen=True)
class _Signatory:
    name: str
    short: str | None


def _signatories(d: _Draft) -> list[_Signatory]:
    """Names as signed: markers off, abbreviations split when clear; gaps and duplicates reported."""
    out: list[_Signatory] = []
    numbers: list[tuple[int, Line]] = []
    seen: dict[str, Line] = {}
    for ln in d.names:
        text = ln.text.rstrip(",;،؛").rstrip(_STRIP)
        if not text:
            d.drop(ln, "stray bullet")
            continue
        if ln.number is not None:
            numbers.append((ln.number, ln))
        if len(re.findall(r"[,،]", text)) >= 2:
            d.warn(ln, f"“{text}” may be several names on one line", "put one organisation per line")
        name, short, doubt = split_name(text)
        if doubt:
            d.notes.append(f"{d.loc(ln)}: kept “{text}” as one name: {doubt} is not the initials of the rest; "
                           "split it into name and short by hand if it is its abbreviation")
        key = signatory_key(name)
        if key in seen:
            other = seen[key]
            where = f" (line {other.line})" if other.line else ""
            d.warn(ln, f"“{text}” repeats “{other.text}”{where}: both kept",
                   "delete one if it is the same organisation")
        else:
            seen[key] = ln
        out.append(_Signatory(name, short))
    _check_numbering(numbers, len(d.names), d)
    return out


def _check_numbering(numbers: list[tuple[int, Line]], total: int, d: _Draft) -> None:
    """Gaps in the list's own numbering (a name lost in copying?), per run of numbers starting at 1."""
    runs: list[list[tuple[int, Line]]] = []
    for n, ln in numbers:
        if not runs or n == 1 and runs[-1][-1][0] != 1:
            runs.append([])
        runs[-1].append((n, ln))
    for run in runs:
        values = [n for n, _ in run]
        missing = sorted(set(range(values[0], max(values) + 1)) - set(values))
        if missing:
            listed = ", ".join(map(str, missing[:-1])) + (" and " if len(missing) > 1 else "") + str(missing[-1])
            first_after = next(ln for n, ln in run if n > missing[0])
            d.warn(first_after, f"the signatory list's numbering skips {listed} ({total} names, numbered "
                   f"{values[0]}–{max(values)})", "check against the original that no organisation is missing")
        for (previous, _), (n, ln) in zip(run, run[1:]):
            if n <= previous:
                d.warn(ln, f"the signatory list's numbering goes from {previous} to {n}",
                       "check against the original that no organisation is listed twice")


# ─── writing ───────────────────────────────────────────────────────────────────

class _Dumper(yaml.SafeDumper):
    """safe_dump as the sources are written: indented lists, double quotes only where needed."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def front_matter(title: str, subtitle: str | None, date: datetime.date | None,
                 signatories: list[_Signatory]) -> str:
    """The YAML front matter of a canonical source file."""
    data: dict = {"title": title}
    if subtitle:
        data["subtitle"] = subtitle
    if date:
        data["date"] = date
    data["signatories"] = [{"name": s.name, "short": s.short} if s.short else s.name for s in signatories]
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=float("inf"),
                     default_flow_style=False)


def render(d: _Draft, signatories: list[_Signatory], pandoc: Pandoc) -> str:
    """The source file: front matter, then one line per paragraph and list item."""
    todo = [b for b in d.blocks if b.markdown is None]
    for b, md in zip(todo, pandoc.markdown([b.inlines if b.inlines is not None else _words(b.text)
                                            for b in todo])):
        b.markdown = md
    parts: list[str] = []
    number = 0
    previous: Line | None = None
    for b in d.blocks:
        same_list = previous is not None and previous.marker == b.marker and b.marker is not None
        if b.marker == "1.":
            number = number + 1 if same_list else (b.number if b.number is not None else 1)
            text = f"{number}. {b.markdown}"
        elif b.marker == "-":
            text = f"- {b.markdown}"
        elif b.heading:
            text = "#" * max(2, b.heading) + " " + b.markdown
        else:
            text = b.markdown
        parts.append(("\n" if same_list else "\n\n") + text if parts else text)
        previous = b
    subtitle = d.subtitle.text if d.subtitle else None
    return f"---\n{front_matter(d.title.text, subtitle, d.date, signatories)}---\n\n{''.join(parts)}\n"


# ─── the file name ─────────────────────────────────────────────────────────────

_ARTICLES = {"a", "an", "the"}
_TRAILING = {"of", "in", "on", "for", "and", "to", "by", "at", "with", "from", "against", "a", "an", "the"}


def make_slug(title: str, date: datetime.date | None, d: _Draft | None = None) -> str:
    """`<date>-<a few words of the title>`: lowercase ASCII and hyphens, at most 60 characters."""
    words = _slug_words(title)
    prefix = f"{date.isoformat()}-" if date else ""
    if not words:
        if date:
            if d:
                d.notes.append(f"the title has no Latin letters: the file is named {prefix}statement.md — "
                               "pass --slug to give it a readable name")
            return f"{prefix}statement"
        raise PipelineError(Problem(
            d.loc(d.title) if d else Location("title"),
            "cannot make a file name from this title (no Latin letters) and the statement has no date",
            "pass --slug, e.g. --slug 2026-01-26-aleppo-statement"))
    slug = prefix.rstrip("-")
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            break
        slug = candidate
    parts = slug.split("-")
    while len(parts) > 1 and parts[-1] in _TRAILING:
        parts.pop()
    return "-".join(parts)


def _slug_words(title: str) -> list[str]:
    t = title.strip()
    t = re.sub(r"^(?:\w+\s*){1,2}:\s+", "", t)  # "Syria: …"
    m = re.match(r"^(?:(?:an?|joint)\s+)*statement\s+(?:by|from|of)\s+.*?\s+"
                 r"(?:on|about|regarding|concerning|in response to)\s+(.+)$", t, re.I | re.S)
    if m:
        t = "statement on " + m.group(1)
    m = re.search(r"\bcalls?\s+(?:for|on|upon)\s+(?:an?\s+|the\s+)?", t, re.I)
    if m and len(t[:m.start()].split()) >= 2:
        t = t[m.end():]
    cut = re.split(r"[,;:(\[]|\s[–—-]\s|\s(?:and|&)\s", t, maxsplit=1, flags=re.I)[0]
    if _words_in(cut) >= 3:
        t = cut
    t = re.sub(r"['’]s\b", "", t)
    t = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", t)  # "SouthernSyria"
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower()
    return [w for w in re.findall(r"[a-z0-9]+", t) if w not in _ARTICLES]


def _slug_option(slug: str, path: Path) -> str:
    slug = slug.removesuffix(".md")
    if not _SLUG.match(slug):
        raise PipelineError(Problem(Location(path), f"'{slug}' cannot be a file name in source/",
                                    "use lowercase letters, digits and hyphens, e.g. --slug 2026-01-26-aleppo"))
    return slug
