"""`check`: every quality check over every catalogue, as path:line messages."""
from __future__ import annotations

from collections import defaultdict

from .checks import Finding, Pair, run_checks, signatory_key, WARNING
from .errors import Location, Problem
from .pandoc import Pandoc
from .publish import Project
from .segment import SIGNATORY


def check_project(project: Project, pandoc: Pandoc) -> list[Problem]:
    """Stale catalogues, duplicate signatories, and the checks of every translated entry."""
    problems: list[Problem] = list(project.problems)
    for path in project.stale:
        problems.append(Problem(Location(path), "this catalogue is out of date with the sources",
                                "run make update and commit the result", check="stale"))
    problems += duplicate_signatories(project)

    jobs: list[tuple] = []  # (catalogue path, message, segment, language)
    for x in project.extracted:
        for lc in project.config.targets:
            cat = project.catalogues.get((x.slug, lc.code))
            if cat is None:
                continue
            for s in {(s.context, s.msgid): s for s in x.segments}.values():
                m = cat.get(s.msgid, s.context)
                if m is None or not m.translated or m.fuzzy:
                    continue
                if s.context == SIGNATORY and not m.msgstr.strip():
                    problems.append(Problem(Location(cat.path, m.line), "the translated name is only spaces",
                                            "write the name, or leave the msgstr empty to keep the name as signed"))
                    continue
                jobs.append((cat.path, m, s, lc.language))
    markdown = [j for j in jobs if j[2].context != SIGNATORY]
    parsed = pandoc.read([t for j in markdown for t in (j[2].msgid, j[1].msgstr)])
    blocks = {id(j): (parsed[2 * i]["blocks"], parsed[2 * i + 1]["blocks"]) for i, j in enumerate(markdown)}
    for job in jobs:
        path, m, s, lang = job
        source, translation = blocks.get(id(job), ([], []))
        pair = Pair(s.msgid, m.msgstr, source, translation, lang, signatory=s.context == SIGNATORY)
        for f in run_checks(pair, set(m.flags)):
            problems.append(_problem(path, m.line, f))
    return problems


def _problem(path, line, f: Finding) -> Problem:
    return Problem(Location(path, line), f.message, f.hint + f" (silence with the flag ignore-{f.check})",
                   severity=f.severity, check=f.check)


def duplicate_signatories(project: Project) -> list[Problem]:
    """The same organisation twice in one statement (case, accents, punctuation ignored)."""
    problems = []
    for x in project.extracted:
        seen: dict[str, list] = defaultdict(list)
        for s in x.statement.signatories:
            seen[signatory_key(s.name)].append(s)
        for same in seen.values():
            for dup in same[1:]:
                problems.append(Problem(
                    Location(x.statement.path, dup.line),
                    f"'{dup.name}' signs twice (also line {same[0].line}: '{same[0].name}')",
                    "remove one if it is the same organisation", severity=WARNING, check="duplicates"))
    return problems
