"""The one interface the viewer and the CLI use for any PACS, and the factory that picks it.

Every call opens its own connection and closes it before returning, so a client holds no
network state and can be kept in settings. Calls block: run them on a worker thread.
`progress(done, total)` is called on the calling thread with instance (or file) counts, so
a Qt worker may simply emit a signal from it; setting the `cancel` event (from any thread)
stops a retrieval or a send at the next instance.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import PacsInputError, RetrieveCancelled, StudyNotFound
from .nodes import DicomwebNode, DimseNode, PacsNode, Timeouts
from .query import SeriesRecord, StudyQuery, StudyRecord, validate_uid
from .sending import OutgoingFile, read_outgoing
from .staging import StudyFolderWriter

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class RetrieveResult:
    """A complete study on disk: `folder` holds one <SOPInstanceUID>.dcm per instance."""

    study_instance_uid: str
    folder: Path
    instances: int
    size_bytes: int


@dataclass(frozen=True)
class SendResult:
    """The outcome for one file of a send; `reason` says why when `ok` is false."""

    path: Path
    ok: bool
    sop_instance_uid: str | None = None
    reason: str = ""


class PacsClient(ABC):
    """Echo, query, retrieve and send, whatever protocol the node speaks.

    All methods raise `PacsError` subclasses (see errors.py) for failures the user can fix;
    an empty query result is an empty list.
    """

    def __init__(self, node: PacsNode, timeouts: Timeouts | None = None) -> None:
        self.node = node
        self.timeouts = timeouts or Timeouts()

    @abstractmethod
    def verify(self) -> None:
        """Check the node answers (C-ECHO; a QIDO-RS request for DICOMweb)."""

    @abstractmethod
    def find_studies(self, query: StudyQuery | None = None) -> list[StudyRecord]:
        """Studies matching every filter of `query` (all studies when None)."""

    @abstractmethod
    def find_series(self, study_uid: str) -> list[SeriesRecord]:
        """The series of one study."""

    def retrieve_study(
        self,
        study_uid: str,
        dest: Path,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> RetrieveResult:
        """Every instance of the study into `dest` (created; must be absent or empty).

        All or nothing: on failure or cancel (`RetrieveCancelled`) `dest` is left as it was.
        `StudyNotFound` when the node has no instance of the study.
        """
        uid = validate_uid(study_uid, "StudyInstanceUID")
        cancel = cancel or threading.Event()
        with StudyFolderWriter(dest) as writer:
            self._retrieve_into(uid, writer, progress or _no_progress, cancel)
            if cancel.is_set():
                raise RetrieveCancelled(self.node, f"retrieval of study {uid} cancelled")
            if writer.count == 0:
                raise StudyNotFound(self.node, f"study {uid} has no instances")
            folder = writer.commit()
        log.info(
            "retrieved %d instances (%d bytes) from %s", writer.count, writer.size_bytes, self.node
        )
        return RetrieveResult(uid, folder, writer.count, writer.size_bytes)

    @abstractmethod
    def _retrieve_into(
        self,
        study_uid: str,
        writer: StudyFolderWriter,
        progress: ProgressCallback,
        cancel: threading.Event,
    ) -> None:
        """Write every instance through `writer`; raise a PacsError if any is missing."""

    def send(
        self,
        files: Sequence[Path],
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> list[SendResult]:
        """Store each file on the node; one result per file, in order.

        Unreadable files fail alone and the rest are sent. A node that cannot be reached at
        all raises instead. After `cancel`, the unsent files are reported as not sent.
        """
        outgoing = [read_outgoing(Path(f)) for f in files]
        return self._send_files(outgoing, progress or _no_progress, cancel or threading.Event())

    @abstractmethod
    def _send_files(
        self, files: list[OutgoingFile], progress: ProgressCallback, cancel: threading.Event
    ) -> list[SendResult]:
        """Send the files without `error`; return one SendResult per file, in order."""


def make_client(node: PacsNode, timeouts: Timeouts | None = None) -> PacsClient:
    """The client for `node`'s protocol. Connects lazily: nothing happens on the network here."""
    if isinstance(node, DimseNode):
        from .dimse import DimseClient

        return DimseClient(node, timeouts)
    if isinstance(node, DicomwebNode):
        from .dicomweb import DicomwebClient

        return DicomwebClient(node, timeouts)
    raise PacsInputError(None, f"not a PACS node: {node!r}")
