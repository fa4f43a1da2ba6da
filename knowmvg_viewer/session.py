"""The viewer's state, Qt-free: the open study, the image on screen and how it is shown, the
report, the findings and their selection, the overlays, measurements and the model's status.

napari's pattern: this model emits psygnal events and never knows who listens; the Qt views
subscribe through one adapter (`ui/session_binding.py`) and forward gestures to its methods.
Work that takes time (decoding, grounding) runs in the worker module, which hands results
back here with the id of the request they answer, so a result for an image the user has
left is dropped.

The radiologist's review (issue 13) lives here too: when the model's findings for a film
arrive, the study's saved review is restored in their place (or a new one starts), and the
findings shown are the review's. Each review action is saved at once (`ReviewStore`); what
goes wrong (a review made on other images, a damaged file, a folder that cannot be written)
is one `review_problem` message.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from psygnal import Signal

from model_core.knowledge import side_of
from model_core.midline import film_midline, side_conflict
from model_core.results import GroundedFinding, GroundingResult

from .export.annotated import annotated_image
from .export.anonymise import masked_text, patient_identifiers
from .export.verification import ANONYMISED_NAME, Verification, reviewed_by
from .findings import FindingsState
from .measurement import Measurement, Point
from .render.colormap import heatmap_rgba
from .review import (
    Box,
    ReviewChange,
    ReviewedFinding,
    ReviewError,
    ReviewMismatch,
    ReviewStore,
    StudyReview,
)
from .site_dataset import film_pixels
from .study import RadiographImage, Report, Study, StudyError, model_input, upright_pixels
from .study.dicom import read_dicom
from .study.presentation_state import LayerDrawing, PresentationState
from .study.viewing import ViewingState
from .study.views import upright_box

log = logging.getLogger(__name__)
NO_REVIEWER = "set the reviewer's name first (File > Settings > Reviewer)"


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
    review_changed = Signal()  # a review started, restored, changed or gone
    review_problem = Signal(str)  # one line for the user: not applied, damaged, not saved

    def __init__(self, review_store: ReviewStore | None = None) -> None:
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
        self.note: str | None = None  # why the film on screen has no findings (lateral, oblique)
        self.load_id = 0  # the study/image load whose result is wanted
        self._study_load = 0  # the load that opened the current study (its thumbnails)
        self._query_request: int | None = None
        self.review: StudyReview | None = None  # the review of the findings on screen
        self.review_store = review_store if review_store is not None else ReviewStore()
        self.reviewer = ""  # the reviewer's name (Settings), recorded with each change
        self.reviewer_organisation = ""
        self._save_failed = False  # said once until a save works again
        self._film_saved = False  # the reviewed film kept beside the review (site dataset)
        self._ai_findings: list[GroundedFinding] = []  # the model's, as they came this run
        self._shown_review = 0  # how many of the findings shown are the review's
        self._midline: tuple[RadiographImage, float, int] | None = None  # film, x, width

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
        self._midline = None  # the last film's, found for its reviewer's boxes
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
            self._review_result(result)
        self._set_busy(False)
        self.findings_changed.emit()
        self.selection_changed.emit()
        return True

    def skip_grounding(self, request_id: int, reason: str) -> bool:
        """The film is not grounded (a lateral or oblique): no findings, and `note` says why."""
        if not self.findings.is_current(request_id):
            return False
        self.findings.clear()
        self._set_review(None)
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
        self._set_review(None)
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

    # -- the review -----------------------------------------------------------------------
    def _set_review(self, review: StudyReview | None) -> None:
        if review is None and self.review is None:
            return
        self.review = review
        self.review_changed.emit()

    def _review_result(self, result: GroundingResult) -> None:
        """The model's findings for the film on screen: show the study's saved review in
        their place, or start a new one. A review made on other images or on another report
        text (its spans would point elsewhere), or one that cannot be read and is still
        there, is not applied and never overwritten: the study stays unreviewed (one
        message)."""
        self.review, self._ai_findings = None, list(result.findings)
        study, image = self.study, self.image
        if study is None or image is None:
            return  # (a film without findings is reviewed too: the reviewer may add some)
        study_uid, sop_uids, image_uid = review_keys(study, image)
        try:
            review = self.review_store.load(study_uid, sop_uids)
        except ReviewMismatch as exc:
            self.review_problem.emit(f"{study.name}: {exc}; the study opens unreviewed")
            return
        except ReviewError as exc:
            self.review_problem.emit(str(exc))
            if self.review_store.path_for(study_uid).exists():
                return  # unreadable but still there: never overwritten
            review = None
        if review is not None and review.image_uid != image_uid:
            log.info("%s: the saved review is of another film of the study", study.name)
            return
        report = masked_text(result.report, patient_identifiers(image.header))
        if review is not None and review.report and review.report != report:
            self.review_problem.emit(
                f"{study.name}: the saved review was made on another report text (changed "
                "since); the study opens unreviewed, and the review is kept as it was"
            )
            return
        if review is None:
            review = StudyReview.start(
                study_uid,
                sop_uids,
                image_uid,
                self.model_info or {},
                result.findings,
                mirrored=image.view.mirrored,
                upside_down=image.view.upside_down,
                transposed=image.view.transposed,
                report=report,
            )
        self._shown_review, self._film_saved = len(result.findings), False
        self.review = review
        self._show_review()
        self.review_changed.emit()

    def _show_review(self) -> None:
        """The findings shown become the review's (a query's findings stay after them)."""
        findings, review = self.findings, self.review
        queries = findings.findings[self._shown_review :]
        shown = [
            display_finding(self._reviewed(f), f, self._ai_finding(f)) for f in review.findings
        ]
        if findings.selected is not None and findings.selected >= self._shown_review:
            findings.selected += len(shown) - self._shown_review
        findings.findings = shown + queries
        findings.review_states = {i: f.state.value for i, f in enumerate(review.findings)}
        self._shown_review = len(shown)
        if findings.selected is not None and findings.selected >= len(findings.findings):
            findings.selected = None

    def _reviewed(self, reviewed: ReviewedFinding) -> GroundedFinding:
        """A reviewed finding for the views and exports: a box the reviewer drew or moved is
        put through the engine's wrong-side check too (a left phrase boxed on the right)."""
        shown = reviewed.as_grounded()
        if shown.source != "reviewer" or shown.box is None or shown.negated:
            return shown
        return replace(shown, laterality_conflict=self._side_conflict(shown.phrase, shown.box))

    def _side_conflict(self, phrase: str, box: Box) -> bool:
        """`model_core.midline.side_conflict` on the film as the model sees it: upright
        (`upright_box`), against the midline found on its pixels (once per film)."""
        image = self.image
        if image is None:
            return False
        view = image.view
        if self._midline is None or self._midline[0] is not image:  # once per film shown
            pixels = upright_pixels(
                model_input(image), view.transposed, view.mirrored, view.upside_down
            )
            self._midline = (image, film_midline(pixels), pixels.shape[1])
        _, midline, width = self._midline
        upright = upright_box(box, image.width, image.height, view)
        return side_conflict(side_of(phrase), upright, midline, width)

    def _ai_finding(self, reviewed: ReviewedFinding) -> GroundedFinding | None:
        """The model's finding as it came in this run, when it is the one reviewed (for its
        heatmap, priors and restatements)."""
        index, ai = reviewed.ai_index, self._ai_findings
        if index is None or index >= len(ai) or index >= len(self.review.ai_findings):
            return None
        if ai[index].to_json() != self.review.ai_findings[index]:
            return None  # another model or report since the review was made
        return ai[index]

    def review_index(self, index: int | None = None) -> int | None:
        """The review's index of finding `index` (default: the selected one); None when
        there is no review or the finding is not in it (a query's)."""
        index = self.findings.selected if index is None else index
        if self.review is None or index is None or not 0 <= index < len(self.review.findings):
            return None
        return index

    def review_progress(self) -> tuple[int, int]:
        """(reviewed, all) findings of the review; (0, 0) without one."""
        if self.review is None:
            return 0, 0
        return self.review.reviewed_count, len(self.review.findings)

    def accept_finding(self, index: int) -> ReviewChange:
        return self._review_do(lambda review, who: review.accept(index, who), index)

    def reject_finding(self, index: int) -> ReviewChange:
        return self._review_do(lambda review, who: review.reject(index, who), index)

    def move_finding_box(self, index: int, box: Box) -> ReviewChange:
        return self._review_do(lambda review, who: review.move_box(index, box, who), index)

    def set_finding_assertion(self, index: int, assertion: str) -> ReviewChange:
        return self._review_do(
            lambda review, who: review.set_assertion(index, assertion, who), index
        )

    def relink_finding(self, index: int, span: tuple[int, int], phrase: str) -> ReviewChange:
        return self._review_do(lambda review, who: review.relink(index, span, phrase, who), index)

    def add_finding(self, phrase: str, span: tuple[int, int] | None, box: Box) -> ReviewChange:
        """A finding the model missed: its report text and the box the reviewer drew."""
        return self._review_do(lambda review, who: review.add(phrase, span, box, who), "added")

    def restore_finding(self, index: int, finding: dict | None) -> ReviewChange:
        """Undo: finding `index` as it was (None removes the one just added)."""
        select = index if finding is not None else None
        return self._review_do(lambda review, who: review.restore(index, finding, who), select)

    def _review_do(self, apply, select) -> ReviewChange:
        """Apply one review action as the reviewer, show it, save it; ReviewError (nothing
        changed) when there is no review or no reviewer's name."""
        if self.review is None:
            raise ReviewError("there is no review of this film: ground it first")
        if not self.reviewer.strip():
            raise ReviewError(NO_REVIEWER)
        change = apply(self.review, self.reviewer)
        self._show_review()
        if select == "added":
            select = change.index
        if select is not None:
            self.findings.select(select)
        self.findings_changed.emit()
        self.selection_changed.emit()
        self.review_changed.emit()
        self._save_review()
        return change

    def _save_review(self) -> None:
        """Saved after each change; a failure is said once until a save works again."""
        try:
            self.review_store.save(self.review)
        except OSError as exc:
            if not self._save_failed:
                self.review_problem.emit(
                    f"{self.review_store.folder}: the review cannot be saved "
                    f"({exc.strerror or exc}); changes are kept while the study is open"
                )
            self._save_failed = True
            return
        self._save_failed = False
        if not self._film_saved:  # once a review is kept, so is the film it is on
            self._film_saved = True
            try:
                self.review_store.save_film(self.review.study_uid, film_pixels(self.image))
            except (OSError, ReviewError) as exc:
                self.review_problem.emit(
                    f"{self.review_store.folder}: the reviewed film cannot be kept for the "
                    f"site dataset ({getattr(exc, 'strerror', None) or exc})"
                )

    def step_unreviewed(self, delta: int) -> int | None:
        """The next (or previous) finding still pending, wrapping; None when none is."""
        if self.review is None:
            return None
        pending = [i for i, f in enumerate(self.review.findings) if not f.reviewed]
        if not pending:
            return None
        current = self.findings.selected if self.findings.selected is not None else -1
        if delta > 0:
            target = next((i for i in pending if i > current), pending[0])
        else:
            target = next((i for i in reversed(pending) if i < current), pending[-1])
        self.select(target)
        return target

    def export_findings(self, threshold: bool = False) -> list[GroundedFinding]:
        """What the exports say: the review's final findings when there is a review (rejected
        ones left out, the reviewer's boxes and assertions), else the model's; then the
        findings the user asked for by query (not part of the review). `threshold`: leave out
        the boxes the confidence threshold hides from the overlay (the GSPS draws what is on
        screen), except those the reviewer accepted or edited. Once the review is verified,
        the query findings are left out: a verified export holds only what the reviewer
        checked (`queries_left_out` counts them, for the export's message)."""
        state = self.findings

        def hidden(index: int) -> bool:
            return threshold and state.is_hidden(index)

        if self.review is None:
            return [f for i, f in enumerate(state.findings) if not hidden(i)]
        kept = [
            self._reviewed(finding)
            for i, finding in enumerate(self.review.findings)
            if finding.kept and (finding.reviewed or not hidden(i))
        ]
        if self.verification() is not None:
            return kept
        queries = [
            f for i, f in enumerate(state.findings) if i >= self._shown_review and not hidden(i)
        ]
        return kept + queries

    def queries_left_out(self) -> int:
        """How many query findings a verified export leaves out (0 when not verified)."""
        if self.review is None or self.verification() is None:
            return 0
        return len(self.findings.findings) - self._shown_review

    def _reviewed_when(self) -> datetime:
        """When the review was last changed (its verification time once complete)."""
        changes = self.review.changes if self.review is not None else []
        return datetime.fromisoformat(changes[-1].time) if changes else datetime.now(UTC)

    def verification(self) -> Verification | None:
        """The reviewer (Settings) as verifying observer, at the review's last change: only
        when every finding is reviewed and the name and organisation can be written into a
        DICOM SR; None otherwise (see `verification_problem`)."""
        if self.review is None or not self.review.complete:
            return None
        try:
            return Verification(self.reviewer, self.reviewer_organisation, self._reviewed_when())
        except ValueError:
            return None

    def verification_problem(self) -> str | None:
        """Why a complete review cannot be written as verified; None when it can (or the
        review is not complete, so nothing is verified anyway)."""
        if self.review is None or not self.review.complete:
            return None
        try:
            Verification(self.reviewer, self.reviewer_organisation, self._reviewed_when())
        except ValueError as exc:
            return f"not marked verified: {exc} (File > Settings > Reviewer)"
        return None

    def review_caption(self, anonymise: bool = False) -> str | None:
        """The PNG caption's review line: "reviewed by ..." once verified, "partly reviewed
        by ..." before; None when nobody reviewed anything. Anonymised: no names."""
        review = self.review
        if review is None or not review.reviewers:
            return None
        verification = self.verification()
        if verification is not None:
            return (verification.anonymised() if anonymise else verification).caption()
        names = [ANONYMISED_NAME] * len(review.reviewers) if anonymise else review.reviewers
        organisation = None if anonymise else self.reviewer_organisation
        when = self._reviewed_when()
        if anonymise:
            when = when.replace(month=1, day=1)
        return reviewed_by(names, organisation, when, complete=review.complete)

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
    def annotated_pixels(self, reviewed_by: str | None = None) -> np.ndarray:
        """The film at native size as displayed, with what the view shows over it: the visible
        boxes in the view's colours, the selected heatmap, measurements and a caption (with
        `reviewed_by`, `review_caption()`, when given)."""
        visible = [  # boxes as in the view, whatever is toggled; never a rejected one
            i for i in self.findings.visible_boxes() if not self.findings.rejected(i)
        ]
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
            reviewed_by=reviewed_by,
        )


def display_finding(
    shown: GroundedFinding, reviewed: ReviewedFinding, ai: GroundedFinding | None
) -> GroundedFinding:
    """A reviewed finding (`shown`: `reviewed` as the exports take it) as the views show it:
    the reviewer's phrase, box and assertion; the model's heatmap, priors and restatements
    while they still apply. A box the reviewer drew or moved has no model score
    (`ReviewedFinding.as_grounded`); a rejected finding keeps its box (drawn grey)."""
    if ai is None:
        return shown
    return replace(
        ai,
        phrase=shown.phrase,
        span=shown.span,
        negated=shown.negated,
        assertion=shown.assertion,
        box=shown.box,
        score=shown.score,
        uncertainty=shown.uncertainty,
        confidence=shown.confidence,
        linked_spans=list(ai.linked_spans) if shown.span == ai.span else [],
        located_by=None if reviewed.box_edited else ai.located_by,
        laterality_conflict=shown.laterality_conflict,
    )


def review_keys(study: Study, image: RadiographImage) -> tuple[str, list[str], str]:
    """(study key, the study's image keys, the film's key) for the review store.

    DICOM: the film's StudyInstanceUID and the SOP Instance UIDs of the study's images, read
    from their headers (no pixel data). A raster image, or a DICOM file without them: a
    stable hash of its path."""
    study_uid = image.attributes.get("StudyInstanceUID") or _path_key(study.path)
    own = image.attributes.get("SOPInstanceUID") or _path_key(image.path)
    keys = [own if path == image.path else _image_key(path) for path in study.images]
    return study_uid, keys, own


def _image_key(path: Path) -> str:
    try:
        header = read_dicom(path, header_only=True)
    except (StudyError, OSError):
        header = None
    uid = header.get("SOPInstanceUID") if header is not None else None
    return str(uid) if uid else _path_key(path)


def _path_key(path: Path) -> str:
    digest = hashlib.sha256(str(Path(path).resolve()).encode("utf-8")).hexdigest()[:32]
    return f"path-{digest}"
