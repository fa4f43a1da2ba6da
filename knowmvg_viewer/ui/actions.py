"""The window's actions (with their shortcuts), menus and toolbars, wired to the session, the
views and the window's flows. What is enabled when is the session binding's business."""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolButton

from .session_binding import MAX_PRESET_SHORTCUTS


class WindowActions:
    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        session, view, exports = window.session, window.view, window.exports
        add = self._action
        self.open_file = add("Open file…", "fa5s.file-medical", window.choose_file, ["Ctrl+O"])
        self.open_folder = add(
            "Open study folder…", "fa5s.folder-open", window.choose_folder, ["Ctrl+Shift+O"]
        )
        self.invert = add("Invert", "fa5s.adjust", session.toggle_invert, ["I"], checkable=True)
        self.reset = add("Reset view", "fa5s.undo", window.reset_view, ["Space", "R"])
        self.fit = add("Fit to window", "fa5s.expand", view.fit, ["="])
        self.zoom_in = add("Zoom in", "fa5s.search-plus", lambda: view.zoom(1.25), ["+", "Ctrl++"])
        self.zoom_out = add(
            "Zoom out", "fa5s.search-minus", lambda: view.zoom(0.8), ["-", "Ctrl+-"]
        )
        self.quit = add("Quit", "fa5s.times", window.close, ["Ctrl+Q"])
        self.presets = [
            add(
                f"Preset {n}",
                "fa5s.sliders-h",
                lambda _=0, i=n - 1: session.choose_preset(i),
                [str(n)],
            )
            for n in range(1, MAX_PRESET_SHORTCUTS + 1)
        ]
        self.preset_group = QActionGroup(window)
        self.presets_menu = QMenu("Window presets", window)
        self.boxes = add("Boxes", "fa5s.vector-square", None, ["B"], checkable=True)
        self.heatmap = add("Heatmap", "fa5s.fire", None, ["H"], checkable=True)
        self.show_all = add("Show all findings", "fa5s.layer-group", None, ["A"], checkable=True)
        self.presentation = add(
            "Presentation state graphics", "fa5s.shapes", None, ["G"], checkable=True
        )
        for name, action in (
            ("boxes", self.boxes),
            ("heatmap", self.heatmap),
            ("show_all", self.show_all),
            ("presentation", self.presentation),
        ):
            action.triggered.connect(lambda on, n=name: session.set_overlays(**{n: on}))
        self.next = add("Next finding", "fa5s.chevron-down", lambda: session.step(1), ["N"])
        self.previous = add("Previous finding", "fa5s.chevron-up", lambda: session.step(-1), ["P"])
        self.ground_selection = add(
            "Ground selection",
            "fa5s.crosshairs",
            window.report_panel.request_ground_selection,
            ["Ctrl+G"],
        )
        self.rerun = add("Run grounding", "fa5s.play", window.grounding.start, ["F5"])
        self.cancel = add("Cancel grounding", "fa5s.stop", window.grounding.cancel, ["Esc"])
        self.edit_report = add(
            "Edit report",
            "fa5s.edit",
            window.grounding.toggle_editing,
            ["Ctrl+Shift+E"],
            checkable=True,
        )
        self.measure = add(
            "Measure length", "fa5s.ruler", view.set_measuring, ["M"], checkable=True
        )
        self.remove_measurement = add(
            "Remove last measurement",
            "fa5s.eraser",
            lambda: session.remove_measurement(len(session.measurements) - 1),
            ["Delete"],
        )
        self.clear_measurements = add(
            "Clear measurements", "fa5s.trash", session.clear_measurements, ["Shift+Delete"]
        )
        self.export = add(
            "Export annotated PNG…", "fa5s.file-export", exports.choose_export, ["Ctrl+E"]
        )
        self.export_sr = add(
            "Export DICOM SR…", "fa5s.file-medical", exports.choose_sr_export, ["Ctrl+Shift+S"]
        )
        self.export_gsps = add(
            "Export presentation state…",
            "fa5s.draw-polygon",
            exports.choose_presentation_state_export,
            ["Ctrl+Shift+G"],
        )
        self.send = add(
            "Send to PACS…", "fa5s.cloud-upload-alt", exports.choose_send, ["Ctrl+Shift+U"]
        )
        self.copy = add(
            "Copy annotated image", "fa5s.copy", exports.copy_annotated, ["Ctrl+Shift+C"]
        )
        self.pacs = window.pacs_dock.toggleViewAction()
        self.pacs.setIcon(qta.icon("fa5s.network-wired"))
        self.pacs.setShortcut(QKeySequence("Ctrl+Shift+P"))
        window.addAction(self.pacs)
        self._review_actions(window.review)
        self.settings = add("Settings…", "fa5s.cog", window.open_settings, [])
        self.model_info = add("Model information…", "fa5s.info-circle", window.show_model_info, [])

    def _review_actions(self, review) -> None:
        """Review (issue 13): each action one undoable command on the review's stack."""
        add = self._action
        self.undo = review.stack.createUndoAction(self.window, "Undo")
        self.redo = review.stack.createRedoAction(self.window, "Redo")
        for action, icon, key in (
            (self.undo, "fa5s.undo-alt", QKeySequence.StandardKey.Undo),
            (self.redo, "fa5s.redo-alt", QKeySequence.StandardKey.Redo),
        ):
            action.setIcon(qta.icon(icon))
            action.setShortcuts(key)
            self.window.addAction(action)
        self.accept = add("Accept finding", "fa5s.check", review.accept, ["Y"])
        self.reject = add("Reject finding", "fa5s.times-circle", review.reject, ["X"])
        self.next_unreviewed = add(
            "Next unreviewed finding", "fa5s.angle-double-down", lambda: review.step(1), ["Shift+N"]
        )
        self.previous_unreviewed = add(
            "Previous unreviewed finding",
            "fa5s.angle-double-up",
            lambda: review.step(-1),
            ["Shift+P"],
        )
        self.assertions = [
            add(
                f"Assertion: {label.lower()}",
                icon,
                lambda _=False, a=assertion: review.set_assertion(a),
                [f"Ctrl+{n}"],
            )
            for n, (assertion, label, icon) in enumerate(
                (
                    ("positive", "Positive", "fa5s.plus-circle"),
                    ("uncertain", "Uncertain", "fa5s.question-circle"),
                    ("negated", "Negated", "fa5s.minus-circle"),
                ),
                start=1,
            )
        ]
        self.relink = add(
            "Link finding to the selected report text", "fa5s.link", review.relink, ["L"]
        )
        self.add_finding = add(
            "Add finding: selected report text, then drag its box",
            "fa5s.plus-square",
            review.start_add,
            ["Ctrl+Shift+A"],
        )
        self.fine_tune = add(
            "Fine-tune a site model on the reviewed studies…",
            "fa5s.graduation-cap",
            self.window.finetune.start,
            [],
        )

    def needing_review(self) -> list[QAction]:
        return [
            self.accept,
            self.reject,
            self.next_unreviewed,
            self.previous_unreviewed,
            *self.assertions,
            self.relink,
            self.add_finding,
        ]

    def _action(
        self, text: str, icon: str, slot, shortcuts: list[str], checkable: bool = False
    ) -> QAction:
        action = QAction(qta.icon(icon), text, self.window)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        hint = ", ".join(shortcuts)
        action.setToolTip(f"{text} ({hint})" if hint else text)
        action.setCheckable(checkable)
        if slot is not None:
            action.triggered.connect(slot)
        self.window.addAction(action)  # shortcuts work even when the toolbar is hidden
        return action

    # -- what the binding enables ----------------------------------------------------------
    def needing_image(self) -> list[QAction]:
        return [
            self.invert,
            self.reset,
            self.fit,
            self.zoom_in,
            self.zoom_out,
            *self.presets,
            self.edit_report,
            self.export,
            self.measure,
        ]

    def needing_findings(self) -> list[QAction]:
        return [self.copy, self.export_sr, self.export_gsps, self.send, self.next, self.previous]

    def needing_model(self) -> list[QAction]:
        return [self.rerun, self.ground_selection]

    # -- menus and toolbars ------------------------------------------------------------------
    def build_menus(self) -> None:
        bar = self.window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.open_file, self.open_folder, self.pacs])
        file_menu.addSeparator()
        file_menu.addActions([self.export, self.export_sr, self.export_gsps, self.send, self.copy])
        file_menu.addSeparator()
        file_menu.addActions([self.settings, self.quit])
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo, self.redo])
        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.fit, self.zoom_in, self.zoom_out, self.invert, self.reset])
        view_menu.addMenu(self.presets_menu)
        view_menu.addSeparator()
        view_menu.addActions(
            [self.boxes, self.heatmap, self.show_all, self.presentation, self.next, self.previous]
        )
        view_menu.addSeparator()
        view_menu.addActions([self.measure, self.remove_measurement, self.clear_measurements])
        grounding_menu = bar.addMenu("&Grounding")
        grounding_menu.addActions(
            [self.rerun, self.cancel, self.ground_selection, self.edit_report]
        )
        review_menu = bar.addMenu("&Review")
        review_menu.addActions(
            [self.accept, self.reject, self.next_unreviewed, self.previous_unreviewed]
        )
        review_menu.addSeparator()
        review_menu.addActions([*self.assertions, self.relink, self.add_finding])
        review_menu.addSeparator()
        review_menu.addAction(self.fine_tune)
        bar.addMenu("&Help").addAction(self.model_info)

    def build_toolbar(self) -> None:
        toolbar = self.window.addToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.open_file, self.open_folder, self.pacs])
        toolbar.addSeparator()
        toolbar.addActions([self.fit, self.zoom_in, self.zoom_out])
        toolbar.addSeparator()
        presets_button = QToolButton()
        presets_button.setIcon(qta.icon("fa5s.sliders-h"))
        presets_button.setToolTip("Window presets (1-5)")
        presets_button.setMenu(self.presets_menu)
        presets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addWidget(presets_button)
        toolbar.addActions([self.invert, self.reset, self.measure])
        toolbar.addSeparator()
        toolbar.addActions(
            [
                self.rerun,
                self.cancel,
                self.edit_report,
                self.boxes,
                self.heatmap,
                self.show_all,
                self.previous,
                self.next,
                self.export,
            ]
        )
        toolbar.addSeparator()
        toolbar.addActions([self.accept, self.reject, self.add_finding, self.undo, self.redo])
