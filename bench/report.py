"""The results table (Markdown, also readable in a terminal), the machine, bench/RESULTS.md."""
from __future__ import annotations

import datetime
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

from .measure import SAMPLE_EVERY, SAMPLE_LATER, SETTLED
from .scenarios import Row


def machine(python: str = sys.executable) -> dict[str, str]:
    """What the figures were measured on."""
    info = {"cores (nproc)": str(os.cpu_count())}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        info["CPU"] = model.group(1).strip() if model else platform.processor()
        meminfo = Path("/proc/meminfo").read_text()
        total = int(re.search(r"^MemTotal:\s*(\d+)", meminfo, re.M).group(1))
        info["memory"] = f"{total / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        info["CPU"] = platform.processor() or "?"
    info["OS"] = platform.platform()
    info["Python"] = platform.python_version()
    probe = ("import pypandoc, subprocess, importlib.metadata as m;"
             "v = subprocess.run([pypandoc.get_pandoc_path(), '--version'], capture_output=True, text=True)"
             ".stdout.split(chr(10))[0];"
             "print(v); print('typst (Python package) ' + m.version('typst'))")
    try:
        out = subprocess.run([python, "-c", probe], capture_output=True, text=True, check=True).stdout.split("\n")
        info["pandoc"], info["Typst"] = out[0], out[1]
    except (subprocess.CalledProcessError, IndexError):
        info["pandoc"] = info["Typst"] = "?"
    md2po = str(Path(python).parent / "md2po")
    for name, argv in (("msgmerge", ["msgmerge", "--version"]), ("po4a", ["po4a", "--version"]),
                       ("Translate Toolkit", [md2po, "--version"])):
        try:
            info[name] = subprocess.run(argv, capture_output=True, text=True).stdout.split("\n")[0].strip()
        except OSError:
            info[name] = "not installed"
    return info


def table(rows: list[Row]) -> str:
    """A Markdown table, grouped (groups in the order they were first measured); times are medians."""
    header = ["measurement", "runs", "median", "min–max", "peak PSS, tree", "peak RSS, tree", "max RSS, 1 process", "load",
              "target", "result"]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    groups = list(dict.fromkeys(row.group for row in rows))
    for group in groups:
        lines.append(f"| **{group}** |" + " |" * (len(header) - 1))
        for row in (r for r in rows if r.group == group):
            if row.figure is not None:
                f = row.figure
                lo, hi = f.spread
                cells = [str(f.runs), _seconds(f.wall), f"{_seconds(lo)}–{_seconds(hi)}" if f.runs > 1 else "",
                         f"{f.tree_pss_mb:.0f} MB", f"{f.tree_rss_mb:.0f} MB", f"{f.max_rss_mb:.0f} MB",
                         f"{f.load:.1f}"]
            else:
                cells = ["", row.value, "", "", "", "", ""]
            verdict = "" if row.ok is None else ("pass" if row.ok else "**FAIL**")
            label = row.label + (f" <br><sub>{row.note}</sub>" if row.note else "")
            lines.append("| " + " | ".join([label, *cells, row.target, verdict]) + " |")
    return "\n".join(lines)


def _seconds(s: float) -> str:
    return f"{s:.2f} s" if s < 100 else f"{s:.0f} s"


def summary(rows: list[Row]) -> str:
    judged = [r for r in rows if r.ok is not None]
    failed = [r for r in judged if not r.ok]
    text = f"{len(judged) - len(failed)} of {len(judged)} targets pass."
    if failed:
        text += " Failing: " + "; ".join(f"{r.group}: {r.label}" for r in failed) + "."
    return text


def results_markdown(rows: list[Row], info: dict[str, str], *, elapsed: float, command: str,
                     snapshot: str, notes: list[str]) -> str:
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{command}` on {when}; the whole bench took {elapsed / 60:.1f} min.",
        "Do not edit by hand: run `make bench` again.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        "",
        "## Figures",
        "",
        "Wall times are medians over the runs shown (fewer than asked when one run took longer than",
        "the bench's per-measurement budget). Peak memory, sampled over the pipeline process and all its",
        f"children (pandoc workers, render processes) every {SAMPLE_EVERY * 1000:.0f} ms in a run's first "
        f"{SETTLED:g} s, then every {SAMPLE_LATER * 1000:.0f} ms",
        "(a sample taken while a process started or ended is dropped): *PSS, tree* is the highest sum of their",
        "proportional set sizes (a page shared by n processes counts 1/n in each: the memory the tree",
        "occupies; the memory targets are judged on it); *RSS, tree* the highest sum of their RSS, which",
        "counts a shared page once per process (each pandoc maps the same ~140 MB binary): an upper bound;",
        "*1 process* is the kernel's ru_maxrss (what `/usr/bin/time -f %M` prints). *load*: the highest 1-minute",
        "load average a run started under (other work on this 2-core machine slows every figure).",
        "Every pipeline figure is a `python -m pipeline --project P ...` subprocess, interpreter",
        "start-up included, on a copy of pipeline/ taken when the bench started",
        f"(`{snapshot}`).",
        "",
        table(rows),
        "",
        summary(rows),
        "",
    ]
    if notes:
        lines += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    return "\n".join(lines)
