"""Quality checks: realistic bad translations are caught, good ones are not flagged."""
from __future__ import annotations

from pathlib import Path

import polib
import pytest

from pipeline.checks import Pair, numbers, run_checks, signatory_key
from pipeline.cli import main
from pipeline.locale import language

AR, KU, CKB = language("ar", "ar_SY"), language("ku"), language("ckb")
SLUG = "2026-01-26-protect-civilians"


@pytest.fixture(scope="module")
def read(request):
    from pipeline.pandoc import Pandoc

    worker = Pandoc()
    request.addfinalizer(worker.close)
    return lambda text: worker.read([text])[0]["blocks"]


def findings(read, msgid: str, msgstr: str, lang=AR, flags=(), signatory=False):
    pair = Pair(msgid, msgstr, read(msgid), read(msgstr), lang, signatory=signatory)
    return [(f.check, f.severity, f.message) for f in run_checks(pair, set(flags))]


GOOD = [
    ("The undersigned are **deeply concerned** about [the UN](https://news.un.org/x) report.",
     "تعرب المنظمات الموقعة عن **قلقها البالغ** إزاء تقرير [الأمم المتحدة](https://news.un.org/x).", AR),
    ("See [the UN](https://un.org/a) and [OCHA](https://ocha.org/b).",
     "راجع [أوتشا](https://ocha.org/b) و[الأمم المتحدة](https://un.org/a).", AR),  # links reordered
    ("More than 134,000 people were displaced on 21 January 2026.",
     "نزح أكثر من ١٣٤٬٠٠٠ شخص في ٢١ كانون الثاني ٢٠٢٦.", AR),
    ("More than 134,000 people were displaced.", "Zêdetirî 134.000 kes koçber bûn.", KU),
    ("Implement Security Council resolution 2254?", "تطبيق قرار مجلس الأمن ٢٢٥٤؟", AR),
    ("Call on all parties, immediately:", "بانگ لە هەموو لایەنەکان دەکەین، دەستبەجێ:", CKB),
    ("Write to info@example.org.", "Ji info@example.org re binivîsin.", KU),
    ("A note.^[OCHA, Flash Update No. 3.]", "تێبینییەک.^[OCHA، ڕاپۆرتی خێرا ژمارە ٣.]", CKB),
]


@pytest.mark.parametrize("msgid,msgstr,lang", GOOD)
def test_good_translations_are_not_flagged(read, msgid, msgstr, lang):
    assert findings(read, msgid, msgstr, lang) == []


BAD = [
    # markup
    ("The undersigned are **deeply concerned**.", "المنظمات الموقعة قلقة للغاية.", AR,
     ("markup", "error", "the original has 1 bold mark-up, the translation 0")),
    ("The undersigned are **deeply concerned**.", "المنظمات الموقعة **قلقة للغاية.", AR,
     ("markup", "error", "stray ** in the translation: mark-up that does not close")),
    ("A [report](https://un.org/r).", "[Rapor](https://un.org/r) û [din](https://evil.example).", KU,
     ("urls", "error", "the translation has the address https://evil.example, which the original does not")),
    ("Protect civilians.", "حماية المدنيين <script>alert(1)</script>.", AR,
     ("markup", "error", "the translation adds raw HTML or code the original does not have")),
    # numbers
    ("More than 134,000 people.", "أكثر من ١٣٠٬٠٠٠ شخص.", AR,
     ("numbers", "error", "the number 134000 of the original is missing or different (the translation has 130000)")),
    ("Resolution 2254 of 2015.", "Biryara 2245an a 2015an.", KU,
     ("numbers", "error", "the number 2254 of the original is missing or different (the translation has 2245)")),
    # urls and e-mail
    ("Write to info@example.org.", "Ji info@example.com re binivîsin.", KU,
     ("urls", "error", "the address info@example.org of the original is missing or changed")),
    # bidi and invisible characters
    ("Kobani", "\u202eكوباني", AR, ("bidi", "error", "the translation contains a directional override (U+202A–U+202E)")),
    ("Kobani and Qamishli.", "كوباني \u2067Qamishli و.", AR,
     ("bidi", "error", "unbalanced directional isolate (U+2066–U+2069)")),
    ("Kobani.", "كوباني\u200b.", AR, ("bidi", "warning", "invisible character in the translation: zero-width space (U+200B)")),
    # whitespace and punctuation
    ("Protect civilians.", "Sivîlan biparêzin. ", KU, ("whitespace", "warning", "trailing space differs from the original")),
    ("Protect civilians.", "Sivîlan  biparêzin.", KU, ("whitespace", "warning", "double space in the translation")),
    ("Protect civilians.", "حماية المدنيين", AR, ("punctuation", "warning", "the original ends with '.', the translation without punctuation")),
    ("Who will protect them?", "من سيحميهم?", AR, ("punctuation", "warning", "Latin '?' after Arabic-script text")),
    # untranslated
    ("Protect civilians in Kobani.", "Protect civilians in Kobani.", KU,
     ("untranslated", "warning", "the translation is identical to the original")),
]


@pytest.mark.parametrize("msgid,msgstr,lang,expected", BAD)
def test_bad_translations_are_caught(read, msgid, msgstr, lang, expected):
    assert expected in findings(read, msgid, msgstr, lang)


def test_a_flag_silences_one_check_on_one_entry(read):
    assert findings(read, "Two hundred and fourteen civilians.", "٢١٤ مدنياً.") != []
    assert findings(read, "Two hundred and fourteen civilians.", "٢١٤ مدنياً.", flags=("ignore-numbers",)) == []


def test_signatories_are_exempt_from_untranslated(read):
    assert findings(read, "The Syria Campaign", "The Syria Campaign", KU, signatory=True) == []


def test_numbers_by_value():
    assert numbers("134,000 and ١٣٤٬٠٠٠ and 134.000") == {134000: 3}
    assert numbers("2.5 and ٢٫٥") == {2.5: 2}
    assert numbers("resolution 2254, 21st of June") == {2254: 1, 21: 1}


def test_duplicate_signatories_ignore_case_accents_punctuation():
    assert signatory_key("dijla Organization for Development") == signatory_key("Dijla  Organization for Development.")
    assert signatory_key("PÊL- Civil Waves") == signatory_key("pel civil waves")


def _line_of_msgstr(path: Path, msgid_start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if msgid_start in line)
    return next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr")) + 1


def test_check_command_names_file_line_and_exits_1(project: Path, capsys):
    main(["--project", str(project), "update"])
    assert main(["--project", str(project), "check"]) == 0  # results cached by content...
    po_path = project / f"locales/ar/{SLUG}.po"
    po = polib.pofile(str(po_path))
    po.find("Open safe humanitarian corridors under Security Council resolution 2254.").msgstr = \
        "فتح ممرات إنسانية آمنة بموجب قرار مجلس الأمن ٢٢٤٥."
    po.save(str(po_path))
    main(["--project", str(project), "update"])
    capsys.readouterr()
    assert main(["--project", str(project), "check"]) == 1
    out = capsys.readouterr().out
    line = _line_of_msgstr(po_path, "Open safe humanitarian corridors")  # ...and the edit is seen
    assert (f"locales/ar/{SLUG}.po:{line}: the number 2254 of the original is missing or different "
            "(the translation has 2245) — "
            "check the figures") in out
    assert "1 error," in out.splitlines()[-1]


def test_check_fails_on_stale_catalogue_and_warns_on_duplicate_signatory(project: Path, capsys):
    main(["--project", str(project), "update"])
    src = project / f"source/{SLUG}.md"
    src.write_text(src.read_text().replace("  - Women Now for Development\n",
                                           "  - Women Now for Development\n  - women now for development.\n"))
    capsys.readouterr()
    assert main(["--project", str(project), "check"]) == 1
    out = capsys.readouterr().out
    assert f"locales/ar/{SLUG}.po: this catalogue is out of date with the sources — run make update" in out
    assert (f"source/{SLUG}.md:9: warning: 'women now for development.' signs twice "
            "(also line 8: 'Women Now for Development')") in out


def test_check_passes_on_good_catalogues(project: Path, capsys):
    main(["--project", str(project), "update"])
    assert main(["--project", str(project), "check"]) == 0


def test_a_text_checked_in_several_languages_is_read_once(project: Path, capsys, monkeypatch):
    """A source segment is read by pandoc once however many languages translate it, and each
    language's translation is still judged against it."""
    from pipeline.pandoc import Pandoc

    main(["--project", str(project), "update"])
    msgid = "Open safe humanitarian corridors under Security Council resolution 2254."
    for lang in ("ar", "ku"):
        po_path = project / f"locales/{lang}/{SLUG}.po"
        po = polib.pofile(str(po_path))
        po.find(msgid).msgstr = po.find(msgid).msgstr.replace("2254", "2245").replace("٢٢٥٤", "٢٢٤٥")
        po.save(str(po_path))
    main(["--project", str(project), "update"])
    read, texts = Pandoc.read, []
    monkeypatch.setattr(Pandoc, "read", lambda self, t, **kw: (texts.extend(t), read(self, t, **kw))[1])
    capsys.readouterr()
    assert main(["--project", str(project), "check"]) == 1
    out = capsys.readouterr().out
    assert texts.count(msgid) == 1 and len(texts) == len(set(texts))
    for lang in ("ar", "ku"):
        assert f"locales/{lang}/{SLUG}.po:{_line_of_msgstr(project / f'locales/{lang}/{SLUG}.po', msgid[:20])}: " \
               "the number 2254 of the original is missing or different (the translation has 2245)" in out


def test_digits_of_every_script_are_read_as_ascii():
    import unicodedata

    from pipeline.checks import _ascii_digits

    text = "".join(chr(c) for c in range(0x30000) if not 0xD800 <= c < 0xE000)
    assert _ascii_digits(text) == "".join(
        str(unicodedata.digit(ch)) if ch.isdigit() and unicodedata.digit(ch, None) is not None else ch for ch in text)


def test_ending_punctuation_is_judged_without_the_footnotes(read):
    assert findings(read, "They fled.^[Many of them!]", "هربوا.^[كثير منهم!]") == []
    assert ("punctuation", "warning", "the original ends with '.', the translation with '!'") in \
        findings(read, "They fled.^[Many of them.]", "هربوا!^[كثير منهم.]")
