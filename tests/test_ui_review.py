"""Reviewing the AI findings in the viewer (issue 13), pytest-qt offscreen, a small random
model: the keyboard, the undo stack, box handles, adding a finding, the progress label,
reopening a study, a review made on other images."""

from __future__ import annotations

import json

import pydicom
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from knowmvg_viewer.session import NO_REVIEWER
from knowmvg_viewer.ui.main_window import MainWindow
from knowmvg_viewer.ui.review_flow import REVIEWER_KEY

pytestmark = pytest.mark.ui
WAIT_MS = 60_000


def _open(qtbot, model_dir, demo_study, reviewer: str = "Dr Test") -> MainWindow:
    win = MainWindow(model_dir, "cpu")
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.settings.setValue(REVIEWER_KEY, reviewer)
    win.review.apply_settings()
    win.show()
    _reopen(win, qtbot, demo_study)
    return win


def _reopen(win: MainWindow, qtbot, path) -> None:
    with qtbot.waitSignal(win.grounding_finished, timeout=WAIT_MS):
        win.open_path(path)


@pytest.fixture()
def window(qtbot, model_dir, demo_study):
    win = _open(qtbot, model_dir, demo_study)
    yield win
    win.close()


def _states(window) -> list[str]:
    return [f.state.value for f in window.session.review.findings]


def _boxed(window) -> int:
    """The first finding with a box, selected."""
    index = window.session.findings.boxed_indices()[0]
    window.session.select(index)
    return index


def _drag(view, start: QPointF, end: QPointF) -> None:
    """A left-drag on the view between two scene points, in three steps."""
    points = [view.mapFromScene(start), None, view.mapFromScene(end)]
    points[1] = (points[0] + points[2]) / 2
    kinds = (
        (QEvent.Type.MouseButtonPress, points[0], Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseMove, points[1], Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseMove, points[2], Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseButtonRelease, points[2], Qt.MouseButton.NoButton),
    )
    for kind, point, buttons in kinds:
        event = QMouseEvent(
            kind,
            QPointF(point),
            QPointF(view.viewport().mapToGlobal(point)),
            Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(view.viewport(), event)


def test_the_keyboard_accepts_rejects_and_steps_with_undo_and_redo(window, qtbot):
    session = window.session
    total = len(session.review.findings)
    assert total >= 3 and window.review_label.text() == f"reviewed 0 of {total}"
    session.select(0)
    qtbot.keyClick(window, Qt.Key.Key_Y)  # accept: on to the next pending finding
    assert _states(window)[0] == "accepted" and session.findings.selected == 1
    qtbot.keyClick(window, Qt.Key.Key_X)
    assert _states(window)[:2] == ["accepted", "rejected"]
    assert window.review_label.text() == f"reviewed 2 of {total}"
    row = window.findings_panel.item(1)
    assert row.text().startswith("\N{BALLOT X}") and row.font().strikeOut()
    assert window.findings_panel.item(0).text().startswith("\N{CHECK MARK}")
    assert window.findings_panel.item(2).text().startswith("\N{WHITE CIRCLE}")
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)  # previous pending
    assert session.findings.selected == total - 1
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert session.findings.selected == 2

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _states(window)[:2] == ["accepted", "pending"] and session.findings.selected == 1
    window.actions.undo.trigger()
    assert _states(window)[:2] == ["pending", "pending"]
    assert window.review_label.text() == f"reviewed 0 of {total}"
    window.actions.redo.trigger()
    window.actions.redo.trigger()
    assert _states(window)[:2] == ["accepted", "rejected"]
    assert window.review.stack.count() == 2


def test_an_assertion_change_is_an_edit(window):
    index = _boxed(window)
    window.actions.assertions[1].trigger()  # uncertain
    finding = window.session.findings.findings[index]
    assert finding.assertion == "uncertain" and _states(window)[index] == "edited"
    assert window.binding.box_overlays[index].uncertain  # dotted, as a hedged finding


def test_handles_resize_and_drag_moves_the_box_and_undo_puts_it_back(window):
    session, view = window.session, window.view
    index = _boxed(window)
    before = session.findings.findings[index].box
    overlay = window.binding.box_overlays[index]
    assert set(overlay.handles) == {"top-left", "top-right", "bottom-left", "bottom-right"}
    x0, y0, x1, y1 = before
    scale = view.current_scale()
    hover = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(view.mapFromScene(QPointF(x1, y1))),
        QPointF(view.viewport().mapToGlobal(view.mapFromScene(QPointF(x1, y1)))),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(view.viewport(), hover)
    assert view.viewport().cursor().shape() == Qt.CursorShape.SizeFDiagCursor
    _drag(view, QPointF(x1, y1), QPointF(x1 + 40 / scale, y1 + 30 / scale))  # a corner
    resized = session.findings.findings[index].box
    assert resized[:2] == pytest.approx((x0, y0), abs=1e-3)
    assert resized[2] == pytest.approx(x1 + 40 / scale, abs=2 / scale)
    assert resized[3] == pytest.approx(y1 + 30 / scale, abs=2 / scale)
    assert _states(window)[index] == "edited" and window.review.stack.count() == 1

    centre = QPointF((resized[0] + resized[2]) / 2, (resized[1] + resized[3]) / 2)
    _drag(view, centre, centre + QPointF(-20 / scale, 0))  # inside: the whole box moves
    moved = session.findings.findings[index].box
    assert moved[0] == pytest.approx(resized[0] - 20 / scale, abs=2 / scale)
    assert moved[2] - moved[0] == pytest.approx(resized[2] - resized[0], abs=1e-3)
    window.actions.undo.trigger()
    window.actions.undo.trigger()
    assert session.findings.findings[index].box == pytest.approx(before, abs=0.01)
    assert _states(window)[index] == "pending"


def _select_report_text(panel, text: str) -> tuple[int, int]:
    start = panel.toPlainText().index(text)
    cursor = QTextCursor(panel.document())
    cursor.setPosition(start)
    cursor.setPosition(start + len(text), QTextCursor.MoveMode.KeepAnchor)
    panel.setTextCursor(cursor)
    return start, start + len(text)


def test_a_missed_finding_is_added_from_report_text_and_a_drawn_box(window):
    session, view = window.session, window.view
    count = len(session.review.findings)
    span = _select_report_text(window.report_panel, "mediastinal contours")
    window.actions.add_finding.trigger()
    _drag(view, QPointF(100, 120), QPointF(400, 380))
    added = session.review.findings[count]
    assert added.state.value == "added" and added.phrase == "mediastinal contours"
    assert added.span == span
    assert added.box == pytest.approx((100, 120, 400, 380), abs=4 / view.current_scale())
    assert session.findings.selected == count and count in window.binding.box_overlays
    assert window.review_label.text() == f"reviewed 1 of {count + 1}"
    window.actions.undo.trigger()
    assert len(session.review.findings) == count


def test_relink_takes_the_selected_report_text(window):
    index = _boxed(window)
    span = _select_report_text(window.report_panel, "left costophrenic angle")
    window.actions.relink.trigger()
    finding = window.session.findings.findings[index]
    assert finding.phrase == "left costophrenic angle" and finding.span == span
    assert _states(window)[index] == "edited"


def test_reopening_the_study_restores_its_review(window, qtbot, demo_study):
    session = window.session
    session.select(0)
    window.actions.accept.trigger()
    window.actions.reject.trigger()
    total = len(session.review.findings)
    _reopen(window, qtbot, demo_study)
    assert _states(window)[:2] == ["accepted", "rejected"]
    assert window.review_label.text() == f"reviewed 2 of {total}"
    assert window.review.stack.count() == 0  # another opening: nothing to undo
    assert session.findings.rejected(1)
    assert [f.phrase for f in session.export_findings()] == [
        f.phrase for i, f in enumerate(session.review.findings) if i != 1
    ]


def test_a_review_made_on_other_images_is_said_once_and_the_study_opens_unreviewed(
    window, qtbot, demo_study
):
    session = window.session
    session.select(0)
    window.actions.accept.trigger()
    path = session.review_store.path_for(session.review.study_uid)
    data = json.loads(path.read_text())
    data["sop_instance_uids"] = ["1.2.826.0.1.3680043.99.1"]
    path.write_text(json.dumps(data))
    before = len(window.findChildren(QMessageBox))
    _reopen(window, qtbot, demo_study)
    boxes = window.findChildren(QMessageBox)
    assert len(boxes) == before + 1 and "other images" in window.last_error
    assert session.review is None and session.findings.findings  # the AI's, unreviewed
    assert not window.review_label.isVisible() and not window.actions.accept.isEnabled()
    assert json.loads(path.read_text()) == data  # never overwritten


def test_without_a_reviewer_name_the_first_action_asks_once(qtbot, model_dir, demo_study):
    window = _open(qtbot, model_dir, demo_study, reviewer="")
    asked: list[int] = []
    window.review.ask_name = lambda: asked.append(1) or ""
    window.session.select(0)
    window.actions.accept.trigger()
    assert asked == [1] and window.last_error == NO_REVIEWER
    assert _states(window)[0] == "pending" and window.review.stack.count() == 0
    window.review.ask_name = lambda: asked.append(1) or "Dr B"
    window.actions.accept.trigger()
    window.actions.accept.trigger()
    assert asked == [1, 1] and window.settings.value(REVIEWER_KEY) == "Dr B"
    assert window.session.review.reviewers == ["Dr B"]
    window.close()


def test_the_export_holds_the_reviewed_findings(window, tmp_path):
    session = window.session
    session.select(0)
    window.actions.reject.trigger()
    png, sidecar = window.exports.export_to(tmp_path / "reviewed.png")
    study = json.loads(sidecar.read_text())["results"][0]
    phrases = [f["phrase"] for f in study["findings"]]
    assert session.review.findings[0].phrase not in phrases
    assert len(phrases) == len(session.review.findings) - 1
    assert study["review"] == {"reviewers": ["Dr Test"], "complete": False, "verified_by": None}


def test_a_complete_review_exports_a_verified_sr(window, tmp_path):
    window.settings.setValue("review/organisation", "St Elsewhere")
    window.review.apply_settings()
    session = window.session
    session.select(0)
    for _ in session.review.findings:
        window.actions.accept.trigger()
    assert session.review.complete
    assert window.review_label.text().endswith("(complete)")
    sr = pydicom.dcmread(window.exports.export_sr_to(tmp_path / "verified.sr.dcm"))
    assert sr.VerificationFlag == "VERIFIED"
    observer = sr.VerifyingObserverSequence[0]
    assert observer.VerifyingObserverName == "Test^^^Dr"
    assert observer.VerifyingOrganization == "St Elsewhere"
    window.settings.setValue("export/anonymise", True)
    anonymised = window.exports.export_sr_to(tmp_path / "anonymised.sr.dcm")
    observer = pydicom.dcmread(anonymised).VerifyingObserverSequence[0]
    assert observer.VerifyingObserverName == "Anonymised^"
    assert observer.VerifyingOrganization == "Anonymised"


def test_esc_cancels_drawing_a_new_finding(window, qtbot):
    session = window.session
    count = len(session.review.findings)
    _select_report_text(window.report_panel, "mediastinal contours")
    window.actions.add_finding.trigger()
    qtbot.keyClick(window.view, Qt.Key.Key_Escape)
    pan = window.view.dragMode()
    _drag(window.view, QPointF(100, 120), QPointF(400, 380))  # a pan now, not a box
    assert len(session.review.findings) == count and window.review.stack.count() == 0
    assert pan == window.view.DragMode.ScrollHandDrag


def test_settings_keep_the_reviewers_name_and_organisation(window):
    from knowmvg_viewer.ui.dialogs import SettingsDialog

    dialog = SettingsDialog(window.settings, window)
    assert dialog.reviewer.text() == "Dr Test" and dialog.organisation.text() == ""
    dialog.reviewer.setText("  Anna Smith ")
    dialog.organisation.setText("St Elsewhere")
    dialog.accept()
    window.review.apply_settings()
    assert (window.session.reviewer, window.session.reviewer_organisation) == (
        "Anna Smith",
        "St Elsewhere",
    )
