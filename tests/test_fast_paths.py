"""Fast paths of rendering give exactly what the general code they skip would (never timing)."""
from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.translate import _soft_breaks_as_spaces, _source_as_is, sanitize

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


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
