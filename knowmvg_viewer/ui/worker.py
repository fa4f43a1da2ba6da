"""The one worker module: background threads for decoding studies, the GroundingEngine, the
PACS and fine-tuning a site model.

Widgets never decode a film, call torch or touch the network; they post requests here. Each
request carries an id, and the session drops results whose id is no longer current (the user
moved on). Each kind of work has its own thread, so a slow server never delays grounding, and
a grounding run never delays opening the next study.
"""

from __future__ import annotations

import functools
import itertools
import logging
import queue
import threading
import traceback
from collections.abc import Callable

import cv2
import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from ..grounding import frontal_image, ground_radiograph
from ..study import RadiographImage, Study, StudyError, open_study
from ..study.process_decoder import ProcessDecoder
from ..study.viewing import ViewingState

log = logging.getLogger(__name__)

THUMBNAIL_SIZE = 96
OPEN, THUMBNAIL = 0, 1  # job priorities: what the user waits for goes first


class GroundingWorker(QObject):
    model_loaded = Signal(dict)  # engine.describe()
    model_failed = Signal(str)
    grounded = Signal(int, object)  # request id, GroundingResult
    skipped = Signal(int, str)  # request id, why the film is not grounded (a lateral or oblique)
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
    def ground(self, request_id: int, image: RadiographImage, report: str, phrases) -> None:
        """The film's engine input is computed here, off the GUI thread; a lateral film is
        not grounded, a mirrored one is grounded as the model expects and mapped back."""
        if self.engine is None:
            self.failed.emit(request_id, "no grounding model is loaded")
            return
        try:
            grounded = ground_radiograph(self.engine, image, report, phrases or None)
        except StudyError as exc:  # a film the model cannot take: one line, no traceback
            self.failed.emit(request_id, str(exc))
            return
        except Exception as exc:
            log.error("grounding failed: %s", traceback.format_exc())
            self.failed.emit(request_id, f"grounding failed: {exc}")
            return
        if grounded.skipped is not None:
            self.skipped.emit(request_id, grounded.skipped)
        else:
            self.grounded.emit(request_id, grounded.result)


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


class FineTuneJob(QObject):
    """Fine-tunes a site model from the review store in one daemon thread (issue 13).

    A daemon Python thread, not a QThread, for the PACS thread's reason: closing the window
    sets `cancel`, waits a little, and never destroys a running QThread. The job checks the
    event between training steps; a job cut off by the process ending leaves only a hidden
    `.part` folder, never a half model.
    """

    progress = Signal(str, int, int)  # phase, done, total
    finished = Signal(object)  # FineTuneResult
    cancelled = Signal()
    failed = Signal(str)  # one line

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, store, base, out, settings: dict) -> None:
        """SETTINGS: FineTuneSettings fields (device, threads, ...)."""
        if self.running:
            raise RuntimeError("a fine-tuning job is already running")
        self.cancel_event = threading.Event()
        self._thread = threading.Thread(
            target=self._run,
            args=(store, base, out, settings, self.cancel_event),
            name="fine-tune",
            daemon=True,
        )
        self._thread.start()

    def cancel(self) -> None:
        self.cancel_event.set()

    def _run(self, store, base, out, settings: dict, cancel: threading.Event) -> None:
        from model_core.finetune import FineTuneCancelled, FineTuneError

        from ..site_dataset import SiteDatasetError
        from ..site_models import fine_tune_from_reviews

        try:
            result = fine_tune_from_reviews(
                store,
                base,
                out,
                cancel=cancel,
                progress=self.progress.emit,
                **settings,
            )
        except FineTuneCancelled:
            outcome: tuple = (self.cancelled,)
        except (FineTuneError, SiteDatasetError, OSError) as exc:
            outcome = (self.failed, str(exc))
        except Exception as exc:
            log.error("fine-tuning failed: %s", traceback.format_exc())
            outcome = (self.failed, f"fine-tuning failed: {exc}")
        else:
            outcome = (self.finished, result)
        try:
            outcome[0].emit(*outcome[1:])
        except RuntimeError:  # the window (and this object's signals) is gone
            log.info("fine-tuning ended after the window closed")

    def stop(self, wait_s: float = 5.0) -> None:
        """Cancel a running job and wait a little for it to clean up."""
        if self.running:
            self.cancel()
            self._thread.join(wait_s)


class StudyLoader(QObject):
    """Decodes films off the GUI thread: one daemon thread runs the jobs, and the pixels are
    decoded in a child process (`ProcessDecoder`), since codecs hold the GIL.

    Opening a study scans its folder and decodes the first image, rendered for display (through
    the presentation state that references it, if the folder has one); then
    each other image is decoded into a thumbnail, one job at a time, behind any image the
    user asks for. Results carry the load id they answer.
    """

    opened = Signal(int, object, int, object)  # load id, Study, index, ViewingState (rendered)
    image_loaded = Signal(int, int, object)  # load id, image index, ViewingState (rendered)
    thumbnail = Signal(int, int, object, str)  # study's load id, index, pixels or None, label
    failed = Signal(int, str)  # load id, message

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._jobs: queue.PriorityQueue = queue.PriorityQueue()
        self._order = itertools.count()  # FIFO within a priority, from any thread
        self._study_load = 0  # thumbnails of older studies are skipped
        self._decoder = shared_decoder()
        self._thread = threading.Thread(target=self._serve, name="study-loader", daemon=True)
        self._thread.start()

    def open(self, load_id: int, path) -> None:
        self._study_load = load_id
        self._put(OPEN, self._open, load_id, path)

    def load(self, load_id: int, study: Study, index: int) -> None:
        self._put(OPEN, self._load, load_id, study, index)

    def _put(self, priority: int, *job) -> None:
        self._jobs.put((priority, next(self._order), job))

    def _serve(self) -> None:
        while (item := self._jobs.get())[2] is not None:
            function, *args = item[2]
            try:
                function(*args)
            except RuntimeError:  # the window (and this object's signals) is gone
                return
            except Exception as exc:  # a bug must not kill the loader: report, go on
                log.error("loading failed: %s", traceback.format_exc())
                self.failed.emit(args[0], f"internal error while loading: {exc}")

    def _open(self, load_id: int, path) -> None:
        try:
            study = open_study(path, self._decoder)
            shown, image = frontal_image(study)  # a lateral is there for reference
            viewing = ViewingState(image, study.presentation_for(image))
            viewing.render()
        except StudyError as exc:
            self.failed.emit(load_id, str(exc))
            return
        self.opened.emit(load_id, study, shown, viewing)
        if len(study.images) > 1:
            self.thumbnail.emit(load_id, shown, _thumbnail(viewing), viewing.image.display_name)
            for index in range(len(study.images)):
                if index != shown:
                    self._put(THUMBNAIL, self._thumbnail, load_id, study, index)

    def _load(self, load_id: int, study: Study, index: int) -> None:
        try:
            viewing = _viewing(study, index)
            viewing.render()
        except StudyError as exc:
            self.failed.emit(load_id, str(exc))
            return
        self.image_loaded.emit(load_id, index, viewing)

    def _thumbnail(self, load_id: int, study: Study, index: int) -> None:
        if load_id != self._study_load:
            return  # the user opened another study
        try:
            viewing = _viewing(study, index)
        except StudyError as exc:
            log.warning("%s", exc)
            self.thumbnail.emit(load_id, index, None, study.images[index].name)
            return
        self.thumbnail.emit(load_id, index, _thumbnail(viewing), viewing.image.display_name)

    def stop(self, wait_s: float = 2.0) -> None:
        self._jobs.put((-1, 0, None))
        self._thread.join(wait_s)


def _viewing(study: Study, index: int) -> ViewingState:
    """Image INDEX as it is first shown: through its presentation state, when it has one."""
    image = study.image(index)
    return ViewingState(image, study.presentation_for(image))


@functools.cache
def shared_decoder() -> ProcessDecoder:
    """One decoding child for the whole application, started with the first window."""
    decoder = ProcessDecoder()
    decoder.start()
    return decoder


def _thumbnail(viewing: ViewingState) -> np.ndarray:
    pixels = viewing.render()
    height, width = pixels.shape[:2]
    scale = THUMBNAIL_SIZE / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
