"""Running one command and measuring it: wall time and peak memory of its whole process tree.

    sample = run(["python", "-m", "pipeline", "update"], env=env)
    sample.wall, sample.tree_rss_mb, sample.tree_pss_mb, sample.max_rss_mb

Three memory figures: `max_rss_mb` is the kernel's ru_maxrss from wait4() (the largest
single process of the tree: what `/usr/bin/time -f %M` prints); `tree_rss_mb` the
peak of the RSS summed over the process and all its descendants (pandoc workers, render
processes), sampled from /proc (every 100 ms in a run's first second, every 200 ms
after), which counts a page shared by several of them
(the pandoc binary's ~140 MB of code, Python's libraries) once per process: an upper bound;
`tree_pss_mb` the peak of their summed proportional set size (each shared page divided
among the processes sharing it, /proc/PID/smaps_rollup): the memory the tree occupies.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# Seconds between two looks at /proc: more often in a run's first second than after. A look costs
# ~1.5 ms of CPU per pandoc process (its smaps_rollup): every 0.05 s throughout, that took ~10 % of a
# core from a measured run, which the pipeline, using both cores, paid and a one-process tool did not.
SAMPLE_EVERY, SAMPLE_LATER, SETTLED = 0.1, 0.2, 1.0


@dataclass
class Sample:
    """One measured run."""

    wall: float                 # seconds
    max_rss_mb: float           # largest single process (ru_maxrss)
    tree_rss_mb: float          # peak of the summed RSS of the process tree (sampled)
    tree_pss_mb: float          # peak of the summed PSS of the process tree (sampled)
    returncode: int
    output: str = ""            # stdout + stderr, for error messages
    load: float = 0.0           # the machine's 1-minute load average when the run started


class BenchError(RuntimeError):
    """A measured command failed: the bench stops with its output."""


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(name))
    return tree


def _children_of(pid: int, tree: dict[int, list[int]] | None) -> list[int]:
    """The processes `pid` started, from the kernel's list of each of its threads' children (a few
    small reads, where reading every process's stat took ~3 ms of each sample); `tree` otherwise."""
    if tree is not None:
        return tree.get(pid, [])
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children", "rb") as f:
            found += [int(c) for c in f.read().split()]
    return found


_LISTS_CHILDREN = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")


def tree_memory(pid: int) -> tuple[int, int] | None:
    """Bytes resident in `pid` and all its descendants right now: summed RSS and summed PSS.

    None when the tree changed while it was read: the processes (and what each runs) are listed
    before and after, and must be the same. A page shared with a process that ended meanwhile was
    counted at its share and again, whole or nearly, in the processes read after it (a 500-statement
    publish "peaked" at 316 MB the moment a pandoc stopped, 275 MB before and after); one shared
    with a process that started meanwhile, at the share of the processes read before it and at its
    own (a full run reported 320 MB, most likely when the parsing pandoc had stopped and another
    started: ~290 MB sampled by hand)."""
    tree = None if _LISTS_CHILDREN else _children()
    before = _processes(pid, tree)
    rss = pss = 0
    for p in before:
        try:
            with open(f"/proc/{p}/smaps_rollup", "rb") as f:
                for line in f:
                    if line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
        except (OSError, IndexError, ValueError):
            return None
    return (rss, pss) if _processes(pid, None if _LISTS_CHILDREN else _children()) == before else None


def _processes(pid: int, tree: dict[int, list[int]] | None) -> dict[int, bytes]:
    """`pid` and its descendants that run (not ended, nor zombies waiting to be reaped), each with
    its command name (which an exec changes: a child between fork and exec shares its parent's pages)."""
    found: dict[int, bytes] = {}
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat", "rb") as f:
                stat = f.read()
            todo.extend(_children_of(p, tree))
        except OSError:   # (ended meanwhile)
            continue
        end = stat.rindex(b")")
        if stat[end + 2:end + 3] not in (b"Z", b"X"):
            found[p] = stat[stat.index(b"(") + 1:end]
    return found


def run(argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
        check: bool = True) -> Sample:
    """Run argv to completion, measuring it; BenchError when it fails and `check`."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-out-{os.getpid()}-{time.monotonic_ns()}.txt"
    # What earlier runs and the set-up wrote is on disk before the clock starts: its writing back
    # (tens of MB for a 500-statement project) no longer runs in the middle of a measured run.
    os.sync()
    load = os.getloadavg()[0]
    with open(out_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        peak = peak_pss = 0
        done = threading.Event()

        def sampler() -> None:
            nonlocal peak, peak_pss
            while not done.is_set():
                memory = tree_memory(proc.pid)
                if memory is not None:
                    peak, peak_pss = max(peak, memory[0]), max(peak_pss, memory[1])
                done.wait(SAMPLE_EVERY if time.perf_counter() - start < SETTLED else SAMPLE_LATER)

        thread = threading.Thread(target=sampler, daemon=True)
        thread.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        thread.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    output = out_path.read_text(encoding="utf-8", errors="replace")
    out_path.unlink()
    sample = Sample(wall, usage.ru_maxrss / 1024, max(peak, usage.ru_maxrss * 1024) / 2**20,
                    (peak_pss or usage.ru_maxrss * 1024) / 2**20,  # (ended before a first sample: its RSS)
                    proc.returncode, output, load)
    if check and proc.returncode != 0:
        raise BenchError(f"{' '.join(map(str, argv))} exited with {proc.returncode}:\n{output[-3000:]}")
    return sample


@dataclass
class Figure:
    """Several runs of one measurement, summarised by their median."""

    samples: list[Sample] = field(default_factory=list)

    def add(self, sample: Sample) -> Sample:
        self.samples.append(sample)
        return sample

    @property
    def runs(self) -> int:
        return len(self.samples)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def spread(self) -> tuple[float, float]:
        walls = [s.wall for s in self.samples]
        return min(walls), max(walls)

    @property
    def tree_rss_mb(self) -> float:
        return max(s.tree_rss_mb for s in self.samples)

    @property
    def tree_pss_mb(self) -> float:
        return max(s.tree_pss_mb for s in self.samples)

    @property
    def max_rss_mb(self) -> float:
        return max(s.max_rss_mb for s in self.samples)

    @property
    def load(self) -> float:
        """The highest load average any run started under (other work on the machine)."""
        return max(s.load for s in self.samples)


def repeat(step, *, runs: int, budget: float) -> Figure:
    """Call step() (it returns a Sample) `runs` times, fewer once `budget` seconds are spent (at least once)."""
    figure = Figure()
    spent = 0.0
    for _ in range(runs):
        began = time.perf_counter()
        figure.add(step())
        spent += time.perf_counter() - began
        if spent >= budget:
            break
    return figure
