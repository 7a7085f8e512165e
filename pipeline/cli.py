"""The command line: build_parser(), main(argv) -> exit code, one place turning errors into messages."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import NoReturn

from .errors import PipelineError, set_display_root

EXIT_OK, EXIT_FAILED_CHECKS, EXIT_BAD_INPUT = 0, 1, 2
# Commands that write locales/, source/ or out/: one at a time per project.
LOCKED = {"publish", "update", "status", "import"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Publish joint statements in every configured language from gettext catalogues.")
    parser.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                        help="the statements project (default: the current folder)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("publish", help="update catalogues, then write out/")
    p.add_argument("--draft", action="store_true",
                   help="also publish languages that are not ready, marked as drafts")
    p.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                   help="build on N processes (default: the number of cores)")
    p.add_argument("--no-memory", action="store_true",
                   help="do not pre-fill segments from other statements' translations")
    p = sub.add_parser("update", help="only bring locales/*.pot and *.po up to date with source/")
    p.add_argument("--no-memory", action="store_true",
                   help="do not pre-fill segments from other statements' translations")
    p = sub.add_parser("status", help="translated / fuzzy / untranslated per statement and language")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = sub.add_parser("import", help="turn a raw statement (.txt, .md, .docx, .html) into source/<slug>.md")
    p.add_argument("file", type=Path, help="the raw statement")
    p.add_argument("--slug", help="the file name to give it in source/ (default: from its date and title)")
    p.add_argument("--force", action="store_true", help="overwrite an existing source/<slug>.md")
    p = sub.add_parser("check", help="quality checks on the translations (exit 1 on errors)")
    p.add_argument("--strict", action="store_true", help="also exit 1 on warnings")
    return parser


def leave(code: int) -> NoReturn:
    """End the process with `code` once a command is done, without the interpreter's teardown, which
    freed every object one by one (the statements read, Typst's caches): ~35 ms on one core after
    the last file was written. The pandoc workers are stopped and the exit handlers run, as before
    (nothing is left in the temporary folder). With another thread still running, the usual way,
    which waits for it; and under a profiler or tracer (pyinstrument, cProfile, coverage), which
    reports at exit."""
    import atexit
    import threading

    from .pandoc import stop_all

    if threading.active_count() > 1 or sys.getprofile() or sys.gettrace():
        sys.exit(code)
    stop_all()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # (a closed pipe: what a normal exit would not report either)
            pass
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    root = args.project.resolve()
    set_display_root(root)
    if not root.is_dir():
        print(f"{args.project}: no such folder — pass --project with a statements project", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        if args.command not in LOCKED:
            return COMMANDS[args.command](root, args)
        from .lock import project_lock

        with project_lock(root, args.command):
            return COMMANDS[args.command](root, args)
    except PipelineError as exc:
        print(exc.report(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: out/ and locales/ are as they were before this run", file=sys.stderr)
        return 130


def _publish(root: Path, args) -> int:
    from .publish import publish

    report = publish(root, draft=args.draft, jobs=args.jobs, memory=not args.no_memory)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    return EXIT_BAD_INPUT if report.problems else EXIT_OK


def _update(root: Path, args) -> int:
    from .update import update_project

    # Every catalogue update did not rewrite is as a previous run left it, and was read then:
    # only the problems found on the way are news.
    _, _, report, _ = update_project(root, memory=not args.no_memory, keep=False)
    for path in report.written:
        print(f"updated {path.relative_to(root)}")
    for problem in report.warnings + report.problems:
        print(problem, file=sys.stderr)
    if not report.written:
        print("catalogues already up to date")
    return EXIT_BAD_INPUT if report.problems else EXIT_OK


def _status(root: Path, args) -> int:
    from .files import write_atomic
    from .publish import load_project, status_page

    project = load_project(root)
    rows = [project.progress(x, lc.code) for x in project.extracted for lc in project.config.targets]
    page = project.config.out_dir / "status.html"
    write_atomic(page, status_page(project))
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        print(format_status(rows, project))
    print(f"written {page.relative_to(root)}", file=sys.stderr)
    for problem in project.problems:
        print(problem, file=sys.stderr)
    return EXIT_BAD_INPUT if project.problems else EXIT_OK


def format_status(rows, project) -> str:
    """A plain-text table: one line per statement and language."""
    header = ("statement", "lang", "done", "translated", "fuzzy", "untransl.", "words left", "names", "ready")
    lines = [header]
    for r in rows:
        threshold = project.config.lang(r.lang).threshold
        lines.append((r.slug[:48], r.lang, f"{r.percent:.0f}%", str(r.translated), str(r.fuzzy),
                      str(r.untranslated), str(r.words_fuzzy + r.words_untranslated),
                      f"{r.names_translated}/{r.names_total}", "yes" if r.ready(threshold) else "no"))
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in lines)


def _check(root: Path, args) -> int:
    from .check import check_project
    from .pandoc import shared
    from .publish import load_project

    project = load_project(root, dry_run=True)
    problems = sorted(check_project(project, shared()),
                      key=lambda p: (str(p.location.path), p.location.line or 0))
    for problem in problems:
        print(problem)
    errors = sum(p.severity != "warning" for p in problems)
    warnings = len(problems) - errors
    print(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    return EXIT_FAILED_CHECKS if errors or (args.strict and warnings) else EXIT_OK


def _import(root: Path, args) -> int:
    from .importer import import_statement

    result = import_statement(args.file, root=root, slug=args.slug, force=args.force)
    print(result.report())
    return EXIT_OK


COMMANDS = {"import": _import, "publish": _publish, "update": _update, "status": _status, "check": _check}
