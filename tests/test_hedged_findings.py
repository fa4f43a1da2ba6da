"""Hedged findings and restatements wherever findings are shown: report highlights, the
findings list, the box overlay and the exported PNG."""

from __future__ import annotations

from datetime import date

import numpy as np

from knowmvg_viewer.findings import FindingsState
from knowmvg_viewer.render.annotate import annotate, annotations_for, finding_label
from model_core.box_geometry import Letterbox
from model_core.results import GroundedFinding, GroundingResult

REPORT = "FINDINGS: Left effusion. Opacity may represent atelectasis.\nIMPRESSION: Left effusion."
RESTATED = REPORT.rindex("Left effusion")
HEDGED = REPORT.index("atelectasis")


def result() -> GroundingResult:
    findings = [
        GroundedFinding(
            "Left effusion", (10, 23), box=(10.0, 10.0, 60.0, 60.0), score=0.8,
            linked_spans=[(RESTATED, RESTATED + 13)],
        ),
        GroundedFinding(
            "atelectasis", (HEDGED, HEDGED + 11), box=(100.0, 100.0, 180.0, 180.0), score=0.5,
            assertion="uncertain",
        ),
        GroundedFinding("No pneumothorax", None, negated=True),
    ]  # fmt: skip
    return GroundingResult(200, 200, REPORT, findings, Letterbox(200, 200, 64))


def test_negated_flag_and_assertion_agree():
    assert GroundedFinding("No effusion", (0, 11), negated=True).assertion == "negated"
    assert GroundedFinding("x", (0, 1), assertion="negated").negated
    assert GroundedFinding("x", (0, 1), assertion="uncertain").uncertain


def test_restatements_are_highlighted_with_their_finding_and_clickable():
    state = FindingsState()
    state.set_result(result())
    spans = [(h.index, REPORT[h.start : h.end], h.uncertain) for h in state.highlights()]
    assert spans == [
        (0, "Left effusion", False),
        (0, "Left effusion", False),
        (1, "atelectasis", True),
    ]
    assert state.finding_at(RESTATED + 3) == 0  # a click on the restatement selects it
    assert state.colour(0) == next(h.colour for h in state.highlights() if h.start == RESTATED)


def test_labels_and_export_mark_hedged_findings():
    findings = result().findings
    assert finding_label(findings[0]) == "Left effusion (0.80)"
    assert finding_label(findings[1]) == "? atelectasis (0.50)"
    annotations = annotations_for(findings)
    assert [a.uncertain for a in annotations] == [False, True]
    display = np.zeros((200, 200), np.uint8)
    rgb = annotate(display, annotations, "test-model")
    solid_edge = rgb[15:55, 10].any(axis=-1)  # left edges, clear of labels and caption
    dashed_edge = rgb[105:133, 100].any(axis=-1)
    assert solid_edge.all()  # a full line
    assert 0.3 < dashed_edge.mean() < 0.8  # dashes with gaps


def test_findings_list_and_overlay_show_the_hedge(qtbot):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QGraphicsScene

    from knowmvg_viewer.ui.findings_panel import FindingsPanel
    from knowmvg_viewer.ui.overlays import BoxOverlay

    state = FindingsState()
    state.set_result(result())
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.show_state(state)
    texts = [panel.item(row).text() for row in range(panel.count())]
    assert texts[1].startswith("? atelectasis") and "uncertain" in texts[1]
    assert panel.item(1).font().italic() and not panel.item(0).font().italic()
    scene = QGraphicsScene()
    hedged = BoxOverlay(scene, QRectF(0, 0, 10, 10), "? x", QColor("red"), uncertain=True)
    for selected in (False, True):
        hedged.set_selected(selected)
        assert hedged.rect.pen().style() == Qt.PenStyle.DotLine


def test_the_list_and_tooltip_give_the_uncertainty_as_a_share_of_the_box(qtbot):
    from knowmvg_viewer.render.annotate import uncertainty_text
    from knowmvg_viewer.study import Report
    from knowmvg_viewer.ui.findings_panel import FindingsPanel
    from knowmvg_viewer.ui.report_panel import ReportPanel

    grounded = result()
    grounded.findings[0].uncertainty = 0.123
    assert uncertainty_text(grounded.findings[0]) == "±12 %"
    assert uncertainty_text(grounded.findings[1]) == ""  # none: no spread shown, no crash
    state = FindingsState()
    state.set_result(grounded)
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.show_state(state)
    assert "(0.80)  ±12 %" in panel.item(0).text()
    assert "±" not in panel.item(1).text()
    report = ReportPanel()
    qtbot.addWidget(report)
    report.show_report(Report.from_text(REPORT))
    report.show_findings(state)
    assert "score 0.80, uncertainty ±12 %" in report._explain(0).splitlines()
    assert "score 0.50" in report._explain(1).splitlines()


def test_a_dozen_findings_get_distinct_colours_that_show_on_white():
    from knowmvg_viewer.render.palette import NEGATED_COLOUR, finding_colour

    colours = [finding_colour(i) for i in range(12)]
    assert len(set(colours)) == 12 and NEGATED_COLOUR not in colours
    assert all(min(c) < 200 for c in colours)  # no white or near-white highlight


def test_an_interpretation_sharing_a_box_is_labelled_under_it():
    observed = GroundedFinding("opacity", (0, 7), box=(10.0, 10.0, 60.0, 60.0), score=0.8)
    hedged = GroundedFinding(
        "atelectasis", (16, 27), box=observed.box, score=0.8, assertion="uncertain",
        located_by=(0, 7),
    )  # fmt: skip
    first, second = annotations_for([observed, hedged])
    assert not first.label_below and second.label_below


def test_the_caption_sits_below_the_film_and_never_covers_it():
    findings = [
        GroundedFinding(f"finding {i}", (0, 1), box=(5.0, 150.0, 60.0, 190.0), score=0.5)
        for i in range(12)
    ]
    film = np.full((200, 200), 128, np.uint8)
    rgb = annotate(film, annotations_for(findings), "test-model")
    assert rgb.shape[1] == 200 and rgb.shape[0] > 200
    lower_zone = rgb[195:200, 100:200]  # the film's last rows, beside the boxes
    assert (lower_zone == 128).all()  # untouched by the twelve-line caption


def test_a_label_near_the_right_edge_stays_on_the_film():
    edge = GroundedFinding(
        "Old healed fracture of the left seventh rib", (0, 1), box=(370.0, 100.0, 398.0, 140.0),
        score=0.7,
    )  # fmt: skip
    film = np.full((300, 400), 128, np.uint8)
    rgb = annotate(film, annotations_for([edge]), "test-model")
    label_rows = rgb[80:98]  # the plate above the box
    plate_columns = np.flatnonzero((label_rows == 0).all(axis=-1).any(axis=0))
    assert plate_columns.max() <= 399 and plate_columns.min() < 300  # whole, moved left


def test_labels_of_findings_sharing_a_place_do_not_cover_each_other():
    same_place = [
        GroundedFinding(f"finding {i}", (0, 1), box=(300.0, 400.0, 600.0, 500.0), score=0.5)
        for i in range(5)
    ]
    colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (0, 255, 255)]
    film = np.full((1000, 1000), 128, np.uint8)
    rgb = annotate(film, annotations_for(same_place, colours), "test-model")[:1000]
    # the boxes overdraw one another, so an earlier colour survives only in its own label
    for colour in colours:
        assert (rgb == colour).all(axis=-1).sum() > 20, colour


def wrong_side() -> GroundingResult:
    """A right-sided effusion boxed on the patient's left (flagged), a calibrated box below
    0.5, a score-only box at 0.3, and a negated phrase."""
    findings = [
        GroundedFinding(
            "right effusion", (0, 14), box=(140.0, 100.0, 190.0, 150.0), score=0.9,
            confidence=0.95, laterality_conflict=True,
        ),
        GroundedFinding(
            "left nodule", (20, 31), box=(120.0, 40.0, 140.0, 60.0), score=0.8, confidence=0.4
        ),
        GroundedFinding("odd smudge", (40, 50), box=(20.0, 20.0, 40.0, 40.0), score=0.3),
        GroundedFinding("No pneumothorax", (60, 75), negated=True),
    ]  # fmt: skip
    return GroundingResult(200, 200, "", findings, Letterbox(200, 200, 64))


def test_a_confidence_under_one_never_reads_certain():
    from knowmvg_viewer.render.annotate import confidence_text

    def text(**values):
        return confidence_text(GroundedFinding("x", (0, 1), box=(0, 0, 1, 1), **values))

    assert text(score=0.8, confidence=0.9990530303) == "0.99"  # the shipped top calibration
    assert text(score=0.8, confidence=0.576) == "0.58"  # the confidence, not the score
    assert text(score=0.456) == "0.46" and text(score=1.0) == "1.00"
    assert text() == ""


def test_the_export_label_and_caption_mark_a_box_on_the_wrong_side():
    from knowmvg_viewer.render.annotate import SIDE_MARKER, _caption

    findings = wrong_side().findings
    assert finding_label(findings[0]) == f"right effusion (0.95) {SIDE_MARKER}"  # calibrated
    assert SIDE_MARKER == "[SIDE?]" and SIDE_MARKER.isascii()  # Hershey fonts: ASCII only
    assert SIDE_MARKER not in finding_label(findings[1])
    annotations = annotations_for(findings)
    caption = _caption(annotations, "test-model", date(2024, 1, 2))
    assert caption[1] == f"right effusion (0.95) {SIDE_MARKER}"
    plain = annotate(np.zeros((200, 200), np.uint8), annotations_for(findings[1:]), "m")
    marked = annotate(np.zeros((200, 200), np.uint8), annotations, "m")
    assert marked.shape[0] > plain.shape[0]  # one more caption line, with the marker


def test_the_json_carries_the_flag_and_the_confidence():
    effusion, nodule, smudge, _ = (f.to_json() for f in wrong_side().findings)
    assert effusion["laterality_conflict"] is True and effusion["confidence"] == 0.95
    assert nodule["laterality_conflict"] is False and smudge["confidence"] is None


def test_boxes_below_the_confidence_threshold_are_hidden_but_listed():
    state = FindingsState()
    state.set_result(wrong_side())
    assert state.visible_boxes() == [0, 1, 2] and not any(map(state.is_hidden, range(4)))
    state.min_confidence = 0.5  # the nodule's calibrated 0.4 and the smudge's score 0.3
    assert [state.is_hidden(i) for i in range(4)] == [False, True, True, False]
    assert state.visible_boxes() == [0]
    state.show_all = False
    state.select(1)
    assert state.visible_boxes() == []
    state.min_confidence = 0.35  # calibrated confidence wins over the score: 0.4 shows
    assert state.visible_boxes() == [1] and state.is_hidden(2)
    state.min_confidence = 0.99
    state.set_result(wrong_side())  # everything hidden: the first box is still selected
    assert state.selected == 0 and state.visible_boxes() == []


def test_findings_list_marks_the_wrong_side_and_greys_hidden_boxes(qtbot):
    from PySide6.QtCore import Qt

    from knowmvg_viewer.ui.findings_panel import SIDE_MARKER, SIDE_TOOLTIP, FindingsPanel

    state = FindingsState(min_confidence=0.5)
    state.set_result(wrong_side())
    panel = FindingsPanel()
    qtbot.addWidget(panel)
    panel.show_state(state)
    items = [panel.item(row) for row in range(panel.count())]
    assert SIDE_MARKER in items[0].text() and SIDE_TOOLTIP in items[0].toolTip()
    assert "0.95" in items[0].toolTip()  # the calibrated confidence
    assert SIDE_MARKER not in items[1].text() and SIDE_TOOLTIP not in items[1].toolTip()
    assert [("(below threshold)" in item.text()) for item in items] == [False, True, True, False]
    # the number shown is the one the threshold compares: the confidence, else the score
    assert "(0.40)" in items[1].text() and "(0.30)" in items[2].text()
    assert "score 0.80" in items[1].toolTip()
    shown, hidden = items[0].foreground().color(), items[1].foreground().color()
    assert hidden.getRgb()[:3] == (130, 130, 130) and shown != hidden
    assert items[1].flags() & Qt.ItemFlag.ItemIsSelectable  # still selectable
