"""The main window: composes the docks, views and actions around one Session.

State lives in the Qt-free `Session`; `SessionBinding` redraws the views from its events;
`WindowActions` holds the actions and menus; `ExportFlows` the export and send dialogs; the
`GroundingFlow` the model and grounding requests; the worker module decodes and grounds off
the GUI thread. What remains here is the wiring, opening studies, and the settings.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QPointF, QSettings, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
)

from ..measurement import Measurement
from ..session import Session
from .actions import WindowActions
from .dialogs import MIN_CONFIDENCE_KEY, ModelInfoDialog, SettingsDialog
from .export_flows import ExportFlows
from .findings_panel import FindingsPanel
from .finetune_flow import FineTuneFlow
from .grounding_controls import GroundingControls
from .grounding_flow import MODEL_DIR_KEY, GroundingFlow
from .image_view import RadiographView
from .pacs_panel import PacsPanel, study_cache
from .report_panel import ReportPanel
from .review_flow import ReviewFlow
from .session_binding import SessionBinding
from .thumbnails import ThumbnailStrip
from .worker import StudyLoader

log = logging.getLogger(__name__)

APP_NAME = "KnowMVG Viewer"
IMAGE_FILTER = "Images (*.dcm *.dicom *.png *.jpg *.jpeg *.tif *.tiff *.bmp);;All files (*)"
GEOMETRY_KEY = "window/geometry"
MODEL_KEYS = (MODEL_DIR_KEY, "model/device", "model/threads")  # a change reloads the model
SCREEN_FRACTION = 0.9
DEFAULT_SIZE = (1400, 900)  # without a screen to size by, and for headless screenshots
# overlay options kept in the settings: heatmap/<key>, and the confidence threshold
OVERLAY_KEYS = {
    "colormap": ("heatmap/colormap", str, "turbo"),
    "threshold": ("heatmap/threshold", float, 0.2),
    "opacity": ("heatmap/opacity", float, 0.5),
    "min_confidence": (MIN_CONFIDENCE_KEY, float, 0.0),
}


class MainWindow(QMainWindow):
    load_finished = Signal(bool)  # an open or image change ended: shown (True) or failed
    grounding_finished = Signal()  # a grounding request ended (result, failure or cancel)
    model_ready = Signal(bool)  # the model loaded (True) or failed (False)

    def __init__(self, model_dir: Path | None = None, device: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.settings = QSettings()
        self.remember_geometry = True  # off for headless screenshots
        self._initial_geometry()
        self.session = Session()
        self.last_error: str | None = None
        self._build_views()
        self._build_status_bar()
        status = lambda text: self.statusBar().showMessage(text, 5000)  # noqa: E731
        self.grounding = GroundingFlow(
            self.session,
            self.settings,
            self.report_panel,
            lambda: self.actions.edit_report.isChecked(),
            self.show_error,
            status,
            self,
        )
        self.grounding.finished.connect(self.grounding_finished)
        self.grounding.model_ready.connect(self.model_ready)
        self.exports = ExportFlows(
            self.session,
            self,
            self.pacs_panel,
            self.show_error,
            status,
            self.pacs_dock.show,
            self.settings,
        )
        self.review = ReviewFlow(
            self.session, self.settings, self.view, self.report_panel, self.show_error, status, self
        )
        self.finetune = FineTuneFlow(
            self.session, self.settings, self.switch_model, self.show_error, status, self
        )
        self.actions = WindowActions(self)
        self.actions.build_menus()
        self.actions.build_toolbar()
        self.addToolBarBreak()
        self.controls = GroundingControls(self)
        self.addToolBar(self.controls)
        self._restore_overlay_settings()
        self.binding = SessionBinding(self.session, self)
        self._connect_views()

        self.loader = StudyLoader(self)
        self.loader.opened.connect(self._on_study_opened)
        self.loader.image_loaded.connect(self._on_image_loaded)
        self.loader.thumbnail.connect(self._on_thumbnail)
        self.loader.failed.connect(self._on_load_failed)
        self.grounding.load_model(model_dir, device)

    # -- composition -----------------------------------------------------------------------
    def _build_views(self) -> None:
        self.view = RadiographView()
        self.report_panel = ReportPanel()
        self.findings_panel = FindingsPanel()
        self.thumbnails = ThumbnailStrip()
        self.thumbnails.hide()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.report_panel)
        right.addWidget(self.findings_panel)
        right.setSizes([560, 240])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (self.thumbnails, self.view, right):
            splitter.addWidget(widget)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([130, 880, 390])
        self.setCentralWidget(splitter)
        self.pacs_panel = PacsPanel(self.settings, study_cache(self.settings))
        self.pacs_dock = QDockWidget("PACS", self)
        self.pacs_dock.setObjectName("pacs-dock")
        self.pacs_dock.setWidget(self.pacs_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.pacs_dock)
        self.pacs_dock.hide()

    def _build_status_bar(self) -> None:
        self.readout_label = QLabel()
        self.window_label = QLabel()
        self.zoom_label = QLabel()
        self.spacing_label = QLabel()
        self.model_label = QLabel("model: loading…")
        self.view_label = QLabel()  # the film's view, and why it is not grounded
        self.presentation_label = QLabel()  # the presentation state (GSPS) applied, if any
        self.presentation_label.hide()
        self.review_label = QLabel()  # "reviewed 3 of 7", while the film is under review
        self.review_label.hide()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate
        self.busy.setMaximumWidth(120)
        self.busy.setFormat("grounding")
        self.busy.hide()
        self.statusBar().addWidget(self.readout_label, 1)
        for widget in (
            self.busy,
            self.review_label,
            self.presentation_label,
            self.view_label,
            self.model_label,
            self.spacing_label,
            self.window_label,
        ):
            self.statusBar().addPermanentWidget(widget)
        self.statusBar().addPermanentWidget(self.zoom_label)

    def _connect_views(self) -> None:
        session = self.session
        self.pacs_panel.study_retrieved.connect(self.open_path)
        self.pacs_panel.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.view.pixel_hovered.connect(self._show_readout)
        self.view.left_image.connect(lambda: self.readout_label.setText(""))
        self.view.window_dragged.connect(session.drag_window)
        self.view.measured.connect(self._add_measurement)
        self.view.length_label = self._length_label
        self.thumbnails.image_chosen.connect(self.show_image)
        self.report_panel.finding_clicked.connect(session.select)
        self.report_panel.ground_selection_requested.connect(
            lambda text, start, end: self.grounding.query(text, (start, end))
        )
        self.findings_panel.finding_chosen.connect(session.select)
        self.controls.query_submitted.connect(self.grounding.query)
        self.controls.heatmap_style_changed.connect(
            lambda: session.set_overlays(
                colormap=self.controls.colormap_name(),
                threshold=self.controls.threshold_value(),
            )
        )
        self.controls.opacity_changed.connect(lambda value: session.set_overlays(opacity=value))
        self.controls.min_confidence_changed.connect(
            lambda value: session.set_overlays(min_confidence=value)
        )
        session.overlays_changed.connect(self._save_overlay_settings)
        session.review_problem.connect(self.show_error)

    def set_title(self, study_name: str) -> None:
        self.setWindowTitle(f"{APP_NAME} — {study_name}")

    # -- opening: decoded in the worker, shown when ready ---------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open image", "", IMAGE_FILTER)
        if path:
            self.open_path(Path(path))

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open study folder")
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> None:
        """Open an image file or a study folder in the background; `load_finished` tells how
        it went. On bad input: one message, and the open study stays."""
        self.statusBar().showMessage(f"opening {Path(path).name}…")
        self.loader.open(self.session.new_load(), Path(path))

    def show_image(self, index: int) -> None:
        study = self.session.study
        if study is not None and 0 <= index < len(study.images):
            self.loader.load(self.session.new_load(), study, index)

    def _on_study_opened(self, load_id: int, study, index: int, viewing) -> None:
        if self.session.show_study(load_id, study, viewing, index):
            self.statusBar().clearMessage()
            for note in study.skipped:
                log.info("skipped %s", note)
            self._after_load()

    def _on_image_loaded(self, load_id: int, index: int, viewing) -> None:
        if self.session.show_image(load_id, index, viewing):
            self._after_load()

    def _on_thumbnail(self, load_id: int, index: int, pixels, label: str) -> None:
        self.session.add_thumbnail(load_id, index, pixels, label)  # here, on the GUI thread

    def _after_load(self) -> None:
        self.load_finished.emit(True)
        self.grounding.start()

    def _on_load_failed(self, load_id: int, message: str) -> None:
        if load_id == self.session.load_id:
            self.statusBar().clearMessage()
            self.show_error(message)
            self.load_finished.emit(False)

    def show_error(self, message: str) -> None:
        """The one place bad input reaches the user: a non-blocking dialog."""
        log.warning("%s", message)
        self.last_error = message
        box = QMessageBox(
            QMessageBox.Icon.Warning, APP_NAME, message, QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- display ---------------------------------------------------------------------------
    def reset_view(self) -> None:
        self.session.reset_display()
        self.view.fit()
        self.binding.show_zoom()

    def _show_readout(self, x: int, y: int) -> None:
        viewing = self.session.viewing
        if viewing is not None:
            self.readout_label.setText(viewing.pixel_readout(x, y) or "")
        self.binding.show_zoom()

    def _length_label(self, start: QPointF, end: QPointF) -> str:
        image = self.session.image
        spacing = image.spacing if image is not None else None
        return Measurement((start.x(), start.y()), (end.x(), end.y()), spacing).label()

    def _add_measurement(self, start: QPointF, end: QPointF) -> None:
        self.session.add_measurement((start.x(), start.y()), (end.x(), end.y()))

    # -- settings --------------------------------------------------------------------------
    def _restore_overlay_settings(self) -> None:
        self.session.set_overlays(
            **{
                name: kind(self.settings.value(key, default))
                for name, (key, kind, default) in OVERLAY_KEYS.items()
            }
        )

    def _save_overlay_settings(self) -> None:
        for name, (key, _, _) in OVERLAY_KEYS.items():
            self.settings.setValue(key, getattr(self.session.overlays, name))

    def open_settings(self) -> None:
        model = [self.settings.value(k) for k in MODEL_KEYS]
        if SettingsDialog(self.settings, self).exec():
            self.pacs_panel.apply_settings(self.settings)
            self.review.apply_settings()
            self._restore_overlay_settings()
            after = [self.settings.value(k) for k in MODEL_KEYS]
            if after != model:  # a threshold change needs no reload of the model
                self.grounding.load_model()

    def switch_model(self, directory: Path) -> None:
        """Use DIRECTORY from now on (a new site model); Settings lists the others."""
        self.settings.setValue(MODEL_DIR_KEY, str(directory))
        self.grounding.load_model()

    def show_model_info(self) -> None:
        ModelInfoDialog(self.session.model_info, self.session.model_error, self).exec()

    def _initial_geometry(self) -> None:
        """The saved geometry, else most of the screen, centred (a radiograph wants room)."""
        saved = self.settings.value(GEOMETRY_KEY)
        if saved is not None and self.restoreGeometry(saved):
            return
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(*DEFAULT_SIZE)
            return
        area = screen.availableGeometry()
        self.resize(int(area.width() * SCREEN_FRACTION), int(area.height() * SCREEN_FRACTION))
        frame = self.frameGeometry()
        frame.moveCenter(area.center())
        self.move(frame.topLeft())

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.remember_geometry:
            self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self.grounding.stop()
        self.finetune.stop()
        self.loader.stop()
        self.pacs_panel.stop()
        self.exports.cleanup()
        super().closeEvent(event)

    # -- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_path(paths[0])
