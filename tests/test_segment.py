"""Segmentation: the identity law, comments, and a fixed number of pandoc requests."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.pandoc import Pandoc
from pipeline.segment import SIGNATORY
from pipeline.source import read_statement
from pipeline.update import CHUNK, parse_bodies

from identity import assert_identity

ROOT = Path(__file__).parent.parent
SOURCES = sorted((ROOT / "source").glob("*.md")) + [Path(__file__).parent / "data/identity/rich.md"]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_identity_law(path: Path, pandoc: Pandoc):
    """Every msgstr equal to its msgid rebuilds the source document's AST."""
    config = load_config(ROOT)
    [x] = parse_bodies([read_statement(path)], pandoc)
    doc = assert_identity(x, config, pandoc)
    assert doc.title == x.statement.title


def test_rich_fixture_segments(pandoc: Pandoc):
    [x] = parse_bodies([read_statement(SOURCES[-1])], pandoc)
    kinds = [s.comment.split(";")[0] for s in x.segments]
    texts = [s.msgid for s in x.segments]
    assert kinds[:2] == ["title", "subtitle"]
    assert "heading" in kinds and "quotation" in kinds and "term" in kinds
    assert any(k.startswith("table cell (row 2, column 2)") for k in kinds)
    assert "demand 1 of 2" in kinds and "list item 1 of 2" in kinds
    # Inline markup is shown as Markdown; a one-paragraph footnote stays inline.
    para = next(t for t in texts if t.startswith("A paragraph with"))
    assert "**strong**" in para and "[reference link](https://example.org/ref \"Ref title\")" in para
    assert "^[Inline *note* with a [link](https://example.org/n).]" in para
    assert "[^1]" in para and "With a second paragraph." in para  # a long note keeps its own form
    # Code blocks, raw blocks and rules are not offered for translation.
    assert not any("not translated" in t or "Raw HTML block" in t for t in texts)
    # Signatories have their own context and say what to do.
    sig = [s for s in x.segments if s.context == SIGNATORY]
    assert [s.msgid for s in sig] == ["Org One", "Org Two"]
    assert "leave empty to keep the name as signed" in sig[0].comment
    assert "short name O2" in sig[1].comment
    assert all(s.markdown == ("keep the Markdown" in s.comment) for s in x.segments)


def test_segmenting_costs_fixed_pandoc_requests(monkeypatch):
    """All statements: one request to read each CHUNK of them and write their segments."""
    worker = Pandoc()
    calls = []
    original = worker.call
    monkeypatch.setattr(worker, "call", lambda op, **kw: calls.append(op) or original(op, **kw))
    statements = [read_statement(p) for p in SOURCES]
    parse_bodies(statements, worker)
    worker.close()
    assert calls == ["read_bodies"] * -(-len(statements) // CHUNK)
    assert worker._proc is None  # one process, closed


def test_bodies_as_the_writer_gives_them_back(pandoc: Pandoc):
    """Bare spans are unwrapped and spaces at the edges of emphasis moved outside it; the
    worker walks only the documents whose JSON shows one of these (or notes)."""
    fmt = "markdown-smart-raw_tex-pandoc_title_block-yaml_metadata_block"
    bodies = ["A <span>bare</span> span.", "Some **bold **text and *this* too.",
              "Plain words, nothing else.", "A note^[short *one*] here."]
    (span, _, _), (bold, bold_texts, _), (plain, plain_texts, _), (note, note_texts, _) = \
        pandoc.read_bodies(bodies, fmt=fmt)
    assert "Span" not in str(span)
    strong = next(i for i in bold["blocks"][0]["c"] if i["t"] == "Strong")
    assert strong["c"][-1]["t"] == "Str"
    assert bold_texts == ["Some **bold** text and *this* too."]
    assert plain_texts == ["Plain words, nothing else."]
    assert note_texts == ["A note^[short *one*] here."]


def test_footnotes_as_translators_see_them(pandoc: Pandoc):
    """A one-paragraph note is written inline (^[...]) wherever it is, in notes too; a longer
    one keeps pandoc's [^1] form, with its definition in the segment's text. (The worker writes
    the short notes of a document together with its segments, not one by one: the texts must
    be those of writing each note by itself.)"""
    fmt = "markdown-smart-raw_tex-pandoc_title_block-yaml_metadata_block"
    bodies = {
        "One^[short *one*] and two^[short two] and a long[^1] one.\n\nAnother^[three] paragraph.\n\n"
        "[^1]: Long, with a short^[inner] note.\n\n    Second paragraph.":
            ["One^[short *one*] and two^[short two] and a long[^1] one.\n\n"
             "[^1]: Long, with a short^[inner] note.\n\n    Second paragraph.",
             "Another^[three] paragraph."],
        "Outer^[a note ^[in a note ^[in that one]] ends] here.":
            ["Outer^[a note ^[in a note ^[in that one]] ends] here."],
        "# A heading^[note in a heading]\n\n- an item^[note in an item]\n- another":
            ["A heading^[note in a heading]", "an item^[note in an item]", "another"],
        "A break^[first\\\nsecond] in a note.":
            ["A break^[first\\\nsecond] in a note."],
        # a short note with a line break, in a long note's definition: indented as pandoc does
        "A long[^2] note.\n\n[^2]: One.\n\n    Two^[a\\\nb] three.":
            ["A long[^1] note.\n\n[^1]: One.\n\n    Two^[a\\\n    b] three."],
        # a long note in a short one: its definition inside the short one, as pandoc writes it
        "A short note^[that refers to [^3] a long one] here.\n\n[^3]: Long.\n\n    Really.":
            ["A short note^[that refers to [^1] a long one\n\n[^1]: Long.\n\n    Really.] here."],
        "Marker-like^[<!--segment--> N0_1_ and ^[x]] text.":
            ["Marker-like^[`<!--segment-->`{=html} N0_1\\_ and ^[x]] text."],
    }
    answers = pandoc.read_bodies(list(bodies), fmt=fmt)
    assert [texts for _, texts, _ in answers] == list(bodies.values())
