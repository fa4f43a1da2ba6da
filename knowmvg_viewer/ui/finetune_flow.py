"""Fine-tuning a site model from the window (issue 13): Review > Fine-tune, a progress dialog
with Cancel, and the offer to switch to the new model. The job runs in the worker module's
`FineTuneJob`; the model in use stays in use until the user switches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from model_core.resources import default_model_dir

from ..session import Session
from ..site_models import new_model_dir, read_model
from .grounding_flow import MODEL_DIR_KEY
from .worker import FineTuneJob

# each phase's share of the progress bar, in order (export is ours, the rest finetune's)
PHASE_SPANS = {
    "export": (0, 3),
    "prepare": (3, 12),
    "before": (12, 16),
    "train": (16, 92),
    "after": (92, 97),
    "write": (97, 100),
}
PHASE_TEXT = {
    "export": "Exporting the reviewed studies…",
    "prepare": "Preparing the site's studies and the replayed synthetic ones…",
    "before": "Scoring the current model on the held-out studies…",
    "train": "Training",
    "after": "Scoring the new model on the held-out studies…",
    "write": "Writing the new model…",
}


class FineTuneFlow(QObject):
    model_written = Signal(object)  # the new model's directory

    def __init__(
        self,
        session: Session,
        settings: QSettings,
        switch_model: Callable[[Path], None],
        show_error: Callable[[str], None],
        show_status: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.session, self.settings, self.switch_model = session, settings, switch_model
        self.show_error, self.show_status, self.parent_widget = show_error, show_status, parent
        self.job = FineTuneJob(self)
        self.job.progress.connect(self._on_progress)
        self.job.finished.connect(self._on_finished)
        self.job.failed.connect(self._on_failed)
        self.job.cancelled.connect(self._on_cancelled)
        self.dialog: QProgressDialog | None = None
        self.out: Path | None = None
        self.job_settings: dict = {}  # FineTuneSettings fields beside device and threads

    # -- questions (tests replace these) -------------------------------------------------
    def confirm_start(self, text: str) -> bool:
        answer = QMessageBox.question(self.parent_widget, "Fine-tune a site model", text)
        return answer == QMessageBox.StandardButton.Yes

    def offer_switch(self, text: str) -> bool:
        answer = QMessageBox.question(self.parent_widget, "Fine-tuning finished", text)
        return answer == QMessageBox.StandardButton.Yes

    # -- the job -------------------------------------------------------------------------
    def base_model(self) -> Path:
        chosen = str(self.settings.value(MODEL_DIR_KEY, "") or "").strip()
        return Path(chosen) if chosen else default_model_dir()

    def start(self) -> None:
        if self.job.running:
            if self.dialog is not None:
                self.dialog.show()
            return
        base = self.base_model()
        if read_model(base) is None:
            self.show_error(f"{base}: not a model directory; choose one in File > Settings")
            return
        store = self.session.review_store
        out = new_model_dir(base)
        text = (
            f"Fine-tune {base.name} on the complete reviews in {store.folder}?\n\n"
            "It runs in the background (up to about 20 minutes on a CPU), holds out a part "
            "of the studies to score the model before and after, and writes a new model:\n"
            f"{out}\n\nThe current model stays in use until you choose the new one."
        )
        if not self.confirm_start(text):
            return
        self.out = out
        self.dialog = self._progress_dialog()
        threads = int(self.settings.value("model/threads", 0) or 0) or None
        device = str(self.settings.value("model/device", "auto"))
        self.job.start(
            store, base, out, {"device": device, "threads": threads, **self.job_settings}
        )
        self.show_status(f"fine-tuning {base.name} on the reviewed studies…")

    def cancel(self) -> None:
        if self.job.running:
            self.job.cancel()
            if self.dialog is not None:
                self.dialog.setLabelText("Cancelling… (the current training step ends first)")

    def stop(self) -> None:
        self.job.stop()

    def _progress_dialog(self) -> QProgressDialog:
        dialog = QProgressDialog("Starting…", "Cancel", 0, 100, self.parent_widget)
        dialog.setWindowTitle("Fine-tuning a site model")
        dialog.setWindowModality(Qt.WindowModality.NonModal)  # the user can keep reading
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.canceled.disconnect()  # Cancel asks the job; the dialog stays until it ends
        dialog.canceled.connect(self.cancel)
        dialog.setValue(0)
        dialog.show()
        return dialog

    def _on_progress(self, phase: str, done: int, total: int) -> None:
        if self.dialog is None or self.job.cancel_event.is_set():
            return
        start, end = PHASE_SPANS.get(phase, (0, 100))
        share = done / total if total > 0 else 0.0
        self.dialog.setValue(round(start + (end - start) * min(1.0, share)))
        text = PHASE_TEXT.get(phase, phase)
        if phase == "train" and total > 0:
            text = f"Training: step {done} of about {total}…"
        self.dialog.setLabelText(text)

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _on_finished(self, result) -> None:
        self._close_dialog()
        self.model_written.emit(result.out)
        self.show_status(f"new model written: {result.out.name}")
        text = (
            f"{result.line()}\n\nUse {result.out.name} now? You can switch back to any "
            "installed model in File > Settings."
        )
        if self.offer_switch(text):
            self.switch_model(result.out)

    def _on_failed(self, message: str) -> None:
        self._close_dialog()
        self.show_error(message)

    def _on_cancelled(self) -> None:
        self._close_dialog()
        self.show_status("fine-tuning cancelled; no model was written")
