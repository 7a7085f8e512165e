"""What is measured: the pipeline's `update` and `publish`, the bare-tools floor, other extractors.

Every measurement runs the pipeline's CLI as a subprocess (`python -m pipeline
--project P ...`) on a project at one fixed path (P = <work>/project), restored from
a saved copy before each run, so the pipeline's .cache/ sees the same paths it wrote.
The pipeline's code is a snapshot of pipeline/ taken when the bench starts, so an
edit made in the working tree while the bench runs cannot change the figures halfway.
What a run leaves behind is set aside (`discard`), not deleted, until the bench ends.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import yaml

from . import corpus
from .measure import Figure, Sample, repeat, run

REPO = Path(__file__).resolve().parent.parent
TARGETS = ("ar", "ku", "ckb")


@dataclass
class Row:
    """One line of the results table."""

    group: str
    label: str
    figure: Figure | None = None
    value: str = ""           # for ratios and notes: the figure as text
    target: str = ""
    ok: bool | None = None    # None: no target
    note: str = ""


@dataclass
class Bench:
    """The bench's working folder, the Python to run the pipeline with, and what was measured."""

    work: Path
    runs: int = 3
    budget: float = 60.0                     # seconds per measurement before repeats stop
    log: Callable[[str], None] = print
    python: str = sys.executable
    rows: list[Row] = field(default_factory=list)
    figures: dict[str, Figure] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    tools_size: int | None = None            # the update size the other tools are compared at
    po4a_statements: int = 50                # po4a is slow: measured on this many, scaled

    @property
    def project(self) -> Path:
        return self.work / "project"

    # ------------------------------------------------------------ set-up

    def snapshot_pipeline(self, revision: str | None = None) -> str:
        """Copy pipeline/ as it is now (or as committed at a git `revision`); every run imports that copy.

        Returns where the pipeline is imported from."""
        code = self.work / "code"
        if revision:
            code.mkdir(parents=True)
            archive = subprocess.run(["git", "-C", str(REPO), "archive", revision, "pipeline"],
                                     capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
        else:
            shutil.copytree(REPO / "pipeline", code / "pipeline",
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copytree(REPO / "bench", code / "bench",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "corpus", "RESULTS.md"))
        self.env = dict(os.environ, PYTHONPATH=str(code), PYTHONHASHSEED="0")
        self.env.pop("SOURCE_DATE_EPOCH", None)
        subprocess.run([self.python, "-m", "compileall", "-q", str(code)], check=True, env=self.env,
                       cwd=self.work)
        # Run from the working folder: `python -m` puts the current folder first on sys.path.
        found = subprocess.run([self.python, "-c", "import pipeline; print(pipeline.__file__)"],
                               env=self.env, capture_output=True, text=True, check=True,
                               cwd=self.work).stdout.strip()
        if not found.startswith(str(code)):
            raise RuntimeError(f"the pipeline snapshot is not the one imported ({found})")
        return found

    def pipeline(self, *args: str, check: bool = True) -> Sample:
        return run([self.python, "-m", "pipeline", "--project", str(self.project), *args],
                   env=self.env, cwd=self.work, check=check)

    def restore(self, saved: Path) -> None:
        """The project folder becomes an exact copy of `saved`."""
        if self.project.exists():
            discard(self.project)
        shutil.copytree(saved, self.project, symlinks=True)

    def save(self, name: str) -> Path:
        dest = self.work / "saved" / name
        if dest.exists():
            discard(dest)
        shutil.copytree(self.project, dest, symlinks=True)
        return dest

    def measure(self, key: str, group: str, label: str, step: Callable[[], Sample], *,
                runs: int | None = None, target: str = "", check: Callable[[Figure], bool] | None = None,
                note: str = "") -> Figure:
        self.log(f"  {label} ...")
        figure = self.figures[key] = repeat(step, runs=runs or self.runs, budget=self.budget)
        return self.record(group, label, figure, target=target, check=check, note=note)

    def record(self, group: str, label: str, figure: Figure, *, target: str = "",
               check: Callable[[Figure], bool] | None = None, note: str = "") -> Figure:
        self.rows.append(Row(group, label, figure, target=target, ok=check(figure) if check else None, note=note))
        lo, hi = figure.spread
        self.log(f"    {label}: {figure.wall:.2f} s median of {figure.runs} ({lo:.2f}-{hi:.2f}), "
                 f"peak PSS {figure.tree_pss_mb:.0f} MB, RSS {figure.tree_rss_mb:.0f} MB, load {figure.load:.1f}")
        return figure

    def ratio(self, group: str, label: str, value: float | None, *, target: str = "",
              ok: bool | None = None, note: str = "") -> None:
        text = "—" if value is None else f"{value:.2f}×"
        self.rows.append(Row(group, label, value=text, target=target, ok=ok if value is not None else None,
                             note=note))
        self.log(f"  {label}: {text} {note}")

    # ------------------------------------------------------------ update

    def update(self, size: int) -> None:
        """update (extract + merge) of `size` statements x 3 languages: cold, every statement edited, one edited."""
        group = f"update, {size} statements × {len(TARGETS)} languages"
        self.log(group)
        texts = corpus.statements(size)
        sources = self.work / "saved" / f"src-{size}"
        if sources.exists():
            discard(sources)
        corpus.write_project(sources, texts, languages=corpus.LANGUAGES)

        def cold() -> Sample:
            self.restore(sources)
            return self.pipeline("update")
        big = size >= 500
        mem = "≤ 300 MB" if big else ""
        self.measure(f"update-{size}-cold", group, "cold (no .cache/, no locales/)", cold,
                     target=mem, check=_memory_ok if big else None)
        if size == self.tools_size:  # measured next to the pipeline's figure, under the same load
            self.tools_cold(size)

        # The last cold run's catalogues, filled with pseudo-translations, normalised by `update`.
        corpus.translate_catalogues(self.project)
        self.measure(f"update-{size}-filled", group, "after every catalogue changed (translations arrive)",
                     lambda: self.pipeline("update"), runs=1)
        filled = self.save(f"filled-{size}")

        def edit(slugs: list[str]) -> Callable[[], Sample]:
            def step() -> Sample:
                self.restore(filled)
                for slug in slugs:
                    path = self.project / "source" / f"{slug}.md"
                    path.write_text(corpus.edit_paragraph(path.read_text(encoding="utf-8"), seed=len(slug)),
                                    encoding="utf-8")
                return self.pipeline("update")
            return step
        slugs = [slug for slug, _ in texts]
        self.measure(f"update-{size}-edit-all", group, "after editing one paragraph in every statement",
                     edit(slugs), target=mem, check=_memory_ok if big else None)
        self.save(f"edited-{size}")
        if size == self.tools_size:
            self.msgmerge_edited(size)
        self.measure(f"update-{size}-edit-one", group, "after editing one statement", edit(slugs[:1]),
                     target="≤ 1 s", check=lambda f: f.wall <= 1.0)

    # ------------------------------------------------------------ the five real statements

    def publish_real(self, *, floor: bool = True) -> None:
        """Publish the project's own statements: cold, no-op, after one .po edit; then the floor."""
        group = "publish, the 5 real statements (all languages, html+docx+pdf)"
        self.log(group)
        real = self.work / "saved" / "real"
        if real.exists():
            discard(real)
        real.mkdir(parents=True)
        shutil.copytree(REPO / "source", real / "source")
        shutil.copytree(REPO / "locales", real / "locales")
        shutil.copy2(REPO / "project.yaml", real / "project.yaml")

        def cold() -> Sample:
            self.restore(real)
            return self.pipeline("publish")
        if not floor:
            self.measure("publish-real-cold", group, "cold (no .cache/, no out/), -j default", cold)
            outputs = _outputs(self.project)
        else:
            # Cold publish and floor alternate, run for run, so both see the same load on the machine.
            self.log("  cold (no .cache/, no out/), -j default, alternating with the floor ...")
            cold_figure = self.figures["publish-real-cold"] = Figure([cold()])
            outputs = _outputs(self.project)
            floor_step, jobs, coverage = self._floor(real, outputs)
            floor_figure = self.figures["floor-real"] = Figure([floor_step()])
            spent = sum(s.wall for s in cold_figure.samples + floor_figure.samples)
            while cold_figure.runs < self.runs and spent < 2 * self.budget:
                spent += cold_figure.add(cold()).wall + floor_figure.add(floor_step()).wall
            self.record(group, "cold (no .cache/, no out/), -j default", cold_figure)
            self.record(group, f"floor: bare pandoc + Typst, {len(jobs)} outputs one after another "
                               "(runs alternate with the row above)", floor_figure,
                        note=f"translated inputs: {coverage:.0%} of blocks")
            ratio = cold_figure.wall / floor_figure.wall
            self.ratio(group, "cold publish: pipeline ÷ floor", ratio, target="≤ 0.3", ok=ratio <= 0.3)
        self.measure("publish-real-noop", group, "no-op re-run", lambda: self.pipeline("publish"),
                     target="≤ 0.5 s", check=lambda f: f.wall <= 0.5)

        edited = [o for o in outputs if o.parts[0] != "en" and o.suffix == ".html"]
        lang, slug = (edited[0].parts[0], edited[0].stem) if edited else ("ar", "")
        po = self.project / "locales" / lang / f"{slug}.po"
        count = iter(range(1000))

        def po_edit() -> Sample:
            edit_po(po, _WORDS.get(lang, "edited") + str(next(count)))
            return self.pipeline("publish")
        self.measure("publish-real-po-edit", group, f"re-run after one .po edit ({lang}/{slug[:24]}…)", po_edit,
                     target="≤ 1.0 s", check=lambda f: f.wall <= 1.0)

    def _floor(self, real: Path, outputs: list[Path]) -> tuple[Callable[[], Sample], list[dict], float]:
        """The same outputs by bare pandoc + Typst calls: (one run, the jobs, share of blocks translated)."""
        plan_dir = self.work / "floor"
        if plan_dir.exists():
            discard(plan_dir)
        (plan_dir / "in").mkdir(parents=True)
        (plan_dir / "out").mkdir()
        jobs, coverage = floor_jobs(real, outputs, plan_dir)
        plan = plan_dir / "plan.json"
        plan.write_text(json.dumps({"jobs": jobs, "font_dirs": font_dirs()}), encoding="utf-8")

        def step() -> Sample:
            discard(plan_dir / "out")
            (plan_dir / "out").mkdir()
            return run([self.python, "-m", "bench.floor", str(plan)], env=self.env, cwd=self.work)
        return step, jobs, coverage

    # ------------------------------------------------------------ many statements, one language

    def publish_large(self, size: int) -> None:
        group = f"publish, {size} synthetic statements × 1 language (en) × 3 formats"
        self.log(group)
        sources = self.work / "saved" / f"src-en-{size}"
        if sources.exists():
            discard(sources)
        corpus.write_project(sources, corpus.statements(size), languages=corpus.SOURCE_ONLY)

        def cold() -> Sample:
            self.restore(sources)
            return self.pipeline("publish")
        self.measure(f"publish-{size}-cold", group, "cold, -j default", cold,
                     target="≤ 30 s, ≤ 300 MB", check=lambda f: f.wall <= 30 and _memory_ok(f))

    # ------------------------------------------------------------ other tools

    def tools_cold(self, size: int) -> None:
        """msgmerge alone, po4a and Translate Toolkit doing the cold extract + merge of `update`."""
        group = f"other tools, {size} statements × {len(TARGETS)} languages, cold"
        self.log(group)
        pipeline_cold = self.figures[f"update-{size}-cold"]
        scratch = self.work / "tools"
        templates = self.save(f"cold-{size}") / "locales"
        sources = self.work / "saved" / f"src-{size}" / "source"

        msgmerge = shutil.which("msgmerge")
        if not msgmerge:
            self.note(group, "GNU msgmerge", "not installed: apt-get install -y gettext")
        else:
            script = _msgmerge_script(msgmerge, templates, None, scratch / "msgmerge-cold")
            figure = self.measure(f"msgmerge-{size}-cold", group,
                                  "msgmerge alone (each of the pipeline's .pot into a header-only .po)",
                                  lambda: _sh(script, scratch / "msgmerge-cold"))
            r = pipeline_cold.wall / figure.wall
            self.ratio(group, "update cold: pipeline ÷ msgmerge alone", r, target="≤ 1.0", ok=r <= 1.0)

        po4a = shutil.which("po4a")
        if not po4a:
            self.note(group, "po4a", "not installed: apt-get update && apt-get install -y po4a")
        else:
            n = min(size, self.po4a_statements)
            folder = scratch / "po4a"
            config = _po4a_config(sorted(sources.glob("*.md"))[:n], folder)

            def step() -> Sample:
                for sub in ("templates", *TARGETS):
                    if (folder / "locales" / sub).exists():
                        discard(folder / "locales" / sub)
                    (folder / "locales" / sub).mkdir(parents=True)
                return run([po4a, "--no-translations", "--quiet", str(config)], cwd=folder, env=self.env)
            scaled = f" on {n} statements, × {size / n:.3g}" if n < size else ""
            figure = self.measure(f"po4a-{size}-cold", group, f"po4a (one run, split .pot/.po){scaled}",
                                  step, runs=1 if n < size else None)
            r = figure.wall * (size / n) / pipeline_cold.wall
            self.ratio(group, "update cold: po4a ÷ pipeline (times faster)", r,
                       target="≥ 5", ok=r >= 5, note="po4a time scaled linearly" if n < size else "")

        md2po = _venv_tool("md2po")
        if not md2po:
            self.note(group, "Translate Toolkit",
                      "not installed: .venv/bin/pip install translate-toolkit mistletoe")
        else:
            folder = scratch / "ttk"
            commands = [f"{md2po} --progress=none -P -i {sources} -o {folder}/templates"]
            commands += [f"{_venv_tool('pot2po')} --progress=none -i {folder}/templates -o {folder}/{lang}"
                         for lang in TARGETS]
            script = folder.with_suffix(".sh")
            folder.mkdir(parents=True, exist_ok=True)
            script.write_text("set -e\n" + "\n".join(commands) + "\n", encoding="utf-8")
            figure = self.measure(f"ttk-{size}-cold", group, "Translate Toolkit md2po + pot2po",
                                  lambda: _sh(script, folder))
            r = figure.wall / pipeline_cold.wall
            self.ratio(group, "update cold: Translate Toolkit ÷ pipeline", r, target="> 1", ok=r > 1)

    def msgmerge_edited(self, size: int) -> None:
        """msgmerge alone on the catalogues the pipeline merged after every statement was edited."""
        msgmerge = shutil.which("msgmerge")
        if not msgmerge:
            return
        group = f"other tools, {size} statements × {len(TARGETS)} languages, after editing every statement"
        self.log(group)
        scratch = self.work / "tools"
        script = _msgmerge_script(msgmerge, self.work / "saved" / f"edited-{size}" / "locales",
                                  self.work / "saved" / f"filled-{size}" / "locales", scratch / "msgmerge-edit")
        figure = self.measure(f"msgmerge-{size}-edit", group,
                              "msgmerge alone (each edited .pot into its translated .po)",
                              lambda: _sh(script, scratch / "msgmerge-edit"), runs=1)
        self.ratio(group, "after editing every statement: pipeline ÷ msgmerge alone",
                   self.figures[f"update-{size}-edit-all"].wall / figure.wall)

    def note(self, group: str, label: str, text: str) -> None:
        self.rows.append(Row(group, label, value="skipped", note=text))
        self.log(f"  {label}: skipped — {text}")


# ---------------------------------------------------------------- helpers

_WORDS = {"ar": "فعلا", "ku": "bi rastî", "ckb": "بەڕاستی"}


def _outputs(project: Path) -> list[Path]:
    """What a publish wrote: out/<lang>/<slug>.<format>, paths relative to out/."""
    return sorted(p.relative_to(project / "out") for p in (project / "out").glob("*/*.*")
                  if p.parent.name != "fonts")


def discard(path: Path) -> None:
    """Take a file or folder out of the way without deleting it: renamed beside it, with a name no
    run looks at, and removed with the bench's folder at the end. On ext4 without a journal (the
    machine bench/RESULTS.md was measured on) creating a file steps over every inode freed in the
    last minutes: after a run's thousands of files were deleted, the next command's file creations
    took up to ~1 ms each (~1 s of a cold 500-statement update's 7 s), whichever tool ran next. A file
    system with a journal, the usual one, has no such cost."""
    path.rename(path.with_name(f"{DISCARDED}{uuid.uuid4().hex}-{path.name}"))


DISCARDED = ".discarded-"


def _memory_ok(figure: Figure) -> bool:
    return figure.tree_pss_mb <= 300


def edit_po(path: Path, word: str) -> None:
    """A translator's edit: one word added at the start of the first translated paragraph's msgstr."""
    entries = path.read_text(encoding="utf-8").split("\n\n")
    for k, entry in enumerate(entries[1:], 1):
        lines = entry.split("\n")
        if entry.startswith("#~") or any(line.startswith("msgctxt") for line in lines):
            continue
        if not any(line.startswith("#. paragraph") for line in lines):
            continue
        i = next(i for i, line in enumerate(lines) if line.startswith("msgstr "))
        if lines[i] == 'msgstr ""':
            i += 1
            if i >= len(lines) or not lines[i].startswith('"'):
                continue
            lines[i] = '"' + word + " " + lines[i][1:]
        else:
            lines[i] = 'msgstr "' + word + " " + lines[i][len('msgstr "'):]
        entries[k] = "\n".join(lines)
        path.write_text("\n\n".join(entries), encoding="utf-8")
        return
    raise RuntimeError(f"{path}: no translated paragraph to edit")


def font_dirs() -> list[str]:
    """The folders of the font packages the pipeline depends on."""
    import fontpkg

    dirs = []
    for name in ("Amiri", "Noto Serif"):
        for f in fontpkg.family(name).files:
            dirs.append(str(Path(f.path).parent))
    return sorted(set(dirs))


def floor_jobs(real: Path, outputs: list[Path], folder: Path) -> tuple[list[dict], float]:
    """One Markdown file per statement x language (the translation put in by plain text replacement)."""
    import babel

    jobs, found, total = [], 0, 0
    config = yaml.safe_load((real / "project.yaml").read_text(encoding="utf-8"))
    source_lang = config.get("source", "en")
    made: dict[tuple[str, str], Path] = {}
    for rel in outputs:
        lang, slug, fmt = rel.parts[0], rel.stem, rel.suffix[1:]
        rtl = babel.Locale.parse(lang).character_order == "right-to-left"
        if (lang, slug) not in made:
            made[(lang, slug)] = folder / "in" / f"{lang}-{slug}.md"
            table = _translations(real / "locales" / lang, slug) if lang != source_lang else {}
            text, hits, blocks = _translated_markdown(real / "source" / f"{slug}.md", table, lang=lang, rtl=rtl)
            made[(lang, slug)].write_text(text, encoding="utf-8")
            if lang != source_lang:
                found, total = found + hits, total + blocks
        jobs.append({"input": str(made[(lang, slug)]), "output": str(folder / "out" / f"{lang}-{slug}.{fmt}"),
                     "format": fmt, "lang": lang, "font": "Amiri" if rtl else "Noto Serif"})
    return jobs, (found / total if total else 1.0)


def _translations(folder: Path, slug: str) -> dict[tuple, str]:
    """(msgctxt, msgid) -> msgstr of a statement's catalogue and ui.po: translated, not fuzzy."""
    import polib

    table: dict[tuple, str] = {}
    for name in (f"{slug}.po", "ui.po"):
        if (folder / name).exists():
            for e in polib.pofile(str(folder / name)):
                if e.msgstr and "fuzzy" not in e.flags:
                    table[(e.msgctxt, e.msgid)] = e.msgstr
    return table


def _translated_markdown(path: Path, table: dict[tuple, str], *, lang: str, rtl: bool) -> tuple[str, int, int]:
    """The statement as one Markdown file with its signatory list, blocks replaced by their msgstr."""
    front, body = re.match(r"---\n(.*?)\n---\n(.*)", path.read_text(encoding="utf-8"), re.S).groups()
    meta = yaml.safe_load(front)
    blocks, hits, total = [], 0, 0
    for block in body.strip().split("\n\n"):
        out = []
        for item in re.split(r"\n(?=(?:[-*+]|\d+\.) )", block):
            m = re.match(r"((?:[-*+]|\d+\.) )?(.*)", item, re.S)
            marker, content = m.group(1) or "", " ".join(m.group(2).split())
            total += 1
            hits += (None, content) in table
            out.append(marker + table.get((None, content), content))
        blocks.append("\n".join(out))
    names = [table.get(("signatory", n)) or n
             for n in ((s if isinstance(s, str) else s["name"]) for s in meta.get("signatories") or [])]
    heading = table.get((None, "Signatory organisations"), "Signatory organisations")
    header = {"title": table.get((None, meta["title"]), meta["title"]), "lang": lang, "dir": "rtl" if rtl else "ltr"}
    if meta.get("date"):
        header["date"] = str(meta["date"])
    text = (f"---\n{yaml.safe_dump(header, allow_unicode=True)}---\n\n" + "\n\n".join(blocks)
            + f"\n\n## {heading}\n\n" + "\n".join(f"{i}. {n}" for i, n in enumerate(names, 1)) + "\n")
    return text, hits, total


def _msgmerge_script(msgmerge: str, locales: Path, old: Path | None, dest: Path) -> Path:
    """A shell script: one msgmerge per catalogue (the .pot of `locales` into the .po of `old`,
    or into a header-only .po when there is none: a new catalogue)."""
    lines = ["set -e"]
    for lang in TARGETS:
        (dest / lang).mkdir(parents=True, exist_ok=True)
        header = dest / f"header-{lang}.po"
        header.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                          f'"Language: {lang}\\n"\n', encoding="utf-8")
        for pot in sorted((locales / "templates").glob("*.pot")):
            base = old / lang / f"{pot.stem}.po" if old else header
            lines.append(f"{msgmerge} --quiet --previous --lang={lang} -o {dest / lang / pot.stem}.po "
                         f"{base} {pot}")
    script = dest.with_suffix(".sh")
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return script


def _po4a_config(sources: list[Path], folder: Path) -> Path:
    """po4a's own configuration: one .pot and one .po per statement and language (split mode)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"[po4a_langs] {' '.join(TARGETS)}",
             "[po4a_paths] locales/templates/$master.pot $lang:locales/$lang/$master.po",
             '[options] opt:"-o markdown -o yfm_keys=title,name -M UTF-8 -L UTF-8"']
    lines += [f"[type: text] {p} $lang:out/$lang/{p.name}" for p in sources]
    config = folder / "po4a.cfg"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def _sh(script: Path, clean: Path) -> Sample:
    for sub in clean.glob("*/"):
        if not sub.name.startswith(DISCARDED):
            discard(sub)
    for lang in TARGETS:
        (clean / lang).mkdir(parents=True, exist_ok=True)
    return run(["sh", str(script)])


def _venv_tool(name: str) -> str | None:
    """A console script installed next to this Python (the venv), or on PATH; None if it does not run."""
    candidate = Path(sys.executable).parent / name
    path = str(candidate) if candidate.exists() else shutil.which(name)
    if not path:
        return None
    ok = subprocess.run([path, "--version"], capture_output=True).returncode == 0
    return path if ok else None
