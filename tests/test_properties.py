"""Properties, checked on generated input (issue #7): nothing a translator wrote is ever lost
or attached to the wrong text, the segmenter obeys the identity law on any Markdown, and
the .po reader either reads a file or says where it is wrong.

Every failure hypothesis finds is kept under tests/data/regressions/ and replayed by
tests/test_hardening.py, so it stays fixed once the example database is gone.
"""
from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, note, settings
from hypothesis.errors import HypothesisDeprecationWarning
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from pipeline.catalog import Translations, merge, read_po, template_entries
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.pandoc import Pandoc
from pipeline.poformat import Entry, format_po
from pipeline.segment import SIGNATORY
from pipeline.source import parse_statement
from pipeline.update import parse_bodies

from identity import assert_identity

SLUG = "2026-02-01-edits"
BOUNDED = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                   derandomize=False)

WORDS = ("civilians", "protection", "water", "electricity", "corridors", "council", "parties", "the",
         "all", "urgent", "call", "displaced", "families", "Kobani", "Qamishli", "negotiations", "must",
         "immediately", "halt", "operations", "aid", "access", "international", "law", "we", "demand")
ORGS = ("Syria Campaign", "Women Now", "Civil Waves", "Legal Programme", "Free Voices", "Dawlaty",
        "Baytna", "Impunity Watch", "Lawyers Union", "Kurdish Rights")


def tr(msgid: str, context: str | None = None) -> str:
    """The simulated translator's translation of a text: a pure function of it, so a translation
    found next to any other text is provably attached to the wrong segment."""
    return ("ORG " if context == SIGNATORY else "AR ") + msgid[::-1]


def sentence(words: list[str]) -> str:
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


paragraphs = st.lists(st.sampled_from(WORDS), min_size=5, max_size=12).map(sentence)


# ------------------------------------------------------------------ nothing lost


class SourceEdits(RuleBasedStateMachine):
    """Random edits of a statement, `update` after each, a translator working in between."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="prop-update-"))
        (self.root / "source").mkdir()
        (self.root / "project.yaml").write_text(
            "source: en\nlanguages: {en: {}, ar: {locale: ar_SY}}\nfonts: {Arab: Amiri, Latn: Noto Serif}\n",
            encoding="utf-8")
        self.paras: list[str] = []
        self.deleted: list[str] = []
        self.orgs: list[str] = []
        self.confirmed: set[tuple[str | None, str]] = set()   # (context, text) a translator finished
        self.po = self.root / f"locales/ar/{SLUG}.po"

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # -------------------------------------------------------------- plumbing

    def write_and_update(self) -> None:
        body = "\n\n".join(self.paras) if self.paras else "Only paragraph."
        names = "".join(f"  - {o}\n" for o in self.orgs)
        (self.root / "source" / f"{SLUG}.md").write_text(
            f"---\ntitle: Edits\ndate: 2026-02-01\nsignatories:\n{names}---\n\n{body}\n", encoding="utf-8")
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(["--project", str(self.root), "update"])
        assert code == 0, out.getvalue()

    def catalogue(self) -> Translations:
        return read_po(self.po)

    def live_texts(self) -> set[tuple[str | None, str]]:
        body = set(self.paras) if self.paras else {"Only paragraph."}
        return {(None, p) for p in body} | {(SIGNATORY, o) for o in self.orgs} | {(None, "Edits")}

    # -------------------------------------------------------------- rules

    @initialize(first=st.lists(paragraphs, min_size=1, max_size=4, unique=True),
                orgs=st.lists(st.sampled_from(ORGS), min_size=1, max_size=4, unique=True))
    def start(self, first, orgs) -> None:
        self.paras, self.orgs = list(first), list(orgs)
        self.write_and_update()
        self.translate(everything=True)

    @rule(data=st.data())
    def translate_some(self, data) -> None:
        self.translate(everything=False, data=data)

    def translate(self, *, everything: bool, data=None) -> None:
        """The translator fills empty entries and confirms fuzzy ones (all, or a random part).

        Saved as a gettext tool saves (every line kept, #~| included): polib would drop the
        previous msgid of obsolete entries, which is polib's loss, not the pipeline's.
        """
        cat = read_po(self.po)
        live = []
        for m in cat.messages.values():
            if not m.msgid:
                continue
            entry = Entry(msgid=m.msgid, msgstr=m.msgstr, msgctxt=m.context, translator_comments=m.comments,
                          flags=(("fuzzy",) if m.fuzzy else ()) + m.flags, previous_msgid=m.previous_msgid)
            todo = not m.msgstr or m.fuzzy
            if todo and (everything or data.draw(st.booleans(), label=f"translate {m.msgid[:20]}")):
                entry = Entry(msgid=m.msgid, msgstr=tr(m.msgid, m.context), msgctxt=m.context,
                              translator_comments=m.comments, flags=m.flags)
                self.confirmed.add((m.context, m.msgid))
            live.append(entry)
        old = [Entry(msgid=m.msgid, msgstr=m.msgstr, msgctxt=m.context, obsolete=True, translator_comments=m.comments,
                     flags=(("fuzzy",) if m.fuzzy else ()) + m.flags,
                     previous_msgid=m.previous_msgid if m.fuzzy else None)
               for m in cat.obsolete.values() if m.msgid]
        header = "".join(f"{k}: {v}\n" for k, v in cat.header.items())
        self.po.write_text(format_po(list(cat.header_comments), header, live + old), encoding="utf-8")

    @rule(i=st.integers(0, 99), word=st.sampled_from(WORDS))
    def edit_paragraph(self, i, word) -> None:
        assume(self.paras)
        i %= len(self.paras)
        words = self.paras[i].rstrip(".").split()
        words[len(words) // 2] = word
        new = sentence([w.lower() if k == 0 else w for k, w in enumerate(words)])
        assume(new not in self.paras)
        self.paras[i] = new
        self.write_and_update()

    @rule(i=st.integers(0, 99), text=paragraphs)
    def insert_paragraph(self, i, text) -> None:
        assume(text not in self.paras and len(self.paras) < 8)
        self.paras.insert(i % (len(self.paras) + 1), text)
        self.write_and_update()

    @rule(i=st.integers(0, 99))
    def delete_paragraph(self, i) -> None:
        assume(len(self.paras) > 1)
        self.deleted.append(self.paras.pop(i % len(self.paras)))
        self.write_and_update()

    @rule(i=st.integers(0, 99), j=st.integers(0, 99))
    def move_paragraph(self, i, j) -> None:
        assume(len(self.paras) > 1)
        p = self.paras.pop(i % len(self.paras))
        self.paras.insert(j % (len(self.paras) + 1), p)
        self.write_and_update()

    @precondition(lambda self: self.deleted)
    @rule(k=st.integers(0, 99))
    def restore_paragraph(self, k) -> None:
        text = self.deleted.pop(k % len(self.deleted))
        assume(text not in self.paras)
        self.paras.append(text)
        self.write_and_update()
        if (None, text) in self.confirmed:
            m = self.catalogue().get(text)
            assert m is not None and m.usable and m.msgstr == tr(text), f"restored {text!r} came back as {m}"

    @rule(order=st.permutations(range(10)))
    def reorder_signatories(self, order) -> None:
        assume(len(self.orgs) > 1)
        self.orgs = [self.orgs[i] for i in order if i < len(self.orgs)]
        self.write_and_update()

    @rule(i=st.integers(0, 99), suffix=st.sampled_from(["e.V.", "Network", "(Syria)", "Foundation"]))
    def rename_signatory(self, i, suffix) -> None:
        assume(self.orgs)
        i %= len(self.orgs)
        new = f"{self.orgs[i]} {suffix}"
        assume(new not in self.orgs)
        self.orgs[i] = new
        self.write_and_update()

    # -------------------------------------------------------------- what must always hold

    @invariant()
    def no_translation_attached_to_another_text(self) -> None:
        if not self.po.exists():
            return
        cat = self.catalogue()
        for m in cat.messages.values():
            if not m.msgid or not m.msgstr:
                continue
            if m.fuzzy:
                # a fuzzy match is allowed only with the text it translates shown (#| msgid)
                assert m.previous_msgid is not None, f"fuzzy {m.msgid!r} without its previous msgid"
                assert m.msgstr == tr(m.previous_msgid, m.context), (
                    f"fuzzy {m.msgid!r}: #| shows {m.previous_msgid!r}, but the msgstr translates another text")
            else:
                assert m.msgstr == tr(m.msgid, m.context), f"{m.msgid!r} carries the translation of another text"

    @invariant()
    def nothing_translated_is_lost(self) -> None:
        if not self.po.exists():
            return
        cat = self.catalogue()
        live = self.live_texts()
        for key in self.confirmed:
            context, text = key
            if key in live:
                m = cat.get(text, context)
                assert m is not None and m.usable and m.msgstr == tr(text, context), \
                    f"the translation of {text!r}, still in the source, was lost: {m}"
            else:
                m = cat.obsolete.get(key)
                assert m is not None and m.msgstr == tr(text, context), \
                    f"the translation of deleted {text!r} is not kept as #~: {m}"


TestNothingLost = SourceEdits.TestCase
TestNothingLost.settings = settings(BOUNDED, max_examples=30, stateful_step_count=10)


# ------------------------------------------------------------------ the segmenter


inline_words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
# Characters that mean something to Markdown somewhere, as a translator might type them.
SPECIAL = ("*", "_", "[", "]", "#", "<", ">", "|", "$", "@", "^", "~", "`", "'", '"', "&", "1.",
           "-", "+", ":", "(", ")", "{", "}", "!", "%", "٪", "«", "»", "،", "—", "…", "&amp;", "\u00a0")


@st.composite
def inline(draw, depth: int = 0) -> str:
    """One piece of inline Markdown."""
    kinds = ["word", "word", "strong", "emph", "code", "link", "reflink", "special", "escaped", "strike",
             "sub", "smallcaps", "autolink", "break", "softbreak", "html", "math", "cite", "image", "titled"]
    if depth == 0:
        kinds += ["note", "note_ref", "quoted", "sup", "nested"]
    kind = draw(st.sampled_from(kinds))
    words = draw(inline_words)
    simple = {
        "word": words, "strong": f"**{words}**", "emph": f"_{words}_", "code": f"`{words}`",
        "sup": f"^{words.split()[0]}^", "quoted": f"“{words}”", "strike": f"~~{words}~~",
        "sub": f"~{words.split()[0]}~", "smallcaps": f"[{words}]{{.smallcaps}}",
        "autolink": "<https://example.org/auto>", "break": f"{words}\\\n{words}",
        "softbreak": f"{words}\n{words}", "html": f"<span>{words}</span>", "math": "$x^2$",
        "cite": "@doe2026", "image": "![a map](https://example.org/map.png)",
        "titled": f'[{words}](https://example.org/t "A title")',
        "escaped": "\\" + draw(st.sampled_from("*_[]#<>`\\")),
        "special": draw(st.sampled_from(SPECIAL)) + draw(inline_words),
    }
    if kind in simple:
        return simple[kind]
    if kind == "link":
        return f"[{words}](https://example.org/{draw(st.integers(0, 3))})"
    if kind == "reflink":
        return f"[{words}][r{draw(st.integers(0, 1))}]"
    if kind == "note":
        return f"^[{draw(inline(depth + 1))} {words}.]"
    if kind == "nested":
        return f"**{words} [{draw(inline(depth + 1))}](https://example.org/n) {words}**"
    return f"[^n{draw(st.integers(0, 1))}]"


line = st.lists(inline(), min_size=1, max_size=5).map(" ".join)


@st.composite
def block(draw) -> str:
    kind = draw(st.sampled_from(["para", "para", "heading", "bullets", "numbers", "quote", "nested",
                                 "definition", "table", "lineblock", "code", "div", "comment"]))
    if kind == "para":
        return draw(line)
    if kind == "heading":
        return "#" * draw(st.integers(1, 3)) + " " + draw(line) + draw(st.sampled_from(["", " {#h}"]))
    items = draw(st.lists(line, min_size=1, max_size=3))
    if kind == "bullets":
        return "\n".join(f"- {i}" for i in items)
    if kind == "numbers":
        return "\n".join(f"{n}. {i}" for n, i in enumerate(items, 1))
    if kind == "quote":
        return "\n>\n".join(f"> {i}" for i in items)
    if kind == "definition":
        return f"{draw(inline_words)}\n:   {items[0]}"
    if kind == "table":
        return f"| a | b |\n|---|---|\n| {items[0].replace('|', '/')} | {draw(inline_words)} |"
    if kind == "lineblock":
        return "\n".join(f"| {i}" for i in items)
    if kind == "code":
        return f"```\n{items[0]}\n```"
    if kind == "div":
        return f"::: {{.note}}\n{items[0]}\n:::"
    if kind == "comment":
        return f"<!-- {draw(inline_words)} -->"
    return f"- {items[0]}\n\n    > {draw(line)}"


markdown_bodies = st.lists(block(), min_size=1, max_size=5).map("\n\n".join).map(
    lambda body: body + "\n\n[r0]: https://example.org/ref \"Ref\"\n[r1]: https://example.org/other\n\n"
                        "[^n0]: A note.\n\n[^n1]: Another note\n\n    with a second paragraph.\n")


def identity_holds(body: str, pandoc: Pandoc, config) -> None:
    statement = parse_statement(f"---\ntitle: Fuzz\nsignatories: [Org]\n---\n\n{body}", Path("fuzz.md"))
    [x] = parse_bodies([statement], pandoc)
    assert_identity(x, config, pandoc)


@pytest.fixture(scope="module")
def fuzz_config():
    return load_config(Path(__file__).parent / "data/project")


@settings(BOUNDED, max_examples=120)
@given(body=markdown_bodies)
@example(body="civilians *civilians _civilians_ *civilians")   # (an emphasis in an emphasis: found by this test)
@example(body="**Stop __all__ attacks** and *protect _civilians_ now*.")
def test_segmenter_identity_law_on_generated_markdown(body, pandoc, fuzz_config):
    note(body)
    identity_holds(body, pandoc, fuzz_config)


# ------------------------------------------------------------------ the .po reader


BASE_PO = (Path(__file__).parent / "data/project/locales/ar/2026-01-26-protect-civilians.po").read_text(
    encoding="utf-8")
PO_PIECES = ['"', "\\", "\\n", "\\x", "msgid ", "msgstr ", "msgstr[0] ", "msgid_plural ", "msgctxt ",
             "#~ ", "#| ", "#, fuzzy", "\n", "\r\n", "\r", "\t", "\x00", "\x0b", "\ufeff", "# ", "#: x",
             '""', "[", "]", "^[", "**", "ع", "\u202e", "\n\n", 'msgstr ""\n', 'msgid "x"\n']


@st.composite
def mutated_po(draw) -> bytes:
    """A real catalogue with a few random edits: what a hand edit or a bad merge leaves."""
    text = BASE_PO
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "swap"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(PO_PIECES)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "duplicate":
            lines = text.split("\n")
            k = at % len(lines)
            text = "\n".join(lines[:k + 1] + [lines[k]] + lines[k + 1:])
        else:
            lines = text.split("\n")
            k = at % (len(lines) - 1)
            lines[k], lines[k + 1] = lines[k + 1], lines[k]
            text = "\n".join(lines)
    data = text.encode("utf-8")
    if draw(st.booleans()) and draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # truncated (maybe inside a character)
    return data


random_po = st.lists(st.sampled_from(PO_PIECES) | st.text(max_size=5), max_size=30).map(
    lambda parts: "".join(parts).encode("utf-8", "surrogatepass"))


def read_or_refuse(data: bytes, tmp: Path) -> Translations | None:
    """read_po either reads the file or raises PipelineError with a line; never anything else."""
    path = tmp / "fuzz.po"
    path.write_bytes(data)
    try:
        cat = read_po(path)
    except PipelineError as exc:
        assert exc.problems and all(p.location.line for p in exc.problems), f"no line in: {exc.report()}"
        return None
    # What was read can be merged and written back, and reads back the same.
    template = template_entries([], "source/x.md")
    for m in cat.messages.values():
        if m.msgid:
            template.append(Entry(msgid=m.msgid, msgctxt=m.context, msgid_plural=m.msgid_plural,
                                  msgstr_plural=("",) * len(m.msgstr_plural) if m.msgid_plural else ()))
    from pipeline.locale import language
    try:
        text = merge(template, cat, language("ar", "ar_SY"), title="x", project="x",
                     created="2026-01-01 00:00+0000")
    except PipelineError as exc:
        assert all(p.location.line for p in exc.problems), f"no line in: {exc.report()}"
        return None
    path.write_text(text, encoding="utf-8")
    again = read_po(path)
    assert {k: m.msgstr for k, m in again.messages.items() if k[1]} == \
           {k: m.msgstr for k, m in cat.messages.items() if k[1]}
    return cat


@settings(BOUNDED, max_examples=250)
@given(data=mutated_po())
def test_po_reader_reads_or_names_the_line_on_mutated_catalogues(data, tmp_path_factory):
    read_or_refuse(data, tmp_path_factory.mktemp("po"))


@settings(BOUNDED, max_examples=150)
@given(data=random_po)
def test_po_reader_reads_or_names_the_line_on_random_text(data, tmp_path_factory):
    read_or_refuse(data, tmp_path_factory.mktemp("po"))


# ------------------------------------------------------------------ regressions found here

REGRESSIONS = Path(__file__).parent / "data/regressions"


def replay_edits(case: dict) -> None:
    """Run a sequence of SourceEdits steps hypothesis once found failing, checking after each."""
    machine = SourceEdits()
    warnings.simplefilter("ignore", HypothesisDeprecationWarning)  # assume() outside a test: a no-op
    try:
        machine.start(**case["start"])
        for name, kwargs in case["steps"]:
            if name == "translate_all":
                machine.translate(everything=True)
            else:
                getattr(machine, name)(**kwargs)
            machine.no_translation_attached_to_another_text()
            machine.nothing_translated_is_lost()
    finally:
        machine.teardown()


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("update-*.json")), ids=lambda p: p.stem)
def test_update_regression(path: Path):
    replay_edits(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("segment-*.md")), ids=lambda p: p.stem)
def test_segmenter_regression(path: Path, pandoc, fuzz_config):
    identity_holds(path.read_text(encoding="utf-8"), pandoc, fuzz_config)


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("source-*.md")), ids=lambda p: p.stem)
def test_no_word_of_a_statement_vanishes(path: Path, pandoc):
    """Every word of the body is in a segment: none is eaten as a title block or as raw TeX."""
    body = path.read_text(encoding="utf-8")
    statement = parse_statement(f"---\ntitle: T\nsignatories: [Org]\n---\n\n{body}", Path("words.md"))
    [x] = parse_bodies([statement], pandoc)
    segments = " ".join(s.msgid for s in x.segments)
    assert "{=tex}" not in segments
    for word in body.replace("\\", " ").split():
        assert word.strip(".,%") in segments, f"{word!r} of the statement is in no segment"


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("po-*.po")), ids=lambda p: p.stem)
def test_po_reader_regression(path: Path, tmp_path: Path):
    read_or_refuse(path.read_bytes(), tmp_path)
