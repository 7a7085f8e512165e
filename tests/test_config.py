"""project.yaml and front matter: every problem at once, with file, line and what to do."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.errors import PipelineError
from pipeline.source import parse_statement


def test_every_config_problem_is_reported_at_once(tmp_path: Path):
    (tmp_path / "project.yaml").write_text(
        "source: en\n"
        "languages:\n"
        "  en: {}\n"
        "  ar:\n"
        "    locale: ar_SY\n"
        "    treshold: 90\n"
        "  xx-nonsense: {}\n"
        "fonts:\n"
        "  Latn: Noto Serif\n"
        "threshold: 150\n"
        "langauges: {}\n", encoding="utf-8")
    with pytest.raises(PipelineError) as info:
        load_config(tmp_path)
    text = info.value.report()
    assert "project.yaml:11: unknown key 'langauges' — did you mean 'languages'?" in text
    assert "project.yaml:6: unknown key 'treshold' for language 'ar' — did you mean 'threshold'?" in text
    assert "project.yaml:7: unknown language code 'xx-nonsense'" in text
    assert "project.yaml:8: no font for the Arab script, which 'ar' is written in" in text
    assert "project.yaml:10: threshold must be a percentage from 0 to 100, not 150" in text
    assert text.endswith("Aborted with 5 configuration errors in project.yaml.")


def test_sorani_is_one_line_of_config(tmp_path: Path):
    (tmp_path / "project.yaml").write_text(
        "languages: {en: {}, ckb: {}}\nfonts: {Arab: Amiri, Latn: Noto Serif}\n", encoding="utf-8")
    ckb = load_config(tmp_path).lang("ckb").language
    assert (ckb.direction, ckb.script, ckb.numbering, ckb.region_tag) == ("rtl", "Arab", "arab", "ckb-IQ")


@pytest.mark.parametrize("front,expected", [
    ("title: T\ndate: 2026-13-45\n", "x.md:3: '2026-13-45' is not a date — write the date as YYYY-MM-DD"),
    ("title: T\ndate: 26/01/2026\n", "x.md:3: '26/01/2026' is not a date"),
    ("date: 2026-01-26\n", "x.md:2: the statement has no title"),
    ("title: T\nauthor: me\n", "x.md:3: unknown key 'author' in the front matter"),
    ("title: T\nsignatories:\n  - name: A\n    shrot: B\n", "x.md:4: unknown key 'shrot' in signatory 1"),
    ("title: [unclosed\n", "x.md:3: this is not valid YAML"),
])
def test_front_matter_problems_name_file_and_line(front: str, expected: str):
    with pytest.raises(PipelineError) as info:
        parse_statement(f"---\n{front}---\n\nBody.\n", Path("x.md"))
    assert expected in info.value.report()


def test_cli_reports_bad_config_with_exit_2(project: Path, capsys):
    (project / "project.yaml").write_text("languages: [en\n", encoding="utf-8")
    assert main(["--project", str(project), "publish"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("project.yaml:") and "not valid YAML" in err and "Traceback" not in err
    assert not (project / "out").exists()
