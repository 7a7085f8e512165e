"""A synthetic statements project shaped like the real ones in source/, with pseudo-translations.

    texts = statements(50, seed=6)                  # [(slug, Markdown text)]
    write_project(root, texts, languages=LANGUAGES)
    translate_catalogues(root)                      # after `python -m pipeline update`

Every statement has a title, most a date, 4-10 paragraphs of 60-200 words with
occasional **bold**, [links](https://...) and ^[footnotes], 0-10 numbered
demands and 12-150 signatories drawn, with repetition across statements, from a
pool of recurring organisation names (some signing with a `short` name).

The pseudo-translations keep what a translator must keep (Markdown, link
addresses, numbers, `%(n)d` placeholders) and change every letter:
Arabic (`ar`) and Sorani (`ckb`) are the words transliterated into their letters,
Kurmanji (`ku`) is Latin with Kurmanji letters (ç ê î ş û).
"""
from __future__ import annotations

import datetime
import random
import re
from pathlib import Path

# The real project's shape: English source, Arabic with Syrian conventions, both Kurdish scripts.
LANGUAGES = {"en": None, "ar": "ar_SY", "ku": None, "ckb": None}
SOURCE_ONLY = {"en": None}

_WORDS = """
the undersigned organizations express grave concern over escalation of military operations in city
northern southern eastern syria call for an immediate ceasefire protection civilians end to violations
international humanitarian law human rights urgent return political negotiations as sole viable path
resolving dispute unprecedented ministry defense transitional government announced launch limited
operation against sites affiliated with forces referring predominantly neighborhoods followed by deadly
attacks clashes described most severe affect two since fall regime recent has to date resulted dozens
casualties including fatalities injuries this was preceded skirmishes amid exchange accusations between
parties constitutes clear agreement signed council committee mandated presidency republic implement
explicitly stipulated obligation protect prevent any form attack harm them preserve civil peace
endangers lives hundreds thousands residents more than living among tens persons forcibly displaced
from region which witnessed time issuance statement have been other areas ongoing shelling fire
strongly condemn all committed party stress respect principles distinction proportionality precaution
further affirm that recurring violence stems absence national solutions lack genuine inclusive
participation shaping country future during period thereby threatening transition whole moreover
raised serious concerns local communities regarding risk new events coast revealed alarming indicators
targeting minority basis identity accordingly light their firm commitment full compliance rules
promotion peaceful coexistence upon ensure unconditional put indiscriminate objects also accord
highest priority accordance comply provisions requiring nationwide across entire territory refrain
acts may lead forced displacement demographic change affecting population safe dignified voluntary
result credible led process guarantees components strengthens justice manner ensures victims reopens
sustains dialogue undertakes review constitutional declaration conclusion involved well reject hate
speech incitement uphold urge community united nations bodies fulfil responsibilities supporting
facilitating order recurrence cycles reaffirm not matter but rather core foundation sustainable
detention detainees missing families humanitarian access aid delivery medical facilities schools
journalists women children accountability investigation independent documentation evidence
""".split()

_ORG_HEAD = ["Syrian", "Kurdish", "Women", "Youth", "Civil", "Human Rights", "Justice", "Peace", "Dialogue",
             "Media", "Legal", "Development", "Relief", "Victims", "Citizens", "Free", "Democratic",
             "Independent", "Local", "Northeast", "Southern", "Coastal", "Feminist", "Humanitarian"]
_ORG_KIND = ["Organization", "Association", "Network", "Center", "Foundation", "Initiative", "Platform",
             "Campaign", "Union", "Coalition", "Forum", "Institute", "Programme", "Movement", "House"]
_ORG_TAIL = ["", "", "", " for Development", " for Human Rights", " for Victims", " for Civil Peace",
             " in Syria", " in North East Syria", " for Research and Studies", " for Relief and Development",
             " of Families of the Missing", " for Justice and Accountability", " for Women"]
_DOMAINS = ["example.org", "un.org", "ohchr.org", "syriacampaign.org", "stj-sy.org", "sjac.org"]


def organisation_pool(size: int = 320, *, seed: int = 1) -> list[tuple[str, str | None]]:
    """Recurring organisation names, some with a short name (their initials)."""
    rng = random.Random(seed)
    names: dict[str, str | None] = {}
    while len(names) < size:
        words = [rng.choice(_ORG_HEAD)]
        if rng.random() < 0.5:
            words.append(rng.choice([w for w in _ORG_HEAD if w != words[0]]))
        name = " ".join(words) + " " + rng.choice(_ORG_KIND) + rng.choice(_ORG_TAIL)
        if name in names:
            continue
        short = None
        if rng.random() < 0.25:
            short = "".join(w[0] for w in re.findall(r"[A-Z][a-z]*", name))
        names[name] = short
    return list(names.items())


def _sentence(rng: random.Random, n: int) -> list[str]:
    words = [rng.choice(_WORDS) for _ in range(n)]
    r = rng.random()
    if r < 0.15:  # numbers travel unchanged in every language
        words.insert(rng.randrange(len(words)), str(rng.choice([2018, 2024, 2025, 2026, 250000, 10, 7, 1])))
    elif r < 0.2:
        words.insert(rng.randrange(len(words)), f"{rng.randint(1, 28)} March {rng.choice([2025, 2026])}")
    words[0] = words[0].capitalize()
    return words


def _paragraph(rng: random.Random, words: int, used: set[str]) -> str:
    """Exactly `words` words in sentences of 12-30, with occasional bold (first half), a link
    (second half) and a footnote at the end; never the same text twice in one statement."""
    out: list[str] = []
    while len(out) < words:
        sentence = _sentence(rng, rng.randint(12, 30))
        out.extend(sentence[:-1] + [sentence[-1] + rng.choice([".", ".", ".", ",", ";"])])
    out = " ".join(out).split()[:words]  # a date counts as three words
    out[-1] = out[-1].rstrip(".,;") + "."
    half = len(out) // 2
    if rng.random() < 0.25:
        i = rng.randrange(0, half - 3)
        out[i] = "**" + out[i]
        out[i + 2] = out[i + 2].rstrip(".,;") + "**"
    if rng.random() < 0.2:
        i = rng.randrange(half, len(out) - 2)
        word = out[i + 1].rstrip(".,;")
        tail = out[i + 1][len(word):]
        out[i] = "[" + out[i].rstrip(".,;")
        out[i + 1] = f"{word}](https://{rng.choice(_DOMAINS)}/{rng.randint(100, 9999)}){tail}"
    if rng.random() < 0.15:
        note = " ".join(_sentence(rng, rng.randint(6, 18))) + "."
        out[-1] = out[-1][:-1] + f"^[{note}]."
    text = " ".join(out)
    if text in used:  # segments are unique within a statement, as in real ones
        return _paragraph(rng, words, used)
    used.add(text)
    return text


def statement(rng: random.Random, index: int, pool: list[tuple[str, str | None]]) -> tuple[str, str]:
    """One statement: (slug, Markdown text with YAML front matter)."""
    title_words = _sentence(rng, rng.randint(6, 16))
    title = " ".join(w.capitalize() if len(w) > 3 else w for w in title_words).rstrip(".")
    slug = f"s{index:04d}-" + "-".join(re.sub(r"[^a-z0-9]", "", w.lower()) for w in title_words[:4])
    lines = ["---", f"title: {_yaml(title)}"]
    if rng.random() < 0.8:
        day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(900))
        lines.append(f"date: {day.isoformat()}")
    lines.append("signatories:")
    # Zipf-like: the big networks sign most statements, the long tail now and then.
    weights = [1 / (i + 1) ** 0.7 for i in range(len(pool))]
    count = rng.randint(12, 150)
    chosen: dict[str, str | None] = {}
    while len(chosen) < count:
        name, short = rng.choices(pool, weights)[0]
        chosen[name] = short
    for name, short in chosen.items():
        if short:
            lines += [f"  - name: {_yaml(name)}", f"    short: {short}"]
        else:
            lines.append(f"  - {_yaml(name)}")
    lines += ["---", ""]
    used: set[str] = set()
    paragraphs = [_paragraph(rng, rng.randint(60, 200), used) for _ in range(rng.randint(4, 10))]
    demands = [_paragraph(rng, rng.randint(15, 60), used) for _ in range(rng.choice([0, 0, 3, 4, 5, 6, 8, 10]))]
    if demands:
        split = max(1, len(paragraphs) - 1)
        body = paragraphs[:split] + ["The undersigned organizations call on all parties to:"]
        body.append("\n".join(f"{n}. {d}" for n, d in enumerate(demands, 1)))
        body += paragraphs[split:]
    else:
        body = paragraphs
    return slug, "\n".join(lines) + "\n" + "\n\n".join(body) + "\n"


def _yaml(text: str) -> str:
    """A YAML scalar: quoted when it could be read as something else."""
    if re.search(r"[:#'\"\[\]{},&*!|>%@`]", text) or text[:1] in "-?":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def statements(count: int, *, seed: int = 6) -> list[tuple[str, str]]:
    """`count` synthetic statements, the same ones for the same seed."""
    rng = random.Random(seed)
    pool = organisation_pool(seed=seed)
    return [statement(rng, i + 1, pool) for i in range(count)]


def write_project(root: Path, texts: list[tuple[str, str]], *, languages: dict[str, str | None]) -> None:
    """source/<slug>.md for each text and a project.yaml listing `languages` (code -> locale)."""
    (root / "source").mkdir(parents=True, exist_ok=True)
    for slug, text in texts:
        (root / "source" / f"{slug}.md").write_text(text, encoding="utf-8")
    lines = ["# Synthetic benchmark project (python -m bench); safe to delete.", "source: en", "languages:"]
    for code, locale in languages.items():
        lines.append(f"  {code}: {{locale: {locale}}}" if locale else f"  {code}: {{}}")
    lines += ["fonts:", "  Arab: Amiri", "  Latn: Noto Serif", "threshold: 100", ""]
    (root / "project.yaml").write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------- pseudo-translations

_ARABIC = dict(zip("abcdefghijklmnopqrstuvwxyz",
                   ["ا", "ب", "ك", "د", "ي", "ف", "غ", "ه", "ي", "ج", "ك", "ل", "م",
                    "ن", "و", "ب", "ق", "ر", "س", "ت", "و", "ف", "و", "كس", "ي", "ز"]))
_SORANI = dict(zip("abcdefghijklmnopqrstuvwxyz",
                   ["ا", "ب", "ک", "د", "ە", "ف", "گ", "ه", "ی", "ج", "ک", "ڵ", "م",
                    "ن", "ۆ", "پ", "ق", "ڕ", "س", "ت", "و", "ڤ", "و", "خ", "ێ", "ز"]))
_KURMANJI = [("sh", "ş"), ("ch", "ç"), ("th", "t"), ("ee", "î"), ("oo", "û"), ("c", "k"), ("q", "q"),
             ("e", "ê"), ("u", "û"), ("i", "î"), ("w", "w")]
_KURMANJI_WORDS = {"the": "ev", "and": "û", "of": "ya", "in": "li", "to": "bo", "for": "ji bo", "all": "hemû",
                   "The": "Ev", "And": "Û", "Of": "Ya", "In": "Li", "To": "Bo", "For": "Ji bo", "All": "Hemû"}
_ARABIC_PUNCTUATION = {",": "،", ";": "؛", "?": "؟"}
# Kept exactly: link addresses, placeholders, HTML-ish tags, entities.
_KEEP = re.compile(r"\]\([^)\s]*\)|%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]*>|&\w+;|https?://\S+")


def pseudo_translate(text: str, lang: str) -> str:
    """`text` in a pseudo-`lang`: every letter changed, Markdown, addresses and numbers kept."""
    out, last = [], 0
    for m in _KEEP.finditer(text):
        out.append(_letters(text[last:m.start()], lang))
        out.append(m.group(0))
        last = m.end()
    out.append(_letters(text[last:], lang))
    return "".join(out)


def _letters(text: str, lang: str) -> str:
    if lang == "ku":
        def word(m: re.Match) -> str:
            w = m.group(0)
            if w in _KURMANJI_WORDS:
                return _KURMANJI_WORDS[w]
            for a, b in _KURMANJI:
                w = w.replace(a, b).replace(a.capitalize(), b.upper())
            return w
        return re.sub(r"[A-Za-z]+", word, text)
    table = _SORANI if lang == "ckb" else _ARABIC
    return "".join(table.get(ch.lower(), _ARABIC_PUNCTUATION.get(ch, ch)) for ch in text)


def translate_catalogues(root: Path, *, signatories: float = 0.3, seed: int = 6) -> int:
    """Fill every msgstr of locales/<lang>/*.po with the pseudo-translation; returns the files changed.

    Only a share of the signatory names is translated (the rest falls back to the name as
    signed, as in real catalogues); run `update` afterwards to bring back GNU formatting.
    """
    import polib

    rng = random.Random(seed)
    changed = 0
    for po_path in sorted((root / "locales").glob("*/*.po")):
        lang = po_path.parent.name
        po = polib.pofile(str(po_path), wrapwidth=79)
        nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", "nplurals=2")).group(1))
        for entry in po:
            if entry.obsolete:
                continue
            if entry.msgctxt == "signatory" and rng.random() >= signatories:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {i: pseudo_translate(entry.msgid if i == 0 else entry.msgid_plural, lang)
                                       for i in range(nplurals)}
            else:
                entry.msgstr = pseudo_translate(entry.msgid, lang)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save(str(po_path))
        changed += 1
    return changed


def edit_paragraph(text: str, *, seed: int) -> str:
    """The statement with one word added to one of its paragraphs (a small, fuzzy-matching edit)."""
    rng = random.Random(seed)
    front_end = text.index("\n---\n", 4) + 5
    blocks = text[front_end:].split("\n\n")
    candidates = [i for i, b in enumerate(blocks) if len(b.split()) > 40 and not b[:1].isdigit()]
    i = rng.choice(candidates)
    words = blocks[i].split(" ")
    at = rng.randrange(1, len(words) - 1)
    words.insert(at, rng.choice(["indeed", "gravely", "once again", "deliberately", "repeatedly"]))
    blocks[i] = " ".join(words)
    return text[:front_end] + "\n\n".join(blocks)
