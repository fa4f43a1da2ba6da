"""The main window: thumbnails | image | report, toolbar, status-bar readout."""

from __future__ import annotations

import logging
from pathlib import Path

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QToolButton,
)

from ..study import RadiographImage, Study, StudyError, load_image, open_study
from ..study.viewing import ViewingState
from .image_view import RadiographView
from .qimage import to_qpixmap
from .report_panel import ReportPanel
from .thumbnails import ThumbnailStrip

log = logging.getLogger(__name__)

APP_NAME = "KnowMVG Viewer"
IMAGE_FILTER = "Images (*.dcm *.dicom *.png *.jpg *.jpeg *.tif *.tiff *.bmp);;All files (*)"
MAX_PRESET_SHORTCUTS = 5


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1400, 900)
        self.setAcceptDrops(True)
        self.study: Study | None = None
        self.state: ViewingState | None = None
        self.last_error: str | None = None

        self.view = RadiographView()
        self.report_panel = ReportPanel()
        self.thumbnails = ThumbnailStrip()
        self.thumbnails.hide()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        for widget in (self.thumbnails, self.view, self.report_panel):
            splitter.addWidget(widget)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([130, 900, 370])
        self.setCentralWidget(splitter)

        self._build_status_bar()
        self._build_actions()
        self._build_menus_and_toolbar()
        self.view.pixel_hovered.connect(self._show_readout)
        self.view.left_image.connect(lambda: self.readout_label.setText(""))
        self.view.window_dragged.connect(self._drag_window)
        self.thumbnails.image_chosen.connect(self.show_image)
        self._update_enabled()

    # -- building ------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        self.readout_label = QLabel()
        self.window_label = QLabel()
        self.zoom_label = QLabel()
        self.spacing_label = QLabel()
        self.statusBar().addWidget(self.readout_label, 1)
        for label in (self.spacing_label, self.window_label, self.zoom_label):
            self.statusBar().addPermanentWidget(label)

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

    def _build_menus_and_toolbar(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([self.open_file_action, self.open_folder_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
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
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.open_file_action, self.open_folder_action])
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
        self.report_panel.show_report(study.report)
        self.thumbnails.show_images(self._thumbnail_entries(study, first))
        self._show_loaded_image(first)
        self.setWindowTitle(f"{APP_NAME} — {study.name}")
        for note in study.skipped:
            log.info("skipped %s", note)
        return True

    def _thumbnail_entries(self, study: Study, first: RadiographImage):
        if len(study.images) < 2:
            return [(study.images[0], None)]
        entries = [(study.images[0], ViewingState(first).render())]
        for path in study.images[1:]:
            try:
                entries.append((path, ViewingState(load_image(path)).render()))
            except StudyError as exc:
                log.warning("%s", exc)
                entries.append((path, None))
        return entries

    def show_image(self, index: int) -> None:
        if self.study is None or not 0 <= index < len(self.study.images):
            return
        try:
            image = load_image(self.study.images[index])
        except StudyError as exc:
            self.show_error(str(exc))
            return
        self._show_loaded_image(image)

    def _show_loaded_image(self, image: RadiographImage) -> None:
        self.state = ViewingState(image)
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
        ):
            action.setEnabled(has_image)

    # -- drag and drop -------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_path(paths[0])
