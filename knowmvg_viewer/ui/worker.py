"""The one worker module: background threads for the GroundingEngine and the PACS.

Widgets never call torch or the network; they post requests here. Each request carries
an id, and the window drops results whose id is no longer current (the user moved on).
The PACS has its own thread, so a slow server never delays grounding, and vice versa.
"""

from __future__ import annotations

import logging
import queue
import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..study import RadiographImage, model_input

log = logging.getLogger(__name__)


class GroundingWorker(QObject):
    model_loaded = Signal(dict)  # engine.describe()
    model_failed = Signal(str)
    grounded = Signal(int, object)  # request id, GroundingResult
    failed = Signal(int, str)  # request id, message

    def __init__(self) -> None:
        super().__init__()
        self.engine = None

    @Slot(object, str, object)
    def load_model(self, path, device: str, threads) -> None:
        try:
            from model_core.engine import GroundingEngine  # heavy: torch + transformers

            self.engine = GroundingEngine.load(path, device=device, threads=threads)
        except Exception as exc:  # a bad model directory must not take the viewer down
            self.engine = None
            log.warning("model failed to load: %s", exc)
            self.model_failed.emit(str(exc))
            return
        self.model_loaded.emit(self.engine.describe())

    @Slot(int, object, str, object)
    def ground(self, request_id: int, image, report: str, phrases) -> None:
        """`image`: a RadiographImage; its engine input is computed here, off the GUI thread."""
        if self.engine is None:
            self.failed.emit(request_id, "no grounding model is loaded")
            return
        try:
            image = model_input(image) if isinstance(image, RadiographImage) else image
            if phrases:
                result = self.engine.ground_phrase(image, report, list(phrases))
            else:
                result = self.engine.ground(image, report)
        except Exception as exc:
            log.error("grounding failed: %s", traceback.format_exc())
            self.failed.emit(request_id, f"grounding failed: {exc}")
            return
        self.grounded.emit(request_id, result)


class WorkerThread(QObject):
    """Owns the thread and the worker; the window talks to it through signals only."""

    request_load = Signal(object, str, object)
    request_ground = Signal(int, object, str, object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("grounding-worker")
        self.worker = GroundingWorker()
        self.worker.moveToThread(self.thread)
        self.request_load.connect(self.worker.load_model)
        self.request_ground.connect(self.worker.ground)
        self.thread.start()

    def stop(self) -> None:
        self.thread.quit()
        self.thread.wait(10_000)


class PacsWorker(QObject):
    """Runs PACS jobs: callables taking a `progress(done, total)` callback.

    A PacsError is the user's to fix (its one-line message and its class name go to
    `failed`); anything else is a bug, logged with its traceback and reported as an
    internal error. Signals are emitted from the PACS thread and queued to the GUI.
    """

    finished = Signal(int, object)  # request id, the job's return value
    failed = Signal(int, str, str)  # request id, message, error class name
    progress = Signal(int, int, int)  # request id, done, total

    def run(self, request_id: int, job: Callable[[Callable[[int, int], None]], object]) -> None:
        from ..pacs.errors import PacsError

        def report(done: int, total: int) -> None:
            self.progress.emit(request_id, done, total)

        try:
            result = job(report)
        except PacsError as exc:
            self.failed.emit(request_id, str(exc), type(exc).__name__)
            return
        except Exception as exc:
            log.error("PACS job failed: %s", traceback.format_exc())
            self.failed.emit(request_id, f"internal error: {exc}", type(exc).__name__)
            return
        self.finished.emit(request_id, result)


class PacsThread(QObject):
    """One daemon Python thread that runs PACS jobs in order.

    Not a QThread: a network call may sit in a socket until its timeout (up to a minute),
    and closing the window must neither wait for it nor destroy a running QThread, which
    aborts the process. An abandoned job dies with the process; its half-written staging
    folder is hidden and swept by the cache later.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.worker = PacsWorker()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name="pacs-worker", daemon=True)
        self._thread.start()

    def submit(self, request_id: int, job) -> None:
        self._jobs.put((request_id, job))

    def _serve(self) -> None:
        while (item := self._jobs.get()) is not None:
            try:
                self.worker.run(*item)
            except RuntimeError:  # the window (and the worker's signals) is gone
                return

    def stop(self, wait_s: float = 2.0) -> None:
        """Ask the thread to end after its job; wait a little, never for a network timeout."""
        self._jobs.put(None)
        self._thread.join(wait_s)
        if self._thread.is_alive():
            log.info("leaving a PACS request to end with the process")
