"""Grounding from the window: loading the model and sending requests to the grounding worker,
taking its answers into the session. The only module that talks to the engine's thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

from ..session import Session
from ..study import Report

MODEL_DIR_KEY = "model/dir"  # the chosen model directory; empty: the bundled default


class GroundingFlow(QObject):
    finished = Signal()  # a grounding request ended (result, failure or cancel)
    model_ready = Signal(bool)  # the model loaded (True) or failed (False)

    def __init__(
        self,
        session: Session,
        settings: QSettings,
        report_panel,
        editing: Callable[[], bool],
        show_error: Callable[[str], None],
        show_status: Callable[[str], None],
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.session, self.settings = session, settings
        self.report_panel, self.editing = report_panel, editing
        self.show_error, self.show_status = show_error, show_status
        self.pending = False  # ground once the model is loaded

        from .worker import WorkerThread  # the only path to the engine

        self.worker = WorkerThread(self)
        self.worker.worker.model_loaded.connect(self._on_model_loaded)
        self.worker.worker.model_failed.connect(self._on_model_failed)
        self.worker.worker.grounded.connect(self._on_grounded)
        self.worker.worker.skipped.connect(self._on_skipped)
        self.worker.worker.failed.connect(self._on_failed)

    # -- the model ---------------------------------------------------------------------------
    def load_model(self, model_dir: Path | None = None, device: str | None = None) -> None:
        """Load in the background; `None` arguments fall back to the saved settings."""
        directory = model_dir or self.settings.value(MODEL_DIR_KEY, "") or None
        device = device or str(self.settings.value("model/device", "auto"))
        threads = int(self.settings.value("model/threads", 0) or 0) or None
        self.session.model_loading()
        self.worker.request_load.emit(Path(directory) if directory else None, device, threads)

    def _on_model_loaded(self, info: dict) -> None:
        self.session.model_loaded(info)
        self.model_ready.emit(True)
        if self.pending:
            self.start()

    def _on_model_failed(self, message: str) -> None:
        self.session.model_failed(message)
        self.pending = False
        self.show_error(f"The grounding model could not be loaded; viewing still works.\n{message}")
        self.model_ready.emit(False)

    # -- requests ----------------------------------------------------------------------------
    def start(self) -> None:
        """Ground the current image against the report shown (as edited, if it was)."""
        session = self.session
        if session.viewing is None:
            return
        if self.editing():
            session.set_report(Report.from_text(self.report_panel.current_text(), source="typed"))
        if session.model_info is None:
            self.pending = session.model_error is None
            return
        self.pending = False
        if not session.report_text.strip():
            session.clear_findings()
            self.finished.emit()
            return
        request = session.begin_grounding()
        self.worker.request_ground.emit(request, session.image, session.report_text, None)

    def query(self, phrase: str, span: tuple[int, int] | None = None) -> None:
        """Free-text grounding (or a report selection, with its span): the result is added
        as a user-requested finding."""
        if not self.session.can_ground or not phrase.strip():
            return
        request = self.session.begin_query()
        query = phrase.strip() if span is None else (phrase, span)
        report = self.report_panel.current_text()
        self.worker.request_ground.emit(request, self.session.image, report, [query])

    def cancel(self) -> None:
        if self.session.cancel_grounding():
            self.show_status("grounding cancelled")
            self.finished.emit()

    def toggle_editing(self) -> None:
        editing = self.editing()
        self.report_panel.set_editing(editing)
        if editing:
            self.show_status("Editing the report: press F5 to ground it")
        else:
            self.start()

    def _on_grounded(self, request_id: int, result) -> None:
        if self.session.finish_grounding(request_id, result):
            self.finished.emit()

    def _on_skipped(self, request_id: int, reason: str) -> None:
        if self.session.skip_grounding(request_id, reason):
            self.finished.emit()

    def _on_failed(self, request_id: int, message: str) -> None:
        if self.session.fail_grounding(request_id):
            self.show_error(message)
            self.finished.emit()

    def stop(self) -> None:
        self.worker.stop()
