"""What each output was built from: content hashes of its inputs, kept between runs.

Decisions are made on content, so a fresh clone or a `git checkout` rebuilds exactly
what changed; a file's size and modification time only stand for a hash already taken
of it (`stat_digest`). Everything lives under .cache/.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .files import write_atomic

MANIFEST = "manifest.json"
# Outputs modified less than this long ago are hashed, never trusted to their size and time.
RACY_NS = 2_000_000_000


def digest(*parts: bytes | str) -> str:
    """A short content hash of some bytes or text."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """The hash of a file's content ("-" when it does not exist)."""
    try:
        return digest(path.read_bytes())
    except OSError:
        return "-"


def stat_digest(path: Path, stamps: dict | None = None) -> str:
    """`file_digest`, taken from `stamps` (path -> [size, mtime_ns, ctime_ns, inode, hash, hashed_ns])
    while the file's size, times and inode are those recorded, so files that do not change are not
    re-read every run. As in git's index, a stamp is not trusted when the file changed within
    RACY_NS before it was hashed: a later write in the same time-stamp granule would not show."""
    if stamps is None:
        return file_digest(path)
    key = str(path)
    try:
        st = os.stat(path)
    except OSError:
        stamps.pop(key, None)
        return "-"
    now = time.time_ns()
    stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
    known = stamps.get(key)
    if known and list(known[:4]) == stamp and max(stamp[1], stamp[2]) + RACY_NS < known[5]:
        return known[4]
    value = file_digest(path)
    stamps[key] = stamp + [value, now]
    return value


@lru_cache(maxsize=None)
def code_digest() -> str:
    """The pipeline's own code, Lua worker and templates: a change rebuilds everything."""
    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in {".py", ".lua", ".typ", ".css"})
    return digest(*(str(p.relative_to(package)) + "\0" + p.read_text(encoding="utf-8") for p in files))


@dataclass
class Manifest:
    """.cache/manifest.json: per output, the hashes of what it was built from and of itself."""

    path: Path
    outputs: dict[str, dict] = field(default_factory=dict)   # rel path -> {"inputs": {...}, "output": hash}
    extra: dict[str, str] = field(default_factory=dict)      # other keys: cached pages, update state
    stamps: dict[str, list] = field(default_factory=dict)    # path -> stat_digest's stamp

    @classmethod
    def load(cls, cache_dir: Path) -> "Manifest":
        path = cache_dir / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, data.get("outputs", {}), data.get("extra", {}), data.get("stamps", {}))
        except (OSError, ValueError):
            return cls(path)

    def why_rebuild(self, out_dir: Path, rel: str, inputs: dict[str, str]) -> str | None:
        """None when the output is up to date; otherwise the reason, in words."""
        old = self.outputs.get(rel)
        if old is None:
            return "new"
        changed = [k for k in inputs if old["inputs"].get(k) != inputs[k]]
        if changed:
            return ", ".join(changed) + " changed"
        if stat_digest(out_dir / rel, self.stamps) != old.get("output"):
            return "output missing or edited"
        return None

    def record(self, rel: str, inputs: dict[str, str], output: bytes) -> None:
        self.outputs[rel] = {"inputs": inputs, "output": digest(output)}

    def save(self) -> None:
        text = json.dumps({"outputs": self.outputs, "extra": self.extra, "stamps": self.stamps},
                          indent=1, sort_keys=True)
        write_atomic(self.path, text)
