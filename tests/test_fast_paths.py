"""Fast paths of rendering give exactly what the general code they skip would (never timing)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from pipeline.translate import _soft_breaks_as_spaces, _source_as_is, sanitize

ROOT = Path(__file__).parent.parent

# Words in both directions and neither: Latin, Arabic, Kurdish (both scripts), digits, punctuation.
WORDS = st.sampled_from(["peace", "Syria", "(SDF)", "SLDP.", "سوريا", "الحرية،", "(قسد)", "Kurdistanê",
                         "ئاشتی", "2025", "١٢", "«", "—", ",", "", "a\u200fb", "xyz\u202e"])
ATTRS = st.sampled_from([["", [], []], ["id", ["c"], [["dir", "rtl"]]], ["", [], [["lang", "ar"]]]])
URLS = st.sampled_from(["https://example.org", "javascript:alert(1)", " JavaScript:x", "data:x",
                        "#fn1", "file:///etc/passwd", "mailto:a@b.c"])
LEAVES = st.one_of(
    WORDS.map(lambda w: {"t": "Str", "c": w}),
    st.just({"t": "Space"}), st.just({"t": "SoftBreak"}), st.just({"t": "LineBreak"}),
    st.tuples(ATTRS, WORDS).map(lambda a: {"t": "Code", "c": [a[0], a[1]]}),
    WORDS.map(lambda w: {"t": "Math", "c": [{"t": "InlineMath"}, w]}),
    st.tuples(st.sampled_from(["html", "typst", "tex"]), WORDS).map(lambda a: {"t": "RawInline", "c": list(a)}),
)


def _containers(inner):
    inl = st.lists(inner, max_size=4)
    return st.one_of(
        st.tuples(st.sampled_from(["Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript",
                                   "SmallCaps"]), inl).map(lambda a: {"t": a[0], "c": a[1]}),
        inl.map(lambda x: {"t": "Quoted", "c": [{"t": "DoubleQuote"}, x]}),
        st.tuples(ATTRS, inl).map(lambda a: {"t": "Span", "c": [a[0], a[1]]}),
        st.tuples(ATTRS, inl, URLS).map(lambda a: {"t": "Link", "c": [a[0], a[1], [a[2], ""]]}),
        st.tuples(ATTRS, inl, URLS).map(lambda a: {"t": "Image", "c": [a[0], a[1], [a[2], "t"]]}),
        st.tuples(st.sampled_from(["Para", "Plain", "Header"]), st.lists(inl, min_size=1, max_size=2)).map(
            lambda a: {"t": "Note", "c": [{"t": a[0], "c": x} if a[0] != "Header" else
                                          {"t": "Header", "c": [2, ["", [], []], x]} for x in a[1]]}),
        st.tuples(st.sampled_from(["a", "b"]), inl).map(lambda a: {"t": "Cite", "c": [[{
            "citationId": a[0], "citationPrefix": [{"t": "SoftBreak"}], "citationSuffix": [],
            "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 1, "citationHash": 0}], a[1]]}),
    )


INLINES = st.lists(st.recursive(LEAVES, _containers, max_leaves=25), max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(INLINES)
def test_a_source_segment_needs_no_sanitizing_when_the_fast_check_says_so(inlines):
    general = copy.deepcopy(inlines)
    _soft_breaks_as_spaces(general)
    fast = copy.deepcopy(inlines)
    as_is = _source_as_is(fast)
    assert fast == general  # the soft breaks, made spaces everywhere the general walk makes them
    if as_is:
        assert sanitize(general, general) == fast


def test_the_fast_check_says_so_for_ordinary_text():
    inlines = [{"t": "Str", "c": "Free"}, {"t": "SoftBreak"}, {"t": "Emph", "c": [{"t": "Str", "c": "سوريا"}]},
               {"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "here"}], ["https://example.org", ""]]},
               {"t": "Note", "c": [{"t": "Para", "c": [{"t": "Str", "c": "A"}, {"t": "SoftBreak"}]}]}]
    assert _source_as_is(inlines)
    assert inlines[1] == {"t": "Space"} and inlines[4]["c"][0]["c"][1] == {"t": "Space"}
    unsafe = [{"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "x"}], ["javascript:alert(1)", ""]]}]
    assert not _source_as_is(unsafe)


# ------------------------------------------------------------- bidi isolation skipped


def _doc(blocks, code: str, *, title="Title", signatories=()):
    from pipeline.locale import language
    from pipeline.translate import Document

    ast = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": blocks}
    return Document(slug="s", language=language(code), source_language=language("en"), ast=ast, title=title,
                    subtitle=None, date=None, date_iso=None, signatories=tuple(signatories), strings={},
                    signed_by="Signed")


RAW_TYPST = st.tuples(st.sampled_from(["typst", "html"]), WORDS)
BLOCKS = st.lists(st.one_of(
    INLINES.map(lambda x: {"t": "Para", "c": x}),
    st.tuples(st.integers(1, 4), INLINES).map(lambda a: {"t": "Header", "c": [a[0], ["", [], []], a[1]]}),
    st.lists(INLINES.map(lambda x: [{"t": "Para", "c": x}]), max_size=3).map(
        lambda x: {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], x]}),
    st.lists(INLINES.map(lambda x: [{"t": "Plain", "c": x}]), max_size=3).map(lambda x: {"t": "BulletList", "c": x}),
    RAW_TYPST.map(lambda a: {"t": "RawBlock", "c": list(a)}),
), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BLOCKS, st.sampled_from(["en", "ar", "ku", "ckb"]), st.lists(WORDS, min_size=1, max_size=4))
def test_isolation_is_skipped_only_where_the_general_walk_finds_nothing_to_isolate(blocks, code, words):
    from pipeline.render import isolate, pdf
    from pipeline.render.html import html_request

    title = " ".join(words)
    doc = _doc(blocks, code, title=title, signatories=[title])
    rtl = doc.language.rtl
    assert isolate.mixed_body(doc, rtl=rtl) == isolate.mixed(doc.ast["blocks"], rtl=rtl)
    # Typst: the same document with the fast paths answering "maybe" everywhere
    general = _doc(copy.deepcopy(blocks), code, title=title, signatories=[title])
    real = (isolate.may_be_mixed, isolate.other_letters)
    pdf.may_be_mixed, pdf.other_letters = (lambda d, rtl: True), (lambda t, rtl: True)
    try:
        expected = pdf._typst_ast(general)
    finally:
        pdf.may_be_mixed, pdf.other_letters = real
    assert pdf._typst_ast(doc) == expected
    if not isolate.mixed_body(doc, rtl=rtl):
        assert html_request(doc)["doc"] is doc.joined


PLAIN_INLINES = st.lists(st.recursive(
    st.one_of(WORDS.map(lambda w: {"t": "Str", "c": w}), st.just({"t": "Space"})),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda x: {"t": "Emph", "c": x}),
        st.tuples(st.lists(inner, max_size=4), URLS).map(lambda a: {"t": "Link", "c": [["", [], []], a[0], [a[1], ""]]}),
        st.lists(inner, max_size=4).map(lambda x: {"t": "Note", "c": [{"t": "Para", "c": x}]})),
    max_leaves=12), max_size=8)
PLAIN_BLOCKS = st.lists(st.one_of(
    PLAIN_INLINES.map(lambda x: {"t": "Para", "c": x}),
    st.tuples(st.integers(1, 5), PLAIN_INLINES).map(lambda a: {"t": "Header", "c": [a[0], ["h", [], []], a[1]]}),
), max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PLAIN_BLOCKS, st.sampled_from(["en", "ar", "ku", "ckb"]))
def test_the_typst_body_of_plain_text_is_what_the_general_path_makes(blocks, code):
    from pipeline.render import pdf

    doc = _doc(blocks, code)
    general = _doc(copy.deepcopy(blocks), code)
    real = pdf.may_be_mixed
    pdf.may_be_mixed = lambda d, rtl: True
    try:
        expected = pdf._typst_ast(general)
    finally:
        pdf.may_be_mixed = real
    before = copy.deepcopy(doc.ast)
    assert pdf._typst_ast(doc) == expected
    assert doc.ast == before  # (the document's own AST, shared, is not edited)


def test_a_document_in_one_direction_is_not_walked_again():
    doc = _doc([{"t": "Para", "c": [{"t": "Str", "c": "peace"}, {"t": "RawInline", "c": ["typst", "سوريا"]}]}], "en")
    from pipeline.render import isolate

    assert not isolate.mixed_body(doc, rtl=False)
    assert isolate.may_be_mixed(doc, rtl=False)  # the raw Typst becomes words in the PDF
    assert isolate.mixed_body(doc, rtl=True)


# ------------------------------------------------------------- the Typst tripwire


def _code_in_markup_in_full(source: str) -> str | None:
    from pipeline.render.pdf import _FILE_ACCESS, _LITERAL

    found = _FILE_ACCESS.search(_LITERAL.sub('""', source))
    return found.group(0).lstrip("\\") if found else None


TYPST_BITS = st.sampled_from(["#", "# ", "#\n", "read", "image", "eval", "imagex", "x", " ", '"', "\\", "\\\\",
                              "`", "سوريا", "(", ")", "\n", "#set", "readme", "_"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(TYPST_BITS, max_size=30).map("".join))
def test_the_typst_tripwire_finds_what_the_full_search_finds(source):
    from pipeline.render.pdf import code_in_markup

    assert code_in_markup(source) == _code_in_markup_in_full(source)


# ------------------------------------------------------------- isolating runs


def _outside_runs(inlines, direction):
    """The words of these inlines that no run isolate made holds, in the nodes isolate goes into."""
    from pipeline.render.isolate import _NESTING
    from pipeline.segment import slots

    for node in inlines:
        t, c = node.get("t"), node.get("c")
        if t == "Str":
            yield node["c"]
        elif t == "Span" and c[0] == ["", [], [["dir", direction]]]:
            continue
        elif t == "Note":
            for slot in slots(c):
                yield from _outside_runs(slot.inlines, direction)
        elif t in _NESTING:
            yield from _outside_runs(c if t not in ("Link", "Span", "Quoted") else c[1], direction)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(INLINES, st.booleans())
def test_isolate_keeps_every_word_and_leaves_no_foreign_word_outside_a_run(inlines, rtl):
    from pipeline.render.isolate import _foreign, isolate
    from pipeline.segment import stringify

    out = isolate(copy.deepcopy(inlines), rtl=rtl)
    assert stringify(out) == stringify(inlines)
    assert not [w for w in _outside_runs(out, "ltr" if rtl else "rtl") if _foreign(w, rtl)]


# ------------------------------------------------------------- words joined for the HTML and Word writers


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BLOCKS, st.sampled_from(["en", "ar"]))
def test_the_html_and_word_writers_write_the_same_from_joined_words(tmp_path_factory, blocks, code):
    import io
    import zipfile

    from pipeline.pandoc import joined_words, shared

    meta = {"title": {"t": "MetaInlines", "c": [{"t": "Str", "c": "سوريا"}, {"t": "Space"}, {"t": "Str", "c": "Syria"}]},
            "dir": {"t": "MetaString", "c": "rtl" if code == "ar" else "ltr"}, "lang": {"t": "MetaString", "c": code}}
    ast = {"pandoc-api-version": [1, 23, 1], "meta": meta, "blocks": blocks}
    joined = joined_words(ast)
    folder = tmp_path_factory.mktemp("joined")
    answers = []
    for n, doc in enumerate((ast, joined)):
        path = folder / f"{n}.docx"
        html, docx = shared().write_many([{"doc": doc, "format": "html5", "options": {"wrap_text": "none"}},
                                          {"doc": doc, "format": "docx", "path": str(path)}])
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
            parts = {name: z.read(name) for name in z.namelist() if name.startswith("word/") and name.endswith(".xml")}
        answers.append((html, parts))
    assert answers[0] == answers[1]


def test_joined_words_joins_runs_of_words_and_single_spaces_only():
    from pipeline.pandoc import joined_words

    s = lambda w: {"t": "Str", "c": w}  # noqa: E731
    space = {"t": "Space"}
    inlines = [s("Free"), space, s("Syria"), space, {"t": "Emph", "c": [s("سوريا"), space, s("حرة")]}, space,
               s("a"), space, space, s("b"), {"t": "SoftBreak"}, s("c"), space]
    assert joined_words(inlines) == [s("Free Syria"), space, {"t": "Emph", "c": [s("سوريا حرة")]}, space,
                                     s("a"), space, space, s("b"), {"t": "SoftBreak"}, s("c"), space]
    assert inlines[0] == s("Free")   # (a copy: the document itself is not changed)


TYPST_TRICKY = st.sampled_from(["1.", "12.", "1)", "2025", "١٢.", "-", "+", "=", "/", "//", "/*", "#", "$", "*", "_",
                                "<a>", "@x", "~", "--", "a.", "i.", "peace", "سوريا", "Kurdistanê", ""])
TYPST_INLINES = st.lists(st.one_of(TYPST_TRICKY.map(lambda w: {"t": "Str", "c": w}), st.just({"t": "Space"}),
                                   st.just({"t": "LineBreak"}), st.just({"t": "SoftBreak"})), max_size=14)
TYPST_TEMPLATE = "$body$\n$for(names)$\n[$names$]\n$endfor$\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(TYPST_INLINES.map(lambda x: {"t": "Para", "c": x}),
                          TYPST_INLINES.map(lambda x: {"t": "Header", "c": [1, ["", [], []], x]}),
                          st.lists(TYPST_INLINES.map(lambda x: [{"t": "Plain", "c": x}]), min_size=1, max_size=3).map(
                              lambda x: {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], x]})),
                max_size=4),
       st.lists(TYPST_INLINES, max_size=3), BLOCKS)
@example([{"t": "Para", "c": [{"t": "Str", "c": "1."}, {"t": "Space"}, {"t": "Str", "c": "a"}]}],
         [[{"t": "Str", "c": "2."}, {"t": "Space"}, {"t": "Str", "c": "b"}]], [])
@example([{"t": "Para", "c": [{"t": "Str", "c": ""}, {"t": "Space"}, {"t": "Str", "c": "1."}]}], [], [])
def test_the_typst_writer_writes_the_same_from_joined_words(tricky, names, blocks):
    from pipeline.pandoc import joined_words, shared

    meta = {"names": {"t": "MetaList", "c": [{"t": "MetaInlines", "c": n} for n in names]}}
    ast = {"pandoc-api-version": [1, 23, 1], "meta": meta, "blocks": tricky + blocks}
    options = {"wrap_text": "none"}
    written = [shared().write_many([{"doc": doc, "format": "typst", "template": TYPST_TEMPLATE, "options": options}])[0]
               for doc in (ast, joined_words(ast, typst=True))]
    assert "error" not in written[0]
    assert written[0] == written[1]


def test_typst_runs_are_short_and_start_with_no_digit():
    from pipeline.pandoc import TYPST_WORDS, joined_words

    s = lambda w: {"t": "Str", "c": w}  # noqa: E731
    space = {"t": "Space"}
    words = [x for w in ["1.", "a", "b", "c", "d", "e", "f"] for x in (s(w), space)][:-1]
    assert TYPST_WORDS == 4
    assert joined_words(words, typst=True) == [s("1."), space, s("a b c d"), space, s("e f")]


# ------------------------------------------------------------- plain texts read without pandoc

# Characters of plain texts (Latin, Kurdish, Arabic and Sorani letters, digits, punctuation, vowel signs)
# and, less often, of texts that only look plain: Markdown syntax, other spaces, invisible marks,
# numbers that are not digits.
PLAIN_CHARS = (list("aZéêîûçşIivxBA") + list("سوريةالحر") + list("ەێۆڕڵھ") + list("01٢٣۴")
               + list(",.;:!?()'\"/%‐–—‘’“”…«»،؛؟٪٫٬-") + ["\u064e", "\u0651", "\u0301"])
LOOKALIKES = list("*_`\\[]<>#+=|~^$@&{}") + ["\u00a0", "\u200c", "\u200f", "\t", "\n", "²", "½", "  "]
PLAIN_WORDS = st.lists(st.sampled_from(PLAIN_CHARS * 8 + LOOKALIKES), min_size=1, max_size=8).map("".join)
PLAIN_TEXTS = st.lists(st.lists(PLAIN_WORDS, max_size=6).map(" ".join), min_size=1, max_size=25)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PLAIN_TEXTS)
@example(["a. b", "A) b", "iv. x", "I. x", "B.", "(a) b", "e.g. b", "x. y", "ab: c", "a://b.c", "a--b",
          "a _b_ c", "a *b* c", "a `b` c", "a [b](c) d", "a <b> c", "a \\* b", "a $b$ c", "a ~b~ c", "a ^b^ c",
          "a @b c", "a #b", "a&amp; b", "a&nbsp;b", "a b\\", "a {b} c", "a|b|c"])
def test_a_plain_text_is_read_as_pandoc_reads_it(pandoc, texts):
    from pipeline.pandoc import MARKDOWN, plain_blocks
    from pipeline.segment import BODY_MARKDOWN

    quick = [(t, plain_blocks(t)) for t in texts]
    quick = [(t, b) for t, b in quick if b is not None]
    event(f"{len(quick) * 10 // len(texts) * 10}% of texts plain")
    for fmt in (MARKDOWN, BODY_MARKDOWN):
        read = pandoc.call("read", texts=[t for t, _ in quick], format=fmt)["docs"] if quick else []
        for (text, blocks), doc in zip(quick, read):
            assert json.loads(doc)["blocks"] == blocks, (fmt, text)


def test_most_real_texts_are_plain_and_read_alike_either_way(pandoc):
    """The real catalogues' paragraphs and translations, in every language, are almost all plain:
    pandoc.read gives the same documents whether it reads them itself or not."""
    import polib

    from pipeline.pandoc import MARKDOWN, plain_blocks
    from pipeline.segment import SIGNATORY

    texts = {lang.name: [t for p in sorted(lang.glob("*.po")) for e in polib.pofile(str(p))
                         if e.msgctxt != SIGNATORY for t in (e.msgid, e.msgstr) if t]
             for lang in sorted((ROOT / "locales").iterdir()) if lang.name != "templates"}
    for lang, some in texts.items():
        plain = [t for t in some if plain_blocks(t) is not None]
        assert len(plain) >= 0.8 * len(some), lang
        alone = [json.loads(d) for d in pandoc.call("read", texts=some, format=MARKDOWN)["docs"]]
        assert pandoc.read(some) == alone, lang
