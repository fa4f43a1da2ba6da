"""Decoding films in a child process.

The compressed-DICOM codecs (OpenJPEG, libjpeg, RLE) hold the GIL for a whole decode: a
JPEG 2000 chest film takes 0.7 s on one core, during which a decoding *thread* would freeze
the viewer's GUI thread just as long. A child process decodes without touching the GIL;
the image comes back pickled (7 MB, ~15 ms). A codec that crashes kills only the child: the
file gets one clear message and the next decode starts a new child.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .errors import StudyError
from .image import RadiographImage
from .study import load_image

log = logging.getLogger(__name__)


class ProcessDecoder:
    """`decoder(path)` -> RadiographImage, decoded in the child; StudyError as `load_image`."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the child now (about a second of imports), not at the first film."""
        self._executor().submit(_ready)

    def __call__(self, path: Path, frame: int = 0) -> RadiographImage:
        try:
            return self._executor().submit(load_image, Path(path), frame).result()
        except BrokenProcessPool:
            log.error("%s: the decoder process died", path)
            with self._lock:
                self._pool = None
            raise StudyError(Path(path), "the image decoder crashed on this file") from None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")  # no fork of a Qt process
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            return self._pool

    def shutdown(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


def _ready() -> bool:
    return True
