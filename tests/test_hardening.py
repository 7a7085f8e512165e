"""Hardening (issue #7): translations inject nothing, bad input gets one clear message,
publishing is exclusive and atomic even when killed.

1. Injection: a translated project whose every msgstr, name, title and ui.po string is an
   attack is published for real; HTML, DOCX, PDF (and the Typst source) are then searched
   for anything active.
2. Bad input: each broken file gives exit 2, one message with `path:line`, no traceback,
   and leaves out/ as it was (or, for one catalogue, that language's files as they were).
3. Lock and atomicity: a second run waits then names the first one's pid; a run killed with
   SIGKILL at random moments leaves out/ as it was or complete.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from pypdf import PdfReader

from pipeline.catalog import read_po
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.lock import clean_staging, commit_tree, holder, lock_path, project_lock
from pipeline.pandoc import shared
from pipeline.poformat import Entry, format_po
from pipeline.publish import load_project
from pipeline.render.fonts import resolve_fonts
from pipeline.render.pdf import code_in_markup, typesetter, typst_source
from pipeline.translate import sanitize, translate

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
SLUG = "2026-01-26-protect-civilians"
PYTHON = sys.executable

# ================================================================== 1. injection

# Body translations (Markdown): raw HTML, pandoc raw syntax, Typst code, unsafe links, images,
# attributes, new footnotes and headings, and what breaks naive escaping.
BODY_PAYLOADS = [
    "<script>alert('body')</script>",
    "<img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example/frame"></iframe>',
    "<style>body{display:none}</style>",
    "<svg onload=alert(1)>x</svg>",
    "<object data=https://evil.example/o></object><embed src=https://evil.example/e>",
    "<form action=https://evil.example/f><input name=x></form>",
    "<meta http-equiv=refresh content=0;url=https://evil.example/>",
    "<base href=https://evil.example/><link rel=stylesheet href=https://evil.example/s.css>",
    '<a href="javascript:alert(1)">x</a>',
    "<details open ontoggle=alert(1)>x</details>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<scr<script>ipt>alert(1)</script>",
    "<!-- unterminated comment",
    "`<script>alert('raw')</script>`{=html}",
    "`<script>alert('raw5')</script>`{=html5}",
    '`#read("/etc/passwd")`{=typst}',
    "`<w:r><w:t>INJECTED-OPENXML</w:t></w:r>`{=openxml}",
    "`\\input{/etc/passwd}`{=latex}",
    "```{=html}\n<script>alert('fenced')</script>\n```",
    '```{=typst}\n#read("/etc/passwd")\n```',
    "```{=openxml}\n<w:p><w:r><w:t>INJECTED-BLOCK</w:t></w:r></w:p>\n```",
    '#read("/etc/passwd")',
    '#import "@preview/cetz:0.2.0": *',
    '#include "/etc/hostname"',
    '#eval("1 + 1")',
    '#image("/etc/passwd")',
    'x], eval("1"), [y',
    'x\\]#read("/etc/passwd")\\[',
    "$#read(\"/etc/passwd\")$",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](%20javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox)",
    "[click](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<https://evil.example/autolink>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "![tracker](https://evil.example/pixel.png)",
    "![local](/etc/passwd)",
    '[x]{onclick="alert(1)"}',
    '[x]{style="position:fixed;top:0;left:0;width:100%;height:100%"}',
    "[x]{.draft-banner #signatories}",
    '`code`{onclick="alert(1)"}',
    '[the source](https://example.org/ok){onmouseover="alert(1)"}',
    '[the source](https://example.org/ok "t\\" onmouseover=\\"alert(1)")',
    "[![x](https://evil.example/i.png)](https://example.org/ok)",
    "A new footnote.^[INJECTED-NOTE]",
    "Notes^[one ^[two ^[three]]]",
    "[^1]\n\n[^1]: INJECTED-NOTE-DEF",
    "# INJECTED-HEADING",
    "Text\n\n## INJECTED-H2 {#signatories onclick=alert(1)}",
    "::: {.draft-banner onclick=alert(1)}\nINJECTED-DIV\n:::",
    "| a | b |\n|---|---|\n| INJECTED | TABLE |",
    "- INJECTED\n- LIST",
    "> INJECTED-QUOTE",
    "```\nINJECTED-CODE\n```",
    "@cite and [@cite2]",
    "]]></w:t></w:r><w:r><w:instrText>INCLUDETEXT \"c:/x\"</w:instrText>",
    "&lt;script&gt; &amp; &#60;script&#62;",
    "% INJECTED title block",
    "---\ntitle: INJECTED-YAML\n---",
    "\\(x\\) $$\\href{javascript:alert(1)}{x}$$",
]

# Plain text: title, subtitle, signatory names and ui.po strings.
PLAIN_PAYLOADS = [
    "</title><script>alert('title')</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    '#read("/etc/passwd")',
    'x], eval("1"), [y',
    '")#eval("1")#("',
    "]]></dc:title><x>",
    "</w:t></w:r><w:r><w:t>OPENXML",
    "*bold* [l](javascript:x) `code` $x$",
    "&amp; &lt;b&gt;",
    "\\\" \\n %s %(n)d {0}",
    "$x$ <!-- c -->",
]
ALLOWED_TARGET = "https://example.org/ok"


def _source(n_body: int, n_plain: int) -> str:
    names = "".join(f"  - Organisation {i}\n" for i in range(n_plain))
    paras = []
    for i in range(n_body):
        if i % 2:
            paras.append(f"Plain paragraph {i} without mark-up.")
        else:
            paras.append(f"Rich paragraph {i} cites [the source]({ALLOWED_TARGET}) and adds a note.^[Source note {i}.]")
    return (f"---\ntitle: Protect civilians\nsubtitle: A joint statement\ndate: 2026-01-26\n"
            f"signatories:\n{names}---\n\n## Our demands\n\n" + "\n\n".join(paras)
            + "\n\nA source paragraph with <b>raw bold</b> HTML its editors wrote.\n\n"
              "This paragraph is left untranslated.\n")


def _fill(path: Path, value_of) -> None:
    """Write translations into a catalogue as a translation tool would (every entry kept)."""
    cat = read_po(path)
    live = []
    for m in cat.messages.values():
        if not m.msgid:
            continue
        value = value_of(m)
        if m.msgid_plural is not None:
            plural = tuple([value] * len(m.msgstr_plural)) if value is not None else m.msgstr_plural
            live.append(Entry(msgid=m.msgid, msgid_plural=m.msgid_plural, msgstr_plural=plural, flags=m.flags))
        else:
            live.append(Entry(msgid=m.msgid, msgctxt=m.context, msgstr=value if value is not None else m.msgstr,
                              flags=m.flags))
    header = "".join(f"{k}: {v}\n" for k, v in cat.header.items())
    path.write_text(format_po(list(cat.header_comments), header, live), encoding="utf-8")


@pytest.fixture(scope="module")
def injected(tmp_path_factory) -> Path:
    """A project whose Arabic translation attacks from every msgstr, published as a draft."""
    root = tmp_path_factory.mktemp("inject") / "project"
    (root / "source").mkdir(parents=True)
    (root / "project.yaml").write_text(
        "source: en\nlanguages: {en: {}, ar: {locale: ar_SY}}\nfonts: {Arab: Amiri, Latn: Noto Serif}\n",
        encoding="utf-8")
    (root / "source" / f"{SLUG}.md").write_text(_source(len(BODY_PAYLOADS), len(PLAIN_PAYLOADS)),
                                                 encoding="utf-8")
    assert main(["--project", str(root), "update"]) == 0

    def body(m):
        if m.context == "signatory":
            return PLAIN_PAYLOADS[int(m.msgid.split()[-1])]
        if m.msgid == "Protect civilians":
            return PLAIN_PAYLOADS[0]
        if m.msgid == "A joint statement":
            return PLAIN_PAYLOADS[1]
        if m.msgid == "Our demands":
            return "<script>alert('heading')</script>"
        match = re.match(r"(?:Rich|Plain) paragraph (\d+) ", m.msgid)
        if match:
            return BODY_PAYLOADS[int(match.group(1))]
        if m.msgid.startswith("A source paragraph with"):
            return "Translated <b>raw bold</b> and an added <i>italic</i> <script>alert('x')</script>."
        return None  # "left untranslated": the language is a draft

    _fill(root / f"locales/ar/{SLUG}.po", body)
    ui_values = iter(PLAIN_PAYLOADS * 2)
    _fill(root / "locales/ar/ui.po", lambda m: next(ui_values))
    assert main(["--project", str(root), "publish", "--draft"]) == 0
    return root


# ------------------------------------------------------------------ HTML

SAFE_TAGS = {"html", "head", "meta", "title", "link", "style", "body", "nav", "span", "a", "div", "strong",
             "ul", "li", "header", "h1", "h2", "h3", "h4", "h5", "h6", "p", "time", "main", "footer", "ol",
             "em", "sup", "sub", "section", "aside", "hr", "blockquote", "code", "br", "del", "u", "small",
             "b", "q", "table", "thead", "tbody", "tr", "th", "td", "progress", "article"}
SAFE_ATTRS = {"lang", "dir", "href", "hreflang", "rel", "content", "name", "charset", "class", "id", "role",
              "aria-label", "aria-current", "datetime", "download", "start", "type", "title", "epub:type",
              "max", "value", "data-cites"}
SAFE_CLASSES = {"footnotes", "footnotes-end-of-document", "footnote-back", "footnote-ref", "languages", "label",
                "draft-banner", "statement", "subtitle", "date", "signed-by", "downloads", "signatories",
                "editions", "lang", "files", "draft", "citation", "math", "inline", "problems", "error", "warning"}
SAFE_HREF = re.compile(r"^(https://example\.org/ok|(\.\./)?[a-z]+/[-a-z0-9]+\.(html|pdf|docx)|#[-\w]+|"
                       r"[-a-z0-9]+\.(pdf|docx|html))$")


class ActiveContent(HTMLParser):
    """Everything in a page that could run, load or restyle something, and was not put there by us."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.styles = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self.styles += 1
        if tag not in SAFE_TAGS:
            self.found.append(f"<{tag}>")
        for key, value in attrs:
            if key not in SAFE_ATTRS:
                self.found.append(f"<{tag} {key}=…>")
            if key == "href" and tag == "a" and not SAFE_HREF.match(value or ""):
                self.found.append(f"<a href={value!r}>")
            if key == "class" and not set((value or "").split()) <= SAFE_CLASSES:
                self.found.append(f"<{tag} class={value!r}>")
        if tag == "link" and dict(attrs).get("rel") != "alternate":
            self.found.append(f"<link {attrs}>")

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.found.append(f"<!--{data[:30]}")


def _pages(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root / "out")): p.read_text(encoding="utf-8")
            for p in (root / "out").rglob("*.html")}


def test_html_pages_have_no_active_content(injected: Path):
    pages = _pages(injected)
    assert f"ar/{SLUG}.html" in pages and "index.html" in pages and "status.html" in pages
    for name, text in pages.items():
        page = ActiveContent(text)
        assert page.found == [], f"{name}: {page.found}"
        assert page.styles == 1, f"{name}: a translation added a <style>"


def test_html_shows_injected_text_as_text(injected: Path):
    html = (injected / "out/ar" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<title>&lt;/title&gt;&lt;script&gt;" in html          # the title, escaped in <title>
    assert '#read("/etc/passwd")' in html or "#read(&quot;/etc/passwd&quot;)" in html
    for marker in ("INJECTED-HEADING", "INJECTED-DIV", "INJECTED-QUOTE", "INJECTED TABLE", "INJECTED-CODE",
                   "INJECTED-YAML", "INJECTED title block", "INJECTED-H2", "INJECTED LIST"):
        assert marker in html, f"{marker}: a translation's text vanished instead of showing as text"
    # Translations cannot add headings, footnotes or links the source segment lacks.
    assert not re.search(r"<h\d[^>]*>[^<]*INJECTED", html)
    rich = len(range(0, len(BODY_PAYLOADS), 2))
    assert html.count('class="footnote-ref"') <= rich
    new_note = BODY_PAYLOADS.index("A new footnote.^[INJECTED-NOTE]")
    assert ("(INJECTED-NOTE)" in html) == bool(new_note % 2)   # in a segment without a note: text
    assert "three" in html                                     # notes inside notes: text, not notes
    assert re.search(r"<b>(<span dir=\"ltr\">)?raw bold", html)   # the source's own raw HTML only,
    assert "<i>" not in html and "&lt;i&gt;italic" in html       # never one the translation adds


def test_index_and_switcher_escape_titles(injected: Path):
    index = (injected / "out/index.html").read_text(encoding="utf-8")
    assert "&lt;/title&gt;&lt;script&gt;" in index
    assert ActiveContent(index).found == []


# ------------------------------------------------------------------ DOCX

def test_docx_has_no_active_content(injected: Path):
    docx = zipfile.ZipFile(injected / "out/ar" / f"{SLUG}.docx")
    text = ""
    for name in docx.namelist():
        assert not name.startswith(("word/media", "word/embeddings", "word/activeX")), name
        data = docx.read(name)
        if not name.endswith((".xml", ".rels")):
            continue
        ET.fromstring(data)  # every part is well-formed XML (Word refuses the file otherwise)
        part = data.decode("utf-8")
        for active in ("<w:instrText", "<w:fldSimple", "<w:altChunk", "<w:object", "<w:pict", "<v:", "oleObject",
                       "attachedTemplate", "<w:drawing>", "<w:drawing ", "w:macro"):
            assert active not in part, f"{name}: {active}"
        for target in re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', part):
            assert target == ALLOWED_TARGET, f"{name}: external target {target}"
        if name == "word/document.xml":
            text = "".join(t.text or "" for t in ET.fromstring(data).iter(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
    # Raw OpenXML from a translation is text in the document, never elements of it.
    assert "<w:r><w:t>INJECTED-OPENXML</w:t></w:r>" in text and "INJECTED-BLOCK" in text
    part = docx.read("word/document.xml").decode("utf-8")
    assert "<w:t>INJECTED-OPENXML</w:t>" not in part and "<w:t>INJECTED-BLOCK</w:t>" not in part
    assert "]]></w:t>" in text


# ------------------------------------------------------------------ PDF and Typst

def test_pdf_typesets_code_as_text(injected: Path):
    pdf = PdfReader(injected / "out/ar" / f"{SLUG}.pdf")
    text = "".join(page.extract_text() for page in pdf.pages)
    flat = re.sub(r"\s+", "", text)
    assert '#read("/etc/passwd")' in flat
    assert 'x],eval("1"),[y' in flat
    assert "root:x:0:0" not in text
    raw = (injected / "out/ar" / f"{SLUG}.pdf").read_bytes()
    for active in (b"/JavaScript", b"/JS ", b"/Launch", b"/EmbeddedFile", b"/SubmitForm", b"/ImportData"):
        assert active not in raw, active
    uris = set(re.findall(rb"/URI\s*\(([^)]*)\)", raw))
    assert uris <= {ALLOWED_TARGET.encode()}, uris


def test_typst_source_holds_text_never_code(injected: Path):
    project = load_project(injected, dry_run=True)
    config = project.config
    [x] = project.extracted
    doc = translate(x, config.lang("ar"), config, project.catalogues[(SLUG, "ar")], project.ui["ar"], shared(),
                    draft=True)
    source = typst_source(doc, pandoc=shared(), fonts=resolve_fonts(config))
    assert code_in_markup(source) is None
    assert '\\#read(\\"/etc/passwd\\")' in source          # as escaped text
    assert '"@preview' not in source                        # no package name where code could use it


def test_tripwire_refuses_code_that_slipped_through():
    assert code_in_markup('text \\#read("/etc/passwd") and #raw("#read") `#import`') is None
    assert code_in_markup('#read("/etc/passwd")') == "#read"
    assert code_in_markup('\\\\#import "@preview/x:0.1.0"') == "#import"  # an escaped backslash, then code
    assert code_in_markup('#eval("1")') == "#eval"


def test_typst_reads_nothing_outside_its_empty_folder():
    fonts = resolve_fonts(load_config(DATA / "project"))
    setter = typesetter(fonts)
    assert list(setter.root.iterdir()) == []  # the build folder holds nothing
    for code in ('#read("/etc/passwd")', '#read("../fonts/00-x")', '#image("/etc/passwd")',
                 '#include "/etc/hostname"', '#import "@local/x:0.1.0"'):
        with setter._lock, pytest.raises(RuntimeError):
            setter._compiler.compile(input=code.encode(), format="pdf", root=str(setter.root))


@pytest.mark.parametrize("payload", BODY_PAYLOADS)
def test_sanitize_keeps_only_what_the_source_segment_has(payload: str, pandoc):
    """Unit level: whatever the translation's Markdown becomes, only the source's kinds survive."""
    source = pandoc.read([f"Rich [the source]({ALLOWED_TARGET}) text.^[Note.]"])[0]["blocks"][0]["c"]
    from pipeline.translate import TRANSLATION_MARKDOWN, parse_translation

    doc = pandoc.read([payload], fmt=TRANSLATION_MARKDOWN)[0]
    clean = sanitize(parse_translation(doc["blocks"]), source)
    kinds: list[tuple] = []

    def walk(node):
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            t, c = node.get("t"), node.get("c")
            kinds.append((t, json.dumps(c[0]) if t in ("Span", "Code", "Link", "Image") else "",
                          c[2][0] if t in ("Link", "Image") else ""))
            if isinstance(c, list):
                walk(c)
    walk(clean)
    for t, attr, target in kinds:
        assert t not in ("RawInline", "RawBlock", "Image", "Math", "Cite", "Header", "Div"), (t, payload)
        assert attr in ("", json.dumps(["", [], []])), (t, attr)
        assert t != "Link" or target == ALLOWED_TARGET, target
    assert sum(t == "Note" for t, _, _ in kinds) <= 1


# ================================================================== 2. bad input


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root / "out")): p.read_bytes()
            for p in (root / "out").rglob("*") if p.is_file()} if (root / "out").exists() else {}


@pytest.fixture(scope="module")
def published_base(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("bad") / "base"
    shutil.copytree(DATA / "project", base)
    assert main(["--project", str(base), "publish"]) == 0
    return base


def _po(lang="ar"):
    return f"locales/{lang}/{SLUG}.po"


SRC = f"source/{SLUG}.md"


def _sub(old: str, new: str, path: str = None):
    def mutate(root: Path):
        p = root / (path or _po())
        text = p.read_text(encoding="utf-8")
        assert old in text, (p, old)
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return mutate


def _bytes(change, path: str = None):
    def mutate(root: Path):
        p = root / (path or _po())
        p.write_bytes(change(p.read_bytes()))
    return mutate


def _write(text: str, path: str):
    def mutate(root: Path):
        (root / path).write_text(text, encoding="utf-8")
    return mutate


def _append(text: str, path: str):
    def mutate(root: Path):
        p = root / path
        p.write_text(p.read_text(encoding="utf-8") + text, encoding="utf-8")
    return mutate


HEADING = 'msgid "Our demands"\nmsgstr "مطالبنا"'
# (name, mutation, expected message as a regex, scope): "global" leaves out/ byte-identical,
# "ar"/"ku" leaves that language's files byte-identical, "works" publishes as before.
BAD_INPUTS = [
    ("po-syntax", _sub('msgstr "مطالبنا"', 'msgstr "مطالبنا'), rf"{_po()}:\d+: a string is not closed", "ar"),
    ("po-latin1", _bytes(lambda b: b.decode("utf-8").encode("latin-1", "replace"), _po("ku")),
     rf"{_po('ku')}:\d+: this file is not UTF-8 text", "ku"),
    ("po-cp1256", _bytes(lambda b: b.decode("utf-8").encode("cp1256", "replace")),
     rf"{_po()}:\d+: this file is not UTF-8 text", "ar"),
    ("po-utf16", _bytes(lambda b: b.decode("utf-8").encode("utf-16")), rf"{_po()}:1: this file is not UTF-8", "ar"),
    ("po-crlf", _bytes(lambda b: b.replace(b"\n", b"\r\n")), None, "works"),
    ("po-bom", _bytes(lambda b: b"\xef\xbb\xbf" + b), None, "works"),
    ("po-bom-crlf", _bytes(lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n")), None, "works"),
    ("po-missing-header", _bytes(lambda b: b[b.index(b"#: source"):]), None, "works"),
    ("po-wrong-header", _sub("Language: ar", "Language: fr"), None, "works"),
    ("po-duplicate", _append('\nmsgid "Our demands"\nmsgstr "X"\n', _po()),
     rf"{_po()}:\d+: this text \(msgid\) is already in this file, at line \d+", "ar"),
    ("po-plural-for-singular", _sub(HEADING, 'msgid "Our demands"\nmsgid_plural "Our demands"\n'
                                             'msgstr[0] "مطالبنا"\nmsgstr[1] "مطالبنا"'),
     rf"{_po()}:\d+: this entry has plural forms .* but its original is a single text", "ar"),
    ("po-msgstr-index-without-plural", _sub('msgstr "مطالبنا"', 'msgstr[0] "مطالبنا"'),
     rf"{_po()}:\d+: msgstr\[0\] is only for an entry with a msgid_plural", "ar"),
    ("po-unknown-msgctxt", _sub('msgid "Our demands"', 'msgctxt "heading"\nmsgid "Our demands"'),
     rf"{_po()}:\d+: unknown context \(msgctxt\) 'heading'", "ar"),
    ("po-missing-msgstr", _sub('msgstr "مطالبنا"\n', ""), rf"{_po()}:\d+: this entry has no msgstr", "ar"),
    ("po-empty-file", _write("", _po()), rf"{_po()}:1: this catalogue is empty", "ar"),
    ("po-binary", _bytes(lambda b: bytes(range(256)) * 4), rf"{_po()}:\d+: this file is not UTF-8", "ar"),
    ("po-nul-byte", _bytes(lambda b: b.replace("مطالبنا".encode(), "مطا\0لبنا".encode())),
     rf"{_po()}:\d+: an invisible control character \(U\+0000\)", "ar"),
    ("po-control-escapes", _sub('msgstr "مطالبنا"', 'msgstr "مطا\\v\\bلبنا"'),
     rf"{_po()}:\d+: the translation has an invisible control character \(U\+000B\)", "ar"),
    ("po-unsupported-escape", _sub('msgstr "مطالبنا"', 'msgstr "مطا\\0لبنا"'),
     rf"{_po()}:\d+: the escape \\0 is not supported", "ar"),
    ("po-truncated", _bytes(lambda b: b[: len(b) // 2]), rf"{_po()}:\d+: ", "ar"),
    ("po-is-a-folder", lambda r: ((r / _po()).unlink(), (r / _po()).mkdir()),
     rf"{_po()}: cannot read the file \(Is a directory\)", "ar"),
    ("po-comment-backslash", _sub(HEADING, "# see C:\\\n" + HEADING),
     rf"{_po()}:\d+: this comment ends with a backslash", "ar"),
    ("po-nested-brackets", _sub('msgstr "مطالبنا"', 'msgstr "' + "[" * 30 + 'مطالبنا"'),
     rf"{_po()}:\d+: the translation cannot be read as Markdown: more than 4 brackets", "ar"),
    ("po-nested-quotes", _sub('msgstr "مطالبنا"', 'msgstr "' + "> " * 300 + 'مطالبنا"'),
     rf"{_po()}:\d+: the translation cannot be read as Markdown: 300 quotation or list levels", "ar"),
    ("po-megabyte-msgstr", _sub('msgstr "مطالبنا"', 'msgstr "' + "كلمة " * 200_000 + '"'),
     rf"{_po()}:\d+: the translation is 1,000,000 characters long", "ar"),
    pytest.param("ui-po-syntax", _append('\nmsgid "x\n', "locales/ar/ui.po"),
                 r"locales/ar/ui\.po:\d+: a string is not closed", "ar", id="ui-po-syntax"),
    pytest.param("orphan-catalogue", lambda r: shutil.copy(r / _po(), r / "locales/ar/gone-statement.po"),
                 r"locales/ar/gone-statement\.po: no statement source/gone-statement\.md", "other", id="orphan-catalogue"),
    ("fm-bad-yaml", _sub("title: Urgent", "title: [Urgent", SRC), rf"{SRC}:3: this is not valid YAML \(did not find expected ',' or '\]' "
                                                                 r"while parsing a flow sequence started on line 2\)",
     "global"),
    ("fm-tab-indent", _sub("  - The Syria Campaign", "\t- The Syria Campaign", SRC),
     rf"{SRC}:\d+: this is not valid YAML", "global"),
    ("fm-title-list", _sub("title: Urgent Call to Protect Civilians in Kobani", "title: [a, b]", SRC),
     rf"{SRC}:2: the title must be text", "global"),
    ("fm-bad-date", _sub("date: 2026-01-26", "date: 2026-13-45", SRC), rf"{SRC}:3: '2026-13-45' is not a date",
     "global"),
    ("fm-signatories-text", _sub("signatories:\n  - The Syria Campaign", "signatories: The Syria Campaign\nx:\n"
                                 "  - The Syria Campaign", SRC), rf"{SRC}:\d+: signatories must be a list", "global"),
    ("fm-unknown-key", _sub("date: 2026-01-26", "date: 2026-01-26\nauthor: me", SRC),
     rf"{SRC}:4: unknown key 'author'", "global"),
    ("fm-key-twice", _sub("date: 2026-01-26", "date: 2026-01-26\ntitle: Again", SRC),
     rf"{SRC}:4: 'title' is given twice \(also at line 2\)", "global"),
    ("fm-signatory-twice", _sub("  - Women Now for Development", "  - Women Now for Development\n"
                                "  - The Syria Campaign", SRC),
     rf"{SRC}:\d+: 'The Syria Campaign' is already in the list of signatories \(line 5\)", "global"),
    ("fm-alias-bomb", _sub("date: 2026-01-26", "date: 2026-01-26\nsubtitle: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"k{i}: &a{i} [" + ",".join([f"*a{i - 1}" if i else "*a"] * 9) + "]\n" for i in range(9)), SRC),
     rf"{SRC}:\d+: unknown key 'k0'", "global"),
    ("fm-deep-nesting", _sub("date: 2026-01-26", "date: 2026-01-26\nsubtitle: " + "[" * 3000 + "]" * 3000, SRC),
     rf"{SRC}:\d+: this YAML is nested too deeply", "global"),
    ("fm-not-closed", _sub("---\n\nThe undersigned", "\nThe undersigned", SRC),
     rf"{SRC}:1: the front matter is not closed", "global"),
    ("src-latin1", _bytes(lambda b: b.decode("utf-8").encode("latin-1", "replace"), SRC),
     rf"{SRC}:\d+: this file is not UTF-8 text", "global"),
    ("src-crlf-bom", _bytes(lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n"), SRC), None, "works"),
    ("src-empty-statement", lambda r: (r / SRC).write_text((r / SRC).read_text(encoding="utf-8").split(
        "---\n\n")[0] + "---\n\n<!-- nothing yet -->\n", encoding="utf-8"),
     rf"{SRC}:\d+: the statement has no text", "global"),
    ("src-megabyte-paragraph", _append("\n\n" + "word " * 210_000 + "\n", SRC),
     rf"{SRC}:\d+: this paragraph is 1,050,000 characters long \(at most 50,000\)", "global"),
    ("src-nested-brackets", _append("\n\n" + "[" * 30 + "x\n", SRC), rf"{SRC}:\d+: more than 4 brackets", "global"),
    ("src-folder-named-md", lambda r: (r / "source/notes.md").mkdir(),
     r"source/notes\.md: cannot read this file \(Is a directory\)", "global"),
    ("no-source-folder", lambda r: shutil.rmtree(r / "source"), r"source: there is no source/ folder", "global"),
    ("cfg-bad-yaml", _write("languages: [en\n", "project.yaml"), r"project\.yaml:2: this is not valid YAML", "global"),
    ("cfg-not-a-mapping", _write("- en\n- ar\n", "project.yaml"), r"project\.yaml:1: expected a mapping", "global"),
    ("cfg-unknown-language", _sub("  ku: {}", "  ku: {}\n  klingon: {}", "project.yaml"),
     r"project\.yaml:\d+: unknown language code 'klingon'", "global"),
    ("cfg-language-case", _sub("  ku: {}", "  KU: {}", "project.yaml"),
     r"project\.yaml:\d+: write the language code 'KU' as 'ku'", "global"),
    ("cfg-wrong-type", _sub("threshold: 100", "threshold: high", "project.yaml"),
     r"project\.yaml:\d+: threshold must be a percentage", "global"),
    ("cfg-key-twice", _sub("threshold: 100", "threshold: 100\nsource: ar", "project.yaml"),
     r"project\.yaml:\d+: 'source' is given twice", "global"),
]


@pytest.mark.parametrize("name,mutate,expected,scope",
                         [c if hasattr(c, "marks") else pytest.param(*c, id=c[0]) for c in BAD_INPUTS])
def test_bad_input_gets_one_clear_message(name, mutate, expected, scope, published_base: Path, tmp_path: Path,
                                          capsys):
    root = tmp_path / "project"
    shutil.copytree(published_base, root)
    before = _snapshot(root)
    mutate(root)
    code = main(["--project", str(root), "publish"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    after = _snapshot(root)
    assert set(before) <= set(after), "published files were removed"
    if scope == "works":
        assert code == 0, err
        assert after == before
        return
    assert re.search(expected, err), err
    assert code == 2
    # Every line is a message naming a file (with its line where there is one), or the summary.
    for line in err.strip().splitlines():
        assert re.match(r"(\S+?)(:\d+)?: \S", line) or line.startswith("Aborted with"), line
    if scope == "global":
        assert after == before
    elif scope != "other":  # one statement x language: only that one skipped, its files as they were
        assert {k: v for k, v in after.items() if k.startswith(f"{scope}/")} == \
               {k: v for k, v in before.items() if k.startswith(f"{scope}/")}
        # ... and still listed: readers keep the edition they had, from the index and the other languages.
        assert f'href="{scope}/{SLUG}.html"' in (root / "out/index.html").read_text(encoding="utf-8")
        assert after[f"en/{SLUG}.html"] == before[f"en/{SLUG}.html"]  # its language switcher unchanged
        assert f"skipped {SLUG} [{scope}]: its " in out and "the edition published before stays" in out


def test_five_thousand_signatories_publish(tmp_path: Path):
    """A long list is no error: every name is a segment and the PDF sets them all."""
    root = tmp_path / "project"
    shutil.copytree(DATA / "project", root, ignore=shutil.ignore_patterns("locales"))
    (root / "project.yaml").write_text("source: en\nlanguages: {en: {}}\n"
                                       "fonts: {Arab: Amiri, Latn: Noto Serif}\n", encoding="utf-8")
    src = root / SRC
    names = "".join(f"  - Organisation {i} for civil society\n" for i in range(5000))
    src.write_text(src.read_text(encoding="utf-8").replace("  - PÊL- Civil Waves\n", "  - PÊL- Civil Waves\n" + names),
                   encoding="utf-8")
    assert main(["--project", str(root), "publish", "-j", "1"]) == 0
    pdf = PdfReader(root / "out/en" / f"{SLUG}.pdf")
    assert "Organisation 4999 for civil society" in pdf.pages[-1].extract_text()


# ================================================================== 3. lock and atomicity

HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipeline.lock import project_lock
    with project_lock(Path(sys.argv[1]), "publish"):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
""")


@pytest.fixture(autouse=True)
def _own_tmpdir(tmp_path: Path, monkeypatch):
    """A pipeline killed here cannot remove its temporary folders: they stay in the test's folder, not /tmp."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1769385600"}


def _hold(root: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([PYTHON, "-c", HOLD, str(root), str(seconds)], stdout=subprocess.PIPE, env=_env())
    assert proc.stdout.readline().strip() == b"held"
    return proc


def test_a_second_run_waits_a_bounded_time_and_names_the_first(tmp_path: Path):
    other = _hold(tmp_path, 30)
    try:
        start = time.monotonic()
        with pytest.raises(PipelineError) as err:
            with project_lock(tmp_path, "publish", wait=0.5, log=lambda m: None):
                pass
        assert 0.5 <= time.monotonic() - start < 5
        assert f"pid {other.pid} (publish, since " in err.value.report()
        assert f"kill {other.pid}" in err.value.report()
    finally:
        other.send_signal(signal.SIGKILL)
        other.wait()
    # The kernel dropped the lock with the killed process: no stale lock to clean up.
    with project_lock(tmp_path, "publish", wait=0):
        assert holder(tmp_path).startswith(f"pid {os.getpid()} ")


def _open_paths() -> set[str]:
    paths = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            paths.add(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return paths


def _send_open_paths(conn) -> None:
    conn.send(_open_paths())


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads /proc (Linux)")
def test_a_forked_render_process_does_not_keep_the_lock(tmp_path: Path):
    """Render processes may be forked copies of the run: theirs is closed, so that the lock still
    ends with the run (a copy left behind by a killed run would otherwise hold it)."""
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    with project_lock(tmp_path, "publish", wait=0):
        ours, theirs = fork.Pipe(duplex=False)
        child = fork.Process(target=_send_open_paths, args=(theirs,))
        child.start()
        seen = ours.recv()
        child.join()
        assert str(lock_path(tmp_path)) in _open_paths()
    assert str(lock_path(tmp_path)) not in seen


def test_a_second_run_waits_for_the_first_to_finish(tmp_path: Path):
    other = _hold(tmp_path, 1.0)
    said: list[str] = []
    start = time.monotonic()
    with project_lock(tmp_path, "update", wait=30, log=said.append):
        waited = time.monotonic() - start
    other.wait()
    assert 0.5 < waited < 10
    assert said and f"pid {other.pid}" in said[0]


COMMIT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pipeline.lock import commit_tree
    n = int(sys.argv[2])
    pages = {f"d{i % 7}/f{i}.html": (f"new {i} " * 200).encode() for i in range(n)}
    pages.update({f"extra/e{i}.pdf": b"x" * 5000 for i in range(n // 10)})
    print("start", flush=True)
    commit_tree(Path(sys.argv[1]), pages)
    print("done", flush=True)
""")


def test_out_is_replaced_all_at_once_even_when_killed(tmp_path: Path):
    """commit_tree killed at random moments: out/ is always wholly the old or wholly the new."""
    n = 1500
    out = tmp_path / "out"
    old = {f"d{i % 7}/f{i}.html": (f"old {i} " * 200).encode() for i in range(n)}
    old["index.html"] = b"old index"
    new = {**old, **{f"d{i % 7}/f{i}.html": (f"new {i} " * 200).encode() for i in range(n)},
           **{f"extra/e{i}.pdf": b"x" * 5000 for i in range(n // 10)}}

    def reset():
        shutil.rmtree(out, ignore_errors=True)
        for rel, data in old.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(data)

    def state() -> str:
        now = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        return "old" if now == old else "new" if now == new else "MIXED"

    reset()
    start = time.monotonic()
    done = subprocess.run([PYTHON, "-c", COMMIT, str(out), str(n)], env=_env(), capture_output=True)
    duration = time.monotonic() - start
    assert done.returncode == 0, done.stderr
    assert state() == "new"
    rng = random.Random(7)
    seen = []
    for attempt in range(8):
        reset()
        proc = subprocess.Popen([PYTHON, "-c", COMMIT, str(out), str(n)], env=_env(), stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"start"
        time.sleep(rng.uniform(0, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        seen.append(state())
        assert seen[-1] != "MIXED", f"attempt {attempt}: out/ is neither the old nor the new tree"
        clean_staging(out)
        assert not list(tmp_path.glob(".out.staging-*"))
    assert commit_tree(out, new) or state() == "new"
    assert state() == "new"


def test_commit_tree_touches_nothing_when_nothing_changed(tmp_path: Path):
    out = tmp_path / "out"
    assert [p.name for p in commit_tree(out, {"a.html": b"1", "x/b.pdf": b"2"})] == ["a.html", "b.pdf"]
    inode = (out / "a.html").stat().st_ino
    assert commit_tree(out, {"a.html": b"1", "x/b.pdf": b"2"}) == []
    assert (out / "a.html").stat().st_ino == inode
    assert commit_tree(out, {"x/b.pdf": b"3"}) == [out / "x/b.pdf"]
    assert (out / "a.html").read_bytes() == b"1" and (out / "a.html").stat().st_ino == inode  # kept, linked
    with pytest.raises(ValueError):
        commit_tree(out, {"../escape.html": b"x"})


# ---- the CLI: one run at a time, out/ replaced in one step


def _publish_proc(root: Path, **env) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, "-m", "pipeline", "--project", str(root), "publish", "-j", "1"],
                            env={**_env(), **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _change_everything(root: Path) -> None:
    """An edit that changes every output (the title is on every page)."""
    src = root / SRC
    src.write_text(src.read_text(encoding="utf-8").replace("in Kobani", "in Kobani and Qamishli"), encoding="utf-8")


def test_cli_second_run_stops_naming_the_first(published_base: Path, tmp_path: Path):
    root = tmp_path / "project"
    shutil.copytree(published_base, root)
    other = _hold(root, 60)
    try:
        proc = _publish_proc(root, PIPELINE_LOCK_WAIT="1")
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2
        assert f"pid {other.pid}" in err.decode() and b"Traceback" not in err
    finally:
        other.kill()
        other.wait()


def test_publish_killed_at_random_moments_leaves_out_whole(published_base: Path, tmp_path: Path):
    root = tmp_path / "project"
    shutil.copytree(published_base, root)
    before = _snapshot(root)
    _change_everything(root)
    reference = tmp_path / "reference"
    shutil.copytree(root, reference)
    start = time.monotonic()
    ref = _publish_proc(reference)
    ref.communicate(timeout=300)
    duration = time.monotonic() - start
    assert ref.returncode == 0
    complete = _snapshot(reference)
    assert complete != before
    rng = random.Random(13)
    for attempt in range(6):
        proc = _publish_proc(root)
        time.sleep(rng.uniform(0.1, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = _snapshot(root)
        assert now in (before, complete), f"attempt {attempt}: out/ is half old, half new"
        if now == complete:
            break
    proc = _publish_proc(root)
    proc.communicate(timeout=300)
    assert proc.returncode == 0 and _snapshot(root) == complete


def test_two_concurrent_publishes_run_one_after_the_other(published_base: Path, tmp_path: Path):
    root = tmp_path / "project"
    shutil.copytree(published_base, root)
    _change_everything(root)
    reference = tmp_path / "reference"
    shutil.copytree(root, reference)
    assert main(["--project", str(reference), "publish"]) == 0
    # Both start while this test holds the lock (so they overlap however fast a publish is);
    # once both wait, it lets go and they race for it.
    logs = [tmp_path / "first.err", tmp_path / "second.err"]
    with project_lock(root, "test"):
        procs = [subprocess.Popen([PYTHON, "-m", "pipeline", "--project", str(root), "publish", "-j", "1"],
                                  env=_env(), stdout=subprocess.PIPE, stderr=log.open("wb")) for log in logs]
        deadline = time.monotonic() + 120
        while not all(b"waiting for pid" in log.read_bytes() for log in logs):
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), \
                [log.read_bytes() for log in logs]
            time.sleep(0.05)
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [log.read_bytes() for log in logs]
    # One after the other: the one that got the lock first built the outputs, the other found them built.
    rebuilt = sorted(int(re.search(rb"(\d+) outputs rebuilt", out).group(1)) for out in outs)
    assert rebuilt[0] == 0 < rebuilt[1], outs
    assert _snapshot(root) == _snapshot(reference)
    assert not list(root.glob(".out.staging-*"))
