"""python -m bench: speed and memory of the pipeline on a synthetic corpus and on the real statements.

    python -m bench                 # everything (10-25 min on 2 cores: the 500-statement runs); RESULTS.md
    python -m bench --quick         # smoke run: 5 and 50 statements, one run each, no RESULTS.md
    python -m bench --only update --sizes 5,50 --runs 5
    python -m bench --revision HEAD   # the committed pipeline/, not the working tree
    python -m bench corpus 20 DIR   # only write a synthetic project (en, ar, ku, ckb) into DIR

The corpus, the projects and every output live in a temporary folder removed at the
end (`--keep` keeps it; `--workdir bench/corpus` puts it in the repo, where git ignores it).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import corpus, report
from .measure import BenchError
from .scenarios import REPO, Bench

GROUPS = ("update", "publish", "large", "tools")
RESULTS = Path(__file__).with_name("RESULTS.md")
MARKER = ".statement-bench"  # only a folder holding this is ever emptied


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 5 and 50 statements, one run, no floor, tools or 500-statement publish")
    p.add_argument("--sizes", default="5,50,500", help="corpus sizes for update (default: 5,50,500)")
    p.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is shown (default: 3)")
    p.add_argument("--budget", type=float, default=40.0,
                   help="seconds one measurement may take before its repeats are dropped (default: 40)")
    p.add_argument("--only", default=",".join(GROUPS), help=f"groups to run, of {', '.join(GROUPS)}")
    p.add_argument("--po4a-statements", type=int, default=50,
                   help="po4a is slow: measure it on this many statements and scale (default: 50)")
    p.add_argument("--revision", metavar="REV",
                   help="measure pipeline/ as committed at this git revision (default: the working tree)")
    p.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the working folder")
    p.add_argument("--results", type=Path, default=RESULTS,
                   help="where a full run writes its table (default: bench/RESULTS.md)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["corpus"]:
        return _corpus(argv[1:])
    args = build_parser().parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = set(groups) - set(GROUPS)
    if unknown:
        print(f"unknown group(s) {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}", file=sys.stderr)
        return 2
    if args.quick:
        sizes, args.runs, groups = [s for s in sizes if s <= 50] or [5, 50], 1, ["update", "publish"]
    full = not args.quick and groups == list(GROUPS)

    work = args.workdir.resolve() if args.workdir else Path(tempfile.mkdtemp(prefix="statement-bench-"))
    if work.exists() and any(work.iterdir()):
        if not (work / MARKER).exists():
            print(f"{work} is not empty and not a bench folder: choose another --workdir", file=sys.stderr)
            return 2
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    (work / MARKER).write_text("made by python -m bench; safe to delete\n", encoding="utf-8")
    bench = Bench(work, runs=args.runs, budget=args.budget, log=lambda line: print(line, flush=True))
    began = time.perf_counter()
    revision, load_start = "unknown revision", os.getloadavg()[0]
    try:
        bench.snapshot_pipeline(args.revision)
        revision = _revision(args.revision)
        print(f"bench: pipeline at {revision}; working in {work}", flush=True)
        if load_start > 1.0:
            print(f"bench: the machine is busy (load average {load_start:.1f}): figures will be noisy", flush=True)
        if "tools" in groups:  # measured right after the pipeline's update at the largest size
            bench.tools_size, bench.po4a_statements = max(sizes), args.po4a_statements
        if "update" in groups:
            for size in sizes:
                bench.update(size)
        elif "tools" in groups:
            bench.update(max(sizes))
        if "publish" in groups:
            bench.publish_real(floor=not args.quick)
        if "large" in groups:
            bench.publish_large(max(sizes))
    except BenchError as exc:
        print(f"bench: a measured command failed\n{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    finally:
        if args.keep:
            print(f"bench: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - began

    print()
    print(report.table(bench.rows))
    print()
    print(report.summary(bench.rows))
    print(f"(bench took {elapsed / 60:.1f} min)")
    if full:
        notes = _notes(bench)
        command = "python -m bench" + (" " + " ".join(argv) if argv else "")
        info = report.machine(bench.python)
        info["load average (1 min) at start / end"] = f"{load_start:.2f} / {os.getloadavg()[0]:.2f}"
        text = report.results_markdown(bench.rows, info, elapsed=elapsed,
                                       command=command, snapshot=revision, notes=notes)
        args.results.write_text(text, encoding="utf-8")
        print(f"written {args.results}")
    return 0


def _revision(revision: str | None = None) -> str:
    """The commit measured, and whether pipeline/ had uncommitted changes that were measured too."""
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", revision or "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        if revision:
            return head + " (as committed)"
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "pipeline"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return head + (" + uncommitted changes in pipeline/" if dirty else "")


def _notes(bench: Bench) -> list[str]:
    return [
        "Synthetic corpus: `bench/corpus.py` (seed 6): 4–10 paragraphs of 60–200 words with occasional "
        "bold, links and footnotes, 0–10 demands, 12–150 signatories from a pool of 320 recurring "
        "organisations; pseudo-translations into ar, ku and ckb written with polib into the catalogues "
        "that `update` created, then normalised by `update`.",
        "update rows: *cold* starts from source/ and project.yaml only; *after every catalogue changed* "
        "is the `update` that normalises the catalogues just filled with polib (one run); *after editing* "
        "restores the translated, normalised project (with its .cache/) and adds one word to one paragraph "
        "of every statement (or of one statement).",
        "publish of the real statements: the project's source/, locales/ and project.yaml; the .po edit "
        "adds one word to one translated paragraph of one catalogue.",
        "floor: one pandoc process per output (md → html, md → docx, md → typst) and `typst.compile` per "
        "PDF with the fonts of the same font packages, serially, no pipeline code; its Markdown inputs are "
        "the statements with the catalogues' translations put in by text replacement (untimed).",
        "msgmerge alone: one `msgmerge --previous` per catalogue on the pipeline's own .pot files; "
        "cold merges into a header-only .po (a new catalogue). po4a: one `po4a --no-translations` run "
        "with a split-mode config (`$master`), Markdown with YAML front matter (`yfm_keys=title,name`). "
        "Translate Toolkit: `md2po` over the source folder, then `pot2po` per language (it keeps the front "
        "matter as one block: less work than the others).",
        "Install the other tools to compare: `apt-get install -y gettext po4a`; "
        "`.venv/bin/pip install translate-toolkit mistletoe` (not project dependencies).",
        "To profile one case: `python -m bench corpus 500 /tmp/p500 [--en-only]`, then "
        "`pyinstrument -m pipeline --project /tmp/p500 update` (or `publish`).",
        "Every run, of every tool, starts with files created by none before it: what a run left is set aside "
        "(renamed), not deleted, until the bench ends. On ext4 without a journal, as here, creating a file "
        "right after thousands were deleted costs up to ~1 ms (the allocator steps over the freed inodes); "
        "a journaled file system has no such cost.",
        "Other processes running at the same time (see the load average above) slow every figure; "
        "compare runs made on a quiet machine.",
    ]


def _corpus(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m bench corpus",
                                description="write a synthetic statements project (no catalogues)")
    p.add_argument("count", type=int)
    p.add_argument("dir", type=Path)
    p.add_argument("--en-only", action="store_true", help="project.yaml with English only")
    args = p.parse_args(argv)
    languages = corpus.SOURCE_ONLY if args.en_only else corpus.LANGUAGES
    corpus.write_project(args.dir, corpus.statements(args.count), languages=languages)
    print(f"written {args.count} statements and project.yaml to {args.dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
