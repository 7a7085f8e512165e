"""Incremental and parallel publishing: the right outputs rebuilt, equal to a clean build."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import publish as publish_module
from pipeline.manifest import Manifest, file_digest, stat_digest
from pipeline.publish import publish

SLUG = "2026-01-26-protect-civilians"
DATA = Path(__file__).parent / "data/project"
ROOT = Path(__file__).parent.parent


def outputs(project: Path) -> dict[str, bytes]:
    out = project / "out"
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def run(project: Path, **kw):
    return publish(project, log=lambda line: None, **kw)


def clean_build(tmp_path: Path, project: Path) -> dict[str, bytes]:
    fresh = tmp_path / "fresh"
    shutil.copytree(project, fresh, ignore=shutil.ignore_patterns("out", ".cache"))
    run(fresh, jobs=1)
    return outputs(fresh)


class NoPandoc:
    """Stands in for the pandoc worker: any request fails the test."""

    def call(self, op, **kw):
        raise AssertionError(f"pandoc was asked to {op}")

    read = markdown = write = write_many = read_file = call

    def close(self):
        pass


def test_nothing_changed_means_no_pandoc_or_typst_work(project: Path, monkeypatch):
    run(project)
    monkeypatch.setattr(publish_module, "shared", lambda: NoPandoc())
    monkeypatch.setattr("pipeline.render.Renderer.build", lambda *a, **k: pytest.fail("a document was rendered"))
    report = run(project)
    assert report.rebuilt == [] and report.written == []


def test_one_catalogue_edit_rebuilds_only_that_language(project: Path, tmp_path: Path):
    run(project)
    po = project / f"locales/ku/{SLUG}.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Daxwazên me", "Daxwazên me yên sereke"), encoding="utf-8")
    report = run(project)
    assert sorted(rel for rel, _ in report.rebuilt) == [f"ku/{SLUG}.{f}" for f in ("docx", "html", "pdf")]
    assert {why for _, why in report.rebuilt} == {"catalogue changed"}
    assert outputs(project) == clean_build(tmp_path, project)


def test_source_edit_rebuilds_the_statement_in_every_language(project: Path):
    run(project)
    src = project / f"source/{SLUG}.md"
    src.write_text(src.read_text().replace("2026-01-26", "2026-01-27"))
    report = run(project)
    assert len(report.rebuilt) == 4 * 3
    assert all("source changed" in why for _, why in report.rebuilt)


def test_config_or_deleted_output_rebuilds_what_depends_on_it(project: Path):
    run(project)
    (project / f"out/ar/{SLUG}.pdf").unlink()
    report = run(project)
    assert report.rebuilt == [(f"ar/{SLUG}.pdf", "output missing or edited")]
    config = project / "project.yaml"
    config.write_text(config.read_text() + "\n# a comment\n")
    assert len(run(project).rebuilt) == 12


def test_an_output_stamped_by_size_and_time_is_still_rebuilt_when_edited(project: Path):
    run(project)
    html = project / f"out/en/{SLUG}.html"
    old = html.stat().st_mtime_ns - 10**10   # as if written 10 s ago: old enough to be stamped
    for path in (project / "out").rglob("*"):
        os.utime(path, ns=(old, old))
    assert run(project).rebuilt == []        # hashed once more, then stamped
    assert str(html) in Manifest.load(project / ".cache").stamps
    assert run(project).rebuilt == []        # taken from the stamps
    text = html.read_bytes()
    html.write_bytes(text.replace(b"<html", b"<HTML", 1))   # same size, a new modification time
    report = run(project)
    assert report.rebuilt == [(f"en/{SLUG}.html", "output missing or edited")]
    assert html.read_bytes() == text


def test_a_stamp_taken_just_after_a_write_is_not_trusted(tmp_path: Path):
    path = tmp_path / "file"
    path.write_bytes(b"one")
    stamps: dict = {}
    assert stat_digest(path, stamps) == file_digest(path)
    stamps[str(path)][4] = "stale"            # as if rewritten within the same time-stamp granule
    assert stat_digest(path, stamps) == file_digest(path)   # hashed again: the stamp is too recent
    stamps[str(path)][4] = "from the stamp"
    stamps[str(path)][5] += 10 * 10**9        # hashed well after the file's last change
    assert stat_digest(path, stamps) == "from the stamp"
    path.write_bytes(b"two")
    assert stat_digest(path, stamps) == file_digest(path)


def test_parallel_build_is_byte_identical_to_serial(project: Path, tmp_path: Path):
    run(project, jobs=2)
    assert outputs(project) == clean_build(tmp_path, project)


def test_a_parallel_build_leaves_no_temporary_folder_behind(project: Path, tmp_path: Path):
    """The command line ends without the interpreter's teardown (cli.leave): its pandoc workers are
    stopped, its temporary folders removed and what it printed to a pipe is there."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = subprocess.run([sys.executable, "-m", "pipeline", "--project", str(project), "publish", "-j", "2"],
                          cwd=ROOT, env={**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
                                         "TMPDIR": str(scratch)}, check=True, capture_output=True)
    assert list(scratch.iterdir()) == []
    assert done.stdout.decode().splitlines()[-1].startswith("published ")


def test_the_command_line_under_a_profiler_ends_as_usual(project: Path, tmp_path: Path):
    """Under a profiler, cli.leave lets the interpreter end the usual way: the profiler reports."""
    stats = tmp_path / "publish.prof"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "pipeline", "--project", str(project),
                    "publish"], cwd=ROOT, check=True, capture_output=True)
    assert stats.stat().st_size > 0


START_METHODS = """
import sys, threading
from pathlib import Path
from pipeline.config import load_config
from pipeline.render import Builder
from pipeline.render.fonts import resolve_fonts

config = load_config(Path(sys.argv[1]))
def method():
    builder = Builder(config, resolve_fonts(config))
    builder.start(1)
    try:
        return builder._pool._mp_context.get_start_method()
    finally:
        builder.close()
print(method())
threading.Thread(target=threading.Event().wait, daemon=True).start()
print(method())
"""


def test_workers_are_forked_only_from_a_single_threaded_process(project: Path):
    """A process with one thread forks its render processes (no re-import); one with other threads
    (as after Typst has compiled) spawns them."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    found = subprocess.run([sys.executable, "-c", START_METHODS, str(project)], env=env, cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    assert found == ["fork", "spawn"]


def test_a_first_build_on_forked_workers_is_byte_identical_to_serial(project: Path, tmp_path: Path):
    """The command line's first build starts its render processes before anything has run: forked."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "pipeline", "--project", str(project), "publish", "-j", "2"],
                   env=env, cwd=ROOT, capture_output=True, check=True)
    assert outputs(project) == clean_build(tmp_path, project)


def test_a_one_language_project_builds_its_pages_with_the_first_jobs(project: Path, tmp_path: Path, monkeypatch):
    """With no language but the source, a page links no translation: a first build makes it in the same
    job as the statement's Word and PDF files, while the update goes on, and it is the page a serial build makes."""
    from pipeline.render import Builder

    (project / "project.yaml").write_text("source: en\nlanguages:\n  en: {}\n", encoding="utf-8")
    formats: list[tuple[str, ...]] = []
    submit = Builder.submit

    def submitted(self, key, job, renderer):
        formats.append(job.formats)
        yield from submit(self, key, job, renderer)
    monkeypatch.setattr(Builder, "submit", submitted)
    assert run(project, jobs=2).published
    assert formats and set(formats) == {("html", "docx", "pdf")}
    assert outputs(project) == clean_build(tmp_path, project)


def test_a_worker_writes_the_docx_references_before_its_first_job(project: Path, tmp_path: Path, monkeypatch):
    """A worker's pandoc is started and the shared reference documents written while it waits for work."""
    from pipeline import render
    from pipeline.config import load_config
    from pipeline.render.fonts import resolve_fonts

    config = load_config(project)
    monkeypatch.setattr(render, "_renderer", None)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    render._start_worker(config, resolve_fonts(config), scratch)
    try:
        assert sorted(p.name for p in scratch.iterdir()) == ["quick-reference.docx", "reference.docx"]
        assert "fonts_digest" not in vars(render._renderer)   # (only the caller needs the fonts' hash)
    finally:
        render._renderer.pandoc.close()


def test_the_longest_jobs_are_queued_first(project: Path, monkeypatch):
    """The last jobs, which one process may still be on when the others have nothing left, are the shortest."""
    from pipeline.render import Renderer

    (project / "source/0-short.md").write_text("---\ntitle: Short\ndate: 2026-12-01\n---\n\nOne paragraph.\n", encoding="utf-8")
    built, build = [], Renderer.build
    monkeypatch.setattr(Renderer, "build", lambda self, job: (built.append(job), build(self, job))[1])
    run(project, jobs=1)
    assert [j.extracted.slug for j in built][-1] == "0-short" and len(built) > 2
