"""The scan folder without Django: which files are complete, and moving them without loss.

A scanner writes into a folder, often slowly and over the network. A file counts as complete
(settled) once its size and modification time have stayed the same for `settle` seconds and
it can be opened. Files are moved, never deleted, and a move never overwrites anything.
"""

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROCESSED = "processed"
FAILED = "failed"
_IGNORED_SUFFIXES = (".part", ".tmp")


def is_candidate(name: str) -> bool:
    """False for hidden files and the half-written files of scanners and office programs."""
    return not (name.startswith((".", "~$")) or name.lower().endswith(_IGNORED_SUFFIXES))


def open_error(path: Path) -> OSError | None:
    """Why the file cannot be opened for reading (e.g. still locked by the writer), or None."""
    try:
        with path.open("rb"):
            return None
    except OSError as error:
        return error


@dataclass(frozen=True)
class Settled:
    """A file that stopped changing; `error` is set when it still cannot be opened."""

    path: Path
    error: OSError | None = None


@dataclass(frozen=True)
class _Seen:
    size: int
    mtime_ns: int
    since: float


class SettleTracker:
    """Remembers what each poll saw and reports the files that have stopped changing.

    `patience` is how long a settled file that cannot be opened is waited for before it is
    reported with its error (a writer may hold it locked for a while). `clock` and `opener`
    are replaceable, so tests control time and failures.
    """

    def __init__(
        self,
        folder: Path,
        *,
        settle: float,
        patience: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        opener: Callable[[Path], OSError | None] = open_error,
    ) -> None:
        self.folder = folder
        self.settle = settle
        self.patience = patience
        self.clock = clock
        self.opener = opener
        self._seen: dict[str, _Seen] = {}

    def poll(self) -> list[Settled]:
        """Look at the folder once; the settled files, oldest first."""
        now = self.clock()
        current: dict[str, _Seen] = {}
        ready: list[tuple[int, str, Settled]] = []
        for entry in self._entries():
            try:
                info = entry.stat()  # follows links; a dangling link is not a file yet
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            seen = self._seen.get(entry.name)
            if seen is None or (seen.size, seen.mtime_ns) != (info.st_size, info.st_mtime_ns):
                seen = _Seen(size=info.st_size, mtime_ns=info.st_mtime_ns, since=now)
            current[entry.name] = seen
            quiet = now - seen.since
            if quiet < self.settle:
                continue
            error = self.opener(Path(entry.path))
            if error is None or quiet >= self.settle + self.patience:
                ready.append((info.st_mtime_ns, entry.name, Settled(Path(entry.path), error)))
        self._seen = current
        return [settled for *_, settled in sorted(ready, key=lambda r: (r[0], r[1]))]

    def forget(self, path: Path) -> None:
        """Start over with this name (after it was moved away or could not be moved)."""
        self._seen.pop(path.name, None)

    def _entries(self) -> list[os.DirEntry]:
        with os.scandir(self.folder) as entries:
            return [entry for entry in entries if is_candidate(entry.name)]


def numbered(name: str, number: int) -> str:
    """`brief.pdf`, 2 -> `brief (2).pdf`; the first number leaves the name as it is."""
    if number < 2:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not stem:
        return f"{name} ({number})"
    return f"{stem} ({number}){dot}{suffix}"


def move_unique(source: Path, folder: Path) -> Path:
    """Move `source` into `folder` under its name or the first free `name (n).ext`.

    Never overwrites: the new name is claimed with a hard link, which fails if the name is
    taken, and only then the old name is removed. Where hard links are impossible (some
    network shares) the move falls back to a rename after checking the name is free.
    """
    folder.mkdir(exist_ok=True)
    number = 1
    while True:
        target = folder / numbered(source.name, number)
        number += 1
        if os.path.lexists(target):
            continue
        try:
            os.link(source, target, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError:
            os.rename(source, target)
            return target
        os.unlink(source)
        return target


def write_unique(folder: Path, name: str, text: str) -> Path:
    """Write a new text file; an existing file of that name is left alone (`name (2)`)."""
    number = 1
    while True:
        target = folder / numbered(name, number)
        number += 1
        try:
            with target.open("x", encoding="utf-8") as stream:
                stream.write(text)
        except FileExistsError:
            continue
        return target
