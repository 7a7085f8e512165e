"""Translated document -> a standalone HTML page, and the index of all statements."""
from __future__ import annotations

import html
import json
import re
from urllib.parse import quote
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .. import ui
from ..pandoc import joined_words
from ..segment import stringify
from ..translate import Document
from .fonts import Fonts
from .isolate import isolate_blocks, mixed_body

# CSS counter styles for CLDR numbering systems (facts about digit sets, not languages).
_COUNTER_STYLE = {"arab": "arabic-indic", "arabext": "persian", "beng": "bengali",
                  "deva": "devanagari", "mymr": "myanmar", "thai": "thai", "tibt": "tibetan"}


@dataclass(frozen=True)
class Alternate:
    """The same statement in another published language."""

    tag: str        # hreflang
    name: str       # the language's own name
    href: str       # relative to out/, e.g. "ar/slug.html"
    direction: str


def _e(text: str) -> str:
    return html.escape(text, quote=True)


FONTS_DIR = "fonts"


def stylesheet(fonts: Fonts, script: str, *, prefix: str) -> str:
    """The page CSS: the shipped fonts (URLs relative to the page), the script's family first."""
    rules = [
        f"@font-face {{ font-family: {json.dumps(family.name)}; "
        f"src: url({json.dumps(prefix + FONTS_DIR + '/' + quote(face.path.name))}); "
        f"font-weight: {face.css_weight}; font-style: {face.style}; font-display: swap; }}"
        for family in fonts.families for face in family.faces
    ]
    stack = ", ".join(json.dumps(f) for f in fonts.stack(script)) + ", serif"
    return "\n".join(rules) + f"\n:root {{ --fonts: {stack}; }}\n" + _page_css()


@lru_cache(maxsize=None)
def _page_css() -> str:
    return resources.files("pipeline").joinpath("templates/page.css").read_text(encoding="utf-8")


def description(doc: Document, limit: int = 200) -> str:
    """The first paragraph as plain text, cut at a word: for search engines and link previews."""
    first = next((b for b in doc.ast["blocks"] if b["t"] == "Para"), None)
    text = stringify(first["c"], notes=False) if first else doc.title
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return text


HTML_OPTIONS = {"wrap_text": "none", "section_divs": False}


def html_request(doc: Document) -> dict:
    """What pandoc is asked to write for the page body (a `Pandoc.write_many` request)."""
    blocks, rtl = doc.ast["blocks"], doc.language.rtl
    # The body alone is written (no template): the metadata changes nothing, and doc.joined,
    # which the DOCX request sends too, is encoded and read once for both (Pandoc.write_many).
    ast = doc.joined
    if mixed_body(doc, rtl=rtl):  # (isolate_blocks edits in place: a copy)
        blocks = joined_words(isolate_blocks(json.loads(json.dumps(blocks)), rtl=rtl))
        ast = {"pandoc-api-version": doc.ast["pandoc-api-version"], "meta": {}, "blocks": blocks}
    return {"doc": ast, "format": "html5", "options": HTML_OPTIONS}


def html_page(doc: Document, body: str, *, description: str, alternates: list[Alternate], fonts: Fonts) -> bytes:
    """The page around the body pandoc wrote (no pandoc here: this runs in a render process)."""
    lang = doc.language
    body = re.sub(r'(<a href="#fn\d+"[^>]*><sup>)(\d+)(</sup>)',
                  lambda m: m.group(1) + lang.digits(m.group(2)) + m.group(3), body)
    counter = _COUNTER_STYLE.get(lang.numbering, "decimal")
    prefix = "../"
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(doc.title)}</title>",
        f'<meta name="description" content="{_e(description)}">',
        '<meta name="generator" content="statement pipeline">',
    ]
    if doc.draft:
        head.append('<meta name="robots" content="noindex">')
    for alt in alternates:
        head.append(f'<link rel="alternate" hreflang="{_e(alt.tag)}" href="{_e(prefix + alt.href)}">')
    css = stylesheet(fonts, lang.script, prefix=prefix) + f"\nmain ol {{ list-style-type: {counter}; }}\n"
    head.append(f"<style>\n{css}</style>")

    switcher = [f'<nav class="languages" aria-label="{_e(doc.t(ui.LANGUAGES))}">',
                f'<span class="label">{_e(doc.t(ui.ALSO_IN))}</span>']
    for alt in alternates:
        current = alt.tag == lang.tag
        attrs = ' aria-current="page"' if current else ""
        switcher.append(f'<a href="{_e(prefix + alt.href)}" hreflang="{_e(alt.tag)}" lang="{_e(alt.tag)}" '
                        f'dir="{alt.direction}"{attrs}>{_e(alt.name)}</a>')
    switcher.append("</nav>")

    banner = ""
    if doc.draft:
        items = "".join(f"<li>{_e(f.segment.msgid[:120])}</li>" for f in doc.missing[:50])
        more = len(doc.missing) - 50
        if more > 0:
            items += f"<li>… +{lang.number(more)}</li>"
        banner = (f'<div class="draft-banner" role="note"><strong>{_e(doc.t(ui.DRAFT))}</strong> — '
                  f'{_e(doc.t(ui.DRAFT_NOTICE))} ({lang.number(len(doc.missing))})'
                  f'<ul lang="{_e(doc.source_language.tag)}" dir="{doc.source_language.direction}">{items}</ul></div>')

    header = ['<header class="statement">', f"<h1>{_e(doc.title)}</h1>"]
    if doc.subtitle:
        header.append(f'<p class="subtitle">{_e(doc.subtitle)}</p>')
    if doc.date:
        header.append(f'<p class="date"><time datetime="{_e(doc.date_iso or "")}">{_e(doc.date)}</time></p>')
    if doc.signatories:
        header.append(f'<p class="signed-by">{_e(doc.signed_by)}</p>')
    header.append("</header>")
    downloads = (f'<footer class="downloads"><a href="{_e(doc.slug)}.pdf" download>{_e(doc.t(ui.DOWNLOAD_PDF))}</a>'
                 f'<a href="{_e(doc.slug)}.docx" download>{_e(doc.t(ui.DOWNLOAD_DOCX))}</a></footer>')
    page = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang.tag)}" dir="{lang.direction}">',
        "<head>", *head, "</head>",
        "<body>", *switcher, banner, *header, "<main>", body, "</main>", downloads,
        "</body>", "</html>", "",
    ]
    return "\n".join(line for line in page if line).encode("utf-8")


def render_index(documents: list, *, fonts: Fonts, status_page: bool = True) -> bytes:
    """out/index.html: every statement, newest first, in every published language (in English)."""
    by_slug: dict[str, list[Document]] = {}
    for doc in documents:
        by_slug.setdefault(doc.slug, []).append(doc)
    rows = []
    for slug, docs in by_slug.items():
        source = next((d for d in docs if d.language.code == d.source_language.code), docs[0])
        date = (f'<time datetime="{_e(source.date_iso)}">{_e(source.date)}</time>'
                if source.date_iso else "Undated")
        items = []
        for d in docs:
            base = f"{d.language.code}/{d.slug}"
            draft = ' <span class="draft">draft</span>' if d.draft else ""
            items.append(
                f'<li><span class="lang">{_e(d.language.english_name)}</span> '
                f'<a href="{_e(base)}.html" lang="{_e(d.language.tag)}" dir="{d.language.direction}">'
                f'{_e(d.title)}</a>{draft} <span class="files">'
                f'<a href="{_e(base)}.html">HTML</a> · <a href="{_e(base)}.pdf">PDF</a> · '
                f'<a href="{_e(base)}.docx">DOCX</a></span></li>')
        rows.append(f'<article id="{_e(slug)}"><h2>{_e(source.title)}</h2><p class="date">{date}</p>'
                    f'<ul class="editions">{"".join(items)}</ul></article>')
    css = stylesheet(fonts, "Latn", prefix="") + (
        "\n.editions { list-style: none; padding: 0; } .editions li { margin-block: .4rem; }"
        "\n.lang { display: inline-block; min-width: 9rem; color: var(--muted); }"
        "\n.files { font-size: .9rem; white-space: nowrap; } .draft { color: #a15c00; font-weight: bold; }"
        "\narticle { border-block-end: 1px solid var(--rule); padding-block: .5rem 1rem; }\n")
    status = '<p><a href="status.html">Translation status</a></p>' if status_page else ""
    page = ["<!DOCTYPE html>", '<html lang="en" dir="ltr">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>Statements</title>", f"<style>\n{css}</style>", "</head>", "<body>",
            "<header><h1>Statements</h1></header>", status, "<main>", *rows, "</main>", "</body>", "</html>", ""]
    return "\n".join(p for p in page if p).encode("utf-8")


def render_status(rows: list, thresholds: dict[str, float], problems: list) -> bytes:
    """out/status.html: progress per statement and language, and what `check` found."""
    by_file: dict[str, list] = {}
    for p in problems:
        by_file.setdefault(str(p.location.path), []).append(p)
    body = ['<table><thead><tr><th>Statement</th><th>Language</th><th>Progress</th><th>Translated</th>'
            '<th>Fuzzy</th><th>Missing</th><th>Names</th><th>Checks</th><th>Ready</th></tr></thead><tbody>']
    for r in rows:
        found = [p for path, ps in by_file.items() if path.endswith(f"/{r.lang}/{r.slug}.po") for p in ps]
        errors = sum(p.severity != "warning" for p in found)
        ready = r.ready(thresholds.get(r.lang, 100.0))
        body.append(
            f'<tr><td>{_e(r.slug)}</td><td>{_e(r.lang)}</td>'
            f'<td><progress max="100" value="{r.percent:.0f}">{r.percent:.0f}%</progress> {r.percent:.0f}%</td>'
            f"<td>{r.translated}/{r.total}</td><td>{r.fuzzy}</td><td>{r.untranslated}</td>"
            f"<td>{r.names_translated}/{r.names_total}</td>"
            f'<td>{errors} errors, {len(found) - errors} warnings</td><td>{"yes" if ready else "no"}</td></tr>')
    body.append("</tbody></table>")
    if problems:
        body.append("<h2>Check results</h2><ul class=\"problems\">")
        body += [f'<li class="{_e(p.severity)}"><code>{_e(str(p))}</code></li>' for p in problems]
        body.append("</ul>")
    css = ("body{font-family:sans-serif;margin:1.5rem;} table{border-collapse:collapse;} "
           "th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:start;} "
           "li.error code{color:#a00;} li.warning code{color:#850;}")
    page = ["<!DOCTYPE html>", '<html lang="en" dir="ltr">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="robots" content="noindex">', "<title>Translation status</title>",
            f"<style>{css}</style>", "</head>", "<body>", '<p><a href="index.html">All statements</a></p>',
            "<h1>Translation status</h1>", *body, "</body>", "</html>", ""]
    return "\n".join(page).encode("utf-8")
