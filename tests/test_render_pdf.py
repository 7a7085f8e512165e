"""PDF rendering: the real files read back — text in logical order, fonts, tags, metadata, safety."""
from __future__ import annotations

import dataclasses
import re
import shutil
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from pipeline import ui
from pipeline.catalog import read_po
from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.render.fonts import resolve_fonts
from pipeline.render.pdf import Typesetter, render_pdf, typesetter, typst_source
from pipeline.source import read_statements
from pipeline.translate import Document, translate
from pipeline.update import parse_bodies

DATA = Path(__file__).parent / "data" / "project"
LANGUAGES = ("en", "ar", "ku", "ckb")


def documents(root: Path, pandoc, *, draft: bool = False, translated: bool = True) -> dict[str, Document]:
    """The fixture statement in every configured language."""
    config = load_config(root)
    x = parse_bodies(read_statements(config.source_dir), pandoc)[0]
    docs = {}
    for lc in config.languages:
        po = root / "locales" / lc.code / f"{x.slug}.po"
        ui_po = root / "locales" / lc.code / "ui.po"
        docs[lc.code] = translate(x, lc, config, read_po(po) if translated and po.exists() else None,
                                  read_po(ui_po) if ui_po.exists() else None, pandoc, draft=draft)
    return docs


@pytest.fixture(scope="module")
def fixture_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pdf") / "project"
    shutil.copytree(DATA, root)
    return root


@pytest.fixture(scope="module")
def fonts(fixture_root):
    return resolve_fonts(load_config(fixture_root))


@pytest.fixture(scope="module")
def docs(fixture_root, pandoc) -> dict[str, Document]:
    return documents(fixture_root, pandoc)


@pytest.fixture(scope="module")
def pdfs(docs, pandoc, fonts) -> dict[str, bytes]:
    return {code: render_pdf(doc, pandoc=pandoc, fonts=fonts) for code, doc in docs.items()}


# ------------------------------------------------------------- reading PDFs back

def _cmap(font) -> dict[int, str]:
    """A font's ToUnicode map: glyph code -> the characters it stands for."""
    data = font.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(int(uni, 16) + i)
    return out


def _right_to_left(glyphs: list[str]) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for g in glyphs for ch in g)


def rows(pdf: bytes) -> list[tuple[int, float, str]]:
    """(page, left x, text) of every printed line, its text in logical (reading) order.

    PDF text is stored in visual order. Typst marks right-to-left runs with
    /ReversedChars (PDF 32000 14.8.2.3.3), as readers expect; a line is read
    back by reversing those runs and, in a right-to-left line, the run order,
    keeping left-to-right runs (Latin names, numbers) in their own order.
    """
    return [(page, x, line) for page, _, x, line in placed_rows(pdf)]


def placed_rows(pdf: bytes, *, split_x: float | None = None) -> list[tuple[int, float, float, str]]:
    """`rows` with the height of each line's baseline from the top of its page: (page, y, left x, text).

    With split_x, runs left and right of that x are separate lines (the two columns of a list).
    """
    reader = PdfReader(BytesIO(pdf))
    out = []
    for number, page in enumerate(reader.pages, 1):
        height = float(page.mediabox.height)
        fonts = {name: _cmap(f) for name, f in page["/Resources"]["/Font"].items()}
        runs = []  # (y, x, right-to-left, glyph texts)
        stack: list = []
        font: dict[int, str] = {}
        origin, tx = (0.0, 0.0), 0.0
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op in (b"BMC", b"BDC"):
                stack.append(operands[0])
            elif op == b"EMC" and stack:
                stack.pop()
            elif op == b"cm":
                origin = (float(operands[4]), float(operands[5]))
            elif op == b"Tm":
                tx = float(operands[4])
            elif op == b"Tf":
                font = fonts.get(operands[0], {})
            elif op in (b"Tj", b"TJ"):
                glyphs: list[str] = []
                for part in operands[0] if op == b"TJ" else [operands[0]]:
                    raw = getattr(part, "original_bytes", None)
                    if raw is not None:
                        glyphs += [font.get(int.from_bytes(raw[i:i + 2], "big"), "")
                                   for i in range(0, len(raw), 2)]
                rtl = "/ReversedChars" in stack or _right_to_left(glyphs)
                runs.append((origin[1], origin[0] + tx, rtl, glyphs))
        lines: list[list] = []
        for run in sorted(runs, key=lambda r: (split_x is not None and r[1] >= split_x, -r[0])):
            if lines and abs(lines[-1][0][0] - run[0]) < 2.5 and (
                    split_x is None or (lines[-1][0][1] >= split_x) == (run[1] >= split_x)):
                lines[-1].append(run)
            else:
                lines.append([run])
        for line in lines:
            line.sort(key=lambda r: r[1])
            units: list[list] = []
            for _, _, rtl, glyphs in line:
                if rtl or not units or units[-1][0]:
                    units.append([rtl, list(glyphs)])
                else:
                    units[-1][1].extend(glyphs)
            if any(rtl for rtl, _ in units):
                units.reverse()
            text = "".join("".join(reversed(g)) if rtl else "".join(g) for rtl, g in units)
            out.append((number, height - line[0][0], line[0][1], text))
    return out


def text(pdf: bytes) -> str:
    """All the text of a PDF in reading order, whitespace collapsed."""
    return " ".join(" ".join(t for _, _, t in rows(pdf)).split())


def words(value: str) -> str:
    """Letters and digits only, single-spaced: compares names whatever the punctuation order."""
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNM" else " " for ch in value)
    return " ".join(kept.split())


def embedded_fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


# ------------------------------------------------------------- the fixture statement


@pytest.mark.parametrize("code", LANGUAGES)
def test_text_reads_back_in_logical_order(code, docs, pdfs):
    doc, content = docs[code], text(pdfs[code])
    assert " ".join(doc.title.split()) in content
    assert doc.date and doc.date in content
    for name in doc.signatories:
        assert words(name) in words(content), name
    assert words(doc.t(ui.SIGNATORIES)) in words(content)


def test_arabic_date_has_arabic_digits(docs, pdfs):
    date = docs["ar"].date
    assert date == "٢٦ كانون الثاني ٢٠٢٦"
    assert date in text(pdfs["ar"])
    assert "2026" not in text(pdfs["ar"])


@pytest.mark.parametrize("code", LANGUAGES)
def test_lists_and_pages_are_numbered_in_the_language_digits(code, docs, pdfs):
    doc, lines = docs[code], [t for _, _, t in rows(pdfs[code])]
    for n, name in enumerate(doc.signatories, 1):
        line = next(t for t in lines if words(name) in words(t))
        assert doc.language.number(n) in line, line
        if doc.language.numbering == "arab":
            assert str(n) not in line, line
    assert doc.language.number(1) in lines          # the page number, alone on its line


@pytest.mark.parametrize("code,family", [("ar", "Amiri"), ("ckb", "Amiri"), ("en", "NotoSerif"),
                                         ("ku", "NotoSerif")])
def test_fonts_are_embedded(code, family, pdfs):
    names = embedded_fonts(pdfs[code])
    assert any(n.startswith(family) for n in names), names


def test_only_the_configured_fonts_are_used(pdfs):
    for content in pdfs.values():
        assert all(n.startswith(("Amiri", "NotoSerif")) for n in embedded_fonts(content))


@pytest.mark.parametrize("code", LANGUAGES)
def test_metadata_language_title_author_tags(code, docs, pdfs):
    doc = docs[code]
    reader = PdfReader(BytesIO(pdfs[code]))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == doc.language.tag
    assert reader.metadata.title == doc.title
    assert doc.signatories[0] in reader.metadata.author
    assert catalog["/MarkInfo"]["/Marked"]           # tagged PDF
    assert "/StructTreeRoot" in catalog
    assert reader.metadata.creation_date.date().isoformat() == doc.date_iso


def test_subtitle_is_printed_under_the_title(docs, pandoc, fonts):
    doc = dataclasses.replace(docs["ckb"], subtitle="ڕاگەیاندنی هاوبەش")
    lines = [t for _, _, t in rows(render_pdf(doc, pandoc=pandoc, fonts=fonts))]
    assert lines.index("ڕاگەیاندنی هاوبەش") == 2     # the title takes two lines


def test_a_typst_warning_is_reported_with_the_file_to_look_at(docs, fonts, pandoc, capsys):
    doc = docs["ar"]
    assert render_pdf(doc, pandoc=pandoc, fonts=fonts) and capsys.readouterr().err == ""   # (the statement's: none)
    # A layout that does not settle, or a font Typst cannot find: the PDF is written all the same.
    pdf = typesetter(fonts).compile('#set document(title: "t")\n#set text(font: "No Such Font")\nHello', doc=doc)
    assert pdf.startswith(b"%PDF")
    err = capsys.readouterr().err
    assert err.startswith(f"locales/ar/{doc.slug}.po: warning: ") and "unknown font family: no such font" in err
    assert "look at it before sending it out" in err


def test_same_inputs_give_the_same_bytes(docs, pdfs, pandoc, fonts):
    for code in ("ar", "en"):
        assert render_pdf(docs[code], pandoc=pandoc, fonts=fonts) == pdfs[code]


def test_source_date_epoch_sets_the_creation_date(docs, pandoc, fonts, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    reader = PdfReader(BytesIO(render_pdf(docs["ku"], pandoc=pandoc, fonts=fonts)))
    assert reader.metadata.creation_date.year == 2023


def test_one_compiler_serves_every_document(fonts):
    assert typesetter(fonts) is typesetter(fonts)


@pytest.mark.parametrize("code,direction", [("ckb", "rtl"), ("ar", "rtl"), ("ku", "ltr"), ("en", "ltr")])
def test_direction_is_set_from_the_language(code, direction, docs, pandoc, fonts):
    source = typst_source(docs[code], pandoc=pandoc, fonts=fonts)
    assert f"dir: {direction}," in source
    assert f'lang: "{docs[code].language.tag.split("-")[0]}"' in source


def test_sorani_pages_are_right_to_left(docs, pdfs):
    width = float(PdfReader(BytesIO(pdfs["ckb"])).pages[0].mediabox.width)
    ckb = {t: x for _, x, t in rows(pdfs["ckb"])}
    ku = {t: x for _, x, t in rows(pdfs["ku"])}
    # short lines (the signatories) sit against the right margin in Sorani, the left in Kurmanji
    for name in docs["ckb"].signatories:
        line = next(t for t in ckb if words(name) in words(t))
        assert ckb[line] > width / 3, line
    for name in docs["ku"].signatories:
        line = next(t for t in ku if words(name) in words(t))
        assert ku[line] < width / 4, line
    # the first word of the title is read first although it is printed rightmost
    title = docs["ckb"].title.split()
    assert text(pdfs["ckb"]).startswith(" ".join(title[:3]))


def test_typst_source_uses_the_arabic_font_first_for_rtl(docs, pandoc, fonts):
    assert 'font: ("Amiri", "Noto Serif", )' in typst_source(docs["ckb"], pandoc=pandoc, fonts=fonts)
    assert 'font: ("Noto Serif", "Amiri", )' in typst_source(docs["ku"], pandoc=pandoc, fonts=fonts)


# ------------------------------------------------------------- drafts


def test_draft_has_a_watermark_on_every_page_and_a_notice(project, pandoc, fonts):
    doc = documents(project, pandoc, draft=True, translated=False)["ar"]
    assert doc.draft and doc.missing
    pdf = render_pdf(doc, pandoc=pandoc, fonts=fonts)
    by_page: dict[int, str] = {}
    for page, _, line in rows(pdf):
        by_page[page] = by_page.get(page, "") + " " + line
    assert by_page and all(doc.t(ui.DRAFT) in t for t in by_page.values())
    content = words(text(pdf))
    assert words(doc.t(ui.DRAFT_NOTICE)) in content
    assert doc.language.number(len(doc.missing)) in content
    # an untranslated passage stays readable: English words in English order
    assert "The undersigned organizations are deeply concerned" in text(pdf)


# ------------------------------------------------------------- untrusted translations


INJECTION = '#read("/etc/passwd") #import "x" $ #eval("1") $ a\\b ] [ * _ <label> @ref = x // y'
NAME_INJECTION = '#read("/etc/hostname")]'


def _po_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_markup_in_a_translation_is_printed_not_run(project, pandoc, fonts):
    po = project / "locales" / "ar" / "2026-01-26-protect-civilians.po"
    content = po.read_text(encoding="utf-8")
    content = content.replace('msgstr "إن حماية المدنيين ليست موضع تفاوض."',
                              "msgstr " + _po_string("= " + INJECTION))
    content = content.replace('msgstr "حملة من أجل سوريا"', "msgstr " + _po_string(NAME_INJECTION))
    po.write_text(content, encoding="utf-8")
    doc = documents(project, pandoc)["ar"]
    pdf = render_pdf(doc, pandoc=pandoc, fonts=fonts)
    printed = text(pdf).replace("“", '"').replace("”", '"').replace("«", '"').replace("»", '"')
    for literal in ('= #read("/etc/passwd")', '#import "x"', '$ #eval("1") $', "a\\b", "] [ * _",
                    "<label>", "@ref", "= x // y", '#read("/etc/hostname")]'):
        assert literal in printed, literal
    assert "root:" not in printed


def test_typst_reads_no_file_outside_its_build_folder(docs, fonts):
    typesetter = Typesetter(fonts)
    with pytest.raises(PipelineError) as caught:
        typesetter.compile('#read("/etc/passwd")', doc=docs["ar"])
    message = str(caught.value)
    assert "2026-01-26-protect-civilians" in message and "Arabic (ar)" in message
    assert "Traceback" not in message


def test_raw_typst_in_a_source_is_printed_not_run(docs, pandoc, fonts):
    doc = docs["en"]
    ast = dict(doc.ast, blocks=[{"t": "RawBlock", "c": ["typst", '#panic("boom")']},
                                {"t": "Para", "c": [{"t": "RawInline", "c": ["typst", "#read(\"/x\")"]},
                                                    {"t": "Space"},
                                                    {"t": "Cite", "c": [[], [{"t": "Str", "c": "@SyriaCampaign"}]]}]}]
                + doc.ast["blocks"])
    pdf = render_pdf(dataclasses.replace(doc, ast=ast), pandoc=pandoc, fonts=fonts)
    printed = text(pdf).replace("“", '"').replace("”", '"')
    assert '#panic("boom")' in printed and '#read("/x")' in printed and "@SyriaCampaign" in printed


def test_a_typst_error_names_the_statement_and_language(docs, fonts):
    with pytest.raises(PipelineError) as caught:
        typesetter(fonts).compile("#let x = (", doc=docs["ckb"])
    problem = caught.value.problems[0]
    assert "locales/ckb/2026-01-26-protect-civilians.po" in str(problem.location)
    assert "2026-01-26-protect-civilians" in problem.message and "(ckb)" in problem.message


# ------------------------------------------------------------- fonts


def test_a_missing_font_family_is_a_clear_error(fixture_root):
    config = load_config(fixture_root)
    config = dataclasses.replace(config, fonts={"Arab": "Amiri", "Latn": "No Such Serif"})
    with pytest.raises(PipelineError) as caught:
        resolve_fonts(config)
    problem = caught.value.problems[0]
    assert problem.location.path == fixture_root / "project.yaml"
    assert problem.message == "font family 'No Such Serif' for the Latn script is not installed"
    assert problem.hint == "pip install fontpkg-no-such-serif, or choose an installed family under fonts:"


def test_fonts_give_the_html_renderer_files_weights_and_styles(fonts):
    amiri = fonts["Arab"]
    assert amiri.name == "Amiri"
    assert {(f.style, f.css_weight) for f in amiri.faces} >= {("normal", "400"), ("normal", "700")}
    assert all(f.path.is_file() for f in amiri.faces)
    assert fonts.stack("Arab") == ("Amiri", "Noto Serif")
    assert set(fonts.files) == {f.path for family in fonts.families for f in family.faces}


def test_a_variable_font_spans_its_weight_range(fonts):
    latin = fonts["Latn"]
    assert any(f.variable and f.css_weight == "100 900" for f in latin.faces) or \
        {f.css_weight for f in latin.faces} >= {"400", "700"}


# ------------------------------------------------------------- layout


@pytest.mark.parametrize("code", ("ar", "en"))
def test_a_long_signatory_list_is_set_in_two_columns(code, docs, pandoc, fonts):
    names = tuple(f"Association {a}{b} for Human Rights" for a in "BCDF" for b in "aeiouyAEIO")
    doc = dataclasses.replace(docs[code], signatories=names)
    pdf = render_pdf(doc, pandoc=pandoc, fonts=fonts)
    lines = [t for _, _, t in rows(pdf) if "Association" in t]
    assert sum(t.count("Association") for t in lines) == 40
    assert sum(1 for t in lines if t.count("Association") == 2) >= 10   # side by side: two columns
    numbers = re.findall(r"\d+", " ".join(lines))      # \d: any decimal digits, Arabic-Indic too
    assert sorted(int("".join(str(unicodedata.digit(c)) for c in n)) for n in numbers) == list(range(1, 41))
    assert all(unicodedata.name(n[0]).startswith("ARABIC-INDIC" if code == "ar" else "DIGIT")
               for n in numbers)


def test_a_character_no_font_has_is_an_error_not_a_blank(docs, pandoc, fonts):
    doc = dataclasses.replace(docs["ar"], title=docs["ar"].title + " \U0001F1F8\U0001F1FE")
    with pytest.raises(PipelineError) as caught:
        render_pdf(doc, pandoc=pandoc, fonts=fonts)
    problem = caught.value.problems[0]
    assert "could not be displayed" in problem.message and "fonts:" in problem.hint


ASSOCIATIONS = tuple(f"Association {a}{b} for Human Rights" for a in "BCDFGHJKLMNPQRSTVWZ" for b in "aeiouyAEIO")


def _with(doc: Document, names: tuple[str, ...], paragraphs: int = 0) -> Document:
    """The statement signed by `names`, with `paragraphs` more one-line paragraphs before the list."""
    filler = {"t": "Para", "c": [{"t": "Str", "c": "Lorem"}, {"t": "Space"}, {"t": "Str", "c": "ipsum."}]}
    blocks = doc.ast["blocks"]
    return dataclasses.replace(doc, signatories=names,
                               ast={**doc.ast, "blocks": blocks[:1] + [filler] * paragraphs + blocks[1:]})


def _typeset(doc: Document, pandoc, fonts) -> tuple[bytes, list[str]]:
    """The PDF and Typst's warnings (such as a layout that did not settle)."""
    source = typst_source(doc, pandoc=pandoc, fonts=fonts)
    setter = typesetter(fonts)
    pdf, warnings = setter._compiler.compile_with_warnings(
        input=source.encode("utf-8"), format="pdf", root=str(setter.root), timestamp=0,
        pdf_standards=["ua-1"], pdf_tags=True)
    return pdf, [str(getattr(w, "message", w)) for w in warnings]


def _numbered(pdf: bytes, *, columns: bool = True) -> list[tuple[int, float, float, int]]:
    """(page, y, left x, number) of each list item's first line, the two columns read apart."""
    width = float(PdfReader(BytesIO(pdf)).pages[0].mediabox.width)
    out = []
    for page, y, x, line in placed_rows(pdf, split_x=width / 2 if columns else None):
        found = re.search(r"\d+", line)        # \d: Arabic-Indic digits too; the names have none
        if found and "Association" in line:
            out.append((page, y, x, int("".join(str(unicodedata.digit(c)) for c in found.group()))))
    return out


@pytest.mark.parametrize("code", ("en", "ar"))
def test_a_long_list_starts_on_a_new_page_rather_than_at_a_page_foot(code, docs, pandoc, fonts):
    doc = docs[code]
    title = words(doc.t(ui.SIGNATORIES))
    outcomes = set()
    for paragraphs in range(0, 36):   # the list starts lower and lower, then on the next page
        pdf, warnings = _typeset(_with(doc, ASSOCIATIONS[:40], paragraphs), pandoc, fonts)
        assert warnings == [], (paragraphs, warnings)    # laid out once: no guess between passes
        height = float(PdfReader(BytesIO(pdf)).pages[0].mediabox.height)
        placed = placed_rows(pdf)
        page, y = next((p, y) for p, y, _, t in placed if words(t) == title)
        assert y < height * 0.62 + 20, (paragraphs, y)            # (a baseline: the heading's top is higher)
        first_page = [n for p, _, _, n in _numbered(pdf) if p == page]
        assert 1 in first_page, paragraphs                        # the heading is not left alone
        assert len(first_page) >= 16, (paragraphs, first_page)    # never a few names at the foot
        outcomes.add("after the text" if any(p == page and yy < y for p, yy, _, _ in placed) else "page top")
    assert outcomes == {"after the text", "page top"}


@pytest.mark.parametrize("code", ("en", "ar"))
def test_names_read_down_the_first_column_then_the_second(code, docs, pandoc, fonts):
    names = ASSOCIATIONS[:150]
    pdf, warnings = _typeset(_with(docs[code], names), pandoc, fonts)
    assert warnings == []
    items = _numbered(pdf)
    assert sorted(n for *_, n in items) == list(range(1, 151))
    # reading order: page by page, the first column (the right one in Arabic) down, then the second
    rtl = docs[code].language.rtl
    # (the x of a line is where it starts: the columns are told apart by their side of the page)
    width = float(PdfReader(BytesIO(pdf)).pages[0].mediabox.width)
    read = sorted(items, key=lambda i: (i[0], (i[2] < width / 2) == rtl, i[1]))
    assert [n for *_, n in read] == list(range(1, 151))
    pages = {p for p, *_ in items}
    assert len(pages) >= 2
    placed = placed_rows(pdf)
    feet = [max((y, t) for q, y, _, t in placed if q == p)[1] for p in range(1, max(pages) + 1)]
    assert feet == [docs[code].language.number(p) for p in range(1, max(pages) + 1)]   # page numbers run on
    for p in sorted(pages)[:-1]:                       # every page but the last is full: both columns
        assert len({x < width / 2 for q, _, x, _ in items if q == p}) == 2


@pytest.mark.parametrize("code", ("en", "ar"))
def test_a_list_that_fits_on_the_page_is_split_into_balanced_columns(code, docs, pandoc, fonts):
    pdf, warnings = _typeset(_with(docs[code], ASSOCIATIONS[:24]), pandoc, fonts)
    assert warnings == []
    width = float(PdfReader(BytesIO(pdf)).pages[0].mediabox.width)
    items = _numbered(pdf)
    assert len({p for p, *_ in items}) == 1
    rtl = docs[code].language.rtl
    first = sorted(n for _, _, x, n in items if (x >= width / 2) == rtl)
    second = sorted(n for _, _, x, n in items if (x >= width / 2) != rtl)
    assert first and second and first[-1] < second[0]
    assert abs(len(first) - len(second)) <= 2


def test_a_short_list_is_one_column(docs, pandoc, fonts):
    pdf, warnings = _typeset(_with(docs["en"], ASSOCIATIONS[:8]), pandoc, fonts)
    assert warnings == []
    items = _numbered(pdf)
    assert [n for *_, n in items] == list(range(1, 9))
    assert max(x for *_, x, _ in items) - min(x for *_, x, _ in items) < 20    # one under the other
