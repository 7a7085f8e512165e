"""pipeline.poformat against the real GNU gettext: msgcat must leave its output unchanged."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.poformat import Entry, char_width, escape, format_entry, format_po, wrap_string

HEADER_FIELDS = [
    ("Project-Id-Version", "urgent-call-to-protect-civilians"),
    ("Report-Msgid-Bugs-To", ""),
    ("POT-Creation-Date", "2026-01-26 09:00+0000"),
    ("PO-Revision-Date", "2026-01-27 10:30+0000"),
    ("Last-Translator", "Translation Team <translations@example.org>"),
    ("Language-Team", "Translation Team <translations@example.org>"),
    ("MIME-Version", "1.0"),
    ("Content-Type", "text/plain; charset=UTF-8"),
    ("Content-Transfer-Encoding", "8bit"),
]
PLURAL_FORMS = {
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
          ": n%100>=11 ? 4 : 5);",
    "ku": "nplurals=2; plural=(n != 1);",
    "ckb": "nplurals=2; plural=(n != 1);",
}
SOURCE = "source/2026-01-26-urgent-call-to-protect-civilians.md"


def header(lang: str | None) -> str:
    fields = list(HEADER_FIELDS)
    if lang:
        fields.insert(6, ("Language", lang))
        fields.append(("Plural-Forms", PLURAL_FORMS[lang]))
    return "".join(f"{k}: {v}\n" for k, v in fields)


def run(*cmd: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(cmd, capture_output=True, check=False)


def assert_msgcat_identity(text: str, path: Path, *, width: int = 79) -> None:
    """Writing `text` and running msgcat over it gives back exactly the same bytes."""
    path.write_bytes(text.encode("utf-8"))
    cat = run("msgcat", "--force-po", f"--width={width}", str(path))  # header-only: no output without it
    assert cat.returncode == 0, cat.stderr.decode()
    assert cat.stdout.decode("utf-8") == text  # str diff: readable pytest output
    assert cat.stdout == text.encode("utf-8")


def assert_msgfmt_accepts(path: Path) -> None:
    check = run("msgfmt", "--check", "-o", "/dev/null", str(path))
    assert check.returncode == 0, check.stderr.decode()


# ---------------------------------------------------------------- fixtures

EN = {
    "title": "Urgent Call to Protect Civilians, Halt Military Operations, and Adopt "
             "Political Solutions",
    "intro": "The undersigned organizations call for the immediate cessation of military "
             "operations in northeastern Syria, the protection of civilians and civilian "
             "infrastructure, and an urgent return to negotiations.",
    "figures": "According to the UN Office for the Coordination of Humanitarian Affairs (OCHA), "
               "more than 134,000 people have been displaced since 21 January 2026 — most of "
               "them women and children; 2.5 million people (40%) lack clean water.",
    "link": "Read the full report on [our website](https://example.org/reports/2026-01/"
            "north-east-syria?lang=en&section=displacement) and the **joint statement** of 12 "
            "organizations.^[Figures as of 25 January 2026; see also “Syria: Humanitarian "
            "Update No. 3” and ‘Flash Appeal’ (pp. 4–7).]",
    "quote": 'A witness told us: "They shelled the market at noon / there was no warning." '
             "Markdown stars stay literal: 5 \\* 3 and C:\\\\reports.",
    "lines": "First demand: a ceasefire.\nSecond demand: humanitarian access.\n",
    "signed": "Signed:",
    "orgs": "Syrians for Truth and Justice (STJ) – Hevdesti – Synergy Association for Victims – "
            "Lawyers and Doctors for Human Rights (LDHR) – Dawlaty – Women Now for Development",
}

TRANSLATIONS = {
    "ar": {
        "title": "نداء عاجل لحماية المدنيين ووقف العمليات العسكرية واعتماد الحلول السياسية",
        "intro": "تطالب المنظمات الموقعة أدناه بالوقف الفوري للعمليات العسكرية في شمال شرق "
                 "سوريا، وحماية المدنيين والبنية التحتية المدنية، والعودة العاجلة إلى المفاوضات.",
        "figures": "وفقاً لمكتب الأمم المتحدة لتنسيق الشؤون الإنسانية (أوتشا)، نزح أكثر من "
                   "١٣٤٬٠٠٠ شخص منذ ٢١ كانون الثاني/يناير ٢٠٢٦ — معظمهم من النساء والأطفال؛ "
                   "ويفتقر ٢٫٥ مليون شخص (٤٠٪) إلى المياه النظيفة.",
        "link": "اقرأ التقرير الكامل على [موقعنا](https://example.org/reports/2026-01/"
                "north-east-syria?lang=ar&section=displacement) و**البيان المشترك** لـ١٢ "
                "منظمة.^[الأرقام حتى ٢٥ كانون الثاني/يناير ٢٠٢٦؛ انظر أيضاً «سوريا: تحديث "
                "إنساني رقم ٣» و«النداء العاجل» (ص ٤–٧).]",
        "quote": "قال لنا أحد الشهود: \"قَصَفُوا السُّوقَ عِنْدَ الظُّهْرِ / لَمْ يَكُنْ "
                 "هُنَاكَ أَيُّ تَحْذِيرٍ.\" تبقى النجوم حرفية: 5 \\* 3 و C:\\\\reports؟",
        "lines": "المطلب الأول: وقف إطلاق النار.\nالمطلب الثاني: وصول المساعدات الإنسانية.\n",
        "signed": "التوقيع:",
        "orgs": "سوريون من أجل الحقيقة والعدالة – هفدستي – رابطة تآزر للضحايا – محامون وأطباء "
                "من أجل حقوق الإنسان – دولتي – النساء الآن من أجل التنمية",
    },
    "ku": {
        "title": "Banga Lezgîn ji bo Parastina Sivîlan, Rawestandina Operasyonên Leşkerî û "
                 "Pejirandina Çareseriyên Siyasî",
        "intro": "Rêxistinên jêrîn daxwaza rawestandina yekser a operasyonên leşkerî li bakurê "
                 "rojhilatê Sûriyeyê, parastina sivîlan û binesaziya sivîl, û vegera lezgîn a "
                 "danûstandinan dikin.",
        "figures": "Li gorî Ofîsa Koordînasyona Karûbarên Mirovî ya NY (OCHA), ji 21ê Çileya "
                   "Paşîn a 2026an ve zêdetirî 134,000 kes koçber bûne — piraniya wan jin û "
                   "zarok in; 2.5 milyon kes (40%) bê ava paqij in.",
        "link": "Rapora temam li ser [malpera me](https://example.org/reports/2026-01/"
                "north-east-syria?lang=ku&section=displacement) û **daxuyaniya hevpar** a 12 "
                "rêxistinan bixwînin.^[Hejmar heta 25ê Çileya Paşîn a 2026an; her wiha binêre "
                "“Sûriye: Nûkirina Mirovî Hejmar 3” û ‘Banga Lezgîn’ (r. 4–7).]",
        "quote": 'Şahidekî ji me re got: "Wan sûk di nîvro de bombe kir / tu hişyarî tune bû." '
                 "Stêrk wekî xwe dimînin: 5 \\* 3 û C:\\\\reports.",
        "lines": "Daxwaza yekem: agirbest.\nDaxwaza duyem: gihîştina alîkariya mirovî.\n",
        "signed": "Îmze:",
        "orgs": "Sûriyeyî ji bo Rastî û Dadê (STJ) – Hevdestî – Komeleya Sînerjiyê ji bo "
                "Qurbaniyan – Parêzer û Bijîşkên ji bo Mafên Mirovan (LDHR) – Dewleta Min",
    },
    "ckb": {
        "title": "بانگەوازێکی خێرا بۆ پاراستنی هاووڵاتیانی مەدەنی و ڕاگرتنی ئۆپەراسیۆنە "
                 "سەربازییەکان",
        "intro": "ڕێکخراوە واژووکەرەکان داوای ڕاگرتنی دەستبەجێی ئۆپەراسیۆنە سەربازییەکان لە "
                 "باکووری ڕۆژهەڵاتی سووریا، پاراستنی هاووڵاتیانی مەدەنی و ژێرخانی مەدەنی، و "
                 "گەڕانەوەی خێرا بۆ دانوستان دەکەن.",
        "figures": "بەپێی ئۆفیسی هەماهەنگیی کاروباری مرۆیی نەتەوە یەکگرتووەکان (OCHA)، زیاتر لە "
                   "١٣٤٬٠٠٠ کەس لە ٢١ی کانوونی دووەمی ٢٠٢٦ەوە ئاوارە بوون — زۆربەیان ژن و "
                   "منداڵن؛ ٢٫٥ ملیۆن کەس (٤٠٪) ئاوی پاکیان نییە.",
        "link": "ڕاپۆرتی تەواو لە [ماڵپەڕەکەمان](https://example.org/reports/2026-01/"
                "north-east-syria?lang=ckb&section=displacement) و **بەیاننامەی هاوبەش**ی ١٢ "
                "ڕێکخراو بخوێنەوە.^[ژمارەکان تا ٢٥ی کانوونی دووەمی ٢٠٢٦؛ هەروەها بڕوانە "
                "«سووریا: نوێکردنەوەی مرۆیی ژمارە ٣» (ل. ٤–٧).]",
        "quote": "شایەتحاڵێک پێی وتین: \"بازاڕەکەیان لە نیوەڕۆدا تۆپباران کرد / هیچ ئاگادارکردنەوەیەک "
                 "نەبوو.\" ئەستێرەکان وەک خۆیان دەمێننەوە: 5 \\* 3 و C:\\\\reports؟",
        "lines": "داوای یەکەم: ئاگربەست.\nداوای دووەم: گەیاندنی هاوکاریی مرۆیی.\n",
        "signed": "واژوو:",
        "orgs": "سووریەکان بۆ ڕاستی و دادپەروەری (STJ) – هەڤدەستی – کۆمەڵەی سینەرجی بۆ "
                "قوربانیان – پارێزەران و پزیشکان بۆ مافەکانی مرۆڤ (LDHR) – دەوڵەتی من",
    },
}

KINDS = {"title": "title", "intro": "paragraph", "figures": "paragraph", "link": "paragraph",
         "quote": "blockquote", "lines": "list", "signed": "signature", "orgs": "signatories"}
PLURAL_EN = ("%(count)d organization signed this statement.",
             "%(count)d organizations signed this statement.")
PLURAL_TR = {
    "ar": ("لم توقع أي منظمة", "وقعت منظمة واحدة (%(count)d)", "وقعت منظمتان (%(count)d)",
           "وقعت %(count)d منظمات على هذا البيان.", "وقعت %(count)d منظمة على هذا البيان.",
           "وقعت %(count)d منظمة على هذا البيان."),
    "ku": ("%(count)d rêxistinê ev daxuyanî îmze kir.", "%(count)d rêxistinan ev daxuyanî îmze kirin."),
    "ckb": ("%(count)d ڕێکخراو ئەم بەیاننامەیەی واژوو کرد.",
            "%(count)d ڕێکخراو ئەم بەیاننامەیەیان واژوو کرد."),
}


def template_entries() -> list[Entry]:
    entries = [
        Entry(msgid=text, msgctxt="title" if key == "title" else None,
              extracted_comments=(KINDS[key],),
              references=(SOURCE, "./source/shared/signatories.md") if key == "orgs" else (SOURCE,))
        for key, text in EN.items()
    ]
    entries.append(Entry(msgid="Signed:", msgctxt="footer", extracted_comments=("signature line",),
                         references=(SOURCE,)))
    entries.append(Entry(msgid=PLURAL_EN[0], msgid_plural=PLURAL_EN[1], msgstr_plural=("", ""),
                         flags=("python-format",), extracted_comments=("user interface",),
                         references=tuple(f"pipeline/render/{n}.py" for n in
                                          ("html", "docx", "pdf", "common", "signatories",
                                           "footnotes", "layout"))))
    return entries


def translated_entries(lang: str) -> list[Entry]:
    tr = TRANSLATIONS[lang]
    entries = []
    for e, key in zip(template_entries(), list(EN) + ["footer", "plural"]):
        if key == "plural":
            entries.append(Entry(msgid=e.msgid, msgid_plural=e.msgid_plural, msgstr_plural=PLURAL_TR[lang],
                                 flags=e.flags, extracted_comments=e.extracted_comments,
                                 references=e.references))
        elif key == "footer":
            entries.append(Entry(msgid=e.msgid, msgctxt=e.msgctxt, msgstr=tr["signed"],
                                 extracted_comments=e.extracted_comments, references=e.references,
                                 translator_comments=("Reviewed by the legal team.", "")))
        elif key == "figures":  # the source changed: fuzzy, with the long previous msgid
            entries.append(Entry(msgid=e.msgid, msgstr=tr[key], flags=("fuzzy",),
                                 extracted_comments=e.extracted_comments, references=e.references,
                                 previous_msgid=e.msgid.replace("134,000", "120,000").replace(
                                     "21 January 2026", "20 January 2026 (initial estimate)")))
        elif key == "quote":  # an untranslated entry
            entries.append(e)
        else:
            entries.append(Entry(msgid=e.msgid, msgctxt=e.msgctxt, msgstr=tr[key],
                                 extracted_comments=e.extracted_comments, references=e.references))
    entries += [
        Entry(msgid="The agreement reached on 18 January 2026 was welcomed by the undersigned "
                    "organizations, who urged all parties to respect international humanitarian law.",
              msgstr=tr["intro"], obsolete=True, translator_comments=("kept from the previous draft",)),
        Entry(msgid="Earlier draft title with a previous context", msgstr=tr["title"], obsolete=True,
              msgctxt="title", flags=("fuzzy",), previous_msgctxt="heading",
              previous_msgid="An even earlier draft title, long enough to need wrapping inside the "
                             "obsolete previous-msgid comment lines"),
        Entry(msgid="Dropped by msgcat: an obsolete entry without translation", obsolete=True),
    ]
    return entries


FIXTURES = {
    "template.pot": (["# Translation template for: " + EN["title"], "#", "#, fuzzy"],
                     header(None), template_entries()),
    **{f"{lang}.po": ([f"# Translation of: {EN['title']}",
                       "# Copyright (C) 2026 the undersigned organizations"],
                      header(lang), translated_entries(lang)) for lang in TRANSLATIONS},
}


# ---------------------------------------------------------------- realistic files

@pytest.mark.parametrize("name", sorted(FIXTURES))
@pytest.mark.parametrize("width", [79, 60])
def test_realistic_file_is_msgcat_fixed_point(name: str, width: int, tmp_path: Path) -> None:
    comments, head, entries = FIXTURES[name]
    text = format_po(comments, head, entries, width=width)
    assert_msgcat_identity(text, tmp_path / name, width=width)
    assert_msgfmt_accepts(tmp_path / name)


def test_realistic_file_shape(tmp_path: Path) -> None:
    text = format_po(*FIXTURES["ar.po"])
    assert text.startswith("# Translation of: Urgent Call")
    assert '\nmsgid ""\nmsgstr ""\n"Project-Id-Version: urgent-call-to-protect-civilians\\n"\n' in text
    assert "\n#, fuzzy\n#| msgid \"\"\n#| \"According to the UN Office" in text
    assert "Dropped by msgcat" not in text  # obsolete and untranslated
    assert text.index("#~ msgid") > text.index("msgstr[5]")  # obsolete entries come last
    assert "\n#~ #, fuzzy" not in text and "\n#, fuzzy\n#~| msgctxt \"heading\"\n" in text
    strings = [line for line in text.splitlines() if not line.startswith("# ")]  # not wrapped
    assert max(sum(map(char_width, line)) for line in strings) <= 79


# ---------------------------------------------------------------- targeted GNU rules

def boundary_entries() -> list[Entry]:
    """Strings whose lines end exactly at, one before and one after the width."""
    entries = []
    for n in range(66, 84):
        entries.append(Entry(msgid=f"{n:02d}" + "x" * (n - 2), msgstr="y" * n))
        words = ("ab " * 40)[: n - 1] + "Z"
        entries.append(Entry(msgid=words + f" {n}", msgstr=words.replace("ab", "أب")))
        entries.append(Entry(msgid=f"q{n} " + "w" * (n - 8) + " tail", msgstr="\"" * (n // 2)))
        entries.append(Entry(msgid=f"nl{n} " + "n" * (n - 6) + "\n", msgstr="m" * (n - 4) + "\n"))
    return entries


EDGE_ENTRIES = [
    Entry(msgid="empty translation"),
    Entry(msgid="\n", msgstr="\n"),
    Entry(msgid="\n\n", msgstr="\n\n\n"),
    Entry(msgid="ends with newline\n", msgstr="ends with newline too\n"),
    Entry(msgid="starts\nin the middle\nand at the end\n", msgstr="x\ny\nz\n"),
    Entry(msgid="a" * 200, msgstr="https://example.org/" + "very-long-path-segment/" * 6),
    Entry(msgid="tabs\tand\tbackslashes \\ and quotes \"\" and a bell \a and CR \r",
          msgstr="\\" * 90),
    Entry(msgid="control \x01 \x1b \x7f characters stay raw", msgstr="ok"),
    Entry(msgid="zero width: ‌ and ‍ and harakat " + "بِسْمِ اللَّهِ الرَّحْمَٰنِ " * 4, msgstr="ok"),
    Entry(msgid="wide 中文字符 " * 8, msgstr="全角文字" * 12),
    Entry(msgid="Kurmanji: Çawa ye? Şêx û Îbrahîm li Amûdê ne – “baş” ‘e’ " * 3, msgstr="ok"),
    Entry(msgid="Sorani: ئێمە لە ڕۆژهەڵاتی کوردستانین، ئەوان لە باشوورن؟ ٪١٠ " * 3, msgstr="ok"),
    Entry(msgid="context only", msgctxt=""),
    Entry(msgid="", msgctxt="empty msgid with a context", msgstr="x"),
    Entry(msgid="no-wrap " * 20, msgstr="kept on one line " * 10, flags=("no-wrap", "fuzzy")),
    Entry(msgid="python %(name with spaces)s and %(a-b)s and % d: " + "word " * 15,
          msgstr="%(name with spaces)s %(a-b)s " * 4, flags=("python-format",)),
    Entry(msgid="flags", msgstr="x", flags=("wrap", "no-c-format", "fuzzy", "possible-python-format",
                                            "impossible-sh-format", "range: 01..5")),
    Entry(msgid="fuzzy is dropped when the msgstr is empty", flags=("fuzzy",)),
    Entry(msgid="references", msgstr="x",
          references=tuple(f"./docs/statements/part-{n:03d}.md" for n in range(12))
          + ("docs/statements/part-000.md", "./docs/statements/part-000.md:012", "README.md:12")),
    Entry(msgid="comments", msgstr="x", translator_comments=("", "  indented", "two\nlines", "end "),
          extracted_comments=("", " spaced", "#. looks like a marker")),
    Entry(msgid="prev", msgstr="x", flags=("fuzzy",), previous_msgctxt="old context " * 8,
          previous_msgid="old\nmultiline\n", previous_msgid_plural="old plural"),
    Entry(msgid="%(n)d file", msgid_plural="%(n)d files " * 10, msgstr_plural=("", "y"),
          flags=("fuzzy", "python-format")),
    Entry(msgid="obsolete plural", msgid_plural="obsolete plurals", msgstr_plural=("x", ""),
          obsolete=True, flags=("no-wrap",)),
    Entry(msgid="obsolete " * 30, msgstr="مهمل " * 30, msgctxt="ctx " * 30, obsolete=True,
          previous_msgid="older " * 30, flags=("fuzzy", "range: 1..3")),
]


@pytest.mark.parametrize("width", [79, 20, 33, 100])
def test_edge_cases_are_msgcat_fixed_point(width: int, tmp_path: Path) -> None:
    text = format_po(["# edge cases", "#", "#, fuzzy"], header("ar"),
                     boundary_entries() + EDGE_ENTRIES, width=width)
    assert_msgcat_identity(text, tmp_path / "edge.po", width=width)


def test_width_below_20_behaves_like_msgcat(tmp_path: Path) -> None:
    text = format_po([], header(None), EDGE_ENTRIES, width=5)
    assert text == format_po([], header(None), EDGE_ENTRIES, width=20)
    assert_msgcat_identity(text, tmp_path / "narrow.po", width=5)


def test_unknown_flags_are_kept_after_gnu_flags(tmp_path: Path) -> None:
    entries = [Entry(msgid="a", msgstr="b", flags=("markdown-text", "fuzzy", "ignore-urls",
                                                   "no-wrap", "markdown-text")),
               Entry(msgid="c", flags=("markdown-text",))]
    text = format_po([], header(None), entries)
    assert "#, fuzzy, no-wrap, markdown-text, ignore-urls\nmsgid \"a\"" in text
    assert "#, markdown-text\nmsgid \"c\"" in text
    # msgcat (GNU gettext 0.21) drops flags it does not know; nothing else changes.
    path = tmp_path / "flags.po"
    path.write_text(text, encoding="utf-8")
    expected = text.replace(", markdown-text, ignore-urls", "").replace("#, markdown-text\n", "")
    assert run("msgcat", str(path)).stdout.decode() == expected


# ---------------------------------------------------------------- API

def test_wrap_string_examples() -> None:
    assert wrap_string("msgid", "") == ['msgid ""']
    assert wrap_string("msgid", "\n") == ['msgid "\\n"']
    assert wrap_string("msgstr", "a\nb") == ['msgstr ""', '"a\\n"', '"b"']
    fits = "x " * 35 + "x"  # msgid "…" is exactly 79 columns
    assert wrap_string("msgid", fits) == [f'msgid "{fits}"']
    assert wrap_string("msgid", fits + "y") == ['msgid ""', f'"{fits}y"']
    assert wrap_string("msgid", "x" * 200) == [f'msgid "{"x" * 200}"']  # no break opportunity
    assert wrap_string("msgid", "one two", prefix="#~ ") == ['#~ msgid "one two"']
    long = "word " * 20
    assert wrap_string("msgid", long, prefix="#| ") == [
        '#| msgid ""', '#| "' + "word " * 14 + '"', '#| "' + "word " * 6 + '"']


def test_escape_and_widths() -> None:
    assert escape('a"b\\c\n\t\r\a\x01') == 'a\\"b\\\\c\\n\\t\\r\\a\x01'
    assert [char_width(c) for c in "aێ\u064b\u0652\u200c\u200d中\x01"] == [1, 1, 0, 0, 0, 0, 2, 0]


def test_format_entry_drops_what_msgcat_drops() -> None:
    assert format_entry(Entry(msgid="gone", obsolete=True)) == []
    assert format_entry(Entry(msgid="x", msgstr="", flags=("fuzzy",))) == ['msgid "x"', 'msgstr ""']
    assert format_entry(Entry(msgid="x", msgstr="y", references=("./a.md", "a.md", "a.md:07"))) == [
        "#: a.md a.md:7", 'msgid "x"', 'msgstr "y"']


@pytest.mark.parametrize("bad", [
    Entry(msgid="x", msgid_plural="xs"),
    Entry(msgid="x", msgstr_plural=("a",)),
    Entry(msgid="x", previous_msgctxt="ctx"),
    Entry(msgid="x", translator_comments=("ends with a backslash\\",)),
    Entry(msgid="x", references=("two words.md",)),
    Entry(msgid="x", flags=("fuzzy, no-wrap",)),
    Entry(msgid="x\0y"),
])
def test_unrepresentable_entries_raise(bad: Entry) -> None:
    with pytest.raises(ValueError):
        format_po([], header(None), [bad])


def test_file_level_errors() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        format_po([], header(None), [Entry("a", "1"), Entry("a", "2", obsolete=True)])
    with pytest.raises(ValueError, match="header"):
        format_po([], header(None), [Entry("")])
    with pytest.raises(ValueError, match="charset"):
        format_po([], "Content-Type: text/plain; charset=CHARSET\n", [Entry("سلام")])
    with pytest.raises(ValueError):
        format_po(["not a comment"], header(None), [])


# ---------------------------------------------------------------- property test

LETTERS = "abcdefghijklmnopqrstuvwxyzABCZêîûçşÊÎÛÇŞ" "ابتثجحخدذرزسشصضطظعغفقكلمنهوية" "ێۆڕڵەگچپژڤ"
MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u200c\u200d"
PUNCT = " ,.;:!?-–—/()[]{}“”‘’«»\"'،؛؟٪*^_\\#%&+=<>|~`@$"
DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩٬٫"
TOKENS = ["https://example.org/a-b/c?d=e", "**bold**", "[text](https://example.org/x)", "^[note]",
          "\\*", "134,000", "١٣٤٬٠٠٠", "2.5", "\n", "\n\n", "  ", "— ", " – ", "«", "»"]
WORDS = ["the", "civilians", "organizations", "protection", "المدنيين", "حماية", "المنظمات",
         "sivîlan", "parastina", "rêxistinên", "هاووڵاتیانی", "پاراستنی", "ڕێکخراوە", "2026"]

pieces = st.one_of(st.sampled_from(LETTERS), st.sampled_from(MARKS), st.sampled_from(PUNCT),
                   st.sampled_from(DIGITS), st.sampled_from(TOKENS), st.sampled_from(WORDS),
                   st.just(" "))
texts = st.lists(pieces, max_size=90).map("".join)


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    msgid = draw(texts)
    ctx = draw(st.none() | texts)
    obsolete = draw(st.booleans())
    plural = draw(st.integers(0, 7)) == 0
    kw: dict = {}
    if plural:
        kw["msgid_plural"] = draw(texts)
        kw["msgstr_plural"] = (draw(texts), draw(texts))
    else:
        kw["msgstr"] = draw(texts)
    if draw(st.booleans()):
        kw["flags"] = ("fuzzy",)
        if draw(st.booleans()):
            kw["previous_msgid"] = draw(texts)
            kw["previous_msgctxt"] = draw(st.none() | texts)
    return Entry(msgid=msgid if msgid or ctx is not None else "-", msgctxt=ctx,
                 obsolete=obsolete, **kw)


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(entries(), min_size=1, max_size=12, unique_by=lambda e: (e.msgctxt, e.msgid)),
       st.sampled_from([79, 79, 40, 20]))
def test_generated_entries_are_msgcat_fixed_point(tmp_path_factory: pytest.TempPathFactory,
                                                   generated: list[Entry], width: int) -> None:
    text = format_po(["# generated"], header("ku"), generated, width=width)
    assert_msgcat_identity(text, tmp_path_factory.getbasetemp() / "generated.po", width=width)


# A text with no mandatory break, combining mark, joiner or flag takes the short cut
# (_breaks_near): it must break where the state machine and its fill do.
plain_pieces = st.one_of(st.sampled_from(LETTERS), st.sampled_from(PUNCT), st.sampled_from(DIGITS),
                         st.sampled_from(WORDS), st.sampled_from(["https://example.org/a-b/c?d=e", "  ", "— "]))


@settings(max_examples=1000, deadline=None, database=None)
@given(st.lists(plain_pieces, max_size=200).map("".join) | texts, st.integers(-5, 60), st.integers(0, 30),
       st.sets(st.integers(0, 300), max_size=20))
def test_short_cuts_break_where_the_state_machine_does(text: str, width: int, start: int,
                                                       forbidden: set[int]) -> None:
    from pipeline.poformat import (_SPECIAL, _break_opportunities, _breaks_near, _classes,
                                   _width_linebreaks)
    escaped = escape(text)
    classes = _classes(escaped)
    if _SPECIAL.search(classes):
        return
    opportunities = [(i, code) for i, code in _break_opportunities(escaped) if i not in forbidden]
    columns = [0]
    for ch in escaped:
        columns.append(columns[-1] + char_width(ch))
    assert _breaks_near(classes, forbidden, columns, width, start) == \
        _width_linebreaks(opportunities, columns, width, start)
