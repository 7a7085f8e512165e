"""Translation memory: what is translated in one statement is offered in the next."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib

from pipeline import catalog
from pipeline.cli import main

NEW = """---
title: A second statement on Kobani
date: 2026-02-01
signatories:
  - The Syria Campaign
  - name: Syrian Legal Development Programme
    short: SLDP
  - A New Organisation
---

The protection of civilians is not a matter for negotiation.

Restore electricity, water and internet to Kobani now.

Investigate all violations committed by all parties.
"""


def new_statement(project: Path) -> polib.POFile:
    (project / "source/2026-02-01-second.md").write_text(NEW, encoding="utf-8")
    return project / "locales/ar/2026-02-01-second.po"


def test_new_statement_reuses_translations_of_names_and_phrases(project: Path, capsys):
    po_path = new_statement(project)
    assert main(["--project", str(project), "update"]) == 0
    po = polib.pofile(str(po_path))
    names = {e.msgid: e for e in po if e.msgctxt == "signatory"}
    assert names["The Syria Campaign"].msgstr == "حملة من أجل سوريا"
    assert not names["The Syria Campaign"].fuzzy
    assert names["Syrian Legal Development Programme"].msgstr == "البرنامج السوري للتطوير القانوني"
    assert names["A New Organisation"].msgstr == ""
    same = po.find("The protection of civilians is not a matter for negotiation.")
    assert same.msgstr == "إن حماية المدنيين ليست موضع تفاوض." and not same.fuzzy
    close = po.find("Restore electricity, water and internet to Kobani now.")
    assert close.fuzzy and close.previous_msgid == "Restore electricity, water and internet to Kobani immediately."
    assert close.msgstr == "إعادة الكهرباء والمياه والإنترنت إلى كوباني فوراً."
    # status counts the reused names.
    capsys.readouterr()
    assert main(["--project", str(project), "status", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    row = next(r for r in rows if r["slug"] == "2026-02-01-second" and r["lang"] == "ar")
    assert row["names_translated"] == 2 and row["names_total"] == 3
    assert row["translated"] == 2 and row["fuzzy"] == 1


def test_fuzzy_translations_are_never_reused(project: Path):
    source_po = project / "locales/ar/2026-01-26-protect-civilians.po"
    po = polib.pofile(str(source_po))
    po.find("Investigate all violations committed by all parties.").flags.append("fuzzy")
    po.save(str(source_po))
    po_path = new_statement(project)
    assert main(["--project", str(project), "update"]) == 0
    entry = polib.pofile(str(po_path)).find("Investigate all violations committed by all parties.")
    assert entry.msgstr == ""


def test_no_memory_turns_it_off(project: Path):
    po_path = new_statement(project)
    assert main(["--project", str(project), "update", "--no-memory"]) == 0
    assert all(not e.msgstr for e in polib.pofile(str(po_path)) if e.msgid)


def test_the_memory_is_not_read_while_every_text_is_in_its_own_catalogue(project: Path, monkeypatch):
    """A fresh clone's first run (no .cache/): each catalogue already holds every text of its statement,
    so nothing is looked up, and the memory reads none of the language's catalogues."""
    assert main(["--project", str(project), "update"]) == 0
    shutil.rmtree(project / ".cache")
    consulted: list[str] = []
    language = catalog.Memory._language
    monkeypatch.setattr(catalog.Memory, "_language", lambda self, lang: consulted.append(lang) or language(self, lang))
    assert main(["--project", str(project), "update"]) == 0
    assert consulted == []
    po_path = new_statement(project)   # its texts are new: looked up, and reused where known
    assert main(["--project", str(project), "update"]) == 0
    assert set(consulted) == {"ar", "ku", "ckb"}
    names = {e.msgid: e.msgstr for e in polib.pofile(str(po_path)) if e.msgctxt == "signatory"}
    assert names["The Syria Campaign"] == "حملة من أجل سوريا"
