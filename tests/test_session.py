"""The Qt-free session model: its events, stale results, overlays, measurements, exports."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from knowmvg_viewer.measurement import Measurement
from knowmvg_viewer.render.palette import RULER_COLOUR
from knowmvg_viewer.review import ReviewError, ReviewStore
from knowmvg_viewer.session import Session, review_keys
from knowmvg_viewer.study import PixelSpacing, Report, Study, open_study
from knowmvg_viewer.study.viewing import ViewingState
from model_core.box_geometry import Letterbox
from model_core.results import GroundedFinding, GroundingResult


@pytest.fixture()
def session(demo_study):
    session = Session()
    study = open_study(demo_study)
    assert session.show_study(session.new_load(), study, ViewingState(study.first_image))
    return session


def _record(session: Session) -> list[str]:
    """The names of the events the session emits, in order."""
    seen: list[str] = []
    for name in (
        "study_opened",
        "image_shown",
        "display_changed",
        "report_changed",
        "findings_changed",
        "selection_changed",
        "overlays_changed",
        "busy_changed",
        "measurements_changed",
    ):
        getattr(session, name).connect(lambda *_, n=name: seen.append(n))
    return seen


def _result(session: Session, *boxes) -> GroundingResult:
    image = session.image
    findings = [
        GroundedFinding(phrase=f"finding {i}", span=None, box=box, score=0.9, source="report")
        for i, box in enumerate(boxes)
    ]
    letterbox = Letterbox(image.height, image.width, 64)
    return GroundingResult(image.width, image.height, session.report_text, findings, letterbox)


def test_opening_a_study_announces_study_report_and_image(demo_study):
    session = Session()
    seen = _record(session)
    study = open_study(demo_study)
    load = session.new_load()
    assert session.show_study(load, study, ViewingState(study.first_image))
    assert seen[:3] == ["study_opened", "report_changed", "findings_changed"]
    assert "image_shown" in seen and session.report is study.report


def test_a_load_the_user_has_left_is_dropped(demo_study):
    session = Session()
    study = open_study(demo_study)
    stale = session.new_load()
    current = session.new_load()
    assert not session.show_study(stale, study, ViewingState(study.first_image))
    assert session.study is None
    assert session.show_study(current, study, ViewingState(study.first_image))
    shown: list[int] = []
    session.thumbnail_ready.connect(lambda index, *_: shown.append(index))
    session.add_thumbnail(stale, 0, None, "old")
    session.add_thumbnail(current, 0, None, "new")
    assert shown == [0]


def test_grounding_requests_clear_then_fill_and_stale_results_are_ignored(session):
    seen = _record(session)
    old = session.begin_grounding()
    current = session.begin_grounding()
    assert session.busy and seen.count("busy_changed") == 1
    assert not session.finish_grounding(old, _result(session, (1, 2, 30, 40)))
    assert session.findings.findings == []
    assert session.finish_grounding(current, _result(session, (1, 2, 30, 40), (50, 50, 90, 90)))
    assert not session.busy and len(session.findings.findings) == 2
    assert session.findings.selected == 0
    query = session.begin_query()
    assert session.finish_grounding(query, _result(session, (5, 5, 9, 9)))
    assert len(session.findings.findings) == 3 and session.findings.selected == 2


def test_cancel_drops_the_running_request(session):
    request = session.begin_grounding()
    assert session.cancel_grounding() and not session.busy
    assert not session.finish_grounding(request, _result(session, (1, 1, 5, 5)))
    assert not session.cancel_grounding()  # nothing running


def test_overlay_changes_emit_once_and_only_when_something_changed(session):
    seen = _record(session)
    session.set_overlays(opacity=0.5)  # the default: no change
    assert seen == []
    session.set_overlays(show_all=False, opacity=0.3)
    assert seen == ["overlays_changed"]
    assert session.findings.show_all is False
    session.set_overlays(boxes=False)
    assert session.visible_boxes() == []


def test_display_gestures_change_the_rendering(session):
    seen = _record(session)
    before = session.viewing.render()
    session.toggle_invert()
    assert seen == ["display_changed"]
    assert np.array_equal(session.viewing.render(), 255 - before)
    session.reset_display()
    assert np.array_equal(session.viewing.render(), before)


def test_the_rendering_is_kept_until_the_window_changes(session):
    first = session.viewing.render()
    assert session.viewing.render() is first
    assert not first.flags.writeable  # shared by the view and the exports
    session.drag_window(20.0, 0.0)
    assert session.viewing.render() is not first


def test_measurements_are_kept_removed_and_cleared_with_the_image(session):
    seen = _record(session)
    measured = session.add_measurement((100.0, 100.0), (100.0, 400.0))
    assert measured is not None and seen == ["measurements_changed"]
    spacing = session.image.spacing
    assert measured.length_mm == pytest.approx(300 * spacing.row_mm)
    assert measured.label().endswith("mm (detector)")  # the demo has ImagerPixelSpacing only
    session.add_measurement((0.0, 0.0), (30.0, 40.0))
    session.remove_measurement(0)
    assert [m.length_px for m in session.measurements] == [50.0]
    session.remove_measurement(5)  # no such measurement: nothing happens
    assert len(session.measurements) == 1
    study = session.study
    session.show_image(session.new_load(), 0, ViewingState(study.first_image))
    assert session.measurements == []


@pytest.mark.parametrize(
    ("spacing", "label"),
    [
        (PixelSpacing(0.2, 0.1), "5.0 mm"),
        (PixelSpacing(0.2, 0.1, "detector"), "5.0 mm (detector)"),
        (None, "40 px"),
    ],
)
def test_a_length_says_what_its_spacing_allows(spacing, label):
    # 40 columns at 0.1 mm and 15 rows at 0.2 mm: 4 mm by 3 mm, 5 mm long
    measurement = Measurement((0.0, 0.0), (40.0, 15.0) if spacing else (40.0, 0.0), spacing)
    assert measurement.label() == label


def test_the_export_shows_measurements_and_lists_them(session):
    plain = session.annotated_pixels()
    session.add_measurement((200.0, 300.0), (200.0, 900.0))
    marked = session.annotated_pixels()
    assert marked.shape[1] == plain.shape[1]  # same film width
    column = marked[400:800, 200]
    assert (column == RULER_COLOUR).all(axis=-1).any()  # the line is drawn on the film
    assert marked.shape[0] > plain.shape[0]  # a caption line more: the length


def test_a_typed_report_replaces_the_studys(session):
    seen = _record(session)
    session.set_report(Report.from_text("FINDINGS: No pneumothorax.", source="typed"))
    assert seen == ["report_changed"] and session.report_text.startswith("FINDINGS")


def test_a_study_without_report_has_empty_text(tmp_path, demo_study):
    session = Session()
    study = Study(path=tmp_path, images=[demo_study / "image.dcm"])
    session.show_study(session.new_load(), study, ViewingState(study.first_image))
    assert session.report_text == ""


def test_a_film_not_grounded_says_why_until_the_next_request(session):
    request = session.begin_grounding()
    assert session.skip_grounding(request, "lateral view: grounding runs on the frontal film")
    assert not session.busy and session.findings.findings == []
    assert session.note.startswith("lateral view")
    session.begin_grounding()
    assert session.note is None
    assert not session.skip_grounding(request, "stale")  # an old request says nothing


def test_a_study_can_open_on_another_image_than_its_first(demo_study, tmp_path):
    session = Session()
    study = Study(path=tmp_path, images=[demo_study / "image.dcm"] * 2)
    assert session.show_study(session.new_load(), study, ViewingState(study.image(1)), index=1)
    assert session.image_index == 1


def test_the_presentation_state_of_the_image_on_screen(demo_study, tmp_path):
    """The session names the GSPS applied to the image shown, its drawing, and what of it is
    not applied; its graphics are an overlay the user can hide."""
    import shutil

    from . import gsps_fixtures as fx

    folder = tmp_path / "study"
    folder.mkdir()
    shutil.copy(demo_study / "image.dcm", folder / "image.dcm")
    state = fx.gsps([fx.image_header(folder / "image.dcm")], label="SECOND READ")
    state.ImageRotation = 90
    fx.save(state, folder / "pr.dcm")
    study = open_study(folder)
    image = study.first_image
    session = Session()
    assert session.presentation is None and session.presentation_drawing() == ()
    assert session.presentation_text() == ""
    viewing = ViewingState(image, study.presentation_for(image))
    assert session.show_study(session.new_load(), study, viewing)
    assert session.presentation is study.presentation_states[0]
    (layer,) = session.presentation_drawing()
    assert len(layer.graphics) == 5 and len(layer.texts) == 2
    assert session.presentation_text() == "presentation state applied (partly): SECOND READ"
    assert session.presentation_notes() == ["pr.dcm: its rotation/flip is not applied"]
    seen = _record(session)
    session.set_overlays(presentation=False)
    assert seen == ["overlays_changed"] and not session.overlays.presentation


# -- the review (issue 13) ------------------------------------------------------------------
@pytest.fixture()
def reviewing(demo_study, tmp_path):
    """A session on the demo film with a review store of its own and a reviewer's name."""
    session = Session(ReviewStore(tmp_path / "reviews"))
    session.reviewer = "Dr A"
    study = open_study(demo_study)
    assert session.show_study(session.new_load(), study, ViewingState(study.first_image))
    return session


def _ground(session: Session, *boxes) -> None:
    assert session.finish_grounding(session.begin_grounding(), _result(session, *boxes))


BOXES = ((10, 10, 60, 60), (100, 100, 180, 160), (200, 40, 260, 90))


def test_a_review_starts_when_the_findings_arrive_keyed_by_the_study_uids(reviewing):
    seen = _record(reviewing)
    reviewing.review_changed.connect(lambda: seen.append("review_changed"))
    _ground(reviewing, *BOXES)
    review, image = reviewing.review, reviewing.image
    assert review is not None and "review_changed" in seen
    assert review.study_uid == image.attributes["StudyInstanceUID"]
    assert review.sop_instance_uids == (image.attributes["SOPInstanceUID"],)
    assert reviewing.review_progress() == (0, 3)
    assert reviewing.findings.review_states == {0: "pending", 1: "pending", 2: "pending"}
    assert not reviewing.review_store.path_for(review.study_uid).exists()  # nothing done yet
    # the spans' text; the demo patient is DEMO^CHEST, so "chest" is masked too (safe side)
    assert len(review.report) == len(reviewing.report_text) and "of the chest" not in review.report
    assert review.report.replace("*****", "chest") == reviewing.report_text


def test_the_review_keeps_the_report_with_the_patients_name_masked(reviewing):
    name = str(reviewing.image.header.PatientName).split("^")[0]  # DEMO^CHEST
    result = replace(_result(reviewing, *BOXES), report=f"{name} has a small left effusion.")
    assert reviewing.finish_grounding(reviewing.begin_grounding(), result)
    assert reviewing.review.report == "*" * len(name) + " has a small left effusion."


def test_each_review_action_is_shown_and_saved_at_once(reviewing):
    _ground(reviewing, *BOXES)
    reviewing.accept_finding(0)
    reviewing.reject_finding(1)
    reviewing.move_finding_box(2, (210.0, 50.0, 250.0, 80.0))
    assert reviewing.review_progress() == (3, 3)
    states = reviewing.findings.review_states
    assert states == {0: "accepted", 1: "rejected", 2: "edited"}
    shown = reviewing.findings.findings
    assert shown[2].box == (210.0, 50.0, 250.0, 80.0) and shown[2].score is None
    assert reviewing.findings.rejected(1) and reviewing.findings.colour(1) == (150, 150, 150)
    saved = reviewing.review_store.load(*review_keys(reviewing.study, reviewing.image)[:2])
    assert [f.state.value for f in saved.findings] == ["accepted", "rejected", "edited"]


def test_exports_say_what_the_review_stands_by(reviewing):
    _ground(reviewing, *BOXES)
    reviewing.reject_finding(1)
    reviewing.move_finding_box(0, (20.0, 20.0, 70.0, 70.0))
    final = reviewing.export_findings()
    assert [f.phrase for f in final] == ["finding 0", "finding 2"]
    assert final[0].box == (20.0, 20.0, 70.0, 70.0) and final[0].score is None
    assert final[1].score == pytest.approx(0.9)


def test_a_verified_export_leaves_the_unreviewed_query_findings_out(reviewing):
    _ground(reviewing, *BOXES)
    query = replace(
        _result(reviewing, (5, 5, 25, 25)),
        findings=[GroundedFinding("asked for", None, box=(5, 5, 25, 25), source="query")],
    )
    assert reviewing.finish_grounding(reviewing.begin_query(), query)
    for index in range(3):
        reviewing.accept_finding(index)
        if index < 2:  # partly reviewed: nothing is verified, the query goes with the rest
            assert [f.source for f in reviewing.export_findings()][-1] == "query"
            assert reviewing.queries_left_out() == 0
    reviewing.reviewer_organisation = "St Elsewhere"
    assert reviewing.verification() is not None
    assert [f.phrase for f in reviewing.export_findings()] == [
        "finding 0",
        "finding 1",
        "finding 2",
    ]
    assert reviewing.queries_left_out() == 1


def test_undo_restores_a_finding_as_it_was(reviewing):
    _ground(reviewing, *BOXES)
    change = reviewing.move_finding_box(1, (0.0, 0.0, 5.0, 5.0))
    reviewing.restore_finding(change.index, change.before)
    assert reviewing.findings.findings[1].box == (100.0, 100.0, 180.0, 160.0)
    assert reviewing.review_progress() == (0, 3)
    added = reviewing.add_finding("finding 0", (0, 9), (1.0, 2.0, 30.0, 40.0))
    assert reviewing.findings.selected == 3 and reviewing.review_progress() == (1, 4)
    reviewing.restore_finding(added.index, added.before)
    assert len(reviewing.findings.findings) == 3 and reviewing.review_progress() == (0, 3)


def test_without_a_reviewer_name_nothing_changes(reviewing):
    _ground(reviewing, *BOXES)
    reviewing.reviewer = " "
    with pytest.raises(ReviewError, match="reviewer"):
        reviewing.accept_finding(0)
    assert reviewing.review_progress() == (0, 3) and reviewing.review.changes == []


def test_reopening_the_study_restores_its_review(reviewing, demo_study):
    _ground(reviewing, *BOXES)
    reviewing.reject_finding(1)
    reviewing.move_finding_box(2, (210.0, 50.0, 250.0, 80.0))
    again = Session(reviewing.review_store)
    study = open_study(demo_study)
    assert again.show_study(again.new_load(), study, ViewingState(study.first_image))
    _ground(again, *BOXES)  # the model's output as it came, fresh
    assert again.findings.review_states == {0: "pending", 1: "rejected", 2: "edited"}
    assert again.findings.findings[2].box == (210.0, 50.0, 250.0, 80.0)
    assert [f.phrase for f in again.export_findings()] == ["finding 0", "finding 2"]


def test_a_review_made_on_other_images_is_not_applied_and_kept(reviewing):
    _ground(reviewing, *BOXES)
    reviewing.accept_finding(0)
    path = reviewing.review_store.path_for(reviewing.review.study_uid)
    data = json.loads(path.read_text())
    data["sop_instance_uids"] = ["1.2.3.4.5"]
    path.write_text(json.dumps(data))
    problems: list[str] = []
    reviewing.review_problem.connect(problems.append)
    _ground(reviewing, *BOXES)
    assert reviewing.review is None and reviewing.findings.review_states == {}
    assert len(problems) == 1 and "other images" in problems[0] and "unreviewed" in problems[0]
    assert json.loads(path.read_text()) == data  # never overwritten
    with pytest.raises(ReviewError, match="no review"):
        reviewing.accept_finding(0)


def test_a_review_made_on_another_report_text_is_not_applied_and_kept(reviewing):
    _ground(reviewing, *BOXES)
    reviewing.accept_finding(0)
    path = reviewing.review_store.path_for(reviewing.review.study_uid)
    saved = path.read_text()
    problems: list[str] = []
    reviewing.review_problem.connect(problems.append)
    _ground(reviewing, *BOXES)  # the same report: the review comes back
    assert reviewing.review is not None and reviewing.findings.review_states[0] == "accepted"
    edited = replace(_result(reviewing, *BOXES), report=reviewing.report_text + " Addendum.")
    assert reviewing.finish_grounding(reviewing.begin_grounding(), edited)
    assert reviewing.review is None and len(problems) == 1
    assert "another report text" in problems[0] and "unreviewed" in problems[0]
    assert path.read_text() == saved  # never overwritten


def test_a_damaged_review_is_reported_kept_aside_and_a_new_one_starts(reviewing):
    _ground(reviewing, *BOXES)
    path = reviewing.review_store.path_for(reviewing.review.study_uid)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    problems: list[str] = []
    reviewing.review_problem.connect(problems.append)
    _ground(reviewing, *BOXES)
    assert len(problems) == 1 and "damaged" in problems[0]
    assert reviewing.review is not None and reviewing.review_progress() == (0, 3)
    kept = list(path.parent.glob("*.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{not json"


def test_a_review_that_cannot_be_saved_is_said_once(reviewing, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    reviewing.review_store = ReviewStore(blocker / "reviews")
    _ground(reviewing, *BOXES)
    problems: list[str] = []
    reviewing.review_problem.connect(problems.append)
    reviewing.accept_finding(0)
    reviewing.accept_finding(1)
    assert len(problems) == 1 and "cannot be saved" in problems[0]
    assert reviewing.review_progress() == (2, 3)  # kept while the study is open


def test_next_unreviewed_skips_what_is_done_and_wraps(reviewing):
    _ground(reviewing, *BOXES)
    reviewing.select(0)
    reviewing.accept_finding(1)
    assert reviewing.step_unreviewed(1) == 2
    assert reviewing.step_unreviewed(1) == 0
    assert reviewing.step_unreviewed(-1) == 2
    reviewing.accept_finding(0)
    reviewing.accept_finding(2)
    assert reviewing.step_unreviewed(1) is None


def test_a_raster_study_is_keyed_by_a_stable_hash_of_its_path(tmp_path):
    import cv2

    film = tmp_path / "film.png"
    cv2.imwrite(str(film), np.full((64, 64), 128, np.uint8))
    study = open_study(film)
    first = review_keys(study, study.first_image)
    assert first == review_keys(open_study(film), open_study(film).first_image)
    assert first[0].startswith("path-") and first[1] == [first[2]]


def test_the_film_is_kept_beside_the_review_once_there_is_one(reviewing):
    _ground(reviewing, *BOXES)
    film = reviewing.review_store.film_path(reviewing.review.study_uid)
    assert not film.exists()
    reviewing.accept_finding(0)
    assert film.exists() and film.stat().st_size > 0


def test_a_complete_review_is_verified_by_the_reviewer_at_its_last_change(reviewing):
    _ground(reviewing, *BOXES)
    reviewing.reviewer_organisation = "St Elsewhere"
    reviewing.accept_finding(0)
    assert reviewing.verification() is None and reviewing.verification_problem() is None
    day = reviewing.review.changes[-1].time[:10]
    assert reviewing.review_caption() == f"partly reviewed by Dr A, St Elsewhere on {day}"
    reviewing.reject_finding(1)
    reviewing.accept_finding(2)
    verification = reviewing.verification()
    assert verification.name == "Dr A" and verification.organisation == "St Elsewhere"
    assert verification.when.isoformat(timespec="seconds") == reviewing.review.changes[-1].time
    assert reviewing.review_caption() == f"reviewed by Dr A, St Elsewhere on {day}"
    anonymised = reviewing.review_caption(anonymise=True)
    assert "Dr A" not in anonymised and "Anonymised" in anonymised
    reviewing.reviewer_organisation = ""
    assert reviewing.verification() is None
    assert "organisation" in reviewing.verification_problem()


def test_a_film_without_findings_is_reviewed_too_a_missed_one_is_added(reviewing):
    _ground(reviewing)  # the model found nothing
    assert reviewing.review is not None and reviewing.review_progress() == (0, 0)
    reviewing.add_finding("finding 0", (0, 9), (5.0, 5.0, 50.0, 40.0))
    assert reviewing.review_progress() == (1, 1) and reviewing.review.complete
    assert [f.source for f in reviewing.export_findings()] == ["reviewer"]


def test_the_presentation_state_leaves_out_hidden_boxes_unless_reviewed(reviewing):
    _ground(reviewing, *BOXES)  # every score 0.9
    reviewing.set_overlays(min_confidence=0.95)  # every box hidden from the overlay
    assert reviewing.export_findings(threshold=True) == []
    assert len(reviewing.export_findings()) == 3  # the SR and JSON keep them all
    reviewing.accept_finding(1)
    reviewing.reject_finding(2)
    assert [f.phrase for f in reviewing.export_findings(threshold=True)] == ["finding 1"]


def _mirrored_copy(demo_study, folder):
    """The demo study with its film stored mirrored: pixels flipped left-right and
    PatientOrientation R\\F (the patient's right on the image right)."""
    import pydicom

    folder.mkdir()
    ds = pydicom.dcmread(demo_study / "image.dcm")
    ds.PixelData = np.ascontiguousarray(ds.pixel_array[:, ::-1]).tobytes()
    ds.PatientOrientation = ["R", "F"]
    ds.save_as(folder / "image.dcm")
    (folder / "report.txt").write_text((demo_study / "report.txt").read_text())
    return folder


@pytest.mark.parametrize("mirrored", [False, True])
def test_a_reviewers_box_on_the_other_side_from_its_phrase_is_flagged(
    demo_study, tmp_path, mirrored
):
    """The engine's wrong-side check, for the boxes the reviewer draws or moves, in the
    patient frame: on a film stored mirrored the patient's left is on the image left."""
    folder = _mirrored_copy(demo_study, tmp_path / "m") if mirrored else demo_study
    session = Session(ReviewStore(tmp_path / "reviews"))
    session.reviewer = "Dr A"
    study = open_study(folder)
    assert session.show_study(session.new_load(), study, ViewingState(study.first_image))
    assert session.image.view.mirrored is mirrored
    _ground(session, *BOXES)
    width, height = session.image.width, session.image.height
    image_left = (0.1 * width, 0.4 * height, 0.3 * width, 0.6 * height)
    image_right = (0.7 * width, 0.4 * height, 0.9 * width, 0.6 * height)
    patient_left, patient_right = (
        (image_left, image_right) if mirrored else (image_right, image_left)
    )
    session.add_finding("small left pleural effusion", None, patient_right)
    session.add_finding("right apical pneumothorax", None, patient_right)
    session.move_finding_box(0, patient_left)  # "finding 0" names no side
    flags = {f.phrase: f.laterality_conflict for f in session.export_findings()}
    assert flags == {
        "finding 0": False,
        "finding 1": False,
        "finding 2": False,
        "small left pleural effusion": True,
        "right apical pneumothorax": False,
    }
    shown = {f.phrase: f.laterality_conflict for f in session.findings.findings}
    assert shown["small left pleural effusion"] and not shown["right apical pneumothorax"]
    session.move_finding_box(len(BOXES), patient_left)  # the reviewer puts it right
    assert not any(f.laterality_conflict for f in session.export_findings())
