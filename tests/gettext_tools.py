"""GNU gettext as the judge of the PO files the pipeline writes."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

# Flags GNU gettext does not know (Weblate's and ours) are dropped by msgcat;
# everything else must come out byte-identical.
_GNU_FLAGS = re.compile(r"^(?:fuzzy|no-wrap|wrap|[a-z-]+-format|no-[a-z-]+-format|range: .*)$")


def _drop_unknown_flags(text: str) -> str:
    out = []
    for line in text.splitlines(keepends=True):
        prefix = "#~ #, " if line.startswith("#~ #, ") else "#, " if line.startswith("#, ") else None
        if prefix:
            flags = [f for f in line[len(prefix):].strip().split(", ") if _GNU_FLAGS.match(f)]
            if not flags:
                continue
            line = prefix + ", ".join(flags) + "\n"
        out.append(line)
    return "".join(out)


def assert_gettext_accepts(path: Path) -> None:
    """msgfmt --check accepts the file and msgcat leaves it unchanged."""
    assert shutil.which("msgcat"), "GNU gettext is missing: apt-get install gettext (.ci/run does)"
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    cat = subprocess.run(["msgcat", str(path)], capture_output=True, text=True)
    assert cat.returncode == 0, cat.stderr
    assert cat.stdout == _drop_unknown_flags(path.read_text(encoding="utf-8")), f"msgcat reformats {path}"
