"""The main window: thumbnails | image | report, toolbar, status-bar readout."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import qtawesome as qta
from PySide6.QtCore import QRectF, QSettings, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QToolButton,
)

from ..export.annotated import annotated_image, export_annotated, study_record
from ..export.secondary_capture import export_secondary_capture
from ..export.sr import export_sr
from ..findings import FindingsState
from ..render.annotate import finding_label
from ..render.colormap import heatmap_rgba
from ..study import Report, Study, StudyError, load_image, open_study
from ..study.dicom import is_dicom
from ..study.viewing import ViewingState
from .dialogs import ModelInfoDialog, SettingsDialog
from .findings_panel import FindingsPanel
from .grounding_controls import GroundingControls
from .image_view import RadiographView
from .overlays import BoxOverlay, HeatmapLayer
from .pacs_panel import PacsPanel, SendDialog, cache_limit_bytes, study_cache
from .qimage import to_qimage, to_qpixmap
from .report_panel import ReportPanel
from .thumbnails import ThumbnailStrip

log = logging.getLogger(__name__)

APP_NAME = "KnowMVG Viewer"
IMAGE_FILTER = "Images (*.dcm *.dicom *.png *.jpg *.jpeg *.tif *.tiff *.bmp);;All files (*)"
MAX_PRESET_SHORTCUTS = 5
GEOMETRY_KEY = "window/geometry"
SCREEN_FRACTION = 0.9
DEFAULT_SIZE = (1400, 900)  # without a screen to size by, and for headless screenshots


class MainWindow(QMainWindow):
    grounding_finished = Signal()  # a grounding request ended (result, failure or cancel)
    model_ready = Signal(bool)  # the model loaded (True) or failed (False)

    def __init__(self, model_dir: Path | None = None, device: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.settings = QSettings()
        self.remember_geometry = True  # off for headless screenshots
        self._initial_geometry()
        self.study: Study | None = None
        self.state: ViewingState | None = None
        self.findings = FindingsState()
        self.model_info: dict | None = None
        self.model_error: str | None = None
        self.last_error: str | None = None
        self.last_export: tuple[Path, Path] | None = None
        self._pending_grounding = False
        self._query_request: int | None = None
        self.box_overlays: dict[int, BoxOverlay] = {}

        self.view = RadiographView()
        self.heatmap = HeatmapLayer(self.view.scene())
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
        self._outgoing: tempfile.TemporaryDirectory | None = None

        self._build_status_bar()
        self._build_actions()
        self._build_menus_and_toolbar()
        self.pacs_panel.study_retrieved.connect(self.open_path)
        self.pacs_panel.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.view.pixel_hovered.connect(self._show_readout)
        self.view.left_image.connect(lambda: self.readout_label.setText(""))
        self.view.window_dragged.connect(self._drag_window)
        self.thumbnails.image_chosen.connect(self.show_image)
        self.report_panel.finding_clicked.connect(self.select_finding)
        self.report_panel.ground_selection_requested.connect(self._ground_selection)
        self.findings_panel.finding_chosen.connect(self.select_finding)
        self.controls.query_submitted.connect(self.ground_query)
        self.controls.heatmap_style_changed.connect(self._refresh_heatmap)
        self.controls.opacity_changed.connect(self.heatmap.set_opacity)
        self.controls.heatmap_style_changed.connect(self._save_heatmap_settings)
        self.controls.opacity_changed.connect(self._save_heatmap_settings)
        self._apply_heatmap_settings()
        self._update_enabled()

        from .worker import WorkerThread  # the only path to the engine

        self.worker = WorkerThread(self)
        self.worker.worker.model_loaded.connect(self._on_model_loaded)
        self.worker.worker.model_failed.connect(self._on_model_failed)
        self.worker.worker.grounded.connect(self._on_grounded)
        self.worker.worker.failed.connect(self._on_grounding_failed)
        self.load_model(model_dir, device)

    # -- building ------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        self.readout_label = QLabel()
        self.window_label = QLabel()
        self.zoom_label = QLabel()
        self.spacing_label = QLabel()
        self.model_label = QLabel("model: loading…")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate
        self.busy.setMaximumWidth(120)
        self.busy.setFormat("grounding")
        self.busy.hide()
        self.statusBar().addWidget(self.readout_label, 1)
        for widget in (
            self.busy,
            self.model_label,
            self.spacing_label,
            self.window_label,
            self.zoom_label,
        ):
            self.statusBar().addPermanentWidget(widget)

    def _action(self, text: str, icon: str, slot, shortcuts: list[str]) -> QAction:
        action = QAction(qta.icon(icon), text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        hint = ", ".join(shortcuts)
        action.setToolTip(f"{text} ({hint})" if hint else text)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even when the toolbar is hidden
        return action

    def _build_actions(self) -> None:
        self.open_file_action = self._action(
            "Open file…", "fa5s.file-medical", self.choose_file, ["Ctrl+O"]
        )
        self.open_folder_action = self._action(
            "Open study folder…", "fa5s.folder-open", self.choose_folder, ["Ctrl+Shift+O"]
        )
        self.invert_action = self._action("Invert", "fa5s.adjust", self.toggle_invert, ["I"])
        self.invert_action.setCheckable(True)
        self.reset_action = self._action("Reset view", "fa5s.undo", self.reset_view, ["Space", "R"])
        self.fit_action = self._action("Fit to window", "fa5s.expand", self.view.fit, ["="])
        self.zoom_in_action = self._action(
            "Zoom in", "fa5s.search-plus", lambda: self.view.zoom(1.25), ["+", "Ctrl++"]
        )
        self.zoom_out_action = self._action(
            "Zoom out", "fa5s.search-minus", lambda: self.view.zoom(0.8), ["-", "Ctrl+-"]
        )
        self.quit_action = self._action("Quit", "fa5s.times", self.close, ["Ctrl+Q"])
        self.preset_shortcuts = [
            self._action(
                f"Preset {n}",
                "fa5s.sliders-h",
                lambda _=False, i=n - 1: self.choose_preset(i),
                [str(n)],
            )
            for n in range(1, MAX_PRESET_SHORTCUTS + 1)
        ]
        self.preset_group = QActionGroup(self)
        self.presets_menu = QMenu("Window presets", self)
        self.boxes_action = self._action(
            "Boxes", "fa5s.vector-square", self._refresh_overlays, ["B"]
        )
        self.heatmap_action = self._action("Heatmap", "fa5s.fire", self._refresh_heatmap, ["H"])
        self.show_all_action = self._action(
            "Show all findings", "fa5s.layer-group", self._refresh_overlays, ["A"]
        )
        for action in (self.boxes_action, self.heatmap_action, self.show_all_action):
            action.setCheckable(True)
            action.setChecked(True)
        self.next_action = self._action(
            "Next finding", "fa5s.chevron-down", lambda: self.step_finding(1), ["N"]
        )
        self.previous_action = self._action(
            "Previous finding", "fa5s.chevron-up", lambda: self.step_finding(-1), ["P"]
        )
        self.ground_selection_action = self._action(
            "Ground selection", "fa5s.crosshairs", self.report_panel_ground_selection, ["Ctrl+G"]
        )
        self.rerun_action = self._action("Run grounding", "fa5s.play", self.start_grounding, ["F5"])
        self.cancel_action = self._action(
            "Cancel grounding", "fa5s.stop", self.cancel_grounding, ["Esc"]
        )
        self.edit_report_action = self._action(
            "Edit report", "fa5s.edit", self.toggle_edit_report, ["Ctrl+Shift+E"]
        )
        self.edit_report_action.setCheckable(True)
        self.export_action = self._action(
            "Export annotated PNG…", "fa5s.file-export", self.choose_export, ["Ctrl+E"]
        )
        self.export_sr_action = self._action(
            "Export DICOM SR…", "fa5s.file-medical", self.choose_sr_export, ["Ctrl+Shift+S"]
        )
        self.send_action = self._action(
            "Send to PACS…", "fa5s.cloud-upload-alt", self.choose_send, ["Ctrl+Shift+U"]
        )
        self.pacs_action = self.pacs_dock.toggleViewAction()
        self.pacs_action.setIcon(qta.icon("fa5s.network-wired"))
        self.pacs_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.addAction(self.pacs_action)
        self.copy_action = self._action(
            "Copy annotated image", "fa5s.copy", self.copy_annotated, ["Ctrl+Shift+C"]
        )
        self.settings_action = self._action("Settings…", "fa5s.cog", self.open_settings, [])
        self.model_info_action = self._action(
            "Model information…", "fa5s.info-circle", self.show_model_info, []
        )

    def _build_menus_and_toolbar(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([self.open_file_action, self.open_folder_action, self.pacs_action])
        file_menu.addSeparator()
        file_menu.addActions(
            [self.export_action, self.export_sr_action, self.send_action, self.copy_action]
        )
        file_menu.addSeparator()
        file_menu.addActions([self.settings_action, self.quit_action])
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addActions(
            [
                self.fit_action,
                self.zoom_in_action,
                self.zoom_out_action,
                self.invert_action,
                self.reset_action,
            ]
        )
        view_menu.addMenu(self.presets_menu)
        view_menu.addSeparator()
        view_menu.addActions(
            [
                self.boxes_action,
                self.heatmap_action,
                self.show_all_action,
                self.next_action,
                self.previous_action,
            ]
        )
        grounding_menu = self.menuBar().addMenu("&Grounding")
        grounding_menu.addActions(
            [
                self.rerun_action,
                self.cancel_action,
                self.ground_selection_action,
                self.edit_report_action,
            ]
        )
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.model_info_action)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.open_file_action, self.open_folder_action, self.pacs_action])
        toolbar.addSeparator()
        toolbar.addActions([self.fit_action, self.zoom_in_action, self.zoom_out_action])
        toolbar.addSeparator()
        presets_button = QToolButton()
        presets_button.setIcon(qta.icon("fa5s.sliders-h"))
        presets_button.setToolTip("Window presets (1-5)")
        presets_button.setMenu(self.presets_menu)
        presets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addWidget(presets_button)
        toolbar.addActions([self.invert_action, self.reset_action])
        toolbar.addSeparator()
        toolbar.addActions(
            [
                self.rerun_action,
                self.cancel_action,
                self.edit_report_action,
                self.boxes_action,
                self.heatmap_action,
                self.show_all_action,
                self.previous_action,
                self.next_action,
                self.export_action,
            ]
        )
        self.addToolBarBreak()
        self.controls = GroundingControls(self)
        self.addToolBar(self.controls)

    # -- opening -------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open image", "", IMAGE_FILTER)
        if path:
            self.open_path(Path(path))

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open study folder")
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> bool:
        """Open an image file or a study folder; on bad input, one message and no change."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            study = open_study(path)
            first = load_image(study.images[0])
        except StudyError as exc:
            self.show_error(str(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.study = study
        self.edit_report_action.setChecked(False)
        self.report_panel.set_editing(False)
        self.report_panel.show_report(study.report)
        state = ViewingState(first)
        self.thumbnails.show_images(self._thumbnail_entries(study, state))
        self._show_state(state)
        self.setWindowTitle(f"{APP_NAME} — {study.name}")
        for note in study.skipped:
            log.info("skipped %s", note)
        self.start_grounding()
        return True

    def _thumbnail_entries(self, study: Study, first: ViewingState):
        if len(study.images) < 2:
            return [(study.images[0], first.image.display_name, None)]
        entries = [(study.images[0], first.image.display_name, first.render())]
        for path in study.images[1:]:
            try:
                state = ViewingState(load_image(path))
                entries.append((path, state.image.display_name, state.render()))
            except StudyError as exc:
                log.warning("%s", exc)
                entries.append((path, path.name, None))
        return entries

    def show_image(self, index: int) -> None:
        if self.study is None or not 0 <= index < len(self.study.images):
            return
        try:
            image = load_image(self.study.images[index])
        except StudyError as exc:
            self.show_error(str(exc))
            return
        self._show_state(ViewingState(image))
        self.start_grounding()

    def _show_state(self, state: ViewingState) -> None:
        self._clear_findings()
        self.state = state
        image = state.image
        self._rebuild_presets_menu()
        self.view.set_pixmap(to_qpixmap(self.state.render()), fit=True)
        self.spacing_label.setText(f"spacing {image.spacing_text()}")
        self._after_display_change()
        self._update_enabled()

    def show_error(self, message: str) -> None:
        """The one place bad input reaches the user: a non-blocking dialog."""
        log.warning("%s", message)
        self.last_error = message
        box = QMessageBox(
            QMessageBox.Icon.Warning, APP_NAME, message, QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- display changes -----------------------------------------------------------
    def toggle_invert(self) -> None:
        if self.state is not None:
            self.state.toggle_invert()
            self._refresh_pixels()

    def reset_view(self) -> None:
        if self.state is not None:
            self.state.reset()
            self._refresh_pixels()
            self.view.fit()
            self._after_display_change()

    def choose_preset(self, index: int) -> None:
        if self.state is not None and self.state.choose_preset(index):
            self._refresh_pixels()

    def _drag_window(self, dx: float, dy: float) -> None:
        if self.state is not None:
            self.state.drag_window(dx, dy)
            self._refresh_pixels()

    def _refresh_pixels(self) -> None:
        self.view.set_pixmap(to_qpixmap(self.state.render()), fit=False)
        self._after_display_change()

    def _after_display_change(self) -> None:
        state = self.state
        self.window_label.setText(state.window_text() if state else "")
        self.invert_action.setChecked(bool(state and state.invert))
        for index, action in enumerate(self.preset_group.actions()):
            action.setChecked(state is not None and state.preset_index == index)
        self.zoom_label.setText(f"zoom {self.view.current_scale() * 100:.0f}%")

    def _rebuild_presets_menu(self) -> None:
        self.presets_menu.clear()
        for action in self.preset_group.actions():
            self.preset_group.removeAction(action)
        for index, preset in enumerate(self.state.image.presets):
            key = f"\t{index + 1}" if index < MAX_PRESET_SHORTCUTS else ""
            action = QAction(f"{preset.name}{key}", self, checkable=True)
            action.triggered.connect(lambda _=False, i=index: self.choose_preset(i))
            self.preset_group.addAction(action)
            self.presets_menu.addAction(action)

    def _show_readout(self, x: int, y: int) -> None:
        if self.state is not None:
            self.readout_label.setText(self.state.pixel_readout(x, y) or "")
        self.zoom_label.setText(f"zoom {self.view.current_scale() * 100:.0f}%")

    def _update_enabled(self) -> None:
        has_image = self.state is not None
        for action in (
            self.invert_action,
            self.reset_action,
            self.fit_action,
            self.zoom_in_action,
            self.zoom_out_action,
            *self.preset_shortcuts,
            self.edit_report_action,
        ):
            action.setEnabled(has_image)
        ready = has_image and self.model_info is not None
        self.rerun_action.setEnabled(ready)
        self.ground_selection_action.setEnabled(ready)
        self.controls.query.setEnabled(ready)
        has_findings = bool(self.findings.findings)
        for action in (
            self.copy_action,
            self.export_sr_action,
            self.send_action,
            self.next_action,
            self.previous_action,
        ):
            action.setEnabled(has_image and has_findings)
        self.export_action.setEnabled(has_image)
        self.cancel_action.setEnabled(self.busy.isVisible())

    # -- the model and grounding ---------------------------------------------------
    def load_model(self, model_dir: Path | None = None, device: str | None = None) -> None:
        """Load in the background; `None` arguments fall back to the saved settings."""
        directory = model_dir or self.settings.value("model/dir", "") or None
        device = device or str(self.settings.value("model/device", "auto"))
        threads = int(self.settings.value("model/threads", 0) or 0) or None
        self.model_info, self.model_error = None, None
        self.model_label.setText("model: loading…")
        self.worker.request_load.emit(Path(directory) if directory else None, device, threads)

    def _on_model_loaded(self, info: dict) -> None:
        self.model_info = info
        trained = "" if info.get("trained", True) else ", UNTRAINED"
        self.model_label.setText(f"model: {info['name']} on {info['device']}{trained}")
        self._update_enabled()
        self.model_ready.emit(True)
        if self._pending_grounding:
            self.start_grounding()

    def _on_model_failed(self, message: str) -> None:
        self.model_error = message
        self.model_label.setText("model: not loaded (grounding unavailable)")
        self._pending_grounding = False
        self.show_error(f"The grounding model could not be loaded; viewing still works.\n{message}")
        self._update_enabled()
        self.model_ready.emit(False)

    def current_report_text(self) -> str:
        return self.report_panel.current_text()

    def start_grounding(self) -> None:
        """Ground the current image against the report shown (as edited, if it was)."""
        if self.state is None:
            return
        if self.model_info is None:
            self._pending_grounding = self.model_error is None
            return
        self._pending_grounding = False
        text = self.current_report_text()
        if self.edit_report_action.isChecked():
            self.edit_report_action.setChecked(False)
            self.report_panel.set_editing(False)
            self.report_panel.show_report(Report.from_text(text, source="typed"))
        self._clear_findings()
        if not text.strip():
            self.grounding_finished.emit()
            return
        request = self.findings.new_request()
        self._query_request = None
        self._set_busy(True)
        self.worker.request_ground.emit(request, self.state.image, text, None)

    def ground_query(self, phrase: str, span: tuple[int, int] | None = None) -> None:
        """Free-text grounding (or a report selection, with its span): the result is added
        as a user-requested finding."""
        if self.state is None or self.model_info is None or not phrase.strip():
            return
        request = self.findings.new_request()
        self._query_request = request
        self._set_busy(True)
        query = phrase.strip() if span is None else (phrase, span)
        self.worker.request_ground.emit(
            request, self.state.image, self.current_report_text(), [query]
        )

    def report_panel_ground_selection(self) -> None:
        self.report_panel.request_ground_selection()

    def _ground_selection(self, text: str, start: int, end: int) -> None:
        self.ground_query(text, (start, end))

    def cancel_grounding(self) -> None:
        """Drop the running request's result (the worker finishes it in the background)."""
        if self.busy.isVisible():
            self.findings.new_request()
            self._set_busy(False)
            self.statusBar().showMessage("grounding cancelled", 3000)
            self.grounding_finished.emit()

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self._update_enabled()

    def _on_grounded(self, request_id: int, result) -> None:
        if not self.findings.is_current(request_id):
            return  # stale: the user moved on
        self._set_busy(False)
        if request_id == self._query_request:
            self.findings.add_query_findings(result)
        else:
            self.findings.set_result(result)
        self._show_findings()
        self.grounding_finished.emit()

    def _on_grounding_failed(self, request_id: int, message: str) -> None:
        if self.findings.is_current(request_id):
            self._set_busy(False)
            self.show_error(message)
            self.grounding_finished.emit()

    # -- findings on screen --------------------------------------------------------
    def _clear_findings(self) -> None:
        self.findings.clear()
        for overlay in self.box_overlays.values():
            overlay.remove(self.view.scene())
        self.box_overlays = {}
        self.heatmap.show_rgba(None)
        self.findings_panel.show_state(self.findings)
        self.report_panel.show_findings(self.findings)

    def _show_findings(self) -> None:
        for overlay in self.box_overlays.values():
            overlay.remove(self.view.scene())
        self.box_overlays = {}
        for index in self.findings.boxed_indices():
            finding = self.findings.findings[index]
            x0, y0, x1, y1 = finding.box
            self.box_overlays[index] = BoxOverlay(
                self.view.scene(),
                QRectF(x0, y0, x1 - x0, y1 - y0),
                finding_label(finding),
                QColor(*self.findings.colour(index)),
                uncertain=finding.uncertain,
                label_below=finding.located_by is not None,
            )
        self.findings_panel.show_state(self.findings)
        self._refresh_selection()
        self._update_enabled()

    def select_finding(self, index: int) -> None:
        if self.findings.select(index):
            self._refresh_selection()

    def step_finding(self, delta: int) -> None:
        if self.findings.step(delta) is not None:
            self._refresh_selection()

    def _refresh_selection(self) -> None:
        self.report_panel.show_findings(self.findings)
        self.findings_panel.select(self.findings.selected)
        self._refresh_overlays()
        self._refresh_heatmap()
        overlay = self.box_overlays.get(self.findings.selected)
        if overlay is not None:
            self.view.centre_on_rect(overlay.rect.rect())

    def _refresh_overlays(self) -> None:
        self.findings.show_all = self.show_all_action.isChecked()
        visible = set(self.findings.visible_boxes()) if self.boxes_action.isChecked() else set()
        for index, overlay in self.box_overlays.items():
            overlay.set_visible(index in visible)
            overlay.set_selected(index == self.findings.selected and index in visible)

    def _refresh_heatmap(self) -> None:
        """Colour the selected finding's heatmap; window/level never comes through here."""
        index, result = self.findings.selected, self.findings.result
        self.heatmap.set_visible(self.heatmap_action.isChecked())
        finding = self.findings.findings[index] if index is not None else None
        content = result.heatmap_in_content(finding) if finding and result else None
        if content is None or not self.heatmap_action.isChecked():
            self.heatmap.show_rgba(None)
            return
        rgba = heatmap_rgba(content, self.controls.colormap_name(), self.controls.threshold_value())
        self.heatmap.show_rgba(rgba, self.state.image.width, self.state.image.height)
        self.heatmap.set_opacity(self.controls.opacity_value())

    def _apply_heatmap_settings(self) -> None:
        self.controls.apply_settings(
            str(self.settings.value("heatmap/colormap", "turbo")),
            float(self.settings.value("heatmap/threshold", 0.2)),
            float(self.settings.value("heatmap/opacity", 0.5)),
        )

    def _save_heatmap_settings(self, *_args) -> None:
        self.settings.setValue("heatmap/colormap", self.controls.colormap_name())
        self.settings.setValue("heatmap/threshold", self.controls.threshold_value())
        self.settings.setValue("heatmap/opacity", self.controls.opacity_value())

    # -- report editing ------------------------------------------------------------
    def toggle_edit_report(self) -> None:
        editing = self.edit_report_action.isChecked()
        self.report_panel.set_editing(editing)
        if editing:
            self.statusBar().showMessage("Editing the report: press F5 to ground it", 5000)
        else:
            self.start_grounding()

    # -- export --------------------------------------------------------------------
    def annotated_pixels(self):
        """The display at native size with visible findings, selected heatmap, caption."""
        visible = self.findings.visible_boxes()
        findings = [self.findings.findings[i] for i in visible]
        colours = [self.findings.colour(i) for i in visible]  # the view's, whatever is shown
        rgba = None
        index, result = self.findings.selected, self.findings.result
        if self.heatmap_action.isChecked() and index is not None and result is not None:
            heat = result.heatmap_in_image(self.findings.findings[index])
            if heat is not None:
                rgba = heatmap_rgba(
                    heat, self.controls.colormap_name(), self.controls.threshold_value()
                )
        name = (self.model_info or {}).get("name", "no model")
        return annotated_image(
            self.state.render(), findings, name, rgba, self.controls.opacity_value(), colours
        )

    def export_to(self, path: Path, overwrite: bool = False) -> tuple[Path, Path]:
        image = self.state.image
        record = study_record(
            image.path,
            image.width,
            image.height,
            self.current_report_text(),
            self.findings.findings,
            spacing=image.spacing,
        )
        written = export_annotated(
            path, self.annotated_pixels(), record, self.model_info or {}, overwrite=overwrite
        )
        self.last_export = written
        return written

    def choose_export(self) -> None:
        if self.state is None:
            return
        suggested = str(self.state.image.path.with_suffix(".annotated.png").name)
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export annotated PNG",
            suggested,
            "PNG image (*.png)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return
        path = Path(path).with_suffix(".png")
        overwrite = False
        if path.exists() or path.with_suffix(".json").exists():
            answer = QMessageBox.question(self, APP_NAME, f"{path.name} exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return
            overwrite = True
        try:
            png, sidecar = self.export_to(path, overwrite)
        except OSError as exc:
            self.show_error(f"{path}: cannot write ({exc.strerror or exc})")
            return
        self.statusBar().showMessage(f"exported {png.name} and {sidecar.name}", 5000)

    def export_sr_to(self, path: Path, overwrite: bool = False) -> Path:
        """StudyError for a source that is not a DICOM image or nothing to report."""
        image = self.state.image
        return export_sr(
            path,
            image.path,
            self.findings.findings,
            self.model_info or {},
            frame_index=image.frame_index,
            overwrite=overwrite,
        )

    def choose_sr_export(self) -> None:
        if self.state is None:
            return
        source = self.state.image.path
        if not is_dicom(source):
            self.show_error(f"{source.name}: DICOM SR export needs a DICOM image; this is not one")
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export DICOM SR",
            source.with_suffix(".sr.dcm").name,
            "DICOM SR (*.dcm)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not path:
            return
        path, overwrite = Path(path), False
        if path.exists():
            answer = QMessageBox.question(self, APP_NAME, f"{path.name} exists. Replace it?")
            if answer != QMessageBox.StandardButton.Yes:
                return
            overwrite = True
        try:
            written = self.export_sr_to(path, overwrite)
        except StudyError as exc:
            self.show_error(str(exc))
            return
        except OSError as exc:
            self.show_error(f"{path}: cannot write ({exc.strerror or exc})")
            return
        self.statusBar().showMessage(f"exported {written.name}", 5000)

    def choose_send(self) -> None:
        """Send the SR (and, if chosen, the annotated image) to a saved node."""
        if self.state is None:
            return
        if not self.pacs_panel.nodes:
            self.pacs_dock.show()
            self.show_error("add a PACS node in the PACS panel first")
            return
        dialog = SendDialog(self.pacs_panel.nodes, self._send_node_index(), self)
        if dialog.exec():
            node = self.pacs_panel.nodes[dialog.node_box.currentIndex()].node
            self.send_to_pacs(node, include_image=dialog.include_image)

    def _send_node_index(self) -> int:
        """The node the open study came from, else the panel's current node."""
        uid = self.state.image.attributes.get("StudyInstanceUID") if self.state else None
        origin = self.pacs_panel.study_nodes.get(uid or "")
        if origin is not None and origin < len(self.pacs_panel.nodes):
            return origin
        return self.pacs_panel.node_box.currentIndex()

    def send_to_pacs(self, node, include_image: bool = False) -> bool:
        """Write the outgoing objects to a private temporary folder, then send them in the
        background; False (with one message) when there is nothing to send."""
        if self.pacs_panel.busy:
            self.show_error("the PACS panel is busy; wait for it or cancel first")
            return False
        if self._outgoing is not None:
            self._outgoing.cleanup()
        self._outgoing = tempfile.TemporaryDirectory(prefix="knowmvg-send-")
        folder = Path(self._outgoing.name)
        image = self.state.image
        try:
            files = [self.export_sr_to(folder / "findings-sr.dcm")]
            if include_image:
                files.append(
                    export_secondary_capture(
                        folder / "annotated-sc.dcm", image.path, self.annotated_pixels()
                    )
                )
        except StudyError as exc:
            self.show_error(str(exc))
            return False
        except OSError as exc:
            self.show_error(f"cannot prepare the files to send ({exc.strerror or exc})")
            return False
        return self.pacs_panel.send_files(files, node)

    def copy_annotated(self) -> None:
        if self.state is not None:
            QGuiApplication.clipboard().setImage(to_qimage(self.annotated_pixels()))
            self.statusBar().showMessage("annotated image copied", 3000)

    # -- settings and model information ------------------------------------------
    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        if dialog.exec():
            self.pacs_panel.cache.max_bytes = cache_limit_bytes(self.settings)
            self.load_model()

    def show_model_info(self) -> None:
        ModelInfoDialog(self.model_info, self.model_error, self).exec()

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
        self.worker.stop()
        self.pacs_panel.stop()
        if self._outgoing is not None:
            self._outgoing.cleanup()
        super().closeEvent(event)

    # -- drag and drop -------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_path(paths[0])
