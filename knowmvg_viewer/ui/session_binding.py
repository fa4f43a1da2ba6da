"""The one adapter between the Qt-free Session and the Qt views.

Each session event redraws exactly what depends on it; the views keep no state of their own
and forward gestures to the session (wired in `MainWindow`). Scene items (boxes, heatmap,
rulers, a presentation state's graphics) are owned here because they are the view's drawing
of session state.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QAction, QColor

from ..render.annotate import finding_label
from ..render.palette import PRESENTATION_COLOUR
from ..session import OverlayOptions, Session
from .findings_panel import REVIEW_MARKS
from .overlays import BoxOverlay, HeatmapLayer, MeasurementOverlay, PresentationOverlay
from .qimage import to_qpixmap

MAX_PRESET_SHORTCUTS = 5


class SessionBinding:
    def __init__(self, session: Session, window) -> None:
        self.session, self.window = session, window
        self.heatmap = HeatmapLayer(window.view.scene())
        self.box_overlays: dict[int, BoxOverlay] = {}
        self.rulers: list[MeasurementOverlay] = []
        self.presentation: PresentationOverlay | None = None  # the GSPS's graphics, if any
        self._overlays: OverlayOptions | None = None  # as last drawn
        session.study_opened.connect(self._on_study_opened)
        session.image_shown.connect(self._on_image_shown)
        session.thumbnail_ready.connect(window.thumbnails.set_thumbnail)
        session.display_changed.connect(self._on_display_changed)
        session.report_changed.connect(self._on_report_changed)
        session.findings_changed.connect(self._on_findings_changed)
        session.selection_changed.connect(self._on_selection_changed)
        session.overlays_changed.connect(self._on_overlays_changed)
        session.busy_changed.connect(self._on_busy_changed)
        session.model_changed.connect(self._on_model_changed)
        session.measurements_changed.connect(self._on_measurements_changed)
        session.review_changed.connect(self._on_review_changed)
        self._on_overlays_changed()
        self.update_enabled()

    # -- study, image and display ----------------------------------------------------------
    def _on_study_opened(self) -> None:
        study = self.session.study
        self.window.thumbnails.show_study(study.images)
        self.window.set_title(study.name)

    def _on_image_shown(self) -> None:
        window, viewing = self.window, self.session.viewing
        self._rebuild_presets_menu()
        window.view.set_pixmap(to_qpixmap(viewing.render()), fit=True)
        window.thumbnails.select_quietly(self.session.image_index)
        window.spacing_label.setText(f"spacing {viewing.image.spacing_text()}")
        window.view_label.setText(viewing.image.view.describe())
        self._show_presentation()
        self._show_display_state()
        self.update_enabled()

    def _show_presentation(self) -> None:
        """The presentation state of the image now shown: its graphics as their own layer,
        and the status bar naming it (what it could not apply in the tooltip)."""
        scene, session = self.window.view.scene(), self.session
        if self.presentation is not None:
            self.presentation.remove(scene)
        self.presentation = PresentationOverlay(
            scene, session.presentation_drawing(), QColor(*PRESENTATION_COLOUR)
        )
        self.presentation.set_visible(session.overlays.presentation)
        label = self.window.presentation_label
        label.setText(session.presentation_text())
        label.setToolTip("\n".join(session.presentation_notes()))
        label.setVisible(session.presentation is not None)

    def _on_display_changed(self) -> None:
        self.window.view.set_pixmap(to_qpixmap(self.session.viewing.render()), fit=False)
        self._show_display_state()

    def _show_display_state(self) -> None:
        window, viewing = self.window, self.session.viewing
        window.window_label.setText(viewing.window_text() if viewing else "")
        window.actions.invert.setChecked(bool(viewing and viewing.invert))
        for index, action in enumerate(window.actions.preset_group.actions()):
            action.setChecked(viewing is not None and viewing.preset_index == index)
        self.show_zoom()

    def show_zoom(self) -> None:
        self.window.zoom_label.setText(f"zoom {self.window.view.current_scale() * 100:.0f}%")

    def _rebuild_presets_menu(self) -> None:
        actions = self.window.actions
        actions.presets_menu.clear()
        for action in actions.preset_group.actions():
            actions.preset_group.removeAction(action)
        for index, preset in enumerate(self.session.viewing.image.presets):
            key = f"\t{index + 1}" if index < MAX_PRESET_SHORTCUTS else ""
            action = QAction(f"{preset.name}{key}", self.window, checkable=True)
            action.triggered.connect(lambda _=False, i=index: self.session.choose_preset(i))
            actions.preset_group.addAction(action)
            actions.presets_menu.addAction(action)

    # -- report and findings ---------------------------------------------------------------
    def _on_report_changed(self) -> None:
        panel = self.window.report_panel
        self.window.actions.edit_report.setChecked(False)
        panel.set_editing(False)
        panel.show_report(self.session.report)
        panel.show_findings(self.session.findings)

    def _on_findings_changed(self) -> None:
        scene, findings = self.window.view.scene(), self.session.findings
        self.window.view.set_editable_box(None, None)
        for overlay in self.box_overlays.values():
            overlay.remove(scene)
        self.box_overlays = {}
        for index in findings.boxed_indices():
            finding = findings.findings[index]
            x0, y0, x1, y1 = finding.box
            review = findings.review_states.get(index)
            mark = f"{REVIEW_MARKS[review]} " if review is not None else ""
            self.box_overlays[index] = BoxOverlay(
                scene,
                QRectF(x0, y0, x1 - x0, y1 - y0),
                mark + finding_label(finding),
                QColor(*findings.colour(index)),
                uncertain=finding.uncertain,
                label_below=finding.located_by is not None,
                wrong_side=finding.laterality_conflict,
            )
        self.window.findings_panel.show_state(findings)
        note, image = self.session.note, self.session.image
        if note is not None:  # said plainly where the findings would be
            self.window.findings_panel.show_note(note)
        if image is not None:
            view = image.view.describe()
            self.window.view_label.setText(f"{view}: {note}" if note else view)
        self.update_enabled()

    def _on_selection_changed(self) -> None:
        findings = self.session.findings
        self.window.report_panel.show_findings(findings)
        self.window.findings_panel.select(findings.selected)
        self._show_boxes()
        self._show_heatmap()
        overlay = self.box_overlays.get(findings.selected)
        if overlay is not None:
            self.window.view.centre_on_rect(overlay.rect.rect())

    def _on_overlays_changed(self) -> None:
        overlays, actions, before = self.session.overlays, self.window.actions, self._overlays
        self._overlays = overlays
        actions.boxes.setChecked(overlays.boxes)
        actions.heatmap.setChecked(overlays.heatmap)
        actions.show_all.setChecked(overlays.show_all)
        actions.presentation.setChecked(overlays.presentation)
        if self.presentation is not None:
            self.presentation.set_visible(overlays.presentation)
        self.window.controls.apply_settings(
            overlays.colormap, overlays.threshold, overlays.opacity, overlays.min_confidence
        )
        if before is not None and before.min_confidence != overlays.min_confidence:
            self.window.findings_panel.show_state(self.session.findings)  # greyed rows
        self._show_boxes()
        if before is not None and replace(before, opacity=overlays.opacity) == overlays:
            self.heatmap.set_opacity(overlays.opacity)  # a slider drag: no recolouring
        else:
            self._show_heatmap()

    def _show_boxes(self) -> None:
        visible = set(self.session.visible_boxes())
        selected = self.session.findings.selected
        editable = selected if self.session.review_index(selected) is not None else None
        for index, overlay in self.box_overlays.items():
            overlay.set_visible(index in visible)
            overlay.set_selected(index == selected and index in visible)
            overlay.set_handles(index == editable and index in visible)
        overlay = self.box_overlays.get(editable)
        shown = overlay is not None and editable in visible
        self.window.view.set_editable_box(editable if shown else None, overlay)

    # -- the review ------------------------------------------------------------------------
    def _on_review_changed(self) -> None:
        """The status bar says how much of the film's findings is reviewed."""
        reviewed, total = self.session.review_progress()
        label = self.window.review_label
        label.setVisible(self.session.review is not None)
        done = " (complete)" if total and reviewed == total else ""
        label.setText(f"reviewed {reviewed} of {total}{done}")
        reviewers = self.session.review.reviewers if self.session.review is not None else []
        label.setToolTip(f"reviewed by {', '.join(reviewers)}" if reviewers else "not reviewed")
        self.update_enabled()

    def _show_heatmap(self) -> None:
        """Colour the selected finding's heatmap; window/level never comes through here."""
        overlays = self.session.overlays
        self.heatmap.set_visible(overlays.heatmap)
        rgba = self.session.selected_heatmap()
        if rgba is None:
            self.heatmap.show_rgba(None)
            return
        image = self.session.image
        self.heatmap.show_rgba(rgba, image.width, image.height)
        self.heatmap.set_opacity(overlays.opacity)

    # -- measurements ----------------------------------------------------------------------
    def _on_measurements_changed(self) -> None:
        scene = self.window.view.scene()
        for ruler in self.rulers:
            ruler.remove(scene)
        self.rulers = [
            MeasurementOverlay(scene, QLineF(*m.start, *m.end), m.label())
            for m in self.session.measurements
        ]
        self.update_enabled()

    # -- model, busy and what can be done --------------------------------------------------
    def _on_busy_changed(self, busy: bool) -> None:
        self.window.busy.setVisible(busy)
        self.update_enabled()

    def _on_model_changed(self) -> None:
        session = self.session
        if session.model_info is not None:
            info = session.model_info
            trained = "" if info.get("trained", True) else ", UNTRAINED"
            text = f"model: {info['name']} on {info['device']}{trained}"
        elif session.model_error is not None:
            text = "model: not loaded (grounding unavailable)"
        else:
            text = "model: loading…"
        self.window.model_label.setText(text)
        self.update_enabled()

    def update_enabled(self) -> None:
        session, actions = self.session, self.window.actions
        has_image = session.viewing is not None
        has_findings = has_image and bool(session.findings.findings)
        for action in actions.needing_image():
            action.setEnabled(has_image)
        for action in actions.needing_findings():
            action.setEnabled(has_findings)
        for action in actions.needing_model():
            action.setEnabled(session.can_ground)
        for action in actions.needing_review():
            action.setEnabled(has_image and session.review is not None)
        self.window.controls.query.setEnabled(session.can_ground)
        actions.cancel.setEnabled(session.busy)
        actions.remove_measurement.setEnabled(bool(session.measurements))
        actions.clear_measurements.setEnabled(bool(session.measurements))
