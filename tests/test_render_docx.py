"""DOCX output, read back from the real package: direction, languages, fonts, digits, properties, drafts."""
from __future__ import annotations

import copy
import dataclasses
import io
import unicodedata
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from pipeline import ui
from pipeline.catalog import read_po
from pipeline.config import load_config
from pipeline.render import Renderer
from pipeline.render.docx import (CREATOR, PPR_ORDER, RPR_ORDER, SECTPR_ORDER, TBLPR_ORDER, WRITER_OPTIONS,
                                  creator, docx_request, finish_docx, references, run_is_rtl,
                                  with_all_styles)
from pipeline.render.html import html_request
from pipeline.source import read_statements
from pipeline.translate import Document, translate
from pipeline.update import parse_bodies

PROJECT = Path(__file__).parent / "data" / "project"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RTL, LTR = ("ar", "ckb"), ("en", "ku")
TEXT_PARTS = ("word/document.xml", "word/footnotes.xml")


def w(name: str) -> str:
    return f"{{{W}}}{name}"


# ------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def config():
    return load_config(PROJECT)


@pytest.fixture(scope="module")
def build(config, pandoc):
    """Documents of the fixture statement, by language code (draft or not)."""
    extracted = parse_bodies(read_statements(config.source_dir), pandoc)[0]

    def build(code: str, *, draft: bool = False) -> Document:
        lc = config.lang(code)
        po = PROJECT / "locales" / code / f"{extracted.slug}.po"
        ui_po = PROJECT / "locales" / code / "ui.po"
        return translate(extracted, lc, config, read_po(po) if po.exists() else None,
                         read_po(ui_po) if ui_po.exists() else None, pandoc, draft=draft)
    return build


@pytest.fixture(scope="module")
def renderer(config, pandoc):
    return Renderer(config, pandoc)


@pytest.fixture(scope="module")
def render(renderer):
    def render(doc: Document) -> bytes:
        with pytest.MonkeyPatch.context() as mp:  # dates below assume no SOURCE_DATE_EPOCH
            mp.delenv("SOURCE_DATE_EPOCH", raising=False)
            return renderer.render(doc, "docx", [])
    return render


@pytest.fixture(scope="module")
def docs(build):
    return {code: build(code) for code in RTL + LTR}


@pytest.fixture(scope="module")
def packages(docs, render):
    """code -> {part name: bytes} of the rendered DOCX."""
    return {code: unzip(render(doc)) for code, doc in docs.items()}


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {name: z.read(name) for name in z.namelist()}


def xml(package: dict[str, bytes], name: str) -> ET.Element:
    return ET.fromstring(package[name])


def text_of(el: ET.Element) -> str:
    return "".join(t.text or "" for t in el.iter(w("t")))


def style_of(p: ET.Element) -> str | None:
    s = p.find(f"{w('pPr')}/{w('pStyle')}")
    return None if s is None else s.get(w("val"))


def has_rtl_script(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


# ------------------------------------------------------------- direction


@pytest.mark.parametrize("code", RTL)
def test_every_paragraph_of_an_rtl_document_is_bidi(packages, docs, code):
    package = packages[code]
    for part in TEXT_PARTS:
        paragraphs = list(xml(package, part).iter(w("p")))
        assert paragraphs
        for p in paragraphs:
            assert p.find(f"{w('pPr')}/{w('bidi')}") is not None, (part, text_of(p))
            assert p.find(f"{w('pPr')}/{w('bidi')}").get(w("val")) is None
    body = list(xml(package, "word/document.xml").iter(w("p")))
    by_style = {style_of(p) for p in body}
    assert {"Title", "Date", "Heading2", "Compact", "BlockText"} <= by_style
    title = next(p for p in body if style_of(p) == "Title")
    assert text_of(title) == docs[code].title
    signatories = [p for p in body if text_of(p) in docs[code].signatories]
    assert len(signatories) == len(docs[code].signatories)
    assert all(p.find(f"{w('pPr')}/{w('numPr')}") is not None for p in signatories)
    footnote = [p for p in xml(package, "word/footnotes.xml").iter(w("p")) if has_rtl_script(text_of(p))]
    assert footnote, "the translated footnote is in footnotes.xml"


@pytest.mark.parametrize("code", RTL)
def test_rtl_runs_and_section(packages, code):
    document = xml(packages[code], "word/document.xml")
    runs = [r for part in TEXT_PARTS for r in xml(packages[code], part).iter(w("r"))]
    for r in runs:
        rtl = r.find(f"{w('rPr')}/{w('rtl')}") is not None
        text = text_of(r)
        if has_rtl_script(text):
            assert rtl, text
    # A Latin-script name stays a left-to-right run (and is set in the Latin font).
    latin = [r for r in document.iter(w("r")) if text_of(r) == "PÊL- Civil Waves"]
    assert latin and latin[0].find(f"{w('rPr')}/{w('rtl')}") is None
    sect = document.find(f"{w('body')}/{w('sectPr')}")
    assert sect.find(w("bidi")) is not None
    styles = xml(packages[code], "word/styles.xml")
    assert styles.find(f"{w('docDefaults')}/{w('pPrDefault')}/{w('pPr')}/{w('bidi')}") is not None


@pytest.mark.parametrize("code", LTR)
def test_ltr_documents_have_no_bidi(packages, code):
    for part in TEXT_PARTS + ("word/styles.xml",):
        root = xml(packages[code], part)
        assert root.find(f".//{w('bidi')}") is None, part
        assert root.find(f".//{w('rtl')}") is None, part
        assert root.find(f".//{w('bidiVisual')}") is None, part


def test_tables_mirror_and_untrusted_text_stays_text(build, render, pandoc):
    doc = build("ar")
    extra = pandoc.read(["| المنطقة | النازحون |\n|---|---:|\n| كوباني | ١٣٤٬٠٠٠ |\n"])[0]["blocks"]
    hostile = "<w:p> ]]> &amp; <![CDATA[x]]> </w:t></w:r>"
    para = {"t": "Para", "c": [{"t": "Str", "c": hostile}]}
    ast = copy.deepcopy(doc.ast)
    ast["blocks"][1:1] = extra + [para]
    package = unzip(render(dataclasses.replace(doc, ast=ast)))

    document = xml(package, "word/document.xml")
    tables = list(document.iter(w("tbl")))
    assert len(tables) == 1
    assert tables[0].find(f"{w('tblPr')}/{w('bidiVisual')}") is not None
    assert all(p.find(f"{w('pPr')}/{w('bidi')}") is not None for p in tables[0].iter(w("p")))

    matching = [p for p in document.iter(w("p")) if hostile in text_of(p)]
    assert len(matching) == 1 and text_of(matching[0]) == hostile
    assert b"&lt;w:p&gt; ]]&gt; &amp;amp; &lt;![CDATA[x]]&gt; &lt;/w:t&gt;" in package["word/document.xml"]


# ------------------------------------------------------------- language and fonts


EXPECTED_LANG = {"ar": ("en-US", "ar-SY"), "ckb": ("en-US", "ckb-IQ"), "en": ("en-US", None),
                 "ku": ("ku-TR", None)}


@pytest.mark.parametrize("code", RTL + LTR)
def test_language_of_runs_and_styles(packages, docs, pandoc, tmp_path, code):
    val, bidi = EXPECTED_LANG[code]
    for part in TEXT_PARTS:
        for r in xml(packages[code], part).iter(w("r")):
            lang = r.find(f"{w('rPr')}/{w('lang')}")
            assert lang is not None and lang.get(w("val")) == val
            assert lang.get(w("bidi")) == bidi
            assert lang.get(w("eastAsia")) is None
    default = xml(packages[code], "word/styles.xml").find(
        f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
    assert default.get(w("val")) == val
    if bidi:
        assert default.get(w("bidi")) == bidi
    # w:eastAsia is pandoc's, untouched
    pandoc.write(docs[code].ast, "docx", path=tmp_path / "plain.docx")
    plain = xml(unzip((tmp_path / "plain.docx").read_bytes()), "word/styles.xml").find(
        f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
    assert default.get(w("eastAsia")) == plain.get(w("eastAsia"))


@pytest.mark.parametrize("code", RTL + LTR)
def test_fonts_come_from_the_config(packages, config, code):
    styles = xml(packages[code], "word/styles.xml")
    fonts = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('rFonts')}")
    assert fonts.get(w("ascii")) == fonts.get(w("hAnsi")) == config.fonts["Latn"]
    assert fonts.get(w("cs")) == config.fonts["Arab"]
    # Theme fonts would override the named ones in every style that names them.
    for el in styles.iter(w("rFonts")):
        assert not {w("asciiTheme"), w("hAnsiTheme"), w("cstheme")} & set(el.attrib)


# ------------------------------------------------------------- list numbering


@pytest.mark.parametrize("code,fmt", [("ar", "hindiNumbers"), ("ckb", "hindiNumbers"),
                                      ("en", "decimal"), ("ku", "decimal")])
def test_numbered_lists_count_in_the_languages_digits(packages, docs, code, fmt):
    numbering = xml(packages[code], "word/numbering.xml")
    abstract_of = {n.get(w("numId")): n.find(w("abstractNumId")).get(w("val"))
                   for n in numbering.iter(w("num"))}
    formats = {a.get(w("abstractNumId")): a.find(f"{w('lvl')}/{w('numFmt')}").get(w("val"))
               for a in numbering.iter(w("abstractNum"))}
    document = xml(packages[code], "word/document.xml")
    used = {p.find(f".//{w('numId')}").get(w("val")): text_of(p)
            for p in document.iter(w("p")) if p.find(f"{w('pPr')}/{w('numPr')}") is not None}
    assert len(used) == 2  # the demands and the signatories
    for num_id in used:
        assert formats[abstract_of[num_id]] == fmt


# ------------------------------------------------------------- package


@pytest.mark.parametrize("code", RTL + LTR)
def test_core_properties(packages, docs, code):
    core = ET.fromstring(packages[code]["docProps/core.xml"])
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
          "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
    assert core.findtext("dc:title", namespaces=ns) == docs[code].title
    assert core.findtext("dc:language", namespaces=ns) == docs[code].language.region_tag
    assert core.findtext("dc:creator", namespaces=ns) == "; ".join(docs[code].signatories)
    assert core.findtext("cp:lastModifiedBy", namespaces=ns) == "statement-pipeline"
    # No SOURCE_DATE_EPOCH: the statement's own date, never the clock.
    assert core.findtext("dcterms:created", namespaces=ns) == "2026-01-26T00:00:00Z"
    assert core.findtext("dcterms:modified", namespaces=ns) == "2026-01-26T00:00:00Z"


def test_two_renders_are_byte_identical(build, render):
    first, second = render(build("ar")), render(build("ar"))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 26, 0, 0, 0)}


def test_source_date_epoch_is_honoured(build, renderer, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    data = renderer.render(build("ku"), "docx", [])
    assert b"<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-01-01T00:00:00Z<" in \
        unzip(data)["docProps/core.xml"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("code", RTL + LTR)
def test_properties_are_in_schema_order(packages, code):
    """Word refuses a file whose pPr/rPr/tblPr/sectPr children are out of order."""
    orders = {w("pPr"): PPR_ORDER, w("rPr"): RPR_ORDER, w("tblPr"): TBLPR_ORDER, w("sectPr"): SECTPR_ORDER}
    for part in TEXT_PARTS + ("word/styles.xml",):
        for el in xml(packages[code], part).iter():
            order = orders.get(el.tag)
            if order is None:
                continue
            ranks = [order.index(c.tag.rpartition("}")[2]) for c in el
                     if c.tag.rpartition("}")[2] in order]
            assert ranks == sorted(ranks), (part, [c.tag for c in el])


# ------------------------------------------------------------- drafts


@pytest.mark.parametrize("code", ["ar", "ku"])
def test_draft_has_a_header_on_every_page(build, render, code):
    doc = build(code, draft=True)
    package = unzip(render(doc))
    sect = xml(package, "word/document.xml").find(f"{w('body')}/{w('sectPr')}")
    refs = sect.findall(w("headerReference"))
    assert [r.get(w("type")) for r in refs] == ["default"]
    assert sect.find(w("titlePg")) is None  # so the first page has it too
    rels = ET.fromstring(package["word/_rels/document.xml.rels"])
    target = next(rel.get("Target") for rel in rels if rel.get("Id") == refs[0].get(f"{{{R}}}id"))
    assert f'PartName="/word/{target}"'.encode() in package["[Content_Types].xml"]
    header = xml(package, f"word/{target}")
    texts = [text_of(p) for p in header.iter(w("p"))]
    assert texts == [doc.t(ui.DRAFT), doc.t(ui.DRAFT_NOTICE)]
    assert doc.t(ui.DRAFT) != ui.DRAFT  # translated in the fixture's ui.po
    bidi = [p.find(f"{w('pPr')}/{w('bidi')}") is not None for p in header.iter(w("p"))]
    assert bidi == [doc.language.rtl] * 2


def test_final_document_has_no_header(packages):
    for package in packages.values():
        assert not [n for n in package if n.startswith("word/header")]
        assert b"headerReference" not in package["word/document.xml"]


# ------------------------------------------------------------- styles and requests


def style_ids(styles: bytes) -> set[str]:
    return {s.get(w("styleId")) for s in ET.fromstring(styles).iter(w("style"))}


def test_styles_are_pandocs_without_highlighting(packages, pandoc, tmp_path):
    """The lean reference document drops the code-highlighting styles and no other."""
    path = tmp_path / "default.docx"
    pandoc.write({"pandoc-api-version": pandoc.api_version(), "meta": {}, "blocks": []}, "docx", path=path)
    default = style_ids(unzip(path.read_bytes())["word/styles.xml"])
    tokens = {s for s in default if s.endswith("Tok")}
    assert "KeywordTok" in tokens and {"SourceCode", "VerbatimChar", "Title", "FootnoteReference"} <= default
    for package in packages.values():
        assert style_ids(package["word/styles.xml"]) == default - tokens


@pytest.mark.parametrize("code", ["ar", "en"])
def test_html_and_docx_in_one_request_as_written_alone(build, render, config, pandoc, tmp_path, code):
    """write_many reads the document the HTML and DOCX requests share once: same outputs."""
    doc = build(code)
    path = tmp_path / "one.docx"
    refs = references(pandoc, tmp_path)
    html, docx = html_request(doc), docx_request(doc, path, refs)
    # English shares doc.joined; the Arabic page has its Latin names isolated: two documents are sent.
    assert (html["doc"] is doc.joined) == (code == "en")
    answers = pandoc.write_many([html, docx])
    # (the body alone is written: the metadata doc.ast brings changes nothing)
    assert answers[0]["text"] == pandoc.write({**html["doc"], "meta": {}}, "html5", options=html["options"])
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        assert finish_docx(path.read_bytes(), doc, fonts=config.fonts, styles=refs.styles) == render(doc)


RICH = """---
author: [A. Author, B. Author]
abstract: An abstract.
---

# One

## Two

### Three

#### Four

##### Five

###### Six

Text with *emphasis*, **strength**, `code`, [a link](https://example.org), a note[^1], ~~struck~~,
^up^, ~down~ and [small capitals]{.smallcaps}.

[^1]: The note.

    > Quoted in the note.

> A quotation.

Term
:   Its definition.

- one
- two

1. first
2. second

Code:

    code

| a | b |
|---|---|
| 1 | 2 |

: A table.

| A line
| block

---
"""


@pytest.mark.parametrize("custom", ["", '::: {custom-style="block text"}\nStyled.\n:::\n\n[Styled]{custom-style="Mine"}\n'])
def test_the_quick_reference_writes_what_the_full_one_does(build, config, pandoc, tmp_path, custom):
    """Whatever pandoc styles, the package written with the quick reference (finish_docx puts the styles
    back) is the one written with the full reference; with custom styles, pandoc writes with the full one."""
    ast = pandoc.read([RICH + custom])[0]
    doc = build("ar")
    doc = dataclasses.replace(doc, ast={**ast, "meta": {**ast["meta"], **doc.ast["meta"]}})
    refs = references(pandoc, tmp_path)
    full, quick = tmp_path / "full.docx", tmp_path / "quick.docx"
    pandoc.write(doc.ast, "docx", options={**WRITER_OPTIONS, "reference_doc": str(refs.full)}, path=full)
    pandoc.write(doc.ast, "docx", options=docx_request(doc, quick, refs)["options"], path=quick)
    first = quick.read_bytes()
    written = with_all_styles(first, doc, pandoc, refs, quick)
    assert (written == first) == (not custom)   # (written again with the full reference)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)
        expected = finish_docx(full.read_bytes(), doc, fonts=config.fonts, styles=refs.styles)
        assert finish_docx(written, doc, fonts=config.fonts, styles=refs.styles) == expected
        assert Renderer(config, pandoc).render(doc, "docx", []) == expected


def test_render_processes_share_the_references(pandoc, tmp_path):
    """The reference documents are written once per folder: a render process that finds them (as
    another one left them: both files whole, nothing else) asks pandoc nothing."""
    first = references(pandoc, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quick-reference.docx", "reference.docx"]

    class NoPandoc:
        def __getattr__(self, name):
            raise AssertionError(f"pandoc asked ({name})")

    assert references(NoPandoc(), tmp_path) == first


# ------------------------------------------------------------- units


@pytest.mark.parametrize("text,rtl_document,expected", [
    ("كوباني", False, True), ("Kobani", True, False), ("البرنامج (SLDP)", True, True),
    (" ", True, True), (" ", False, False), ("١٣٤٬٠٠٠", True, True), ("", True, True),
])
def test_run_direction(text, rtl_document, expected):
    assert run_is_rtl(text, rtl_document=rtl_document) is expected


def test_creator_names_the_organisations(build):
    doc = build("ar")
    assert creator(doc) == "; ".join(doc.signatories)
    many = dataclasses.replace(doc, signatories=tuple(f"Org {i}" for i in range(9)), signed_by="٩ منظمات")
    assert creator(many) == "٩ منظمات"
    assert creator(dataclasses.replace(doc, signatories=())) == CREATOR
