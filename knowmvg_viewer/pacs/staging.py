"""All-or-nothing study folders: instances land in a hidden sibling, renamed in when complete.

A retrieval that fails or is cancelled half-way removes its sibling, so neither the cache
nor `knowmvg pacs get --out DIR` ever holds a partial study. The sibling sits in the same
parent folder so the final rename is atomic (same file system).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path
from types import TracebackType

from .errors import PacsInputError
from .query import validate_uid

log = logging.getLogger(__name__)

PARTIAL_MARKER = ".partial-"


def is_empty_dir(path: Path) -> bool:
    return path.is_dir() and next(path.iterdir(), None) is None


class StudyFolderWriter:
    """Collects one study's instances as <SOPInstanceUID>.dcm; `commit()` publishes them.

    `write` may be called from pynetdicom's association threads, hence the lock.
    Use as a context manager: leaving it without `commit()` discards everything.
    """

    def __init__(self, dest: Path) -> None:
        self.dest = Path(dest)
        if self.dest.exists() and not is_empty_dir(self.dest):
            raise PacsInputError(None, f"{self.dest}: already exists and is not an empty folder")
        try:
            self.dest.parent.mkdir(parents=True, exist_ok=True)
            self.staging = Path(
                tempfile.mkdtemp(prefix=f".{self.dest.name}{PARTIAL_MARKER}", dir=self.dest.parent)
            )
        except OSError as exc:
            raise PacsInputError(None, f"{self.dest}: cannot write ({exc.strerror})") from None
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
            replaced = path.stat().st_size if uid in self.written else 0
            path.write_bytes(data)
            self.written.add(uid)
            self.size_bytes += len(data) - replaced
        return path

    def commit(self) -> Path:
        """Rename the finished study into `dest`; FileExistsError if `dest` filled up meanwhile."""
        if is_empty_dir(self.dest):
            self.dest.rmdir()
        try:
            os.rename(self.staging, self.dest)
        except OSError as exc:
            if self.dest.exists():
                raise FileExistsError(f"{self.dest}: appeared while retrieving") from exc
            raise
        self.committed = True
        log.debug("study folder %s complete (%d instances)", self.dest, self.count)
        return self.dest

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

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
