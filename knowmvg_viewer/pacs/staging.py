"""All-or-nothing study folders: instances land in a hidden staging folder, published when
complete.

A destination that does not exist yet is staged in a hidden sibling (same parent, so the
same file system) and the sibling is renamed into place. An existing empty destination (the
current folder, a mount point, a folder the user made) is kept: it is staged in a hidden
subfolder and the finished files are moved up into it. A retrieval that fails or is
cancelled removes its staging folder and any parent folders it created, so neither the
cache nor `knowmvg pacs get --out DIR` ever holds a partial study. Folders get the normal,
umask-derived mode (not mkdtemp's 0700).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import threading
from itertools import takewhile
from pathlib import Path
from types import TracebackType

from .errors import PacsInputError
from .query import validate_uid

log = logging.getLogger(__name__)

PARTIAL_MARKER = ".partial-"
RULE = "the study folder must be absent or empty"


def is_empty_dir(path: Path) -> bool:
    return path.is_dir() and next(path.iterdir(), None) is None


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


class StudyFolderWriter:
    """Collects one study's instances as <SOPInstanceUID>.dcm; `commit()` publishes them.

    `dest` is resolved first (`.` and `a/..` name real folders). `write` may be called from
    pynetdicom's association threads, hence the lock. Use as a context manager: leaving it
    without `commit()` discards everything. Every failure is a one-line PacsInputError
    naming the destination.
    """

    def __init__(self, dest: Path) -> None:
        self.dest = Path(dest)  # as given: what the caller gets back from commit()
        self.target = self.dest.absolute()  # resolved below; named in every message
        self._made: list[Path] = []  # parent folders we created, outermost first
        try:
            self.target = self.dest.resolve()
            taken = self.target.exists() and not is_empty_dir(self.target)
            if not taken:
                self.in_place = self.target.is_dir()
                self.staging = self._make_staging()
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
            self._remove_made_parents()
            raise PacsInputError(None, f"{self.target}: cannot write ({_reason(exc)})") from None
        if taken:
            reason = f"already exists and is not an empty folder ({RULE})"
            raise PacsInputError(None, f"{self.target}: {reason}")
        self._lock = threading.Lock()
        self.written: set[str] = set()  # SOP Instance UIDs
        self.size_bytes = 0
        self.committed = False

    @property
    def count(self) -> int:
        return len(self.written)

    def write(self, sop_instance_uid: str, data: bytes) -> Path:
        """Store one instance's Part 10 bytes; a repeated instance replaces the earlier copy."""
        uid = validate_uid(sop_instance_uid, "SOP Instance UID")
        path = self.staging / f"{uid}.dcm"
        with self._lock:
            try:
                replaced = path.stat().st_size if uid in self.written else 0
                path.write_bytes(data)
            except OSError as exc:  # disk full, file size limit, folder removed meanwhile
                reason = f"cannot write ({_reason(exc)})"
                raise PacsInputError(None, f"{self.target}: {reason}") from None
            self.written.add(uid)
            self.size_bytes += len(data) - replaced
        return path

    def commit(self) -> Path:
        """Publish the finished study at `dest` (returned as given); PacsInputError if that
        fails, e.g. because `dest` filled up meanwhile."""
        try:
            if not self._taken():
                self._publish()
                self.committed = True
        except OSError as exc:
            reason = f"cannot complete the study folder ({_reason(exc)})"
            raise PacsInputError(None, f"{self.target}: {reason}") from None
        if not self.committed:
            raise PacsInputError(None, f"{self.target}: filled up while retrieving ({RULE})")
        log.debug("study folder %s complete (%d instances)", self.target, self.count)
        return self.dest

    def _taken(self) -> bool:
        """Whether anything but our own staging folder is at `target` now."""
        if not self.target.is_dir():
            return self.target.exists()
        return any(entry != self.staging for entry in self.target.iterdir())

    def _publish(self) -> None:
        """Rename the staging folder into place, or move its files up into the existing
        empty `target` (undone if a move fails)."""
        if not self.in_place:
            os.rename(self.staging, self.target)
            return
        moved: list[str] = []
        try:
            for path in self.staging.iterdir():
                os.rename(path, self.target / path.name)
                moved.append(path.name)
        except OSError:
            for name in moved:
                try:
                    os.rename(self.target / name, self.staging / name)
                except OSError:
                    pass
            raise
        shutil.rmtree(self.staging, ignore_errors=True)

    def _make_staging(self) -> Path:
        """A new hidden folder inside an existing empty target, else beside the target (its
        missing parents created); made with the umask-derived mode, unlike mkdtemp's 0700."""
        if self.in_place:
            parent = self.target
        else:
            parent = self.target.parent
            self._make_parents(parent)
        for _ in range(100):
            path = parent / f".{self.target.name}{PARTIAL_MARKER}{secrets.token_hex(4)}"
            try:
                path.mkdir()
                return path
            except FileExistsError:
                continue
        raise FileExistsError(f"no free staging folder name in {parent}")

    def _make_parents(self, folder: Path) -> None:
        """Create `folder` and its missing ancestors, remembering which we made."""
        missing = list(takewhile(lambda p: not p.exists(), (folder, *folder.parents)))
        for path in reversed(missing):
            path.mkdir()
            self._made.append(path)

    def _remove_made_parents(self) -> None:
        for path in reversed(self._made):
            try:
                path.rmdir()
            except OSError:  # someone else put something there meanwhile: theirs now
                return
        self._made.clear()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self._remove_made_parents()

    def __enter__(self) -> StudyFolderWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.committed:
            self.discard()
