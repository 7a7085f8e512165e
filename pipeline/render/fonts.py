"""The configured font families, found in installed `fontpkg-*` packages (never system fonts).

    fonts = resolve_fonts(config)        # once per run; raises PipelineError if one is missing
    fonts["Arab"].name                   # "Amiri"
    fonts["Arab"].faces                  # FontFace(path, style, weights): one per font file
    fonts.stack("Arab")                  # ("Amiri", "Noto Serif"): the script's own family first
    fonts.files                          # every font file, for Typst and for copying to out/fonts/
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import CONFIG_NAME, Config
from ..errors import Location, PipelineError, Problem


@dataclass(frozen=True)
class FontFace:
    """One font file of a family: a static weight, or a weight range for a variable font."""

    path: Path
    style: str                 # "normal" or "italic"
    weights: tuple[int, int]   # (700, 700) for a static bold file, (100, 900) for a variable one

    @property
    def variable(self) -> bool:
        return self.weights[0] != self.weights[1]

    @property
    def css_weight(self) -> str:
        """The @font-face `font-weight` descriptor: "700", or "100 900" for a variable font."""
        low, high = self.weights
        return str(low) if low == high else f"{low} {high}"


@dataclass(frozen=True)
class FontFamily:
    """The family configured for one script, with its files."""

    script: str                # ISO 15924: "Arab", "Latn"
    name: str                  # the family name the font files declare: "Amiri"
    faces: tuple[FontFace, ...]
    license: str = ""


@dataclass(frozen=True)
class Fonts:
    """Every configured family, in the order of project.yaml's `fonts:`."""

    families: tuple[FontFamily, ...]

    def __getitem__(self, script: str) -> FontFamily:
        for family in self.families:
            if family.script == script:
                return family
        raise KeyError(script)

    def stack(self, script: str) -> tuple[str, ...]:
        """Family names for text in `script`: its own family first, the others as fallbacks."""
        names = [f.name for f in self.families if f.script == script]
        names += [f.name for f in self.families if f.script != script]
        return tuple(dict.fromkeys(names))

    @property
    def files(self) -> tuple[Path, ...]:
        """Every font file of every family, once."""
        return tuple(dict.fromkeys(face.path for family in self.families for face in family.faces))


def resolve_fonts(config: Config) -> Fonts:
    """Find each configured family in the installed font packages; every missing one is reported."""
    import fontpkg

    problems: list[Problem] = []
    families: list[FontFamily] = []
    where = Location(config.root / CONFIG_NAME)
    for script, name in config.fonts.items():
        try:
            found = fontpkg.family(name)
        except fontpkg.FontpkgError:
            problems.append(Problem(
                where, f"font family '{name}' for the {script} script is not installed",
                f"pip install fontpkg-{fontpkg.slugify(name)}, or choose an installed family under fonts:"))
            continue
        faces = tuple(_face(f) for f in found.files if Path(f.path).is_file())
        if not faces:
            problems.append(Problem(
                where, f"font family '{name}' for the {script} script has no font files",
                f"reinstall it: pip install --force-reinstall fontpkg-{found.slug}"))
            continue
        families.append(FontFamily(script, found.name, faces, found.license))
    if problems:
        raise PipelineError(problems)
    return Fonts(tuple(families))


def _face(f) -> FontFace:
    if f.variable and f.wght_min is not None and f.wght_max is not None:
        weights = (int(f.wght_min), int(f.wght_max))
    else:
        weights = (int(f.weight or 400),) * 2
    return FontFace(Path(f.path), f.style, weights)
