"""import: raw statements (text, Markdown, Word, web pages) -> canonical source/<slug>.md."""
from __future__ import annotations

import datetime
import difflib
import shutil
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import PipelineError
from pipeline.importer import import_statement, make_slug, parse_date, split_name
from pipeline.pandoc import Pandoc

DATA = Path(__file__).parent / "data" / "import"
ROOT = Path(__file__).parent.parent
# The raw web-page texts the five sources were made from live in shared/seeds beside the
# repository; the tests use the copies in tests/data/import/seeds so that they run anywhere.
SHARED_SEEDS = Path(__file__).parents[2] / "shared/seeds"
SEEDS = DATA / "seeds"
EXPECTED = DATA / "expected"


@pytest.fixture
def empty(project: Path) -> Path:
    """The test project without its statement: imports start from an empty source/."""
    shutil.rmtree(project / "source")
    (project / "source").mkdir()
    return project


def _import(path: Path, root: Path, pandoc: Pandoc, **kw):
    return import_statement(path, root=root, pandoc=pandoc, **kw)


def _names(statement) -> list:
    return [(s.name, s.short) if s.short else s.name for s in statement.signatories]


def _left_out(result) -> list[tuple[int | None, str]]:
    return sorted((r.location.line, r.text) for r in result.removed)


# ─── the five seeds reproduce source/ ──────────────────────────────────────────

SEED_CASES = {
    "000_7ca6d34f2c8a4277.txt": dict(
        slug="2026-01-26-urgent-call-to-protect-civilians", date=datetime.date(2026, 1, 26),
        title="Urgent Call to Protect Civilians, Halt Military Operations, and Adopt Political Solutions",
        paragraphs=10, demands=0, signatories=60, shorts=7,
        left_out=[(26, "Signatories organisations:")]),
    "001_2c0a946be290c359.txt": dict(
        slug="immediate-cessation-of-military-operations", date=None,
        title="The Undersigned Syrian Organizations Call For The Immediate Cessation Of Military Operations "
              "And The Accompanying Violations, The Protection Of Civilians, And An Urgent Return To Negotiations",
        paragraphs=7, demands=4, signatories=12, shorts=4,
        left_out=[(13, "Signatory organizations:")]),
    "002_8a0ca22e61b5950c.txt": dict(
        slug="immediate-halt-to-military-escalation-in-northeast-syria", date=None,
        title="Syria: Civil Society Organizations Call for an Immediate Halt to the Military Escalation in "
              "Northeast Syria",
        paragraphs=6, demands=7, signatories=43, shorts=1,
        left_out=[(7, "- The Syrian Organizations Signing This Statement Call On The United Nations Security "
                      "Council And Its Member States To Assume Their Responsibilities In Protecting Civilians And "
                      "To Exert Pressure To Prioritize Dialogue"),
                  (9, "Syria: Civil Society Organizations Call for an Immediate Halt to the Military Escalation "
                      "in Northeast Syria"),
                  (34, "Signatory organizations:"), (80, "-"), (84, "ABOUT STJ"),
                  (86, "Syrians for Truth and Justice (STJ) started as an idea in a co-founder's mind while "
                       "attending the U.S. Middle-East Partnership Initiative's (MEPI) Leaders for Democracy "
                       "Fellowship program (LDF) in 2015. The idea became a reality and flourished into an "
                       "independent, non-profit, impartial, non-governmental human rights organization."),
                  (88, "STJ's beginnings were more than humble; initially, it only reported stories of Syrians who "
                       "experienced arbitrary arrest, enforced disappearance, or torture. Planted in fertile soil, "
                       "the seed of this project grew into an established human rights organization licensed in the "
                       "Middle East and the European Union. STJ today undertakes to detect and uncover violations "
                       "of all types committed in all Syrian parts by the various parties to the conflict."),
                  (90, "Convinced that Syria's diversity is a wealth, our researchers and volunteers serve with "
                       "unfailing dedication to monitor, expose, and document human rights violations that "
                       "continue unabated in Syria since 2011, regardless of the affiliation of the victims or "
                       "perpetrators.")]),
    "003_464fc3a54cf8877a.txt": dict(
        slug="statement-on-syria-cessation-of-hostilities", date=None,
        title="A statement from 101 Syrian, regional and international humanitarian and human rights "
              "organisations on Syria’s Cessation of Hostilities",
        paragraphs=5, demands=0, signatories=99, shorts=7,
        left_out=[(1, "•")]),
    "004_a191c206c6ed1d3e.txt": dict(
        slug="syrian-csos-on-regime-attack-in-southern-syria", date=None, slug_option=True,
        title="Statement by Syrian CSOs in response to the Syrian regime attack against civilians in SouthernSyria",
        paragraphs=5, demands=7, signatories=44, shorts=2,
        left_out=[(1, "Joint Letter Intl Day in Support of Victims of Torture"), (2, "June 26, 2018"),
                  (3, "Darna Youth Center (Mustafa Shares His Love For Reading)"), (4, "August 2, 2018"),
                  (5, "Show all"), (21, "The undersigned organizations:"), (67, "Leave a Reply"),
                  (69, "Your email address will not be published. Required fields are marked *")]),
}


def test_seed_copies_are_the_shared_seeds():
    copies = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert copies == sorted(SEED_CASES)
    if SHARED_SEEDS.is_dir():
        for name in copies:
            assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name


@pytest.mark.parametrize("name", sorted(SEED_CASES), ids=lambda n: n[:3])
def test_seed_reimport_reproduces_the_source(name: str, empty: Path, pandoc: Pandoc):
    case = SEED_CASES[name]
    result = _import(SEEDS / name, empty, pandoc, slug=case["slug"] if case.get("slug_option") else None)
    assert result.path == empty / "source" / f"{case['slug']}.md"
    expected = (EXPECTED / f"{case['slug']}.md").read_text(encoding="utf-8")
    written = result.path.read_text(encoding="utf-8")
    assert written == expected, "".join(difflib.unified_diff(expected.splitlines(True), written.splitlines(True)))
    s = result.statement
    assert s.title == case["title"]
    assert s.date == case["date"]
    assert (result.paragraphs, result.demands) == (case["paragraphs"], case["demands"])
    assert len(s.signatories) == case["signatories"]
    assert sum(1 for x in s.signatories if x.short) == case["shorts"]
    assert _left_out(result) == case["left_out"]


def test_expected_files_are_the_repository_sources():
    """The goldens are source/ as committed, but for two names whose abbreviation is not their initials."""
    for golden in sorted(EXPECTED.glob("*.md")):
        source = (ROOT / "source" / golden.name).read_text(encoding="utf-8").splitlines()
        diff = [line for line in difflib.unified_diff(source, golden.read_text(encoding="utf-8").splitlines(),
                                                      lineterm="", n=0)
                if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        if golden.stem != "statement-on-syria-cessation-of-hostilities":
            assert diff == [], golden.name
        else:  # IYD (Turkish initials) and UOSSM (French initials): the editor split them, the importer asks
            assert diff == ["-  - name: Humanitarian Relief Association", "-    short: IYD",
                            "+  - Humanitarian Relief Association (IYD)",
                            "-  - name: Union of Relief and Medical Care Organizations", "-    short: UOSSM",
                            "+  - Union of Relief and Medical Care Organizations (UOSSM)"]


def test_seed_report_lists_gaps_duplicates_and_doubtful_abbreviations(empty: Path, pandoc: Pandoc):
    r004 = _import(SEEDS / "004_a191c206c6ed1d3e.txt", empty, pandoc, slug="s004")
    gaps = [str(w) for w in r004.warnings]
    assert len(gaps) == 1 and "skips 14, 27 and 36" in gaps[0] and ":35: warning:" in gaps[0]
    assert any("Syri Legal Network – NL" in n for n in r004.notes)
    report = r004.report()
    assert "numbering skips 14, 27 and 36" in report and "navigation to other pages: Show all" in report

    r002 = _import(SEEDS / "002_8a0ca22e61b5950c.txt", empty, pandoc)
    assert [w.location.line for w in r002.warnings] == [75]
    assert "“Dijla Organization for Development and Environment” repeats" in r002.warnings[0].message

    r003 = _import(SEEDS / "003_464fc3a54cf8877a.txt", empty, pandoc)
    assert "no signatory heading" in r003.warnings[0].message and r003.warnings[0].location.line == 15
    doubtful = " ".join(r003.notes)
    for short in ("IYD", "UOSSM", "FURAT", "MIDAD", "MASRRAT"):
        assert f"{short} is not the initials" in doubtful


# ─── statements in other shapes ────────────────────────────────────────────────

OWN_CASES = {
    "arabic.txt": dict(
        slug="2026-01-26-statement", title="بيان مشترك: أوقفوا استهداف المدنيين في حلب",
        date=datetime.date(2026, 1, 26), paragraphs=4, demands=3,
        signatories=["سوريون من أجل الحقيقة والعدالة (STJ)", "منظمة حقوق الإنسان في سوريا", "شبكة الصحفيين الكرد",
                     "مركز وصول لحقوق الإنسان", "منظمة نوجين للتنمية المجتمعية"]),
    "kurmanji.txt": dict(
        slug="2026-01-26-parastina-sivilan-li-kobane", title="Daxuyaniya hevbeş: Parastina sivîlan li Kobanê",
        date=datetime.date(2026, 1, 26), paragraphs=4, demands=3,
        signatories=["Rêxistina Mafên Mirovan li Sûriyê", "Navenda Lêkolînên Yasayî ya Kurd", "Komeleya Jinên Kurd",
                     "Tora Rojnamevanên Kurd"]),
    "dash-demands.txt": dict(
        slug="2026-01-26-joint-statement-on-detention-of-humanitarian",
        title="Joint Statement on the Detention of Humanitarian Workers in Idlib",
        date=datetime.date(2026, 1, 26), paragraphs=4, demands=3,
        signatories=[("Syrian Legal Development Programme", "SLDP"), "Women Now for Development", "Impunity Watch",
                     "Dawlaty", ("Syrians for Truth and Justice", "STJ")]),
    "bare-list.txt": dict(
        slug="2026-03-15-protection-of-detainee-files-in-raqqa",
        title="Civil Society Calls for the Protection of Detainee Files in Raqqa",
        date=datetime.date(2026, 3, 15), paragraphs=3, demands=0,
        signatories=["Caesar Families Association", "Families for Truth and Justice", "Ta'afi Initiative",
                     "Syrian Network for Human Rights", "The Day After",
                     ("Lawyers and Doctors for Human Rights", "LDHR")]),
    "blank-separated.md": dict(
        slug="2026-02-02-stop-forced-returns-of-syrian-refugees", title="Stop the Forced Returns of Syrian Refugees",
        date=datetime.date(2026, 2, 2), paragraphs=3, demands=0,
        signatories=[("Access Center for Human Rights", "ACHR"), "Dawlaty", "Impunity Watch",
                     "Lawyers and Doctors for Human Rights", "Syrian British Consortium", "The Syria Campaign"]),
    "word-statement.docx": dict(
        slug="2026-03-03-protect-civilians-and-detainees-in-afrin",
        title="Joint Statement: Protect Civilians and Detainees in Afrin",
        date=datetime.date(2026, 3, 3), paragraphs=4, demands=4,
        signatories=[("Syrians for Truth and Justice", "STJ"), "Lelun Association for Victims",
                     "Synergy Association for Victims", "Ezdina Organization", "Hevy for Relief and Development"]),
    "word-properties.docx": dict(
        slug="2026-01-27-kobani-must-not-be-besieged-again", title="Kobani Must Not Be Besieged Again",
        subtitle="Syrian organisations call for the immediate reopening of the roads to Kobani",
        date=datetime.date(2026, 1, 27), paragraphs=2, demands=0,
        signatories=["Jian Humanitarian Organisation", "Kurdish Journalists Network",
                     ("Humanitarian and Development Cooperation", "HDC")]),
    "web-page.html": dict(
        slug="2018-02-22-end-siege-of-eastern-ghouta-now", title="Syria: End the Siege of Eastern Ghouta Now",
        date=datetime.date(2018, 2, 22), paragraphs=4, demands=3,
        signatories=["Syria Relief", "Union of Medical Care and Relief Organizations",
                     ("Syrian American Medical Society", "SAMS"), "Physicians for Human Rights",
                     "Women Now for Development"]),
}


def _raw(name: str, tmp_path: Path, pandoc: Pandoc) -> Path:
    """The raw file; a Word document is made here from its Markdown, as an editor would save it."""
    if not name.endswith(".docx"):
        return DATA / name
    markdown = (DATA / f"{name}.md").read_text(encoding="utf-8")
    path = tmp_path / name
    pandoc.write(pandoc.read([markdown])[0], "docx", path=path)
    return path


@pytest.mark.parametrize("name", list(OWN_CASES))
def test_import_statement_shapes(name: str, empty: Path, tmp_path: Path, pandoc: Pandoc):
    case = OWN_CASES[name]
    result = _import(_raw(name, tmp_path, pandoc), empty, pandoc)
    s = result.statement
    assert result.path.name == f"{case['slug']}.md"
    assert s.title == case["title"]
    assert s.subtitle == case.get("subtitle")
    assert s.date == case["date"]
    assert (result.paragraphs, result.demands) == (case["paragraphs"], case["demands"])
    assert _names(s) == case["signatories"]


def test_arabic_statement_is_written_as_canonical_markdown(empty: Path, pandoc: Pandoc):
    result = _import(DATA / "arabic.txt", empty, pandoc)
    text = result.path.read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "بيان مشترك: أوقفوا استهداف المدنيين في حلب"\ndate: 2026-01-26\n')
    assert "\n1. الوقف الفوري" in text and "\n3. إجراء تحقيق" in text  # ١. -> 1.
    assert "pass --slug" in result.report()


def test_markdown_keeps_its_markup_and_joins_wrapped_lines(empty: Path, pandoc: Pandoc):
    result = _import(DATA / "blank-separated.md", empty, pandoc)
    body = result.statement.body
    assert body.splitlines()[0] == (
        "The undersigned organisations are **deeply concerned** by the growing number of forced returns of "
        "Syrian refugees from neighbouring countries, reported by the [UN Refugee Agency](https://www.unhcr.org).")
    assert _left_out(result) == [(14, "**Signatory organisations:**")]


def test_word_document_keeps_emphasis_and_numbering(empty: Path, tmp_path: Path, pandoc: Pandoc):
    result = _import(_raw("word-statement.docx", tmp_path, pandoc), empty, pandoc)
    body = result.statement.body
    assert "alarmed by *credible reports* of arbitrary arrests" in body
    assert "\n\n1. Release all civilians detained without charge.\n2. Return seized homes" in body
    assert [r.text for r in result.removed] == ["Signatory organisations"]


def test_web_page_clutter_is_left_out_and_listed(empty: Path, pandoc: Pandoc):
    result = _import(DATA / "web-page.html", empty, pandoc)
    left_out = {(r.why, r.text) for r in result.removed}
    assert {
        ("outside the page's <main> content", "Home"),
        ("outside the page's <main> content", "Aleppo: a year later December 22, 2017"),
        ("outside the page's <main> content", "© 2018 Coalition for Syria. All rights reserved."),
        ("navigation to other pages", "Home » Statements » Syria: End the Siege of Eastern Ghouta Now"),
        ("share or download link", "Share this:"),
        ("share or download link", "WhatsApp"),
        ("share or download link", "Download the statement (PDF)"),
        ("page footer", "About Coalition for Syria"),
        ("after “About Coalition for Syria”", "Leave a Reply"),
        ("signatory heading (the pipeline prints its own)", "Signatories"),
    } <= left_out
    body = result.statement.body
    for clutter in ("Share", "Facebook", "Download", "About", "Reply", "»"):
        assert clutter not in body
    assert "nearly 400,000 civilians" in body  # a paragraph wrapped in the HTML source is one line


def test_numbering_gap_duplicate_and_text_after_the_list(empty: Path, tmp_path: Path, pandoc: Pandoc):
    raw = tmp_path / "gaps.txt"
    raw.write_text("Statement on Afrin\n\nWe condemn the violations committed in Afrin by all parties.\n\n"
                   "Signatories:\n\n1. Alpha\n\n2. Beta\n\n4. Gamma\n\n4. ALPHA.\n\n"
                   "This statement remains open for signature by other organisations until the end of the month.\n",
                   encoding="utf-8")
    result = _import(raw, empty, pandoc)
    assert _names(result.statement) == ["Alpha", "Beta", "Gamma", "ALPHA."]
    messages = [(w.location.line, w.message) for w in result.warnings]
    assert (13, "“ALPHA.” repeats “Alpha” (line 7): both kept") in messages
    assert (11, "the signatory list's numbering skips 3 (4 names, numbered 1–4)") in messages
    assert (13, "the signatory list's numbering goes from 4 to 4") in messages
    assert any(line == 15 and "after the signatory list" in m for line, m in messages)
    assert result.statement.body.endswith("until the end of the month.\n")


def test_signatory_list_in_parts_numbered_from_one(empty: Path, tmp_path: Path, pandoc: Pandoc):
    raw = tmp_path / "parts.txt"
    raw.write_text("Statement on Afrin\n\nWe condemn the violations committed in Afrin by all parties.\n\n"
                   "Signatories\nSyrian organisations:\n1. Alpha\n2. Beta\n"
                   "International organisations:\n1. Gamma\n2. Delta\n", encoding="utf-8")
    result = _import(raw, empty, pandoc)
    assert _names(result.statement) == ["Alpha", "Beta", "Gamma", "Delta"]
    assert [(w.location.line, w.message) for w in result.warnings] == [
        (6, "the signatory list has a heading of its own (“Syrian organisations:”), left out"),
        (9, "the signatory list has a heading of its own (“International organisations:”), left out")]


# ─── mistakes: one clear message ───────────────────────────────────────────────

def test_no_title_asks_for_one_on_the_first_line(empty: Path, tmp_path: Path, pandoc: Pandoc):
    raw = tmp_path / "untitled.txt"
    raw.write_text("The undersigned organisations condemn the attack on the hospital in Idlib, which killed five "
                   "people and wounded many more.\n\nSignatories:\n- Alpha\n- Beta\n", encoding="utf-8")
    with pytest.raises(PipelineError) as err:
        _import(raw, empty, pandoc)
    assert err.value.problems[0].location.line == 1
    assert "no title found" in err.value.report() and "as the first line" in err.value.report()
    assert list((empty / "source").iterdir()) == []


def test_missing_title_taken_from_the_first_heading(empty: Path, tmp_path: Path, pandoc: Pandoc):
    raw = tmp_path / "heading-later.md"
    raw.write_text("The undersigned organisations condemn the attack on the hospital in Idlib, which killed five "
                   "people.\n\n## Stop Attacks on Hospitals in Idlib\n\nHospitals are protected under "
                   "international humanitarian law.\n\n## Signatories\n\n- Alpha\n- Beta\n", encoding="utf-8")
    result = _import(raw, empty, pandoc)
    assert result.statement.title == "Stop Attacks on Hospitals in Idlib"
    assert result.paragraphs == 2 and _names(result.statement) == ["Alpha", "Beta"]


def test_arabic_title_without_date_asks_for_a_slug(empty: Path, tmp_path: Path, pandoc: Pandoc):
    raw = tmp_path / "ar.txt"
    raw.write_text("بيان حول حلب\n\nتدين المنظمات الموقعة القصف.\n\nالموقعون:\n١. منظمة أ\n٢. منظمة ب\n",
                   encoding="utf-8")
    with pytest.raises(PipelineError, match="pass --slug"):
        _import(raw, empty, pandoc)
    result = _import(raw, empty, pandoc, slug="aleppo-statement")
    assert _names(result.statement) == ["منظمة أ", "منظمة ب"]


def test_existing_file_needs_force(empty: Path, pandoc: Pandoc):
    raw = DATA / "dash-demands.txt"
    first = _import(raw, empty, pandoc)
    first.path.write_text(first.path.read_text(encoding="utf-8").replace("Dawlaty", "Dawlaty (edited)"),
                          encoding="utf-8")
    with pytest.raises(PipelineError, match="already exists") as err:
        _import(raw, empty, pandoc)
    assert "--force" in err.value.report()
    assert "Dawlaty (edited)" in first.path.read_text(encoding="utf-8")
    again = _import(raw, empty, pandoc, force=True)
    assert again.written and "Dawlaty (edited)" not in again.path.read_text(encoding="utf-8")
    assert not _import(raw, empty, pandoc).written  # the same content: nothing to overwrite


def test_cli_import(project: Path, capsys):
    raw = DATA / "kurmanji.txt"
    assert main(["--project", str(project), "import", str(raw)]) == 0
    out = capsys.readouterr().out
    assert "source/2026-01-26-parastina-sivilan-li-kobane.md written" in out
    assert "date:        2026-01-26 (from line 3: “26ê Çileyê 2026”)" in out
    assert "signatory heading (the pipeline prints its own): Rêxistinên îmzeker:" in out
    assert main(["--project", str(project), "import", str(raw), "--slug", "2026-01-26-protect-civilians"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("source/2026-01-26-protect-civilians.md: this statement already exists")
    assert main(["--project", str(project), "import", str(DATA / "nope.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["--project", str(project), "import", str(raw), "--slug", "Bad Slug"]) == 2
    assert "cannot be a file name" in capsys.readouterr().err


# ─── the recognisers ───────────────────────────────────────────────────────────

@pytest.mark.parametrize("text", [
    "2026-01-26", "January 26, 2026", "26 January 2026", "26/01/2026", "Jan. 26, 2026", "Monday, 26 January 2026",
    "26th of January, 2026", "Published on January 26, 2026", "٢٦ كانون الثاني ٢٠٢٦", "26 يناير 2026",
    "الاثنين ٢٦ كانون الثاني/يناير ٢٠٢٦", "دمشق، ٢٦ يناير ٢٠٢٦م", "التاريخ: ٢٠٢٦/٠١/٢٦", "26ê Çileyê 2026",
    "26 Çile 2026", "Qamişlo, 26ê Çileyê 2026", "Dîrok: 26.01.2026",
])
def test_parse_date_formats(text: str):
    assert parse_date(text) == datetime.date(2026, 1, 26)


@pytest.mark.parametrize("text, expected", [
    ("٣ تشرين الأول ٢٠٢٤", datetime.date(2024, 10, 3)), ("١٥ آب ٢٠٢٥", datetime.date(2025, 8, 15)),
    ("5 أيار 2025", datetime.date(2025, 5, 5)), ("9ê Îlonê 2025", datetime.date(2025, 9, 9)),
    ("12ê Mijdarê 2025", datetime.date(2025, 11, 12)), ("20ê Kanûnê 2025", datetime.date(2025, 12, 20)),
    ("3ê Sibatê 2026", datetime.date(2026, 2, 3)), ("1ê Nîsanê 2026", datetime.date(2026, 4, 1)),
    ("01/26/2026", datetime.date(2026, 1, 26)),
    ("31/02/2026", None), ("June 2018", None), ("2018", None),
    ("In an unprecedented escalation, on 7 January 2026, the Ministry of Defense announced", None),
])
def test_parse_date_months_and_non_dates(text: str, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, name, short", [
    ("Syrian Legal Development Programme (SLDP)", "Syrian Legal Development Programme", "SLDP"),
    ("Syrians for Truth and Justice – STJ", "Syrians for Truth and Justice", "STJ"),
    ("Network of Statelessness Victims in al-Hasakah (NSVH)", "Network of Statelessness Victims in al-Hasakah",
     "NSVH"),
    ("Local Development and Small-Projects Support (LDSPS)", "Local Development and Small-Projects Support", "LDSPS"),
    ("Arab program for human rights activists (APHRA)", "Arab program for human rights activists", "APHRA"),
    ("Syrian Engineers for Construction and Development Organization (SECD)",
     "Syrian Engineers for Construction and Development Organization", "SECD"),
    ("SCM – Syrian Center for Media and Freedom of Expression", "Syrian Center for Media and Freedom of Expression",
     "SCM"),
    # ambiguous: kept as written
    ("The Kurdish Legal Studies Center (YASA)", "The Kurdish Legal Studies Center (YASA)", None),
    ("Deir Elzzor United Association (FURAT)", "Deir Elzzor United Association (FURAT)", None),
    ("H.R.C ((humanitarian relief committee)", "H.R.C ((humanitarian relief committee)", None),
    ("IYD (humanitarian relief Association)", "IYD (humanitarian relief Association)", None),
    ("UOSSM (Union of medical care and relief organization)",
     "UOSSM (Union of medical care and relief organization)", None),
    ("Syri Legal Network – NL", "Syri Legal Network – NL", None),
    ("CCFD - Terre Solidaire", "CCFD - Terre Solidaire", None),
    ("PÊL- Civil Waves", "PÊL- Civil Waves", None),
    ("Jiyan – Kurdish Women's Movement", "Jiyan – Kurdish Women's Movement", None),
    ("Syrian Civil Defense (White Helmets)", "Syrian Civil Defense (White Helmets)", None),
])
def test_split_name_only_when_clearly_initials(text: str, name: str, short):
    assert split_name(text)[:2] == (name, short)


def test_make_slug():
    assert make_slug("Urgent Call to Protect Civilians, Halt Military Operations, and Adopt Political Solutions",
                     datetime.date(2026, 1, 26)) == "2026-01-26-urgent-call-to-protect-civilians"
    assert make_slug("Syria: Civil Society Organizations Call for an Immediate Halt to the Military Escalation in "
                     "Northeast Syria", None) == "immediate-halt-to-military-escalation-in-northeast-syria"
    long = make_slug("Statement by Syrian CSOs in response to the Syrian regime attack against civilians in "
                     "SouthernSyria", datetime.date(2018, 7, 1))
    assert long == "2018-07-01-statement-on-syrian-regime-attack" and len(long) <= 60
    assert make_slug("Daxuyaniya hevbeş: Rawestandina şer li Efrînê", None) == "rawestandina-ser-li-efrine"
    assert make_slug("بيان حول حلب", datetime.date(2026, 1, 26)) == "2026-01-26-statement"
