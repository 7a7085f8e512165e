"""How far each statement is translated into each language, and whether it may be published."""
from __future__ import annotations

from dataclasses import dataclass, asdict

from .catalog import Translations
from .segment import SIGNATORY
from .update import Extracted


@dataclass(frozen=True)
class Progress:
    """Counts for one statement in one language (signatory names counted apart)."""

    slug: str
    lang: str
    translated: int
    fuzzy: int
    untranslated: int
    words_translated: int
    words_fuzzy: int
    words_untranslated: int
    names_translated: int
    names_total: int
    required_missing: int  # title and demands without a usable translation

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    def ready(self, threshold: float) -> bool:
        """Publishable: enough translated, and the title and demands all translated."""
        return self.required_missing == 0 and self.percent >= threshold - 1e-9

    def as_dict(self) -> dict:
        return asdict(self) | {"percent": round(self.percent, 1)}


def _words(text: str) -> int:
    return len(text.split())


def progress(x: Extracted, lang: str, translations: Translations | None) -> Progress:
    """Count translated, fuzzy and untranslated segments and words of one catalogue."""
    counts = dict(translated=0, fuzzy=0, untranslated=0)
    words = dict(translated=0, fuzzy=0, untranslated=0)
    names = names_done = required_missing = 0
    seen = set()
    for s in x.segments:
        key = (s.context, s.msgid)
        if key in seen:
            continue
        seen.add(key)
        m = translations.get(s.msgid, s.context) if translations else None
        if s.context == SIGNATORY:
            names += 1
            names_done += bool(m and m.usable)
            continue
        state = "translated" if m and m.usable else "fuzzy" if m and m.fuzzy and m.translated else "untranslated"
        counts[state] += 1
        words[state] += _words(s.msgid)
        if s.required and state != "translated":
            required_missing += 1
    return Progress(x.slug, lang, counts["translated"], counts["fuzzy"], counts["untranslated"],
                    words["translated"], words["fuzzy"], words["untranslated"], names_done, names,
                    required_missing)
