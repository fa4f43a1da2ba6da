"""The viewer's state, Qt-free: the open study, the image on screen and how it is shown, the
report, the findings and their selection, the overlays, measurements and the model's status.

napari's pattern: this model emits psygnal events and never knows who listens; the Qt views
subscribe through one adapter (`ui/session_binding.py`) and forward gestures to its methods.
Work that takes time (decoding, grounding) runs in the worker module, which hands results
back here with the id of the request they answer, so a result for an image the user has
left is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from psygnal import Signal

from model_core.results import GroundingResult

from .export.annotated import annotated_image
from .findings import FindingsState
from .measurement import Measurement, Point
from .render.colormap import heatmap_rgba
from .study import Report, Study
from .study.presentation_state import LayerDrawing, PresentationState
from .study.viewing import ViewingState


@dataclass(frozen=True)
class OverlayOptions:
    """What is drawn over the film: the view and the export both read these."""

    boxes: bool = True
    heatmap: bool = True
    show_all: bool = True
    colormap: str = "turbo"
    threshold: float = 0.2
    opacity: float = 0.5
    min_confidence: float = 0.0  # boxes below it are hidden (they stay listed, greyed)
    presentation: bool = True  # a presentation state's (GSPS) graphics


class Session:
    study_opened = Signal()  # a new study: thumbnails and report start over
    image_shown = Signal()  # a new image is current, with its display (findings, rulers cleared)
    thumbnail_ready = Signal(int, object, str)  # image index, small pixels or None, label
    display_changed = Signal()  # window/level, preset or polarity
    report_changed = Signal()
    findings_changed = Signal()  # replaced, extended or cleared
    selection_changed = Signal()
    overlays_changed = Signal()
    busy_changed = Signal(bool)  # a grounding request is running
    model_changed = Signal()  # loading, loaded or failed
    measurements_changed = Signal()

    def __init__(self) -> None:
        self.study: Study | None = None
        self.image_index = 0
        self.viewing: ViewingState | None = None
        self.report: Report | None = None
        self.findings = FindingsState()
        self.overlays = OverlayOptions()
        self.measurements: list[Measurement] = []
        self.model_info: dict | None = None
        self.model_error: str | None = None
        self.busy = False
        self.note: str | None = None  # why the image on screen has no findings (a lateral)
        self.load_id = 0  # the study/image load whose result is wanted
        self._study_load = 0  # the load that opened the current study (its thumbnails)
        self._query_request: int | None = None

    # -- the study and the image on screen ---------------------------------------------
    def new_load(self) -> int:
        """An id for a study or image about to be decoded; older loads become stale."""
        self.load_id += 1
        return self.load_id

    def show_study(self, load_id: int, study: Study, viewing: ViewingState, index: int = 0) -> bool:
        """A newly opened study, with its image `index` decoded (the frontal film, when the
        first is a lateral); False when stale."""
        if load_id != self.load_id:
            return False
        self.study, self.report, self._study_load = study, study.report, load_id
        self.study_opened.emit()
        self.report_changed.emit()
        self._show(index, viewing)
        return True

    def show_image(self, load_id: int, index: int, viewing: ViewingState) -> bool:
        """Another image of the open study, decoded; False when stale."""
        if load_id != self.load_id or self.study is None:
            return False
        self._show(index, viewing)
        return True

    def _show(self, index: int, viewing: ViewingState) -> None:
        self.image_index, self.viewing = index, viewing
        self.measurements = []
        self.clear_findings()
        self.image_shown.emit()  # a new image's display state comes with it
        self.measurements_changed.emit()

    def add_thumbnail(
        self, load_id: int, index: int, pixels: np.ndarray | None, label: str
    ) -> None:
        if load_id == self._study_load:
            self.thumbnail_ready.emit(index, pixels, label)

    @property
    def image(self):
        return self.viewing.image if self.viewing is not None else None

    # -- the presentation state (GSPS) of the image on screen ------------------------------
    @property
    def presentation(self) -> PresentationState | None:
        """The presentation state applied to the image on screen (window, polarity,
        graphics), chosen when the image was loaded (`Study.presentation_for`)."""
        return self.viewing.presentation if self.viewing is not None else None

    def presentation_drawing(self) -> tuple[LayerDrawing, ...]:
        """Its graphics for the image on screen, by layer, in image pixels; () when there is
        none. Whether they are shown is `overlays.presentation`."""
        state = self.presentation
        return state.drawing_for(self.viewing.image) if state is not None else ()

    def presentation_text(self) -> str:
        """What the status bar says about it: its Content Label ("" when there is none), with
        a mark when some of it is not applied (`presentation_notes`)."""
        state = self.presentation
        if state is None:
            return ""
        mark = " (partly)" if self.presentation_notes() else ""
        return f"presentation state applied{mark}: {state.label}"

    def presentation_notes(self) -> list[str]:
        """What of the presentation state on screen is not applied, and why."""
        state = self.presentation
        if state is None:
            return []
        notes = [f"{state.path.name}: {note}" for note in state.notes]
        missing = state.unsupported_for(self.viewing.image)
        if missing:
            notes.append(f"{state.path.name}: {missing} display-relative object(s) not placed")
        return notes

    # -- display -------------------------------------------------------------------
    def toggle_invert(self) -> None:
        if self.viewing is not None:
            self.viewing.toggle_invert()
            self.display_changed.emit()

    def reset_display(self) -> None:
        if self.viewing is not None:
            self.viewing.reset()
            self.display_changed.emit()

    def choose_preset(self, index: int) -> None:
        if self.viewing is not None and self.viewing.choose_preset(index):
            self.display_changed.emit()

    def drag_window(self, dx: float, dy: float) -> None:
        if self.viewing is not None:
            self.viewing.drag_window(dx, dy)
            self.display_changed.emit()

    # -- the report ----------------------------------------------------------------
    @property
    def report_text(self) -> str:
        return self.report.text if self.report is not None else ""

    def set_report(self, report: Report) -> None:
        """A report typed or edited by the user replaces the study's."""
        self.report = report
        self.report_changed.emit()

    # -- the model -------------------------------------------------------------------
    def model_loading(self) -> None:
        self.model_info, self.model_error = None, None
        self.model_changed.emit()

    def model_loaded(self, info: dict) -> None:
        self.model_info, self.model_error = info, None
        self.model_changed.emit()

    def model_failed(self, message: str) -> None:
        self.model_info, self.model_error = None, message
        self.model_changed.emit()

    @property
    def can_ground(self) -> bool:
        return self.viewing is not None and self.model_info is not None

    # -- grounding requests ------------------------------------------------------------
    def begin_grounding(self) -> int:
        """A request to ground the whole report: the old findings go now."""
        self.clear_findings()
        self._query_request = None
        return self._begin()

    def begin_query(self) -> int:
        """A request to ground one phrase; its findings join the current ones."""
        request = self._begin()
        self._query_request = request
        return request

    def _begin(self) -> int:
        request = self.findings.new_request()
        self._set_busy(True)
        return request

    def finish_grounding(self, request_id: int, result: GroundingResult) -> bool:
        """Take a result; False (and nothing changes) when the user has moved on."""
        if not self.findings.is_current(request_id):
            return False
        if request_id == self._query_request:
            self.findings.add_query_findings(result)
        else:
            self.findings.set_result(result)
        self._set_busy(False)
        self.findings_changed.emit()
        self.selection_changed.emit()
        return True

    def skip_grounding(self, request_id: int, reason: str) -> bool:
        """The film is not grounded (a lateral): no findings, and `note` says why."""
        if not self.findings.is_current(request_id):
            return False
        self.findings.clear()
        self.note = reason
        self._set_busy(False)
        self.findings_changed.emit()
        self.selection_changed.emit()
        return True

    def fail_grounding(self, request_id: int) -> bool:
        """True when the failed request was the current one (its message is for the user)."""
        if not self.findings.is_current(request_id):
            return False
        self._set_busy(False)
        return True

    def cancel_grounding(self) -> bool:
        """Drop the running request's result (the worker finishes it in the background)."""
        if not self.busy:
            return False
        self.findings.new_request()
        self._set_busy(False)
        return True

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)

    def clear_findings(self) -> None:
        self.findings.clear()
        self.note = None
        self.findings_changed.emit()
        self.selection_changed.emit()

    # -- findings and their selection ------------------------------------------------
    def select(self, index: int | None) -> None:
        if self.findings.select(index):
            self.selection_changed.emit()

    def step(self, delta: int) -> None:
        if self.findings.step(delta) is not None:
            self.selection_changed.emit()

    def set_overlays(self, **changes) -> None:
        """Change what is drawn (boxes=False, opacity=0.3...); one event when anything changed."""
        overlays = replace(self.overlays, **changes)
        if overlays != self.overlays:
            self.overlays = overlays
            self.findings.show_all = overlays.show_all
            self.findings.min_confidence = overlays.min_confidence
            self.overlays_changed.emit()

    def visible_boxes(self) -> list[int]:
        return self.findings.visible_boxes() if self.overlays.boxes else []

    def selected_heatmap(self, in_image: bool = False) -> np.ndarray | None:
        """The selected finding's heatmap as RGBA, over the image's content in the model frame
        (small; the view stretches it) or resampled to image pixels (the export)."""
        index, result = self.findings.selected, self.findings.result
        if not self.overlays.heatmap or index is None or result is None:
            return None
        finding = self.findings.findings[index]
        heat = result.heatmap_in_image(finding) if in_image else result.heatmap_in_content(finding)
        if heat is None:
            return None
        return heatmap_rgba(heat, self.overlays.colormap, self.overlays.threshold)

    # -- measurements ------------------------------------------------------------------
    def add_measurement(self, start: Point, end: Point) -> Measurement | None:
        if self.viewing is None:
            return None
        measurement = Measurement(start, end, self.viewing.image.spacing)
        self.measurements.append(measurement)
        self.measurements_changed.emit()
        return measurement

    def remove_measurement(self, index: int) -> None:
        if 0 <= index < len(self.measurements):
            del self.measurements[index]
            self.measurements_changed.emit()

    def clear_measurements(self) -> None:
        if self.measurements:
            self.measurements = []
            self.measurements_changed.emit()

    # -- what exports show ---------------------------------------------------------------
    def annotated_pixels(self) -> np.ndarray:
        """The film at native size as displayed, with what the view shows over it: the visible
        boxes in the view's colours, the selected heatmap, measurements and a caption."""
        visible = self.findings.visible_boxes()  # boxes as in the view, whatever is toggled
        findings = [self.findings.findings[i] for i in visible]
        colours = [self.findings.colour(i) for i in visible]
        name = (self.model_info or {}).get("name", "no model")
        return annotated_image(
            self.viewing.render(),
            findings,
            name,
            self.selected_heatmap(in_image=True),
            self.overlays.opacity,
            colours,
            self.measurements,
        )
