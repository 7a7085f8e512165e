"""One run at a time per project, and out/ replaced in one atomic step.

    with project_lock(root, "publish"):          # a second run waits, then stops naming this one
        ...build everything in memory...
        written = commit_tree(root / "out", pages)   # all of out/ changes at once, or none of it

The lock is an `fcntl.flock` on `.cache/pipeline.lock`: the kernel drops it when the
process ends, however it ends (SIGKILL included), so a killed run never leaves a stale
lock behind. The file also says who holds it (pid, command, start time) for the message
the waiting run prints.

`commit_tree` builds the next out/ beside the current one (unchanged files are hard
links, so it costs a directory walk) and swaps the two directories with Linux's
`renameat2(RENAME_EXCHANGE)`: a reader, a web server or a run killed at any instant
sees either the old out/ or the new one, never a mixture. Where the swap is not
available (another OS, out/ being a mount point) it falls back to replacing the changed
files one by one, each atomically.
"""
from __future__ import annotations

import ctypes
import datetime
import errno
import fcntl
import os
import shutil
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Mapping

from .errors import Location, PipelineError, Problem

LOCK_NAME = "pipeline.lock"
DEFAULT_WAIT = float(os.environ.get("PIPELINE_LOCK_WAIT", "120"))  # seconds a second run waits
STAGING_PREFIX = ".staging-"          # <out>.staging-<pid>: the next out/, or the previous one after a swap
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def lock_path(root: Path) -> Path:
    return root / ".cache" / LOCK_NAME


_held: set[int] = set()   # the lock files this process holds open


def _close_in_child() -> None:
    """A forked render process closes its copies of the lock files: the lock must end with the run
    (killed or not), not with the last copy. (Closing a copy does not release the run's lock.)"""
    for fd in _held:
        os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)


def holder(root: Path) -> str:
    """Who holds (or last held) the project's lock, as the lock file says: "pid 1234 (publish, since 10:02:03)"."""
    try:
        fields = lock_path(root).read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError):
        return "another run"
    if len(fields) >= 3 and fields[0].isdigit():
        return f"pid {fields[0]} ({fields[1]}, since {fields[2]})"
    return "another run"


@contextmanager
def project_lock(root: Path, command: str, *, wait: float | None = None, poll: float = 0.1,
                 log: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the project's exclusive lock; wait at most `wait` seconds for another run, then fail."""
    wait = DEFAULT_WAIT if wait is None else wait
    path = lock_path(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        _held.add(fd)
    except OSError as exc:
        raise PipelineError(Problem(Location(path), f"cannot create the lock file ({exc.strerror})",
                                    "check that the project folder is writable")) from None
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                other = holder(root)
                if time.monotonic() >= deadline:
                    raise PipelineError(Problem(
                        Location(root), f"another run of the pipeline is working on this project: {other}",
                        f"waited {wait:g} s; let it finish and run again, or stop it (kill "
                        f"{other.split()[1] if other.startswith('pid ') else '<pid>'}) if it is stuck")) from None
                if not told:
                    (log or _stderr)(f"waiting for {other} to finish (at most {wait:g} s)…")
                    told = True
                time.sleep(poll)
        started = datetime.datetime.now().strftime("%H:%M:%S")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {command} {started}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _held.discard(fd)
        os.close(fd)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------- atomic out/


def commit_tree(out: Path, pages: Mapping[str, bytes]) -> list[Path]:
    """Make out/ hold `pages` (paths relative to out/) in one atomic step; return the files that changed.

    Files of out/ not in `pages` are kept. Nothing is touched when nothing changed.
    """
    with Staging(out) as staging:
        for rel, data in pages.items():
            staging.put(rel, data)
        return staging.commit()


class Staging:
    """The next out/, written beside it file by file as outputs are built; `commit` swaps it in.

        with Staging(out) as staging:
            staging.put("en/a.html", data)     # written now (only if it differs from out/'s)
            written = staging.commit()         # all of out/ changes at once, or none of it

    Leaving the block without committing (an error) removes what was staged: out/ is untouched.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.target = out.resolve() if out.is_symlink() else out
        clean_staging(self.target)
        self.path = self.target.parent / f".{self.target.name}{STAGING_PREFIX}{os.getpid()}"
        self.changed: list[str] = []
        # Files are written and synced to disk on a thread: the caller goes on building meanwhile.
        self._writer = ThreadPoolExecutor(max_workers=1)
        self._writes: list[Future] = []

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *exc) -> None:
        self._writer.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.path, ignore_errors=True)  # after commit: the previous out/, or nothing

    def put(self, rel: str, data: bytes) -> bool:
        """Stage one file of the next out/; False when out/ already holds exactly these bytes."""
        _safe_relative(rel)
        if not _differs(self.target / rel, data):
            return False
        if not self.changed:
            shutil.rmtree(self.path, ignore_errors=True)
            self.path.mkdir(parents=True)
        dst = self.path / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        self._writes.append(self._writer.submit(_write_synced, dst, data))
        self.changed.append(rel)
        return True

    def commit(self) -> list[Path]:
        """Make the staged files part of out/ in one atomic step; the files that changed."""
        for write in self._writes:
            write.result()   # every staged file is on disk (an error is raised here)
        if not self.changed:
            return []
        staging, target = self.path, self.target
        if not target.exists():
            _fsync_dir(staging)
            os.replace(staging, target)  # out/ appears whole
            _fsync_dir(target.parent)
            return [self.out / rel for rel in self.changed]
        _link_unchanged(target, staging)
        _fsync_dir(staging)
        if _exchange(staging, target):
            _fsync_dir(target.parent)
        else:
            from .files import write_atomic

            for rel in self.changed:
                write_atomic(target / rel, (staging / rel).read_bytes())
        return [self.out / rel for rel in self.changed]


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(path, 0o644)


def clean_staging(out: Path) -> None:
    """Remove what a run killed during commit_tree left beside out/."""
    parent = out.parent
    if not parent.is_dir():
        return
    for leftover in parent.glob(f".{out.name}{STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _differs(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return True
        return path.read_bytes() != data
    except OSError:
        return True


def _safe_relative(rel: str) -> None:
    p = Path(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        raise ValueError(f"output path {rel!r} is not inside out/")


def _link_unchanged(current: Path, staging: Path) -> None:
    """Complete the staged tree with hard links to the current files it does not replace."""
    os.chmod(staging, current.stat().st_mode & 0o7777)
    for dirpath, dirnames, filenames in os.walk(current):
        rel_dir = os.path.relpath(dirpath, current)
        into = staging if rel_dir == "." else staging / rel_dir
        for d in dirnames:
            (into / d).mkdir(exist_ok=True)
        for f in filenames:
            dst = into / f
            if os.path.lexists(dst):
                continue  # staged: the new version
            src = os.path.join(dirpath, f)
            try:
                os.link(src, dst, follow_symlinks=False)
            except OSError:
                shutil.copy2(src, dst, follow_symlinks=False)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux renameat2); False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EBUSY, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
