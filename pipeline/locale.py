"""What Babel's CLDR data says of a language: direction, script, digits, dates, plurals."""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date
from babel.plural import to_gettext

# The zero of each decimal numbering system CLDR may name as a locale's default
# (these are facts about Unicode digit blocks, not about languages).
_ZERO = {
    "latn": "0", "arab": "\u0660", "arabext": "\u06f0", "adlm": "\U0001e950",
    "beng": "\u09e6", "deva": "\u0966", "mymr": "\u1040", "olck": "\u1c50",
    "rohg": "\U00010d30", "thai": "\u0e50", "tibt": "\u0f20",
}


@dataclass(frozen=True)
class Language:
    """One configured language, with its facts from CLDR."""

    code: str           # as configured: "ar", "ku", "ckb"
    locale: str         # Babel locale id used for dates and names: "ar_SY"
    tag: str            # BCP 47 tag for lang attributes: "ar-SY", "ku", "ckb"
    region_tag: str     # BCP 47 tag with the likely region, for Word: "ar-SY", "ckb-IQ"
    script: str         # ISO 15924: "Arab", "Latn"
    direction: str      # "rtl" or "ltr"
    numbering: str      # CLDR numbering system: "arab", "latn"
    name: str           # the language's own name: "العربية"
    english_name: str   # "Arabic"
    plural_forms: str   # gettext Plural-Forms header value
    nplurals: int

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    def digits(self, text: str) -> str:
        """Write the ASCII digits of `text` in this language's digits."""
        zero = _ZERO.get(self.numbering, "0")
        if zero == "0":
            return text
        return text.translate({ord("0") + i: chr(ord(zero) + i) for i in range(10)})

    def number(self, n: int) -> str:
        return self.digits(str(n))

    def date(self, value: datetime.date) -> str:
        """The date as this language writes it in running text."""
        return self.digits(format_date(value, "long", locale=self.locale))


def known(code: str) -> bool:
    """Whether CLDR knows this language or locale identifier."""
    try:
        Locale.parse(code)
        return True
    except (UnknownLocaleError, ValueError, TypeError):
        return False


@lru_cache(maxsize=None)
def language(code: str, locale: str | None = None) -> Language:
    """Facts about a language from CLDR (raises ValueError for an unknown one)."""
    loc = Locale.parse(locale or code)
    likely = get_global("likely_subtags").get(loc.language, "")
    parts = likely.split("_")
    script = loc.script or next((p for p in parts[1:] if len(p) == 4), "Latn")
    region = loc.territory or next((p for p in parts[1:] if len(p) == 2 and p.isupper()), "")
    tag = loc.language + (f"-{loc.territory}" if loc.territory else "")
    region_tag = loc.language + (f"-{region}" if region else "")
    # CLDR's rules in CLDR's category order (zero, one, two, few, many, other),
    # which is the order translation tools expect.
    plural_forms = to_gettext(loc.plural_form)
    nplurals = int(plural_forms.split(";")[0].split("=")[1])
    own = Locale(loc.language, script=loc.script)
    return Language(
        code=code,
        locale=str(loc),
        tag=tag,
        region_tag=region_tag,
        script=script,
        direction="rtl" if loc.character_order == "right-to-left" else "ltr",
        numbering=loc.default_numbering_system or "latn",
        name=own.get_display_name(own) or code,
        english_name=own.get_display_name("en") or code,
        plural_forms=plural_forms,
        nplurals=nplurals,
    )
