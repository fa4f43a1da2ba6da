"""The review record (issue 13): accept, reject, edit and add, each change with reviewer and
time; final findings; the store: atomic, outside the study, restored, refusing a review made on
other images, keeping a damaged file aside."""

from __future__ import annotations

import json
import os

import pytest

from knowmvg_viewer.review import (
    ReviewedFinding,
    ReviewError,
    ReviewMismatch,
    ReviewState,
    ReviewStore,
    StudyReview,
)
from model_core.knowledge.records import Code
from model_core.results import GroundedFinding

AI = [
    GroundedFinding(
        "small left pleural effusion",
        (10, 37),
        box=(1100.0, 1400.0, 1500.0, 1750.0),
        score=0.8,
        finding="effusion",
        category="pleura",
        code=Code("SCT", "60046008", "Pleural effusion"),
    ),
    GroundedFinding(
        "right lower lobe opacity", (40, 64), box=(200.0, 900.0, 600.0, 1300.0), score=0.4
    ),
    GroundedFinding("No pneumothorax", (66, 81), negated=True, finding="pneumothorax"),
]
UIDS = ["1.2.3.1", "1.2.3.2"]


def _review() -> StudyReview:
    return StudyReview.start(
        "1.2.3", UIDS, "1.2.3.1", {"name": "knowmvg-tiny", "version": "0.1.0"}, AI
    )


def test_a_new_review_holds_the_model_output_as_it_came_all_pending():
    review = _review()
    assert [f.state for f in review.findings] == [ReviewState.PENDING] * 3
    assert review.ai_findings == [f.to_json() for f in AI]
    assert review.reviewed_count == 0 and not review.complete
    assert review.model == {"name": "knowmvg-tiny", "version": "0.1.0"}


def test_each_action_is_one_change_with_reviewer_time_before_and_after():
    review = _review()
    review.accept(0, "Dr A")
    review.reject(1, "Dr A")
    review.set_assertion(2, "uncertain", "Dr B")
    assert [c.action for c in review.changes] == ["accept", "reject", "edit assertion"]
    change = review.changes[2]
    assert change.reviewer == "Dr B" and change.time.endswith("+00:00")
    assert change.before["assertion"] == "negated" and change.after["assertion"] == "uncertain"
    assert review.complete and review.reviewers == ["Dr A", "Dr B"]


def test_the_final_findings_leave_out_rejected_ones_and_take_the_reviewers_box():
    review = _review()
    review.move_box(0, (1000, 1300, 1450, 1800), "Dr A")
    review.reject(1, "Dr A")
    added = review.add("left apical pneumothorax", (90, 114), (900, 200, 1300, 600), "Dr A")
    final = review.final_findings()
    assert [f.phrase for f in final] == [
        "small left pleural effusion",
        "No pneumothorax",
        "left apical pneumothorax",
    ]
    assert final[0].box == (1000.0, 1300.0, 1450.0, 1800.0)
    assert final[0].score is None and final[0].source == "reviewer"  # not the model's box
    assert final[1].source == "report"  # the model's, accepted
    assert final[0].code == Code("SCT", "60046008", "Pleural effusion")
    assert final[2].source == "reviewer" and added.action == "add" and added.before is None
    assert review.findings[0].state is ReviewState.EDITED
    assert review.findings[3].state is ReviewState.ADDED


def test_an_added_finding_stays_added_when_its_box_is_moved():
    review = _review()
    review.add("nodule", None, (10, 10, 50, 50), "Dr A")
    review.move_box(3, (20, 20, 60, 60), "Dr A")
    assert review.findings[3].state is ReviewState.ADDED


def test_undo_restores_the_finding_as_it_was():
    review = _review()
    change = review.move_box(0, (1, 2, 3, 4), "Dr A")
    review.restore(0, change.before, "Dr A")
    assert review.findings[0].box == AI[0].box and review.findings[0].state is ReviewState.PENDING
    added = review.add("nodule", None, (10, 10, 50, 50), "Dr A")
    review.restore(added.index, None, "Dr A")
    assert len(review.findings) == 3
    assert [c.action for c in review.changes] == ["edit box", "undo", "add", "undo"]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda r: r.accept(0, "  "), "set the reviewer's name first"),
        (lambda r: r.move_box(0, (1, 2, 3, 4), ""), "set the reviewer's name first"),
        (lambda r: r.add("nodule", None, (1, 1, 2, 2), ""), "set the reviewer's name first"),
        (lambda r: r.accept(7, "Dr A"), "no finding 7"),
        (lambda r: r.move_box(0, (10, 10, 5, 20), "Dr A"), "x1 > x0"),
        (lambda r: r.set_assertion(0, "maybe", "Dr A"), "assertion must be one of"),
        (lambda r: r.add(" ", None, (1, 1, 2, 2), "Dr A"), "needs a phrase"),
    ],
)
def test_bad_requests_are_one_line_and_change_nothing(action, message):
    review = _review()
    with pytest.raises(ReviewError, match=message):
        action(review)
    assert review.changes == [] and len(review.findings) == 3
    assert review.to_json()["findings"] == _review().to_json()["findings"]  # nothing changed


def test_the_store_saves_atomically_outside_the_study_and_restores(tmp_path):
    store = ReviewStore(tmp_path / "reviews")
    review = _review()
    review.accept(0, "Dr A")
    path = store.save(review)
    assert path.parent == tmp_path / "reviews" and "1.2.3" not in path.name
    restored = store.load("1.2.3", list(reversed(UIDS)))
    assert restored.to_json() == review.to_json()
    assert store.load("9.9.9", UIDS) is None


def test_the_report_is_kept_and_a_review_saved_without_one_still_loads(tmp_path):
    store = ReviewStore(tmp_path / "reviews")
    review = StudyReview.start("1.2.3", UIDS, "1.2.3.1", {}, AI, report="FINDINGS: effusion.")
    path = store.save(review)
    assert store.load("1.2.3", UIDS).report == "FINDINGS: effusion."
    data = json.loads(path.read_text())
    del data["report"]  # written before reviews kept their report
    path.write_text(json.dumps(data))
    assert store.load("1.2.3", UIDS).report == ""


def test_the_default_store_is_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert ReviewStore().folder == tmp_path / "data" / "knowmvg-viewer" / "reviews"


def test_a_review_made_on_other_images_is_not_applied_silently(tmp_path):
    store = ReviewStore(tmp_path)
    store.save(_review())
    with pytest.raises(ReviewMismatch, match="made on other images .*1 the same.*not applied"):
        store.load("1.2.3", ["1.2.3.1", "1.2.3.9"])


def test_a_damaged_review_is_reported_and_kept_aside_never_overwritten(tmp_path):
    store = ReviewStore(tmp_path)
    path = store.save(_review())
    path.write_text('{"format": 1, "study_uid": ')
    with pytest.raises(ReviewError, match="the saved review is damaged .* kept as .*corrupt"):
        store.load("1.2.3", UIDS)
    (kept,) = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert kept.read_text() == '{"format": 1, "study_uid": '
    assert not path.exists()
    assert store.load("1.2.3", UIDS) is None  # the study opens unreviewed


def test_the_store_lists_readable_reviews_and_skips_damaged_ones(tmp_path, caplog):
    store = ReviewStore(tmp_path)
    store.save(_review())
    (tmp_path / "broken.json").write_text("not json")
    assert [r.study_uid for r in store.reviews()] == ["1.2.3"]
    assert "broken.json: skipped" in caplog.text
    assert sorted(os.listdir(tmp_path))[0] == "broken.json"  # left where it was
    assert json.loads(store.path_for("1.2.3").read_text())["format"] == 1


def test_a_mirrored_film_is_recorded_and_files_without_the_field_still_read(tmp_path):
    store = ReviewStore(tmp_path)
    mirrored = StudyReview.start("1.2.3", UIDS, "1.2.3.1", {"name": "m"}, AI, mirrored=True)
    store.save(mirrored)
    assert store.load("1.2.3", UIDS).mirrored is True
    data = json.loads(store.path_for("1.2.3").read_text())
    assert data["format"] == 1 and data["mirrored"] is True
    del data["mirrored"]  # a file written before the field existed
    store.path_for("1.2.3").write_text(json.dumps(data))
    assert store.load("1.2.3", UIDS).mirrored is False


def test_the_store_skips_a_file_that_is_not_a_review_object(tmp_path, caplog):
    store = ReviewStore(tmp_path)
    (tmp_path / "list.json").write_text("[]")
    problems = []
    assert store.reviews(problems) == []
    assert len(problems) == 1 and "list.json: skipped" in problems[0]
    assert "a JSON object expected" in caplog.text


def test_a_model_box_keeps_its_scores_and_wrong_side_flag_a_reviewers_box_does_not():
    flagged = GroundedFinding(
        "left lower lobe opacity",
        (0, 23),
        box=(100.0, 900.0, 500.0, 1300.0),
        score=0.7,
        confidence=0.6,
        uncertainty=9.0,
        laterality_conflict=True,
    )
    review = StudyReview.start("1.2.3", UIDS, "1.2.3.1", {"name": "m"}, [flagged, flagged])
    review.accept(0, "Dr A")  # the report's side may be the wrong one: the flag stays
    review.set_assertion(1, "uncertain", "Dr A")
    kept = review.final_findings()
    assert kept[0].laterality_conflict and kept[0].score == 0.7 and kept[0].confidence == 0.6
    assert kept[1].laterality_conflict and kept[1].score == 0.7  # the box is still the model's
    review.move_box(1, (1200, 900, 1600, 1300), "Dr A")
    moved = review.final_findings()[1]
    assert not moved.laterality_conflict and moved.score is None and moved.confidence is None
    restored = StudyReview.from_json(json.loads(json.dumps(review.to_json())))
    assert restored.final_findings() == review.final_findings()


def test_an_uncertainty_saved_in_pixels_by_an_older_build_is_dropped_on_load():
    finding = GroundedFinding("left effusion", (0, 13), box=(1.0, 2.0, 30.0, 40.0), score=0.8)
    finding.uncertainty = 0.04  # a share of the box
    saved = ReviewedFinding.from_ai(finding, 0).to_json()
    assert ReviewedFinding.from_json(saved).uncertainty == 0.04  # round trip: kept
    older = {k: v for k, v in saved.items() if k != "uncertainty_unit"} | {"uncertainty": 1.8}
    assert ReviewedFinding.from_json(older).uncertainty is None  # 1.8 px is not "±180 %"
    assert ReviewedFinding.from_json(older).score == 0.8  # the rest of the finding stays


def test_the_reviewers_boxes_are_labelled_as_theirs_in_every_export():
    from knowmvg_viewer.render.annotate import REVIEWER_MARKER, finding_label

    review = _review()
    review.move_box(0, (1000, 1300, 1450, 1800), "Dr A")
    review.accept(1, "Dr A")
    review.add("left apical pneumothorax", (90, 114), (900, 200, 1300, 600), "Dr A")
    labels = [finding_label(f) for f in review.final_findings() if f.box is not None]
    assert labels[0] == f"small left pleural effusion {REVIEWER_MARKER}"
    assert labels[-1] == f"left apical pneumothorax {REVIEWER_MARKER}"
    assert all(REVIEWER_MARKER not in label for label in labels[1:-1])
