"""The benchmark's synthetic corpus is shaped like the real statements (nothing is timed here)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bench import corpus
from bench.scenarios import edit_po
from pipeline.config import load_config
from pipeline.source import parse_statement

NOTE = re.compile(r"\^\[[^\]]*\]")
LINK = re.compile(r"\]\((https://[^)\s]+)\)")
DEMAND = re.compile(r"^(\d+)\. ", re.M)


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    return corpus.statements(3)


def split(text: str) -> tuple[dict, list[str]]:
    front, body = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S).groups()
    return yaml.safe_load(front), body.strip().split("\n\n")


def test_statements_are_valid_sources(texts, tmp_path: Path):
    for slug, text in texts:
        statement = parse_statement(text, tmp_path / f"{slug}.md")
        assert statement.title and statement.slug == slug


def test_shape_of_each_statement(texts):
    for _slug, text in texts:
        meta, blocks = split(text)
        assert set(meta) <= {"title", "date", "signatories"} and meta["title"]
        demands = [b for b in blocks if DEMAND.match(b)]
        paragraphs = [b for b in blocks if not DEMAND.match(b) and not b.endswith(":")]
        assert 4 <= len(paragraphs) <= 10
        for p in paragraphs:
            assert 60 <= len(NOTE.sub("", p).split()) <= 200
        assert len(demands) <= 1
        if demands:
            numbers = [int(n) for n in DEMAND.findall(demands[0])]
            assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) <= 10
        names = [s if isinstance(s, str) else s["name"] for s in meta["signatories"]]
        assert 12 <= len(names) <= 150
        assert len(set(names)) == len(names)


def test_signatories_recur_and_some_sign_short(texts):
    lists = [split(text)[0]["signatories"] for _slug, text in texts]
    names = [{s if isinstance(s, str) else s["name"] for s in sigs} for sigs in lists]
    assert names[0] & names[1] & names[2]  # recurring organisations
    assert any(isinstance(s, dict) and s.get("short") for sigs in lists for s in sigs)


def test_the_corpus_has_markup_somewhere():
    body = "\n".join(text for _slug, text in corpus.statements(20))
    assert "**" in body and LINK.search(body) and NOTE.search(body)


def test_same_seed_same_corpus(texts):
    assert corpus.statements(3) == texts
    assert corpus.statements(5)[:3] == texts  # smaller corpora are the start of larger ones


@pytest.mark.parametrize("lang, letters", [("ar", "\u0600-\u06ff"), ("ckb", "\u0600-\u06ff"), ("ku", "a-zçêîşû")])
def test_pseudo_translation_keeps_markdown_numbers_and_addresses(lang, letters):
    text = "The **2026** call of [the network](https://example.org/12) on 7 March^[Seen by 250000 people.]."
    out = corpus.pseudo_translate(text, lang)
    assert out != text
    assert "**2026**" in out and "](https://example.org/12)" in out and "^[" in out
    assert re.findall(r"\d+", out) == re.findall(r"\d+", text)
    words = re.sub(r"\]\([^)]*\)|[\d\W_]", " ", out).split()
    assert words and all(re.fullmatch(f"[{letters}]+", w, re.I) for w in words)
    assert corpus.pseudo_translate("Signed by %(n)d organisations", lang).count("%(n)d") == 1


def test_project_lists_the_four_languages(tmp_path: Path, texts):
    corpus.write_project(tmp_path, texts, languages=corpus.LANGUAGES)
    assert len(list((tmp_path / "source").glob("*.md"))) == 3
    config = load_config(tmp_path)
    assert [lc.code for lc in config.languages] == ["en", "ar", "ku", "ckb"]
    assert config.lang("ar").language.tag.replace("_", "-").startswith("ar")


def test_edit_paragraph_changes_one_block(texts):
    _slug, text = texts[0]
    edited = corpus.edit_paragraph(text, seed=1)
    before, after = split(text)[1], split(edited)[1]
    assert len(before) == len(after)
    assert sum(a != b for a, b in zip(before, after)) == 1
    assert split(edited)[0] == split(text)[0]


def test_edit_po_adds_a_word_to_one_translated_paragraph(tmp_path: Path):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: ar\\n"\n\n#. title\nmsgid "T"\nmsgstr "ت"\n\n'
                  '#. paragraph\nmsgid ""\n"Long text"\nmsgstr ""\n"نص طويل"\n', encoding="utf-8")
    edit_po(po, "فعلا")
    assert '"فعلا نص طويل"' in po.read_text(encoding="utf-8")
    assert 'msgstr "ت"' in po.read_text(encoding="utf-8")


def test_tree_memory_counts_children_and_shares_their_pages():
    import os
    import subprocess
    import sys
    import time

    from bench.measure import tree_memory

    alone_rss, alone_pss = tree_memory(os.getpid())
    assert 0 < alone_pss <= alone_rss
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while tree_memory(os.getpid())[0] == alone_rss and time.monotonic() < deadline:
            time.sleep(0.05)   # (until the child has started)
        rss, pss = tree_memory(os.getpid())
        assert rss > alone_rss
        # (children as the kernel lists them per thread: the same as found by reading every process)
        from bench.measure import _children, _children_of
        assert child.pid in _children_of(os.getpid(), None)
        assert sorted(_children_of(os.getpid(), None)) == sorted(_children_of(os.getpid(), _children()))
        # The child shares the interpreter's pages with this process: PSS counts them once in all.
        assert pss - alone_pss < rss - alone_rss
    finally:
        child.communicate(b"")


def test_a_memory_sample_is_dropped_when_the_tree_changed_while_it_was_read(monkeypatch):
    """Pages shared with a process that ended or started while the tree was read were counted at its
    share and again in the processes read before or after it: such a sample is no peak."""
    import os
    import subprocess
    import sys
    import time

    from bench import measure

    def state(pid: int) -> bytes:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
        return stat[stat.rindex(b")") + 2:stat.rindex(b")") + 3]

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    running = subprocess.Popen(["sleep", "60"])
    try:
        deadline = time.monotonic() + 10
        while (state(ended.pid) != b"Z" or measure._processes(os.getpid(), None).get(running.pid) != b"sleep") \
                and time.monotonic() < deadline:
            time.sleep(0.02)   # (one a zombie until reaped below, the other past its exec)
        listed = measure._processes(os.getpid(), None)
        assert listed[running.pid] == b"sleep" and ended.pid not in listed and os.getpid() in listed
        assert listed == measure._processes(os.getpid(), measure._children())
        assert measure.tree_memory(os.getpid()) is not None

        real, calls = measure._processes, []

        def appearing(pid: int, tree) -> dict:
            calls.append(pid)
            found = real(pid, tree)
            return found if len(calls) == 1 else {**found, 1 << 30: b"pandoc"}

        monkeypatch.setattr(measure, "_processes", appearing)
        assert measure.tree_memory(os.getpid()) is None
    finally:
        running.kill()
        running.wait()
        ended.wait()
