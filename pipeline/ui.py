"""The pipeline's own words, translated through locales/<lang>/ui.po like any statement."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UIString:
    msgid: str
    comment: str
    plural: str | None = None


SIGNATORIES = "Signatory organisations"
SIGNED_BY = "Signed by %(n)d organisation"
SIGNED_BY_PLURAL = "Signed by %(n)d organisations"
ALSO_IN = "Also available in"
DOWNLOAD_PDF = "Download PDF"
DOWNLOAD_DOCX = "Download Word document"
LANGUAGES = "Languages"
DRAFT = "Draft"
DRAFT_NOTICE = "Draft translation, not for distribution: some passages are not yet translated and appear in the original language."
STATEMENTS = "Statements"
UNDATED = "Undated"
NOTES = "Notes"

STRINGS = (
    UIString(SIGNATORIES, "heading above the list of organisations that signed the statement"),
    UIString(SIGNED_BY, "under the title; %(n)d is the number of organisations", plural=SIGNED_BY_PLURAL),
    UIString(ALSO_IN, "web page: label before the links to the same statement in other languages"),
    UIString(DOWNLOAD_PDF, "web page: link to the PDF file of the statement"),
    UIString(DOWNLOAD_DOCX, "web page: link to the Word (DOCX) file of the statement"),
    UIString(LANGUAGES, "web page: label of the language switcher"),
    UIString(DRAFT, "mark on every page of a draft (watermark, header, banner); one short word"),
    UIString(DRAFT_NOTICE, "banner at the top of a draft translation"),
    UIString(STATEMENTS, "title of the index page listing all statements"),
    UIString(UNDATED, "index page: shown instead of the date of a statement that has none"),
    UIString(NOTES, "heading above the footnotes"),
)
