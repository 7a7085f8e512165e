"""Translated documents -> HTML, DOCX and PDF files: the only code that writes with pandoc or Typst."""
from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..pandoc import Pandoc
from ..translate import Document
from .docx import render_docx
from .fonts import resolve_fonts
from .html import FONTS_DIR, Alternate, render_html, render_index
from .pdf import render_pdf

FORMATS = ("html", "docx", "pdf")


class Renderer:
    """Everything a run needs to render, loaded once: the config, pandoc, the fonts."""

    def __init__(self, config: Config, pandoc: Pandoc) -> None:
        self.config = config
        self.pandoc = pandoc
        self.fonts = resolve_fonts(config)

    def alternates(self, documents: list[Document]) -> dict[str, list[Alternate]]:
        """Per statement, its published languages in the configured order."""
        order = {lc.code: i for i, lc in enumerate(self.config.languages)}
        by_slug: dict[str, list[Alternate]] = {}
        for doc in sorted(documents, key=lambda d: order.get(d.language.code, 99)):
            lang = doc.language
            by_slug.setdefault(doc.slug, []).append(
                Alternate(lang.tag, lang.name, f"{lang.code}/{doc.slug}.html", lang.direction))
        return by_slug

    def render(self, doc: Document, fmt: str, alternates: list[Alternate]) -> bytes:
        """One output file of one document."""
        if fmt == "html":
            return render_html(doc, pandoc=self.pandoc, alternates=alternates, fonts=self.fonts)
        if fmt == "docx":
            return render_docx(doc, pandoc=self.pandoc, fonts=self.config.fonts)
        return render_pdf(doc, pandoc=self.pandoc, fonts=self.fonts)

    def render_all(self, documents: list[Document], staging: Path) -> list[Path]:
        """Write every output into `staging`; return their paths relative to it."""
        written: list[Path] = []

        def put(rel: Path, data: bytes) -> None:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            (staging / rel).write_bytes(data)
            written.append(rel)

        alternates = self.alternates(documents)
        for doc in documents:
            for fmt in FORMATS:
                put(Path(doc.language.code) / f"{doc.slug}.{fmt}", self.render(doc, fmt, alternates[doc.slug]))
        for path in self.fonts.files:
            put(Path(FONTS_DIR) / path.name, path.read_bytes())
        put(Path("index.html"), render_index(documents, fonts=self.fonts, status_page=True))
        return written
