"""Statement -> pandoc AST -> [Segment]: one pure walk over the tree."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, Iterator

from .pandoc import MARKDOWN
from .source import Statement

SIGNATORY = "signatory"
# Statement bodies and translations are read without raw TeX, title blocks and YAML blocks:
# they would silently swallow "C:\\Users", a text starting with "%" or one between "---" lines.
BODY_MARKDOWN = MARKDOWN + "-raw_tex-pandoc_title_block-yaml_metadata_block"
SIGNATORY_NOTE = ("signatory: the organisation's official name in this language if it has one; "
                  "leave empty to keep the name as signed")
MARKDOWN_NOTE = ("keep the Markdown: **bold**, *italic*, [link text](address) and footnotes ^[…]; "
                 "translate only the words")
MARKUP = {"Emph", "Strong", "Link", "Note", "Code", "Underline", "Strikeout", "Superscript",
          "Subscript", "SmallCaps", "Image", "RawInline", "Span", "Quoted", "Cite", "Math"}


# slots: a publish keeps every statement's segments (~170 each) in memory, and pickling an object
# without slots (.cache/extract/) gives it a __dict__ it then keeps.
@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit: a block's text as Markdown, and what it is."""

    msgid: str
    context: str | None = None
    comment: str = ""
    markdown: bool = False   # the text carries inline markup (Weblate's markdown-text flag)
    required: bool = False   # must be translated before the language is published

    def __reduce__(self):  # (pickled as its fields: dataclass's own pickling of slots is ~2x slower)
        return type(self), (self.msgid, self.context, self.comment, self.markdown, self.required)


@dataclass(frozen=True)
class Slot:
    """Where a segment's inlines live in the AST: holder[key] is the inline list."""

    holder: Any
    key: Any
    kind: str
    required: bool = False

    @property
    def inlines(self) -> list:
        return self.holder[self.key]


def slots(blocks: list[dict]) -> Iterator[Slot]:
    """Every translatable inline list of a block list, in document order (the same walk as
    `slots` in lua/worker.lua, which writes each one's text: Pandoc.read_bodies)."""
    yield from _blocks(blocks, "paragraph", top=True)


def _blocks(blocks: list[dict], kind: str, top: bool = False) -> Iterator[Slot]:
    for block in blocks:
        t, c = block["t"], block.get("c")
        if t in ("Para", "Plain"):
            yield Slot(block, "c", kind, required=kind.startswith("demand"))
        elif t == "Header":
            yield Slot(c, 2, "heading")
        elif t == "LineBlock":
            for i in range(len(c)):
                yield Slot(c, i, "line")
        elif t == "BlockQuote":
            yield from _blocks(c, "quotation")
        elif t in ("OrderedList", "BulletList"):
            items = c[1] if t == "OrderedList" else c
            for n, item in enumerate(items, 1):
                label = f"demand {n} of {len(items)}" if top else f"list item {n} of {len(items)}"
                yield from _blocks(item, label)
        elif t == "DefinitionList":
            for item in c:
                yield Slot(item, 0, "term")
                for definition in item[1]:
                    yield from _blocks(definition, "definition")
        elif t == "Div":
            yield from _blocks(c[1], kind, top)
        elif t == "Figure":
            yield from _blocks(c[1][1], "caption")
            yield from _blocks(c[2], kind)
        elif t == "Table":
            yield from _table(c)
        # CodeBlock, RawBlock, HorizontalRule: nothing to translate


def _table(c: list) -> Iterator[Slot]:
    _attr, caption, _specs, head, bodies, foot = c
    yield from _blocks(caption[1], "table caption")
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    rows += foot[1]
    for r, row in enumerate(rows, 1):
        for col, cell in enumerate(row[1], 1):
            yield from _blocks(cell[4], f"table cell (row {r}, column {col})")


def has_markup(inlines: list) -> bool:
    """Whether inlines carry markup a translator must keep.

    Every inline that holds other inlines is markup itself (Emph, Link, Note, Span…): the
    others (Str, Space, breaks) hold none, so the top level tells."""
    return any(node["t"] in MARKUP for node in inlines)


def stringify(tree, *, notes: bool = True) -> str:
    """The plain text of pandoc inlines or blocks (code and raw text included, notes optional)."""
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, list):
            for n in node:
                walk(n)
        elif isinstance(node, dict):
            t, c = node.get("t"), node.get("c")
            if t == "Str":
                out.append(c)
            elif t in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif t in ("Code", "RawInline", "Math"):
                out.append(c[1])
            elif t == "Note" and not notes:
                return
            elif isinstance(c, list):
                walk(c)
    walk(tree)
    return "".join(out)


def body_segments(ast: dict, texts: list[str]) -> list[Segment]:
    """The segments of a statement body, given its slots' texts."""
    found = list(slots(ast["blocks"]))
    segments = []
    for slot, text in zip(found, texts, strict=True):  # (lua/worker.lua walks the same slots)
        if not text.strip():
            continue
        markdown = has_markup(slot.inlines)
        # (interned: the same few comments recur in every statement, and all are kept in memory)
        comment = sys.intern(slot.kind + ("; " + MARKDOWN_NOTE if markdown else ""))
        segments.append(Segment(text, None, comment, markdown, slot.required))
    return segments


def statement_segments(statement: Statement, ast: dict, texts: list[str],
                       same: dict[Segment, Segment] | None = None) -> list[Segment]:
    """Every segment of a statement: title, subtitle, body blocks, then signatories.

    `same` gives a signatory's segment made for an earlier statement, if equal, in place of a new one."""
    segments = [Segment(statement.title, None, "title", required=True)]
    if statement.subtitle:
        segments.append(Segment(statement.subtitle, None, "subtitle"))
    segments += body_segments(ast, texts)
    for signatory in statement.signatories:
        note = sys.intern(SIGNATORY_NOTE + (f" (signed with the short name {signatory.short})"
                                            if signatory.short else ""))  # (recurs: see above)
        segment = Segment(signatory.name, SIGNATORY, note)
        segments.append(segment if same is None else same.setdefault(segment, segment))
    return segments
