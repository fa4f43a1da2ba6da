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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .errors import StudyError
from .image import RadiographImage
from .study import load_image

log = logging.getLogger(__name__)


DECODE_TIMEOUT_S = 120.0  # a chest film decodes in about a second; a hang never ends


class ProcessDecoder:
    """`decoder(path)` -> RadiographImage, decoded in the child; StudyError as `load_image`.

    A decode that runs past `timeout_s` (a codec looping forever on a damaged file) is given
    up: the child is terminated, the file gets one message, the next film a new child.
    `decode` is what the child runs (a picklable function; `load_image` but in tests)."""

    def __init__(
        self,
        timeout_s: float = DECODE_TIMEOUT_S,
        decode: Callable[[Path, int], RadiographImage] = load_image,
    ) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.timeout_s = timeout_s
        self._decode = decode

    def start(self) -> None:
        """Start the child now (about a second of imports), not at the first film."""
        self._executor().submit(_ready)

    def __call__(self, path: Path, frame: int = 0) -> RadiographImage:
        future = self._executor().submit(self._decode, Path(path), frame)
        try:
            return future.result(timeout=self.timeout_s)
        except TimeoutError:
            log.error(
                "%s: decoding ran past %.0f s; the decoder process is stopped", path, self.timeout_s
            )
            self._terminate()
            raise StudyError(
                Path(path), f"decoding took longer than {self.timeout_s:.0f} s and was given up"
            ) from None
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

    def _terminate(self) -> None:
        """Stop the child mid-decode (shutdown alone would wait for it) and forget the pool."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is None:
            return
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


def _ready() -> bool:
    return True
