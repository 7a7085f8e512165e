"""A first build's statements, given to pandoc to parse before the rest of the pipeline is imported.

Until `publish` forks its render process (~0.2 s in: imports, fonts), one core has nothing to do.
Pandoc parses the first statements there meanwhile; `update` then finds them parsed:

    pandoc = parse_ahead(root, jobs)   # light imports only; None when there is nothing to gain
    ...                           # heavy imports
    pandoc.wait()                 # before a fork: the asking thread is gone
    pandoc.read_bodies(bodies, fmt=...)   # the bodies parsed ahead are not sent again
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from .pandoc import Pandoc

# Statements parsed ahead: update's first two chunks (update.CHUNK), about what pandoc parses
# before the fork (more would keep it waiting, and be held in memory meanwhile).
AHEAD = 8


class ParsedAhead(Pandoc):
    """A pandoc worker that was asked to parse some statement bodies on a thread of its own."""

    def __init__(self, bodies: list[str], fmt: str) -> None:
        super().__init__()
        self._fmt = fmt
        self._parsed: dict[str, tuple] = {}
        self._thread: threading.Thread | None = threading.Thread(target=self._parse, args=(bodies,), daemon=True)
        self._thread.start()

    def _parse(self, bodies: list[str]) -> None:
        try:
            self._parsed = dict(zip(bodies, super().read_bodies(bodies, fmt=self._fmt)))
        except Exception:   # (the same request, made again by update, reports what went wrong)
            self._parsed = {}

    def wait(self) -> None:
        """The answer read and the thread gone, with the request's watchdog (a fork wants one thread)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            for t in threading.enumerate():
                if isinstance(t, threading.Timer) and t.finished.is_set():
                    t.join()   # (cancelled: ends at once)

    def forget(self) -> None:
        """Drop what was not asked for (its statements were taken from .cache/)."""
        self.wait()
        self._parsed = {}

    def read_bodies(self, texts: list[str], *, fmt: str) -> list[tuple[dict, list[str], str]]:
        self.wait()
        ahead = self._parsed if fmt == self._fmt else {}
        found = [ahead.pop(t, None) for t in texts]   # (each answer given once: a caller may edit it)
        rest = iter(super().read_bodies([t for t, f in zip(texts, found) if f is None], fmt=fmt))
        return [f if f is not None else next(rest) for f in found]


def parse_ahead(root: Path, jobs: int | None) -> ParsedAhead | None:
    """On a first build with a core to spare, a pandoc worker already parsing the first statements."""
    from .config import load_config
    from .manifest import MANIFEST
    from .segment import BODY_MARKDOWN
    from .source import read_statement

    if (jobs or os.cpu_count() or 1) < 2:
        return None
    try:
        config = load_config(root)
        if (config.cache_dir / MANIFEST).exists() and config.out_dir.is_dir():
            return None   # (not a first build: the parsed statements are in .cache/)
        # Update takes the newest first; names that start with a date sort so. (Reading every
        # statement to sort them by date would cost a large project more than this saves.)
        paths = sorted(config.source_dir.glob("*.md"), reverse=True)[:AHEAD]
    except Exception:   # (publish reports it)
        return None
    bodies = []
    for path in paths:
        try:
            bodies.append(read_statement(path).body)
        except Exception:   # (update reports it)
            continue
    return ParsedAhead(bodies, BODY_MARKDOWN) if bodies else None
