"""update: templates and catalogues that never lose a translator's work."""
from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from gettext_tools import assert_gettext_accepts
from pipeline.catalog import read_po
from pipeline.cli import main

ROOT = Path(__file__).parent.parent
SLUG = "2026-01-26-protect-civilians"
PARA = "Restore electricity, water and internet to Kobani immediately."


def run_update(project: Path) -> None:
    assert main(["--project", str(project), "update"]) == 0


def entries(path: Path) -> dict:
    """The live entries of a catalogue (obsolete ones apart)."""
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path)) if not e.obsolete}


def files(project: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((project / "locales").rglob("*.po*"))}


@pytest.fixture
def real_project(tmp_path: Path) -> Path:
    """The five real statements with the default languages."""
    dest = tmp_path / "real"
    shutil.copytree(ROOT / "source", dest / "source")
    shutil.copy(ROOT / "project.yaml", dest / "project.yaml")
    return dest


def test_update_writes_files_gettext_accepts(real_project: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    run_update(real_project)
    written = list((real_project / "locales").rglob("*.po*"))
    # 5 statements + ui: a template each, and a catalogue each for ar, ku and ckb.
    assert len(written) == 6 * 4
    for path in written:
        assert_gettext_accepts(path)
    ar = polib.pofile(str(real_project / "locales/ar/2026-01-26-urgent-call-to-protect-civilians.po"))
    assert ar.metadata["Language"] == "ar"
    assert ar.metadata["Plural-Forms"].startswith("nplurals=6;")
    assert ar.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    # References name the file, never a line number.
    assert all(occ[1] == "" for e in ar for occ in e.occurrences)


def test_second_update_changes_nothing(project: Path):
    run_update(project)
    before = files(project)
    run_update(project)
    assert files(project) == before


def test_hand_saved_catalogue_is_normalised_without_loss(project: Path):
    po = project / f"locales/ar/{SLUG}.po"
    before = {k: e.msgstr for k, e in entries(po).items()}
    run_update(project)
    after = entries(po)
    assert {k: after[k].msgstr for k in before} == before
    assert_gettext_accepts(po)


def test_editing_one_paragraph_changes_only_its_entries(project: Path):
    run_update(project)
    pot = project / f"locales/templates/{SLUG}.pot"
    po = project / f"locales/ar/{SLUG}.po"
    pot_before, po_before = entries(pot), entries(po)
    src = project / f"source/{SLUG}.md"
    edited = PARA.replace("immediately", "without delay")
    src.write_text(src.read_text().replace(PARA, edited))
    run_update(project)
    pot_after, po_after = entries(pot), entries(po)

    assert set(pot_before) - set(pot_after) == {(None, PARA)}
    assert set(pot_after) - set(pot_before) == {(None, edited)}
    for key in set(pot_before) & set(pot_after):
        assert str(pot_before[key]) == str(pot_after[key])
    for key in set(po_before) & set(po_after):
        assert str(po_before[key]) == str(po_after[key])
    entry = po_after[(None, edited)]
    assert entry.fuzzy and entry.previous_msgid == PARA
    assert entry.msgstr == po_before[(None, PARA)].msgstr
    # The exact old text stays recoverable: reverting the edit restores it unfuzzied.
    assert read_po(po).obsolete[(None, PARA)].msgstr == entry.msgstr
    for path in (pot, po):
        assert_gettext_accepts(path)


def test_deleted_paragraph_is_obsolete_and_comes_back_translated(project: Path):
    po = project / f"locales/ar/{SLUG}.po"
    src = project / f"source/{SLUG}.md"
    original = src.read_text()
    translation = entries(po)[(None, PARA)].msgstr
    src.write_text(original.replace(f"1. {PARA}\n", ""))
    run_update(project)
    cat = read_po(po)
    assert (None, PARA) not in cat.messages
    assert cat.obsolete[(None, PARA)].msgstr == translation
    assert_gettext_accepts(po)

    src.write_text(original)
    run_update(project)
    back = read_po(po).get(PARA)
    assert back.msgstr == translation and not back.fuzzy


def test_po_saved_by_other_editors_keeps_translations_and_comments(project: Path):
    """A Poedit/Weblate-style file: other wrapping, header order, extra headers, comments."""
    run_update(project)
    po = project / f"locales/ku/{SLUG}.po"
    cat = polib.pofile(str(po), wrapwidth=0)
    cat.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "ku",
                    "X-Generator": "Poedit 3.4.2", "Last-Translator": "Rojda <rojda@example.org>",
                    "Plural-Forms": "nplurals=2; plural=(n != 1);", "MIME-Version": "1.0",
                    "Content-Transfer-Encoding": "8bit", "Language-Team": "Kurdish <ku@li.org>"}
    for e in cat:
        if e.msgid == PARA:
            e.tcomment = "Checked with the Kobani office"
            e.msgstr = "Elektrîk, av û înternetê tavilê li Kobanî vegerînin."
    cat.save(str(po))
    saved_order = list(polib.pofile(str(po)).metadata)
    run_update(project)
    after = polib.pofile(str(po))
    entry = after.find(PARA)
    assert entry.tcomment == "Checked with the Kobani office"
    assert entry.msgstr.startswith("Elektrîk")
    assert after.metadata["X-Generator"] == "Poedit 3.4.2"
    assert after.metadata["Last-Translator"] == "Rojda <rojda@example.org>"
    assert list(after.metadata)[: len(saved_order)] == saved_order
    assert_gettext_accepts(po)


# ---------------------------------------------------------------- incremental update


def relative(project: Path) -> dict[str, bytes]:
    return {str(p.relative_to(project)): data for p, data in files(project).items()}


def clean_update(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """The same project updated with no .cache/: what an incremental update must equal."""
    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, ignore=shutil.ignore_patterns(".cache"))
    run_update(fresh)
    return relative(fresh)


def test_editing_one_statement_rewrites_only_its_files_as_a_clean_run_would(real_project: Path, tmp_path: Path,
                                                                          monkeypatch):
    from pipeline.update import update_project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    run_update(real_project)
    before = relative(real_project)
    src = sorted((real_project / "source").glob("*.md"))[1]
    text = src.read_text(encoding="utf-8")
    src.write_text(text.replace(" the ", " the very ", 1), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")
    report = update_project(real_project)[2]
    slug = src.stem
    expected = [f"locales/{lang}/{slug}.po" for lang in ("ar", "ckb", "ku")] + [f"locales/templates/{slug}.pot"]
    assert sorted(str(p.relative_to(real_project)) for p in report.written) == expected
    after = relative(real_project)
    assert sorted(k for k in after if after[k] != before.get(k)) == expected
    assert after == clean_update(real_project, tmp_path)


def test_unchanged_project_asks_pandoc_nothing_even_when_moved(project: Path, tmp_path: Path, monkeypatch):
    run_update(project)
    moved = tmp_path / "moved"
    shutil.copytree(project, moved)
    before = files(moved)

    class NoPandoc:
        def call(self, op, **kw):
            raise AssertionError(f"pandoc was asked to {op}")
        read = markdown = write = read_file = call
    monkeypatch.setattr("pipeline.pandoc.shared", NoPandoc)
    from pipeline.update import update_project

    report = update_project(moved)[2]
    assert report.written == [] and report.problems == []
    assert files(moved) == before


def test_memory_sees_a_catalogue_edited_since_its_cache_was_made(project: Path):
    run_update(project)
    assert list((project / ".cache/memory").glob("*.pickle")), "the memory's cache was not kept"
    po_path = project / f"locales/ar/{SLUG}.po"
    po = polib.pofile(str(po_path))
    po.find("Investigate all violations committed by all parties.").msgstr = "تحقيق في كل الانتهاكات"
    po.save(str(po_path))
    (project / "source/2026-02-01-second.md").write_text(
        "---\ntitle: A second statement\ndate: 2026-02-01\n---\n\n"
        "Investigate all violations committed by all parties.\n", encoding="utf-8")
    run_update(project)
    entry = polib.pofile(str(project / "locales/ar/2026-02-01-second.po")).find(
        "Investigate all violations committed by all parties.")
    assert entry.msgstr == "تحقيق في كل الانتهاكات" and not entry.fuzzy


def test_a_statement_body_comes_back_from_the_cache_or_from_pandoc(project: Path, pandoc):
    from pipeline.source import read_statements
    from pipeline.update import parse_bodies, update_project

    _, extracted, _, _ = update_project(project)
    [fresh] = parse_bodies(read_statements(project / "source"), pandoc)
    [x] = extracted
    assert x.ast == fresh.ast and x.segments == fresh.segments and x.texts == fresh.texts
    (project / f".cache/extract/{SLUG}.pickle").unlink()
    assert x.ast == fresh.ast   # (parsed again)
    update_project(project)
    assert (project / f".cache/extract/{SLUG}.pickle").exists()


def test_file_hashes_are_kept_only_while_the_file_is_untouched(tmp_path: Path):
    import os
    import pickle

    from pipeline.manifest import digest
    from pipeline.update import _Digests

    cache, po = tmp_path / ".cache", tmp_path / "x.po"
    po.write_text("abc", encoding="utf-8")
    old = po.stat().st_mtime_ns - 10**10   # well before the stamps are taken: trusted
    os.utime(po, ns=(old, old))
    first = _Digests(cache)
    assert first(po) == digest(b"abc")
    first.save()
    stamps = pickle.loads((cache / "hashes.pickle").read_bytes())[1]
    assert stamps[str(po)][4] == digest(b"abc")

    po.write_text("xyz", encoding="utf-8")   # same size, same modification time: the change time tells
    os.utime(po, ns=(old, old))
    assert _Digests(cache)(po) == digest(b"xyz")

    # A stamp taken within two seconds of the file's last change is not trusted.
    stamps = pickle.loads((cache / "hashes.pickle").read_bytes())[1]
    st = po.stat()
    stamps[str(po)] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, "stale", st.st_ctime_ns + 10**9)
    (cache / "hashes.pickle").write_bytes(pickle.dumps((pickle.loads((cache / "hashes.pickle").read_bytes())[0], stamps)))
    assert _Digests(cache)(po) == digest(b"xyz")
    stamps[str(po)] = stamps[str(po)][:5] + (st.st_ctime_ns + 3 * 10**9,)
    (cache / "hashes.pickle").write_bytes(pickle.dumps((pickle.loads((cache / "hashes.pickle").read_bytes())[0], stamps)))
    assert _Digests(cache)(po) == "stale"   # proof the stamp is used when it may be


def test_an_edit_reads_nothing_cached_of_the_unchanged_statements(real_project: Path, tmp_path: Path,
                                                                  monkeypatch):
    from pipeline.update import update_project

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    run_update(real_project)
    sources = sorted((real_project / "source").glob("*.md"))
    edited, others = sources[1], [p for p in sources if p != sources[1]]
    for p in others:  # were any of these read, it would be noticed and written again
        (real_project / f".cache/extract/{p.stem}.pickle").write_bytes(b"not a pickle")
    edited.write_text(edited.read_text(encoding="utf-8").replace(" the ", " the very ", 1), encoding="utf-8")
    _, extracted, report, _ = update_project(real_project)
    assert report.problems == []
    assert all((real_project / f".cache/extract/{p.stem}.pickle").read_bytes() == b"not a pickle" for p in others)
    assert relative(real_project) == clean_update(real_project, tmp_path)

    # Asked for more than its title, an unchanged statement whose cache is unreadable is read again.
    from pipeline.source import read_statement
    x = next(x for x in extracted if x.slug == others[0].stem)
    assert x.statement == read_statement(others[0])
    assert x.segments and x.texts
    assert (real_project / f".cache/extract/{others[0].stem}.pickle").read_bytes() != b"not a pickle"


def test_memory_index_rewrites_only_what_changed_and_sees_it(tmp_path: Path):
    from pipeline.catalog import RECENT_MAX, Memory

    cache = tmp_path / "memory"
    n = 8 * (RECENT_MAX + 2)
    paths = {"ar": [tmp_path / f"s{i:03d}.po" for i in range(n)]}
    keys = {p: f"k{i}" for i, p in enumerate(paths["ar"])}

    def unread(path):
        raise AssertionError(f"{path} was read although the memory knew it")

    first = Memory(paths, unread, digest=keys.__getitem__, cache=cache)
    for i, p in enumerate(paths["ar"]):
        first.record("ar", p, keys[p], {None: {f"text {i}": f"نص {i}"}})
    first.save()
    whole = (cache / "ar.pickle").read_bytes()

    keys[paths["ar"][3]] = "changed"
    second = Memory(paths, unread, digest=keys.__getitem__, cache=cache)
    second.record("ar", paths["ar"][3], "changed", {None: {"text 3": "جديد"}})
    second.save()
    assert (cache / "ar.pickle").read_bytes() == whole   # only the small file was written

    third = Memory(paths, unread, digest=keys.__getitem__, cache=cache)
    assert third.exact("ar", (None, "text 3")) == "جديد"
    assert third.exact("ar", (None, f"text {n - 1}")) == f"نص {n - 1}"


def test_two_pandoc_workers_parse_as_one_does_and_the_second_is_stopped(real_project: Path, pandoc, monkeypatch):
    from pipeline import update
    from pipeline.source import read_statements

    monkeypatch.setattr(update, "CHUNK", 1)   # the five statements: five chunks, shared by two workers
    started = []

    class Counted(update.Pandoc):
        def __init__(self, rts) -> None:
            super().__init__(rts)
            assert rts == update.PARSING_RTS_OPTIONS
            started.append(self)
            self.calls = 0

        def call(self, op, **request):
            self.calls += 1
            return super().call(op, **request)

    monkeypatch.setattr(update, "Pandoc", Counted)
    statements = read_statements(real_project / "source")
    alone = list(update.extract(statements, pandoc, parsers=1))
    assert not started
    shared = list(update.extract(statements, pandoc, parsers=2))
    assert len(started) == 1 and started[0].calls == 2 and started[0]._proc is None   # started, used, stopped
    assert [(x.ast, x.segments, x.texts) for x in shared] == [(x.ast, x.segments, x.texts) for x in alone]


def test_bodies_parsed_while_the_front_matter_is_read_give_the_same_catalogues(real_project: Path, tmp_path: Path,
                                                                              monkeypatch):
    """A plain update on two cores parses the first bodies on a second pandoc while the other statements
    are still being read (update._Early); the catalogues are those of an update on one core."""
    from pipeline import update

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    sources = sorted((real_project / "source").glob("*.md"))
    for i, path in enumerate(sources * 2):   # (ten statements: two chunks and more; bodies given twice)
        shutil.copy(path, real_project / "source" / f"{path.stem}-{i}.md")
    one_core = tmp_path / "one-core"
    shutil.copytree(real_project, one_core)

    early: list[int] = []   # how many bodies each update found parsed early
    finish = update._Early.finish

    def counted(self):
        parsed = finish(self)
        early.append(len(parsed))
        return parsed
    monkeypatch.setattr(update._Early, "finish", counted)
    monkeypatch.setattr(update.os, "cpu_count", lambda: 2)
    run_update(real_project)
    assert len(early) == 1 and early[0] > 0   # (a first chunk at least: parsed, then taken)

    monkeypatch.setattr(update.os, "cpu_count", lambda: 1)
    run_update(one_core)
    assert len(early) == 1   # (not on one core)
    assert {p.relative_to(real_project): b for p, b in files(real_project).items()} == \
        {p.relative_to(one_core): b for p, b in files(one_core).items()}


def test_the_early_pandoc_parses_a_last_short_chunk_but_leaves_a_longer_queue_to_extract():
    """Bodies the second pandoc had no time for go to extract's two workers; fewer than a chunk are
    parsed on it (a long queue parsed there, one chunk after another, held every statement of a
    500-statement update in memory at once: 518 MB)."""
    from pipeline import update

    class Worker:
        def __init__(self) -> None:
            self.asked: list[list[str]] = []

        def read_bodies(self, bodies, *, fmt):
            self.asked.append(list(bodies))
            return [({}, [], body) for body in bodies]

    for queued, parsed in ((update.CHUNK - 1, update.CHUNK - 1), (update.CHUNK * 3, 0)):
        early = update._Early()
        early.worker.close()
        early.worker = Worker()
        early._queue = [f"body {i}" for i in range(queued)]
        assert len(early.finish()) == parsed
        assert sum(map(len, early.worker.asked)) == parsed


def test_a_pandoc_warmed_up_answers_each_later_request_with_its_own_answer(pandoc):
    """warm_up's answer is read and dropped: the next requests get theirs, as from a pandoc never warmed."""
    from pipeline.pandoc import Pandoc
    from pipeline.update import BODY_MARKDOWN, SAMPLE_BODY

    texts = ["We call for *an end* to the shelling.", "1. Open the roads.\n2. Free the detained."]
    warmed = Pandoc()
    try:
        warmed.warm_up([SAMPLE_BODY], fmt=BODY_MARKDOWN)
        warmed.warm_up([SAMPLE_BODY, "x"], fmt=BODY_MARKDOWN)
        assert warmed.read_bodies(texts, fmt=BODY_MARKDOWN) == pandoc.read_bodies(texts, fmt=BODY_MARKDOWN)
        assert warmed.read_bodies(texts[:1], fmt=BODY_MARKDOWN) == pandoc.read_bodies(texts[:1], fmt=BODY_MARKDOWN)
    finally:
        warmed.close()


def test_a_forked_copy_lets_go_of_the_pandoc_it_inherits():
    """A render process forked after a pandoc was started (the warmed parser) holds no copy of its
    pipes: the pandoc stops as soon as its owner closes them, instead of being killed 2 s later."""
    import os
    import signal

    from pipeline.pandoc import Pandoc

    worker = Pandoc()
    worker.api_version()   # (started)
    proc = worker._proc
    child = os.fork()
    if child == 0:   # the copy: stays alive while the owner closes its pandoc
        try:
            signal.pause()
        finally:
            os._exit(0)
    try:
        worker.close()
        assert proc.returncode == 0   # (killed: -9)
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def test_a_first_publish_parses_on_the_pandoc_it_warmed_up(real_project: Path, monkeypatch):
    """publish starts the second parser's pandoc (update._Early's) before the fonts and the render processes,
    and update_project parses on that one."""
    from pipeline import publish as publishing
    from pipeline.pandoc import Pandoc

    warmed: list[Pandoc] = []
    parsers: list[Pandoc] = []
    start, read_bodies = publishing.warmed_parser, Pandoc.read_bodies
    monkeypatch.setattr(publishing, "warmed_parser", lambda: warmed.append(start()) or warmed[-1])
    monkeypatch.setattr(Pandoc, "read_bodies", lambda self, *a, **k: parsers.append(self) or read_bodies(self, *a, **k))
    assert main(["--project", str(real_project), "publish", "-j", "2"]) == 0
    assert len(warmed) == 1 and warmed[0] in parsers and warmed[0]._proc is None   # (and stopped)
