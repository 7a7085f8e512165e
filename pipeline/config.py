"""The project's YAML configuration -> a frozen Config; every problem reported at once."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import PipelineError, Problem, Location
from .locale import Language, known, language
from .yamlfile import line_of, load_yaml

CONFIG_NAME = "project.yaml"

DEFAULT_CONFIG = {
    "source": "en",
    "languages": {"en": {}, "ar": {"locale": "ar_SY"}, "ku": {}},
    "fonts": {"Arab": "Amiri", "Latn": "Noto Serif"},
    "threshold": 100,
}

_TOP_KEYS = {"source", "languages", "fonts", "threshold"}
_LANGUAGE_KEYS = {"locale", "threshold"}


@dataclass(frozen=True)
class LanguageConfig:
    """A language the statements are published in."""

    language: Language
    threshold: float  # percent of required segments that must be translated

    @property
    def code(self) -> str:
        return self.language.code


@dataclass(frozen=True)
class Config:
    """Everything project.yaml says, validated."""

    root: Path
    source: Language
    languages: tuple[LanguageConfig, ...]
    fonts: dict[str, str] = field(default_factory=dict)  # ISO 15924 script -> font family

    @property
    def targets(self) -> tuple[LanguageConfig, ...]:
        """The languages translated into (every language but the source)."""
        return tuple(lc for lc in self.languages if lc.code != self.source.code)

    def lang(self, code: str) -> LanguageConfig:
        return next(lc for lc in self.languages if lc.code == code)

    def font_for(self, script: str) -> str:
        return self.fonts[script]

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    @property
    def cache_dir(self) -> Path:
        """Build state kept between runs (content hashes, parsed sources); safe to delete."""
        return self.root / ".cache"


def _did_you_mean(key: str, allowed: set[str]) -> str:
    close = difflib.get_close_matches(key, sorted(allowed), n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known keys: " + ", ".join(sorted(allowed))


def load_config(root: Path) -> Config:
    """Read project.yaml under `root` (the defaults when there is none)."""
    path = root / CONFIG_NAME
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise PipelineError(Problem(Location(path), "this file is not UTF-8 text",
                                        "save it as UTF-8")) from None
        data, lines = load_yaml(text, path)
    else:
        data, lines = DEFAULT_CONFIG, {}
    return parse_config(data, root=root, path=path, lines=lines)


def parse_config(data: Any, *, root: Path, path: Path, lines: dict[tuple, int]) -> Config:
    """Validate configuration data, collecting every problem before failing."""
    problems: list[Problem] = []

    def problem(keys: tuple, message: str, hint: str = "") -> None:
        problems.append(Problem(Location(path, line_of(lines, *keys)), message, hint))

    if not isinstance(data, dict):
        raise PipelineError(Problem(Location(path, 1), "expected a mapping of settings",
                                    "see the README for an example project.yaml"))
    for key in data:
        if key not in _TOP_KEYS:
            problem((key,), f"unknown key '{key}'", _did_you_mean(str(key), _TOP_KEYS))

    default_threshold = _threshold(data.get("threshold", 100), ("threshold",), problem)

    fonts = data.get("fonts", DEFAULT_CONFIG["fonts"])
    if not isinstance(fonts, dict) or not all(isinstance(v, str) for v in fonts.values()):
        problem(("fonts",), "'fonts' must map a script code (Arab, Latn) to a font family name",
                "for example: fonts: {Arab: Amiri, Latn: Noto Serif}")
        fonts = {}

    languages: list[LanguageConfig] = []
    raw_languages = data.get("languages")
    if not isinstance(raw_languages, dict) or not raw_languages:
        problem(("languages",), "'languages' must list at least one language code",
                "for example: languages: {en: {}, ar: {locale: ar_SY}}")
        raw_languages = {}
    for code, settings in raw_languages.items():
        keys = ("languages", code)
        settings = settings or {}
        if not isinstance(settings, dict):
            problem(keys, f"settings of '{code}' must be a mapping", "for example: ar: {locale: ar_SY}")
            continue
        for key in settings:
            if key not in _LANGUAGE_KEYS:
                problem(keys + (key,), f"unknown key '{key}' for language '{code}'",
                        _did_you_mean(str(key), _LANGUAGE_KEYS))
        locale = settings.get("locale")
        if not isinstance(code, str) or not known(code):
            problem(keys, f"unknown language code '{code}'",
                    "use a CLDR/ISO 639 code such as ar, ku, ckb, en")
            continue
        written = _canonical(code)
        if written != code:  # it names the locales/<code>/ folder: one spelling only
            problem(keys, f"write the language code '{code}' as '{written}'",
                    f"rename it under languages (and the folder locales/{code}/ if there is one)")
            continue
        if locale is not None and (not isinstance(locale, str) or not known(locale)):
            problem(keys + ("locale",), f"unknown locale '{locale}'",
                    "use a CLDR locale such as ar_SY, ckb_IQ")
            continue
        lang = language(code, locale)
        if lang.script not in fonts:
            problem(("fonts",), f"no font for the {lang.script} script, which '{code}' is written in",
                    f"add a line under fonts, for example {lang.script}: <font family>")
        threshold = _threshold(settings.get("threshold", default_threshold), keys + ("threshold",), problem)
        languages.append(LanguageConfig(lang, threshold))

    source_code = data.get("source", "en")
    source = next((lc.language for lc in languages if lc.code == source_code), None)
    if source is None and raw_languages:
        problem(("source",), f"the source language '{source_code}' is not under 'languages'",
                f"add {source_code}: {{}} under languages")

    if problems:
        raise PipelineError(problems, f"Aborted with {len(problems)} configuration "
                                      f"error{'s' if len(problems) != 1 else ''} in {path.name}.")
    assert source is not None
    return Config(root=root, source=source, languages=tuple(languages), fonts=dict(fonts))


def _canonical(code: str) -> str:
    """How CLDR writes a known language code: 'ku' for 'KU', 'ar_SY' for 'ar_sy'."""
    from babel import Locale  # (locale.py holds Babel's facts; this is only the code's spelling)

    return str(Locale.parse(code))


def _threshold(value: Any, keys: tuple, problem) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        problem(keys, f"threshold must be a percentage from 0 to 100, not {value!r}",
                "for example: threshold: 100")
        return 100.0
    return float(value)
