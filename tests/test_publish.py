"""publish: the real output files, in every language, as readers and partners get them."""
from __future__ import annotations

import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from pypdf import PdfReader

from pipeline.cli import main

SLUG = "2026-01-26-protect-civilians"
LANGS = {"en": ("en", "ltr"), "ar": ("ar-SY", "rtl"), "ku": ("ku", "ltr"), "ckb": ("ckb", "rtl")}


class Page(HTMLParser):
    """The parts of a page the tests look at."""

    def __init__(self, text: str):
        super().__init__()
        self.html_attrs: dict = {}
        self.alternates: list[dict] = []
        self.switcher: list[dict] = []
        self.resources: list[str] = []
        self.meta: dict[str, str] = {}
        self.title = ""
        self._in_title = self._in_nav = False
        self.feed(text)
        self.css = "".join(re.findall(r"<style>(.*?)</style>", text, re.S))

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        elif tag == "link" and a.get("rel") == "alternate":
            self.alternates.append(a)
        elif tag == "nav":
            self._in_nav = True
        elif tag == "a" and self._in_nav:
            self.switcher.append(a)
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and "name" in a:
            self.meta[a["name"]] = a.get("content", "")
        for key in ("src", "srcset", "data") if tag != "a" else ():
            if key in a:
                self.resources.append(a[key])
        if tag == "link":
            self.resources.append(a.get("href", ""))

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def publish(project: Path, *args: str) -> int:
    return main(["--project", str(project), "publish", *args])


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("pub") / "project"
    shutil.copytree(Path(__file__).parent / "data/project", project)
    assert publish(project) == 0
    return project


def test_every_language_in_every_format(published: Path):
    out = published / "out"
    for lang in LANGS:
        for fmt in ("html", "docx", "pdf"):
            assert (out / lang / f"{SLUG}.{fmt}").stat().st_size > 1000
    assert (out / "index.html").exists()
    assert (out / "fonts/Amiri-Regular.ttf").exists()


@pytest.mark.parametrize("lang", LANGS)
def test_html_page(published: Path, lang: str):
    text = (published / "out" / lang / f"{SLUG}.html").read_text(encoding="utf-8")
    page = Page(text)
    tag, direction = LANGS[lang]
    assert page.html_attrs == {"lang": tag, "dir": direction}
    assert page.title.strip() and page.meta["description"]
    assert {a["hreflang"] for a in page.alternates} == {t for t, _ in LANGS.values()}
    assert {a["hreflang"] for a in page.switcher} == {t for t, _ in LANGS.values()}
    assert [a for a in page.switcher if "aria-current" in a][0]["hreflang"] == tag
    assert f'href="{SLUG}.pdf"' in text and f'href="{SLUG}.docx"' in text
    # Works offline: nothing is loaded from another host.
    urls = page.resources + re.findall(r"url\(\"?([^\")]+)", page.css)
    assert urls and not [u for u in urls if re.match(r"(https?:)?//", u)]
    assert "@media print" in page.css
    assert "robots" not in page.meta


def test_arabic_page_in_arabic(published: Path):
    text = (published / "out/ar" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "٢٦ كانون الثاني ٢٠٢٦" in text
    assert "وقعت عليه ٤ منظمات" in text            # plural form "few", Arabic-Indic digits
    assert "list-style-type: arabic-indic" in text  # demands and signatories numbered ١ ٢ ٣
    assert '<span dir="ltr">PÊL- Civil Waves</span>' in text  # Latin names isolated
    assert "المنظمات الموقعة" in text


def test_sorani_needs_no_code_only_config(published: Path):
    """ckb is one line in project.yaml: right-to-left, Arabic-Indic digits, its own date."""
    text = (published / "out/ckb" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '<html lang="ckb" dir="rtl">' in text
    assert "٢٦ی کانوونی دووەمی ٢٠٢٦" in text
    assert "list-style-type: arabic-indic" in text
    docx = zipfile.ZipFile(published / "out/ckb" / f"{SLUG}.docx").read("word/document.xml").decode()
    assert 'w:bidi="ckb-IQ"' in docx
    pdf = PdfReader(published / "out/ckb" / f"{SLUG}.pdf")
    assert pdf.trailer["/Root"]["/Lang"] == "ckb"
    assert "کۆبانێ" in "".join(p.extract_text() for p in pdf.pages)


def test_index_lists_every_language(published: Path):
    text = (published / "out/index.html").read_text(encoding="utf-8")
    for lang in LANGS:
        assert f'href="{lang}/{SLUG}.pdf"' in text
    assert "نداء عاجل لحماية المدنيين في كوباني" in text
    assert '<html lang="en" dir="ltr">' in text


def test_two_publishes_are_byte_identical(published: Path, tmp_path: Path):
    again = tmp_path / "again"
    shutil.copytree(Path(__file__).parent / "data/project", again)
    assert publish(again) == 0
    first = {p.relative_to(published / "out"): p.read_bytes() for p in (published / "out").rglob("*") if p.is_file()}
    second = {p.relative_to(again / "out"): p.read_bytes() for p in (again / "out").rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def _untranslate(project: Path, lang: str, msgid_start: str) -> None:
    path = project / f"locales/{lang}/{SLUG}.po"
    po = polib.pofile(str(path))
    for e in po:
        if e.msgid.startswith(msgid_start):
            e.msgstr = ""
    po.save(str(path))


def test_incomplete_language_is_skipped_then_published_as_draft(project: Path, capsys):
    _untranslate(project, "ku", "Investigate all violations")
    assert publish(project) == 0
    out = capsys.readouterr().out
    assert re.search(r"skipped 2026-01-26-protect-civilians \[ku\]: 6 of 7 segments translated .*"
                     r"1 untranslated; 1 of the title and demands missing", out)
    assert not (project / "out/ku").exists()
    assert (project / "out/ar" / f"{SLUG}.pdf").exists()

    assert publish(project, "--draft") == 0
    html = (project / "out/ku" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex">' in html
    assert 'class="draft-banner"' in html and "Pêşnûme" in html
    assert "Investigate all violations committed by all parties." in html  # the source text stands in
    docx = zipfile.ZipFile(project / "out/ku" / f"{SLUG}.docx")
    headers = "".join(docx.read(n).decode() for n in docx.namelist() if n.startswith("word/header"))
    assert "Pêşnûme" in headers
    pdf_text = "".join(p.extract_text() for p in PdfReader(project / "out/ku" / f"{SLUG}.pdf").pages)
    assert "Pêşnûme" in pdf_text
    # Finished languages carry no draft mark.
    assert 'class="draft-banner"' not in (project / "out/ar" / f"{SLUG}.html").read_text(encoding="utf-8")


def test_broken_catalogue_names_file_and_line_and_keeps_out(project: Path, capsys):
    assert publish(project) == 0
    before = {p: p.read_bytes() for p in (project / "out").rglob("*") if p.is_file()}
    po = project / f"locales/ar/{SLUG}.po"
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.startswith("msgstr") and i > 20)
    lines[n] = 'msgstr "an unclosed string\n'
    po.write_text("".join(lines), encoding="utf-8")
    assert publish(project) == 2
    err = capsys.readouterr().err
    assert re.search(rf"locales/ar/{SLUG}\.po:{n + 1}: a string is not closed", err)
    assert po.read_text(encoding="utf-8").splitlines()[n] == 'msgstr "an unclosed string'  # not rewritten
    after = {p: p.read_bytes() for p in (project / "out").rglob("*") if p.is_file()}
    # The Arabic files published before stay exactly as they were.
    assert {p: b for p, b in after.items() if "/ar/" in str(p)} == {p: b for p, b in before.items() if "/ar/" in str(p)}


def test_long_signatory_list_keeps_page_numbers(tmp_path: Path):
    """The real Sorani statement: 60 names in two columns from a new page, pages ١ ٢ ٣ ٤ in order."""
    root = Path(__file__).parent.parent
    project = tmp_path / "real"
    for part in ("source", "locales"):
        shutil.copytree(root / part, project / part)
    shutil.copy(root / "project.yaml", project / "project.yaml")
    assert publish(project) == 0
    pdf = PdfReader(project / "out/ckb/2026-01-26-urgent-call-to-protect-civilians.pdf")
    assert len(pdf.pages) >= 3
    digits = "٠١٢٣٤٥٦٧٨٩"
    numbers = [page.extract_text().strip()[-1:] for page in pdf.pages]
    assert numbers == [digits[n] for n in range(1, len(pdf.pages) + 1)]
