"""Translated document -> Word (DOCX): pandoc writes it, this module makes it right for the language.

Pandoc's DOCX writer marks body paragraphs of an RTL document `<w:bidi/>` but
leaves the title block and tables left-to-right (jgm/pandoc#7695), marks Latin
names right-to-left, numbers lists in European digits and stamps the time of
writing. The package pandoc wrote is edited part by part with ElementTree, and
fonts, languages and direction also go into its styles.xml (docDefaults), so
that text a partner adds later in Word or LibreOffice gets them too.

The reference documents are pandoc's own, made lean once per run
(`references`): they change no style, they only make pandoc faster.
"""
from __future__ import annotations

import datetime
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable
from xml.etree import ElementTree as ET

from .. import ui
from ..errors import Location, PipelineError, Problem
from ..pandoc import Pandoc
from ..translate import Document

CREATOR = "statement-pipeline"  # cp:lastModifiedBy, and dc:creator of a statement nobody signed
AUTHORS_UP_TO = 6               # dc:creator: the organisations up to this many, else "Signed by N …"
FALLBACK_DATE = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)  # as the PDF's
# A4 with the PDF's margins, in twentieths of a point.
PAGE = {"w": "11906", "h": "16838"}
MARGINS = {"top": "1247", "right": "1361", "bottom": "1417", "left": "1361", "header": "624",
           "footer": "624", "gutter": "0"}

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_NS = "http://www.w3.org/XML/1998/namespace"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"

# Word's numFmt for a CLDR numbering system; "decimal" (European digits) otherwise.
# Word calls the Arabic-Indic digits (٠١٢…) "Hindi numbers".
NUMBER_FORMATS = {"arab": "hindiNumbers", "thai": "thaiNumbers"}

# Child order the schema (ECMA-376 part 1) requires; Word rejects files that break it.
PPR_ORDER = tuple(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
    "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange".split())
RPR_ORDER = tuple(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl "
    "cs em lang eastAsianLayout specVanish oMath".split())
TBLPR_ORDER = tuple(
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
    "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription".split())
SECTPR_ORDER = tuple(
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
    "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings "
    "sectPrChange".split())

# Statements hold no code: no syntax-highlighting styles (see references).
WRITER_OPTIONS = {"highlight_method": "none"}
_TOKEN_STYLE = re.compile(rb'<w:style [^>]*w:styleId="\w+Tok".*?</w:style>', re.S)
_NOT_NORMAL_STYLE = re.compile(rb'<w:style [^>]*w:styleId="(?!Normal")[^"]*".*?</w:style>', re.S)
_STYLE_ID = re.compile(rb'<w:style [^>]*w:styleId="([^"]*)"')
_DOC_DEFAULTS = re.compile(rb"<w:docDefaults>.*?</w:docDefaults>", re.S)
# Pretty-printing between two tags (always a line break): no text of the document.
_INDENT = re.compile(rb">\n\s*<")

# Parts holding text: every paragraph and run in them gets direction and language.
_TEXT_PART = re.compile(r"word/(document|footnotes|endnotes|comments|header\d*|footer\d*)\.xml")
_THEME_FONTS = (f"{{{W}}}asciiTheme", f"{{{W}}}hAnsiTheme", f"{{{W}}}cstheme")


def w(name: str) -> str:
    return f"{{{W}}}{name}"


@dataclass(frozen=True)
class WordStyle:
    """What the document's language asks of Word."""

    rtl: bool
    lang: str                # w:lang/@w:val: text in non-complex scripts
    lang_bidi: str | None    # w:lang/@w:bidi: text in complex (RTL) scripts
    latin_font: str | None   # w:rFonts ascii/hAnsi
    complex_font: str | None  # w:rFonts cs
    number_format: str       # w:numFmt of numbered lists


def word_style(doc: Document, fonts: dict[str, str]) -> WordStyle:
    """Direction, language tags, fonts and list digits for `doc`'s language."""
    lang, source = doc.language, doc.source_language
    # In an RTL statement the Latin-script words are names as signed or, in a
    # draft, passages left in the source language: tag them as that language.
    if lang.rtl:
        latin_lang = source.region_tag if not source.rtl else lang.region_tag
        bidi_lang: str | None = lang.region_tag
    else:
        latin_lang = lang.region_tag
        bidi_lang = source.region_tag if source.rtl else None
    if lang.script != "Latn":
        complex_font = fonts.get(lang.script)
    else:
        complex_font = next((f for s, f in fonts.items() if s != "Latn"), None)
    return WordStyle(rtl=lang.rtl, lang=latin_lang, lang_bidi=bidi_lang, latin_font=fonts.get("Latn"),
                     complex_font=complex_font,
                     number_format=NUMBER_FORMATS.get(lang.numbering, "decimal"))


@dataclass(frozen=True)
class References:
    """The reference documents pandoc writes with (see `references`)."""

    full: Path      # pandoc's default, without the syntax-highlighting styles
    quick: Path     # the same with no style but Normal: what the writer parses for each document
    styles: bytes   # full's styles.xml, which finish_docx puts in the package in the place of quick's


def references(pandoc: Pandoc, folder: Path) -> References:
    """The reference documents, written in `folder` if not there yet.

    Pandoc's writer parses its reference document's styles.xml for every document it writes: most
    of its fixed cost (~34 ms a statement with pandoc's default). Its 31 syntax-highlighting styles
    (KeywordTok…) are useless to statements, which hold no code: without them and without
    indentation, ~25 ms (`full`). With only Normal (`quick`), ~15 ms: pandoc then names the styles
    it uses by their names without spaces, which are their ids in the full reference, and
    finish_docx puts the full reference's styles in the package. The full reference is passed
    through pandoc once more, so that its styles.xml is byte for byte what pandoc writes with it.
    """
    full, quick = folder / "reference.docx", folder / "quick-reference.docx"
    if not quick.exists():
        # Render processes share `folder` (the first to get here writes them, ~70 ms of pandoc):
        # each writes in a folder of its own, then moves both in, `quick` last, so that a reader
        # that sees `quick` finds `full` whole. (Two that race write the same styles.)
        with tempfile.TemporaryDirectory(dir=folder) as own:
            mine = Path(own) / full.name
            empty = {"pandoc-api-version": pandoc.api_version(), "meta": {}, "blocks": []}
            pandoc.write(empty, "docx", path=mine)  # (with highlighting: all of pandoc's styles)
            parts = _parts(mine.read_bytes())
            parts["word/styles.xml"] = _TOKEN_STYLE.sub(b"", parts["word/styles.xml"])
            _write_parts(mine, parts)
            pandoc.write(empty, "docx", options=_writer_options(mine), path=mine)
            parts = {name: _INDENT.sub(b"><", data) if name.endswith((".xml", ".rels")) else data
                     for name, data in _parts(mine.read_bytes()).items()}
            _write_parts(mine, parts)
            parts["word/styles.xml"] = _NOT_NORMAL_STYLE.sub(b"", parts["word/styles.xml"])
            _write_parts(Path(own) / quick.name, parts)
            os.replace(mine, full)
            os.replace(Path(own) / quick.name, quick)
    return References(full, quick, _parts(full.read_bytes())["word/styles.xml"])


def docx_request(doc: Document, path: Path, refs: References) -> dict:
    """What pandoc is asked to write: the package, at `path` (a `Pandoc.write_many` request)."""
    return {"doc": doc.joined, "format": "docx", "path": str(path), "options": _writer_options(refs.quick)}


def with_all_styles(written: bytes, doc: Document, pandoc: Pandoc, refs: References, path: Path) -> bytes:
    """The package pandoc wrote with the quick reference, or written again with the full one if
    pandoc added styles to it: a custom-style attribute names a style, which pandoc looks up in the
    reference's (a statement seldom has one)."""
    with zipfile.ZipFile(io.BytesIO(written)) as z:
        if _quick(z.read("word/styles.xml")):
            return written
    pandoc.write(doc.joined, "docx", options=_writer_options(refs.full), path=path)
    return path.read_bytes()


def _quick(styles: bytes) -> bool:
    """Whether a styles.xml is the quick reference's (only Normal): pandoc added no style to it."""
    return _STYLE_ID.findall(styles) == [b"Normal"]


def _writer_options(reference: Path) -> dict:
    return {**WRITER_OPTIONS, "reference_doc": str(reference)}


def docx_error(doc: Document, exc: object) -> PipelineError:
    lang = doc.language
    return PipelineError(Problem(
        Location(doc.edited_in),
        f"cannot write the Word document of '{doc.slug}' in {lang.english_name} ({lang.code}): {exc}",
        "check this translation for unusual markup; if it looks right, report this as a pipeline bug",
    ))


def finish_docx(written: bytes, doc: Document, *, fonts: dict[str, str], styles: bytes) -> bytes:
    """Pandoc's DOCX made right for `doc`: direction, languages, fonts, digits, properties, draft header;
    `styles` is the full reference's styles.xml (References.styles)."""
    style = word_style(doc, fonts)
    when = timestamp(doc)
    parts = _parts(written)

    header = _add_draft_header(parts, doc) if doc.draft else None

    def document(root: ET.Element) -> None:  # (the largest part: parsed once for both)
        mark_text(root, style)
        _section(root, style, header)

    for name in list(parts):
        if name == "word/document.xml":
            parts[name] = _edit(parts[name], document)
        elif _TEXT_PART.fullmatch(name):
            parts[name] = _marked(parts[name], style)
    parts["word/styles.xml"] = _styles_part(parts["word/styles.xml"], styles, style)
    if "word/numbering.xml" in parts and style.number_format != "decimal":
        parts["word/numbering.xml"] = _edit(parts["word/numbering.xml"],
                                            lambda root: _numbering(root, style))
    parts["docProps/core.xml"] = core_properties(doc, when)
    return _zip(parts, when)


def timestamp(doc: Document) -> datetime.datetime:
    """SOURCE_DATE_EPOCH when set, else the statement's date: never the clock (the PDF's rule)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    if doc.date_iso:
        day = datetime.date.fromisoformat(doc.date_iso)
        return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
    return FALLBACK_DATE


# ------------------------------------------------------------- text parts


def mark_text(root: ET.Element, style: WordStyle) -> None:
    """Direction on every paragraph, table and run; language on every run."""
    if style.rtl:
        for p in list(root.iter(w("p"))):
            ppr = _first_child(p, "pPr")
            _ensure(ppr, "bidi", PPR_ORDER)
            # The paragraph mark lends its run properties to the list number.
            _ensure(_ensure(ppr, "rPr", PPR_ORDER), "rtl", RPR_ORDER)
        for tblpr in list(root.iter(w("tblPr"))):
            _ensure(tblpr, "bidiVisual", TBLPR_ORDER)
    lang = _lang_attrs(style)
    run, text, rtl_tag, lang_tag = w("r"), w("t"), w("rtl"), w("lang")
    for r in list(root.iter(run)):
        rpr = _first_child(r, "rPr")
        if run_is_rtl("".join(t.text or "" for t in r.iter(text)), rtl_document=style.rtl):
            _ensure(rpr, "rtl", RPR_ORDER)
        else:  # pandoc marks every run of an RTL document, Latin names included
            for rtl in rpr.findall(rtl_tag):
                rpr.remove(rtl)
        if rpr.find(lang_tag) is None:  # a Span's own lang attribute wins
            _ensure(rpr, "lang", RPR_ORDER).attrib.update(lang)


@lru_cache(maxsize=32)
def _marked(part: bytes, style: WordStyle) -> bytes:
    """A text part other than the body, marked by `mark_text`: the footnotes, comments… parts of most
    documents are the same (pandoc's empty ones), so edited once for a language."""
    return _edit(part, lambda root: mark_text(root, style))


_ASCII_LETTER = re.compile("[A-Za-z]")


def run_is_rtl(text: str, *, rtl_document: bool) -> bool:
    """A run is right-to-left if its strong characters are; neutral or mixed runs follow the document."""
    if text.isascii():  # (most runs: no RTL character, and the letters are the only strong LTR ones)
        return rtl_document if _ASCII_LETTER.search(text) is None else False
    classes = set(map(unicodedata.bidirectional, set(text)))  # (each character once)
    has_rtl = bool(classes & {"R", "AL"})
    has_ltr = "L" in classes
    if has_rtl != has_ltr:
        return has_rtl
    return rtl_document


def _lang_attrs(style: WordStyle) -> dict[str, str]:
    attrs = {w("val"): style.lang}
    if style.lang_bidi:
        attrs[w("bidi")] = style.lang_bidi
    return attrs


def _section(root: ET.Element, style: WordStyle, header: str | None) -> None:
    """A4 pages like the PDF's, mirrored for RTL; the draft header (already related) on every page."""
    body = root.find(w("body"))
    assert body is not None
    sect = body.find(w("sectPr"))
    if sect is None:
        sect = ET.SubElement(body, w("sectPr"))
    if sect.find(w("pgSz")) is None:
        _ensure(sect, "pgSz", SECTPR_ORDER).attrib.update({w(k): v for k, v in PAGE.items()})
        _ensure(sect, "pgMar", SECTPR_ORDER).attrib.update({w(k): v for k, v in MARGINS.items()})
    if style.rtl:
        _ensure(sect, "bidi", SECTPR_ORDER)
    if header:
        sect.insert(0, ET.Element(w("headerReference"), {w("type"): "default", f"{{{R}}}id": header}))


# ------------------------------------------------------------- styles and numbering


@lru_cache(maxsize=16)
def _styles_part(written: bytes, full: bytes, style: WordStyle) -> bytes:
    """styles.xml edited by `_styles`. Written with the quick reference, it is the full reference's
    with pandoc's docDefaults (pandoc sets the document's language there): what pandoc writes with
    the full one. The same for every document of a language: edited once per language."""
    if _quick(written):
        defaults = _DOC_DEFAULTS.search(written)
        assert defaults is not None
        written = _DOC_DEFAULTS.sub(lambda _: defaults.group(0), full, count=1)
    return _edit(written, lambda root: _styles(root, style))


def _styles(root: ET.Element, style: WordStyle) -> None:
    """Fonts and languages as defaults (so text typed later in Word gets them too)."""
    # Theme fonts override named ones; keep only the East Asian theme font.
    for fonts in list(root.iter(w("rFonts"))):
        for attr in _THEME_FONTS:
            fonts.attrib.pop(attr, None)
    for parent in list(root.iter()):
        for fonts in parent.findall(w("rFonts")):
            if not fonts.attrib:
                parent.remove(fonts)
    defaults = root.find(w("docDefaults"))
    if defaults is None:
        defaults = ET.Element(w("docDefaults"))
        root.insert(0, defaults)
    rpr = _ensure(_ensure(defaults, "rPrDefault", ("rPrDefault", "pPrDefault")), "rPr", ("rPr",))
    fonts = _ensure(rpr, "rFonts", RPR_ORDER)
    for attr, family in (("ascii", style.latin_font), ("hAnsi", style.latin_font), ("cs", style.complex_font)):
        if family:
            fonts.set(w(attr), family)
    lang = _ensure(rpr, "lang", RPR_ORDER)
    lang.attrib.update(_lang_attrs(style))  # w:eastAsia is left as it was
    if style.rtl:
        ppr = _ensure(_ensure(defaults, "pPrDefault", ("rPrDefault", "pPrDefault")), "pPr", ("pPr",))
        _ensure(ppr, "bidi", PPR_ORDER)


def _numbering(root: ET.Element, style: WordStyle) -> None:
    """Numbered lists count in the language's digits (not called for European digits)."""
    for fmt in root.iter(w("numFmt")):
        if fmt.get(w("val")) == "decimal":
            fmt.set(w("val"), style.number_format)


# ------------------------------------------------------------- draft header


def _add_draft_header(parts: dict[str, bytes], doc: Document) -> str:
    """A header part with the word "Draft" and the notice; returns its relationship id."""
    n = 1
    while f"word/header{n}.xml" in parts:
        n += 1
    name = f"header{n}.xml"

    hdr = ET.Element(w("hdr"))
    for text, size, bold in ((doc.t(ui.DRAFT), "28", True), (doc.t(ui.DRAFT_NOTICE), "18", False)):
        p = ET.SubElement(hdr, w("p"))
        ppr = ET.SubElement(p, w("pPr"))
        ET.SubElement(ppr, w("spacing"), {w("before"): "0", w("after"): "0"})
        ET.SubElement(ppr, w("jc"), {w("val"): "center"})
        r = ET.SubElement(p, w("r"))
        rpr = ET.SubElement(r, w("rPr"))
        if bold:
            ET.SubElement(rpr, w("b"))
            ET.SubElement(rpr, w("bCs"))
        ET.SubElement(rpr, w("color"), {w("val"): "C00000"})
        ET.SubElement(rpr, w("sz"), {w("val"): size})
        ET.SubElement(rpr, w("szCs"), {w("val"): size})
        ET.SubElement(r, w("t"), {f"{{{XML_NS}}}space": "preserve"}).text = text
    parts[f"word/{name}"] = _serialize(hdr, [("w", W), ("r", R)])

    rid = ""

    def relate(root: ET.Element) -> None:
        nonlocal rid
        ids = [int(m.group(1)) for rel in root for m in [re.fullmatch(r"rId(\d+)", rel.get("Id", ""))] if m]
        rid = f"rId{max(ids, default=0) + 1}"
        ET.SubElement(root, f"{{{PKG_REL}}}Relationship", {"Id": rid, "Type": HEADER_REL, "Target": name})

    parts["word/_rels/document.xml.rels"] = _edit(parts["word/_rels/document.xml.rels"], relate)
    parts["[Content_Types].xml"] = _edit(parts["[Content_Types].xml"], lambda root: ET.SubElement(
        root, f"{{{CONTENT_TYPES}}}Override", {"PartName": f"/word/{name}", "ContentType": HEADER_TYPE}))
    return rid


# ------------------------------------------------------------- package properties


def core_properties(doc: Document, when: datetime.datetime) -> bytes:
    """docProps/core.xml: title, language, creator and fixed dates."""
    stamp = when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = [("dc:title", doc.title)]
    if doc.subtitle:
        fields.append(("dc:subject", doc.subtitle))
    fields += [("dc:creator", creator(doc)), ("cp:lastModifiedBy", CREATOR),
               ("dc:language", doc.language.region_tag)]
    body = "".join(f"<{tag}>{escape(xml_chars(value))}</{tag}>" for tag, value in fields)
    body += "".join(f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{stamp}</dcterms:{tag}>'
                    for tag in ("created", "modified"))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties'
            ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
            ' xmlns:dcmitype="http://purl.org/dc/dcmitype/"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"{body}</cp:coreProperties>").encode("utf-8")


def creator(doc: Document) -> str:
    """The authors Word shows: the signatory organisations, as the PDF's metadata names them."""
    if not doc.signatories:
        return CREATOR
    if len(doc.signatories) <= AUTHORS_UP_TO:
        return "; ".join(doc.signatories)
    return doc.signed_by


def _parts(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _write_parts(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def _zip(parts: dict[str, bytes], when: datetime.datetime) -> bytes:
    """The package with fixed entry dates and attributes, content types first."""
    date_time = max(when.astimezone(datetime.timezone.utc).timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    names = sorted(parts, key=lambda n: n != "[Content_Types].xml")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            z.writestr(info, parts[name], compresslevel=9)
    return out.getvalue()


# ------------------------------------------------------------- XML plumbing


def _edit(data: bytes, change: Callable[[ET.Element], object]) -> bytes:
    """Parse a part, let `change` edit its tree, write it back with the part's own prefixes."""
    # Only the namespace events: one event per element (for the root alone) cost a tenth of the
    # parse. The iterator has the root once exhausted.
    parsed = ET.iterparse(io.BytesIO(data), events=("start-ns",))
    namespaces = [item for _, item in parsed]
    root = parsed.root  # type: ignore[attr-defined]
    assert root is not None
    change(root)
    return _serialize(root, namespaces)


def _serialize(root: ET.Element, namespaces: Iterable[tuple[str, str]]) -> bytes:
    """XML text of `root`, every namespace declared on it under its original prefix.

    ElementTree's own writer renames prefixes (ns0:) and drops declarations it
    thinks unused, which breaks mc:Ignorable lists; this writer keeps them.
    """
    prefix_of = {XML_NS: "xml"}
    declarations = []
    for prefix, uri in namespaces:
        if uri in prefix_of:
            continue
        if prefix in prefix_of.values():
            prefix = f"ns{len(prefix_of)}"
        prefix_of[uri] = prefix
        declarations.append(f' xmlns:{prefix}="{_attr(uri)}"' if prefix else f' xmlns="{_attr(uri)}"')

    names: dict[str, str] = {}

    def qname(tag: str) -> str:
        name = names.get(tag)
        if name is None:
            name = tag
            if tag[:1] == "{":
                uri, _, local = tag[1:].partition("}")
                name = f"{prefix_of[uri]}:{local}" if prefix_of[uri] else local
            names[tag] = name
        return name

    # (Every document's ~1,300 elements go through here: the start tags are built as one string,
    # and each distinct attribute is written once, as most repeat: w:val="…", xml:space="preserve".)
    written_attrs: dict[tuple[str, str], str] = {}

    def attribute(item: tuple[str, str]) -> str:
        text = written_attrs[item] = f' {qname(item[0])}="{_attr(item[1])}"'
        return text

    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n']
    append = out.append

    def write(el: ET.Element, decl: str = "") -> None:
        tag = names.get(el.tag) or qname(el.tag)
        start = "<" + tag + decl
        for item in el.attrib.items():
            start += written_attrs.get(item) or attribute(item)
        text = el.text
        if len(el):
            append(start + ">" + _text(text) if text else start + ">")
            for child in el:
                write(child)
                if child.tail:
                    append(_text(child.tail))
            append("</" + tag + ">")
        elif text:
            append(start + ">" + _text(text) + "</" + tag + ">")
        else:
            append(start + "/>")

    write(root, "".join(declarations))
    return "".join(out).encode("utf-8")


# Characters XML 1.0 cannot hold at all, even escaped: Word refuses a part that has one.
_NOT_XML_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_NOT_XML = re.compile(f"[{_NOT_XML_CHARS}]")
# What an attribute value or a text cannot be written as it is (one search: most are plain).
_ATTR_SPECIAL = re.compile(f'[&<>"\n\r\t{_NOT_XML_CHARS}]')
_TEXT_SPECIAL = re.compile(f"[&<>\r{_NOT_XML_CHARS}]")


def escape(value: str, entities: dict[str, str] | None = None) -> str:
    """&, < and > escaped, and `entities` (xml.sax.saxutils.escape, without the urllib it imports)."""
    value = value.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for char, entity in (entities or {}).items():
        value = value.replace(char, entity)
    return value


def xml_chars(value: str) -> str:
    """`value` without the characters XML cannot hold (a control character pasted into a title)."""
    return _NOT_XML.sub("", value)


def _attr(value: str) -> str:
    if not _ATTR_SPECIAL.search(value):
        return value
    return escape(xml_chars(value), {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _text(value: str) -> str:
    if not _TEXT_SPECIAL.search(value):
        return value
    return escape(xml_chars(value), {"\r": "&#13;"})


def _first_child(parent: ET.Element, name: str) -> ET.Element:
    """The properties element `name` that must come first in `parent`, created if missing."""
    found = parent.find(w(name))
    if found is None:
        found = ET.Element(w(name))
        parent.insert(0, found)
    return found


def _ensure(parent: ET.Element, name: str, order: tuple[str, ...]) -> ET.Element:
    """The child `name` of `parent`, created at its place in the schema's order if missing."""
    found = parent.find(w(name))
    if found is not None:
        if name == "bidi" or name == "rtl" or name == "bidiVisual":
            found.attrib.pop(w("val"), None)  # an explicit w:val="0" would switch it off
        return found
    ranks = _ranks(order)
    rank = ranks[name]
    index = len(parent)
    for i, child in enumerate(parent):
        later = ranks.get(child.tag.rpartition("}")[2])
        if later is not None and later > rank:
            index = i
            break
    el = ET.Element(w(name))
    parent.insert(index, el)
    return el


@lru_cache(maxsize=None)
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    """Each name's place in a schema order (order.index, looked up once)."""
    ranks: dict[str, int] = {}
    for i, name in enumerate(order):
        ranks.setdefault(name, i)
    return ranks
