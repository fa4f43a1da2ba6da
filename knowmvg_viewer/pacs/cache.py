"""Retrieved studies kept on disk, one folder per StudyInstanceUID, bounded in size (LRU)
and in age: they hold full patient data, so none is kept longer than `max_age_days` after
its last use.

A folder named after its UID exists only when its study is complete: retrieval writes
into a hidden sibling and renames it into place (staging.py). The last use of a study is
its folder's modification time, touched on every lookup, so eviction needs no index file
that could disagree with the disk.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..user_folders import user_folder
from .client import PacsClient, ProgressCallback
from .errors import PacsInputError
from .query import validate_uid
from .staging import PARTIAL_MARKER

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024**3
DEFAULT_MAX_AGE_DAYS = 30.0
DAY_S = 86400.0
STALE_PARTIAL_S = 3600.0  # a staging folder untouched this long belongs to a dead retrieval


def default_cache_root() -> Path:
    """The per-user cache folder for studies."""
    return user_folder("cache") / "studies"


def _folder_size(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                total += path.stat().st_size
        except OSError:  # removed while we walked
            pass
    return total


@dataclass(frozen=True)
class CachedStudy:
    study_instance_uid: str
    folder: Path
    size_bytes: int
    last_used: float  # seconds since the epoch


class StudyCache:
    """Complete studies under `root`; `max_bytes` or `max_age_days` None means no such bound.

    One process at a time should fetch a given study; two fetching the same one both
    retrieve it and the second discards its copy.
    """

    def __init__(
        self,
        root: Path | None = None,
        max_bytes: int | None = DEFAULT_MAX_BYTES,
        max_age_days: float | None = DEFAULT_MAX_AGE_DAYS,
    ) -> None:
        self.root = Path(root) if root is not None else default_cache_root()
        self.max_bytes = max_bytes
        self.max_age_days = max_age_days
        self._lock = threading.Lock()

    def path_for(self, study_uid: str) -> Path:
        return self.root / validate_uid(study_uid, "StudyInstanceUID")

    def lookup(self, study_uid: str) -> Path | None:
        """The folder of a complete cached study (marked as just used), or None; a study
        past the age limit is removed instead of being used again."""
        folder = self.path_for(study_uid)
        if not folder.is_dir():
            return None
        if self._expired(folder):
            shutil.rmtree(folder, ignore_errors=True)
            return None
        try:
            os.utime(folder)
        except OSError:
            return None
        return folder

    def fetch(
        self,
        client: PacsClient,
        study_uid: str,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> Path:
        """The study's folder: from the cache, or retrieved through `client` and then kept.

        Raises what `client.retrieve_study` raises; nothing partial stays in the cache.
        """
        cached = self.lookup(study_uid)
        if cached is not None:
            log.info("study found in the cache")
            return cached
        folder = self.path_for(study_uid)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = f"cannot create the study cache ({exc.strerror or exc})"
            raise PacsInputError(None, f"{self.root}: {reason}") from None
        try:
            client.retrieve_study(study_uid, folder, progress=progress, cancel=cancel)
        except PacsInputError:
            if not folder.is_dir():
                raise
            log.info("study completed by another fetch meanwhile")  # theirs is as good
        self.evict(keep={folder.name})
        return folder

    def studies(self) -> list[CachedStudy]:
        """Complete studies, least recently used first."""
        if not self.root.is_dir():
            return []
        found = []
        for folder in self.root.iterdir():
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            try:
                last_used = folder.stat().st_mtime
            except OSError:
                continue
            found.append(CachedStudy(folder.name, folder, _folder_size(folder), last_used))
        return sorted(found, key=lambda study: study.last_used)

    def size_bytes(self) -> int:
        """Disk space used under the root, unfinished retrievals included."""
        return _folder_size(self.root) if self.root.is_dir() else 0

    def evict(self, keep: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Remove studies unused for longer than `max_age_days`, then least recently used
        ones until within `max_bytes` (never those in `keep`), and staging folders of dead
        retrievals; returns the evicted UIDs."""
        self._remove_stale_partials()
        if self.max_bytes is None and self.max_age_days is None:
            return []
        with self._lock:
            studies = self.studies()
            total = sum(study.size_bytes for study in studies)
            evicted = []
            for study in studies:
                too_old = self._expired(study.folder, study.last_used)
                too_big = self.max_bytes is not None and total > self.max_bytes
                if not (too_old or too_big) or study.study_instance_uid in keep:
                    continue
                shutil.rmtree(study.folder, ignore_errors=True)
                total -= study.size_bytes
                evicted.append(study.study_instance_uid)
        if evicted:
            log.info(
                "cache: evicted %d studies (limits: %s bytes, %s days)",
                len(evicted),
                self.max_bytes,
                self.max_age_days,
            )
        return evicted

    def _expired(self, folder: Path, last_used: float | None = None) -> bool:
        if self.max_age_days is None:
            return False
        try:
            last_used = folder.stat().st_mtime if last_used is None else last_used
        except OSError:
            return False
        return time.time() - last_used > self.max_age_days * DAY_S

    def remove(self, study_uid: str) -> bool:
        folder = self.path_for(study_uid)
        if not folder.is_dir():
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return True

    def clear(self) -> None:
        """Remove every cached study and every staging folder."""
        if not self.root.is_dir():
            return
        with self._lock:
            for entry in self.root.iterdir():
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)

    def _remove_stale_partials(self) -> None:
        if not self.root.is_dir():
            return
        now = time.time()
        for entry in self.root.iterdir():
            if PARTIAL_MARKER not in entry.name or not entry.is_dir():
                continue
            try:
                if now - entry.stat().st_mtime > STALE_PARTIAL_S:
                    shutil.rmtree(entry, ignore_errors=True)
            except OSError:
                pass
