"""`check`: every quality check over every catalogue, as path:line messages."""
from __future__ import annotations

import json
from collections import defaultdict

from .checks import Finding, Pair, Side, run_checks, signatory_key, WARNING
from .errors import Location, Problem
from .files import write_atomic
from .manifest import code_digest, digest, file_digest
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

    cache = project.config.cache_dir / "checks"
    todo: list[tuple] = []  # (cache file, key, catalogue path, [(message, segment, language)])
    for x in project.extracted:
        for lc in project.config.targets:
            cat = project.catalogues.get((x.slug, lc.code))
            if cat is None:
                continue
            key = digest(code_digest(), file_digest(x.statement.path), file_digest(cat.path))
            spot = cache / f"{lc.code}--{x.slug}.json"
            known = _cached(spot, key, cat.path)
            if known is not None:
                problems += known
                continue
            entries = []
            for seg in {(s.context, s.msgid): s for s in x.segments}.values():
                m = cat.get(seg.msgid, seg.context)
                if m is not None and m.translated and not m.fuzzy:
                    entries.append((m, seg, lc.language))
            todo.append((spot, key, cat.path, entries))

    # One pandoc request reads every segment and translation still to be checked, each text once
    # (a source segment is checked in every language; the checks only read what pandoc made of it).
    texts = list(dict.fromkeys(text for *_, entries in todo for m, seg, _ in entries if seg.context != SIGNATORY
                               for text in (m.msgid, m.msgstr)))
    parsed = dict(zip(texts, pandoc.read(texts)))
    sources: dict[str, Side] = {}   # (a msgid is checked in every language: read once)
    for spot, key, path, entries in todo:
        found: list[Problem] = []
        for m, seg, lang in entries:
            signatory = seg.context == SIGNATORY
            if signatory and not m.msgstr.strip():
                found.append(Problem(Location(path, m.line), "the translated name is only spaces",
                                     "write the name, or leave the msgstr empty to keep the name as signed"))
                continue
            source, translation = ([], []) if signatory else (parsed[m.msgid]["blocks"], parsed[m.msgstr]["blocks"])
            side = None if signatory else sources.setdefault(m.msgid, Side(source))
            pair = Pair(seg.msgid, m.msgstr, source, translation, lang, signatory=signatory, source_side=side)
            found += [_problem(path, m.line, f) for f in run_checks(pair, set(m.flags))]
        write_atomic(spot, json.dumps({"key": key, "problems": [_as_dict(p) for p in found]}, ensure_ascii=False))
        problems += found
    return problems


def _as_dict(p: Problem) -> dict:
    return {"line": p.location.line, "message": p.message, "hint": p.hint, "severity": p.severity,
            "check": p.check}


def _cached(spot, key: str, path) -> list[Problem] | None:
    """The findings of a catalogue checked before with the same source, catalogue and code."""
    try:
        data = json.loads(spot.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("key") != key:
        return None
    return [Problem(Location(path, d["line"]), d["message"], d["hint"],
                    severity=d["severity"], check=d["check"]) for d in data["problems"]]


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
