"""The grounding workflow in the viewer (pytest-qt, offscreen, a small random model)."""

from __future__ import annotations

import json

import cv2
import highdicom as hd
import numpy as np
import pydicom
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from knowmvg_viewer.ui.app import main as viewer_main
from knowmvg_viewer.ui.main_window import MainWindow

from .conftest import open_in_window

pytestmark = pytest.mark.ui
WAIT_MS = 60_000


@pytest.fixture()
def window(qtbot, model_dir, demo_study, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # fresh QSettings
    win = MainWindow(model_dir, "cpu")
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    with qtbot.waitSignal(win.grounding_finished, timeout=WAIT_MS):
        win.open_path(demo_study)
    yield win
    win.close()


def _query(window, qtbot, phrase: str) -> None:
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        window.grounding.query(phrase)


def _click_report(panel, offset: int) -> None:
    cursor = QTextCursor(panel.document())
    cursor.setPosition(offset)
    point = panel.cursorRect(cursor).center() + QPoint(2, 0)
    for kind, buttons in (
        (QEvent.Type.MouseButtonPress, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton),
    ):
        event = QMouseEvent(
            kind,
            QPointF(point),
            QPointF(panel.viewport().mapToGlobal(point)),
            Qt.MouseButton.LeftButton,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(panel.viewport(), event)


def test_grounding_runs_on_open_and_highlights_the_report(window):
    assert window.session.model_info is not None and window.session.model_info["trained"] is False
    assert "UNTRAINED" in window.model_label.text()
    highlights = window.report_panel.extraSelections()
    spans = [f for f in window.session.findings.findings if f.span]
    assert len(highlights) == sum(1 + len(f.linked_spans) for f in spans)
    negated = [f for f in window.session.findings.findings if f.negated]
    assert any(f.phrase == "No pneumothorax" for f in negated)  # from the demo report
    assert all(
        i not in window.binding.box_overlays
        for i, f in enumerate(window.session.findings.findings)
        if f.negated
    )


def test_click_a_highlighted_phrase_shows_its_box_where_the_finding_is(window, qtbot):
    _query(window, qtbot, "left pleural effusion")
    index = len(window.session.findings.findings) - 1
    finding = window.session.findings.findings[index]
    assert finding.source == "query" and finding.span is not None
    window.session.select(None)
    _click_report(window.report_panel, finding.span[0] + 2)
    assert window.session.findings.selected == index
    overlay = window.binding.box_overlays[index]
    assert overlay.rect.isVisible()
    rect = overlay.rect.sceneBoundingRect()
    x0, y0, x1, y1 = finding.box
    assert rect.left() == pytest.approx(x0, abs=2) and rect.top() == pytest.approx(y0, abs=2)
    assert rect.right() == pytest.approx(x1, abs=2) and rect.bottom() == pytest.approx(y1, abs=2)
    assert window.findings_panel.currentItem().data(Qt.ItemDataRole.UserRole) == index
    assert not window.binding.heatmap.item.pixmap().isNull()


def test_n_and_p_step_through_boxed_findings(window, qtbot):
    _query(window, qtbot, "left pleural effusion")
    _query(window, qtbot, "cardiac silhouette")
    boxed = window.session.findings.boxed_indices()
    assert len(boxed) >= 2
    window.session.select(boxed[0])
    qtbot.keyClick(window, Qt.Key.Key_N)
    assert window.session.findings.selected == boxed[1]
    qtbot.keyClick(window, Qt.Key.Key_P)
    assert window.session.findings.selected == boxed[0]


def test_free_text_query_adds_a_distinct_finding(window, qtbot):
    before = len(window.session.findings.findings)
    window.controls.query.setText("right hilum")
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        qtbot.keyClick(window.controls.query, Qt.Key.Key_Return)
    added = window.session.findings.findings[before:]
    assert len(added) == 1 and added[0].source == "query" and added[0].span is None
    assert (
        window.session.findings.colour(before)
        != window.session.findings.colour(window.session.findings.boxed_indices()[0])
        or len(window.session.findings.boxed_indices()) == 1
    )
    assert "query:" in window.findings_panel.item(before).text()


def test_window_level_change_does_not_recompute_the_heatmap(window, qtbot):
    _query(window, qtbot, "left pleural effusion")
    key = window.binding.heatmap.item.pixmap().cacheKey()
    window.session.drag_window(30.0, 10.0)
    assert window.binding.heatmap.item.pixmap().cacheKey() == key
    qtbot.keyClick(window, Qt.Key.Key_H)
    assert not window.binding.heatmap.item.isVisible()


def test_export_native_size_png_and_matching_json(window, qtbot, tmp_path):
    _query(window, qtbot, "left pleural effusion")
    png, sidecar = window.exports.export_to(tmp_path / "export.png")
    exported = cv2.imread(str(png))[:, :, ::-1]
    image = window.session.viewing.image
    assert exported.shape[1] == image.width and exported.shape[0] > image.height
    plain = window.session.viewing.render()
    margin = exported[image.height :]
    assert margin[..., 0].mean() < 60 and margin.max() == 255  # dark caption, white text
    finding = window.session.findings.findings[window.session.findings.selected]
    x0, y0, x1, y1 = (int(v) for v in finding.box)
    inside = exported[y0:y1, x0:x1].astype(int) - plain[y0:y1, x0:x1, None].astype(int)
    assert np.abs(inside).max() > 20
    document = json.loads(sidecar.read_text())
    record = document["results"][0]
    assert [f["phrase"] for f in record["findings"]] == [
        f.phrase for f in window.session.findings.findings
    ]
    boxed = [f for f in record["findings"] if f["box"] is not None]
    assert all("box_mm" in f for f in boxed)  # the demo has detector spacing
    # the ground --json schema: what the film is, and whether it was grounded
    assert record["view"] == image.view.to_json() and record["view"]["kind"] == "frontal"
    assert record["skipped"] is None and record["report_truncated"] is False
    with pytest.raises(FileExistsError):
        window.exports.export_to(tmp_path / "export.png")


def test_export_dicom_sr_of_the_grounded_findings(window, qtbot, tmp_path):
    _query(window, qtbot, "left pleural effusion")
    assert window.actions.export_sr.isEnabled()
    out = window.exports.export_sr_to(tmp_path / "findings.sr.dcm")
    sr = hd.sr.srread(out)
    boxed = [f for f in window.session.findings.findings if f.box is not None]
    groups = sr.content.get_planar_roi_measurement_groups()
    assert sorted(str(g.tracking_identifier) for g in groups) == sorted(f.phrase for f in boxed)
    assert (
        sr.StudyInstanceUID == pydicom.dcmread(window.session.viewing.image.path).StudyInstanceUID
    )


def test_sr_export_of_a_png_says_why_and_writes_nothing(window, qtbot, tmp_path):
    film = tmp_path / "film.png"
    cv2.imwrite(str(film), np.full((200, 160), 100, np.uint8))
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        window.open_path(film)
    _query(window, qtbot, "left pleural effusion")
    window.exports.choose_sr_export()  # refuses before any file dialog
    assert window.last_error == "film.png: DICOM SR export needs a DICOM image; this is not one"
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ""] == ["film.png"]


def test_stale_results_are_dropped(window):
    stale = window.session.findings.new_request()
    window.session.findings.new_request()
    before = list(window.session.findings.findings)
    window.grounding._on_grounded(stale, None)  # would crash if it were used
    assert window.session.findings.findings == before


def test_edited_report_is_grounded(window, qtbot):
    window.actions.edit_report.trigger()  # checks it: the report becomes editable
    assert not window.report_panel.isReadOnly()
    window.report_panel.setPlainText("FINDINGS: No pneumothorax. Heart size is normal.")
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.report_panel.isReadOnly()
    phrases = {f.phrase for f in window.session.findings.findings if f.negated}
    assert {"No pneumothorax", "Heart size is normal"} <= phrases


def test_broken_model_directory_leaves_the_viewer_usable(qtbot, tmp_path, demo_study, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    win = MainWindow(broken, "cpu")
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.model_ready, timeout=WAIT_MS) as blocker:
        pass
    assert blocker.args == [False]
    assert "config.json" in win.session.model_error and "not loaded" in win.model_label.text()
    assert open_in_window(win, qtbot, demo_study) and win.session.viewing is not None
    assert not win.actions.rerun.isEnabled() and not win.controls.query.isEnabled()
    win.close()


def test_screenshot_with_selected_finding(tmp_path, model_dir, demo_study, qapp, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    out = tmp_path / "shot.png"
    code = viewer_main(
        [
            str(demo_study),
            "--model",
            str(model_dir),
            "--device",
            "cpu",
            "--screenshot",
            str(out),
            "--select",
            "0",
        ]
    )
    assert code == 0 and out.read_bytes()[:4] == b"\x89PNG"


def test_grounding_a_selection_grounds_that_occurrence(window, qtbot):
    panel = window.report_panel
    text = panel.toPlainText()
    word = next(w for w in ("effusion", "opacity", "pneumothorax") if text.lower().count(w) > 1)
    second = text.lower().index(word, text.lower().index(word) + 1)
    cursor = QTextCursor(panel.document())
    cursor.setPosition(second)
    cursor.setPosition(second + len(word), QTextCursor.MoveMode.KeepAnchor)
    panel.setTextCursor(cursor)
    before = len(window.session.findings.findings)
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        panel.request_ground_selection()
    (added,) = window.session.findings.findings[before:]
    assert added.source == "query" and added.span == (second, second + len(word))


def test_export_with_show_all_off_keeps_the_views_colour(window, qtbot):
    boxed = window.session.findings.boxed_indices()
    assert len(boxed) >= 2
    window.session.select(boxed[1])
    window.actions.show_all.trigger()  # off: only the selected box is drawn
    assert window.session.findings.show_all is False
    pixels = window.session.annotated_pixels()
    finding = window.session.findings.findings[boxed[1]]
    x0, y0, x1, y1 = (int(round(v)) for v in finding.box)
    edge = pixels[min(y0 + 5, y1 - 1) : max(y1 - 5, y0 + 1), max(x0, 0)]
    assert tuple(window.session.findings.colour(boxed[1])) in {
        tuple(int(c) for c in p) for p in edge
    }


def _lateral_copy(source, path):
    """The film relabelled as a left lateral, in a new series (what a PA + lateral study has)."""
    ds = pydicom.dcmread(source)
    ds.ViewPosition = "LL"
    ds.PatientOrientation = ["P", "F"]
    ds.SeriesNumber = 2
    ds.SOPInstanceUID = pydicom.uid.generate_uid()
    ds.SeriesInstanceUID = pydicom.uid.generate_uid()
    ds.save_as(path)
    return path


def test_a_pa_and_lateral_study_grounds_the_frontal_and_says_why_not_the_lateral(
    window, demo_study, tmp_path, qtbot
):
    folder = tmp_path / "pa-lateral"
    folder.mkdir()
    _lateral_copy(demo_study / "image.dcm", folder / "a-lateral.dcm")  # first by name
    (folder / "z-pa.dcm").write_bytes((demo_study / "image.dcm").read_bytes())
    (folder / "report.txt").write_text((demo_study / "report.txt").read_text())
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        window.open_path(folder)
    session = window.session
    assert session.image.path.name == "z-pa.dcm" and session.findings.findings
    assert window.thumbnails.count() == 2 and window.thumbnails.isVisible()
    with qtbot.waitSignal(window.grounding_finished, timeout=WAIT_MS):
        window.thumbnails.setCurrentRow(1)  # the lateral, for reference
    assert session.image.view.kind == "lateral" and session.findings.findings == []
    assert session.note == "lateral view: grounding runs on the frontal film"
    assert session.note in window.view_label.text()
    notes = [window.findings_panel.item(i).text() for i in range(window.findings_panel.count())]
    assert notes == [session.note]
    _, sidecar = window.exports.export_to(tmp_path / "lateral.png")
    record = json.loads(sidecar.read_text())["results"][0]
    assert record["view"]["kind"] == "lateral" and record["findings"] == []
    assert record["skipped"] == session.note


def test_the_confidence_threshold_hides_weaker_boxes_and_keeps_them_listed(window, qtbot):
    session = window.session
    boxed = session.findings.boxed_indices()
    assert boxed
    window.controls.min_confidence.setValue(95)  # the toolbar slider
    assert session.overlays.min_confidence == pytest.approx(0.95)
    hidden = [i for i in boxed if session.findings.is_hidden(i)]
    assert hidden  # the untrained test model is not that sure of anything
    for index in hidden:
        assert not window.binding.box_overlays[index].rect.isVisible()
        assert "(below threshold)" in window.findings_panel.item(index).text()
    assert window.settings.value("overlay/min_confidence") in (0.95, "0.95")
    window.controls.min_confidence.setValue(0)
    assert all(window.binding.box_overlays[i].rect.isVisible() for i in boxed)


def test_a_wrong_side_box_is_marked_in_the_view_and_the_list(window, qtbot):
    session = window.session
    index = session.findings.boxed_indices()[0]
    session.findings.findings[index].laterality_conflict = True  # as postprocessing flags it
    session.findings_changed.emit()
    overlay = window.binding.box_overlays[index]
    assert overlay.label.brush().color().red() > 100  # the warning plate
    assert "side?" in window.findings_panel.item(index).text()
    session.select(index)
    assert overlay.label.zValue() > max(
        o.label.zValue() for i, o in window.binding.box_overlays.items() if i != index
    )
