"""`python -m model_core.evaluate`: scores against values computed by hand, and bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest

from model_core.data.samples import GroundingSample, PhraseAnnotation
from model_core.evaluate import main, phrase_queries
from model_core.metrics import match_phrases, phrase_extraction_scores

from .conftest import REPO_ROOT

HEADER = "dicom_id,category_name,label_text,path,x,y,w,h,image_width,image_height"
# Every image is 100 x 100; (x, y, w, h) -> ground-truth xyxy in the comments.
ROWS = [
    "img1,Pleural Effusion,Left pleural effusion,files/img1.jpg,0,0,10,10,100,100",  # 0 0 10 10
    "img1,Cardiomegaly,Cardiomegaly,files/img1.jpg,10,10,20,20,100,100",  # 10 10 30 30
    "img1,Cardiomegaly,Cardiomegaly,files/img1.jpg,60,60,20,20,100,100",  # 60 60 80 80
    # 80 80 120 120 reaches outside: clipped to 80 80 100 100 (area 400)
    "img2,Lung Opacity,Right lower lobe opacity,files/img2.jpg,80,80,40,40,100,100",
    "img2,Pneumothorax,Left apical pneumothorax,files/img2.jpg,10,10,40,40,100,100",  # 10..50
    "img3,Consolidation,Left lower lobe consolidation,files/img3.jpg,0,0,40,40,100,100",
    "img3,Atelectasis,Bibasilar atelectasis,files/img3.jpg,0,50,20,20,100,100",  # 0 50 20 70
    "img3,Lung Opacity,Nodular opacity,files/img3.jpg,90,90,10,10,100,100",  # 90 90 100 100
]
PREDICTIONS = [
    # IoU exactly 0.5: intersection 10 x 10 = 100, union 100 + 200 - 100 = 200 -> counts for AP50.
    # Matched without case: "left pleural effusion" is the CSV's "Left pleural effusion".
    {"image": "img1", "phrase": "left pleural effusion", "box": [0, 0, 10, 20]},
    # Multi-box phrase: against 60 60 80 80 intersection 18 x 20 = 360, union 400 + 360 - 360
    # = 400 -> 0.9; against 10 10 30 30 -> 0. The best GT box counts: 0.9.
    {"image": "img1", "phrase": "Cardiomegaly", "box": [62, 60, 80, 80]},
    # GT outside the image, clipped to 80 80 100 100: IoU 400 / 400 = 1.0 (unclipped: 0.25).
    {"image": "img2", "phrase": "Right lower lobe opacity", "box": [80, 80, 100, 100]},
    # "Left apical pneumothorax" has no prediction: IoU 0.
    # Intersection 20 x 20 = 400, union 1600 + 1600 - 400 = 2800 -> 1/7 = 0.142857 (AP10 only).
    {"image": "img3", "phrase": "Left lower lobe consolidation", "box": [20, 20, 60, 60]},
    # Intersection 20 x 8 = 160, union 400 + 160 - 160 = 400 -> 0.4 (AP10 and AP30).
    {"image": "img3", "phrase": "Bibasilar atelectasis", "box": [0, 50, 20, 58]},
    # Prediction outside the image, clipped to 90 90 100 100: IoU 1.0 (unclipped: 100/400).
    {"image": "img3", "phrase": "Nodular opacity", "box": [90, 90, 110, 110]},
    # An unknown image and an unknown phrase of a known image: 2 unmatched predictions.
    {"image": "img9", "phrase": "Cardiomegaly", "box": [0, 0, 1, 1]},
    {"image": "img1", "phrase": "Pneumothorax", "box": [0, 0, 1, 1]},
]
# IoUs: 0.5, 0.9, 1.0, 0, 1/7, 0.4, 1.0 -> n = 7
#   AP10: 6 of 7 >= 0.1 -> 85.7143     AP30: 5 of 7 >= 0.3 (0.5, 0.9, 1, 0.4, 1) -> 71.4286
#   AP50: 4 of 7 >= 0.5 (0.5, 0.9, 1, 1) -> 57.1429
#   mIoU: (0.5 + 0.9 + 1 + 0 + 1/7 + 0.4 + 1) / 7 = 3.942857 / 7 = 0.563265 -> 56.3265
EXPECTED = {
    "n": 7,
    "AP10": 85.7143,
    "AP30": 71.4286,
    "AP50": 57.1429,
    "mIoU": 56.3265,
    "unmatched_predictions": 2,
    "duplicate_predictions": 0,
}


def write_dataset(tmp_path, rows=ROWS, predictions=PREDICTIONS, header=HEADER):
    csv_path = tmp_path / "MS_CXR_Local_Alignment_v1.0.0.csv"
    csv_path.write_text("\n".join([header, *rows]) + "\n")
    predictions_path = tmp_path / "predictions.jsonl"
    predictions_path.write_text("".join(json.dumps(p) + "\n" for p in predictions))
    return csv_path, predictions_path


def evaluate(capsys, *argv) -> tuple[int, dict | None, str]:
    status = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, json.loads(captured.out) if captured.out else None, captured.err


def test_predictions_give_the_hand_computed_scores(tmp_path, capsys):
    csv_path, predictions = write_dataset(tmp_path)  # no images: sizes come from the CSV
    out = tmp_path / "scores.json"
    argv = ["--dataset", "ms-cxr", "--root", tmp_path, "--predictions", predictions]
    status, result, err = evaluate(capsys, *argv, "--json", out)
    assert status == 0 and err == ""  # the clipped GT box is repaired, not bad input
    assert {key: result[key] for key in EXPECTED} == EXPECTED
    assert result["dataset"] == "ms-cxr" and result["protocol"] == "phrase"
    assert json.loads(out.read_text()) == result


def test_duplicates_count_once_and_bad_lines_exit_2(tmp_path, capsys, caplog):
    duplicate = {"image": "img1", "phrase": "CARDIOMEGALY", "box": [10, 10, 30, 30]}
    csv_path, predictions = write_dataset(tmp_path, predictions=[*PREDICTIONS, duplicate])
    with predictions.open("a") as handle:
        handle.write('{"image": "img1", "phrase": "x", "box": [1, 2, 3]}\n')
    status, result, _ = evaluate(
        capsys, "--dataset", "ms-cxr", "--root", csv_path, "--predictions", predictions
    )
    assert status == 2  # a line was skipped; the run went on and still reports its scores
    assert {key: result[key] for key in EXPECTED} == EXPECTED | {"duplicate_predictions": 1}
    assert [r.getMessage() for r in caplog.records if "predictions" in r.getMessage()] == [
        f"{predictions}:10: 'box' must be [x0, y0, x1, y1] numbers, got [1, 2, 3]; line skipped"
    ]


def test_a_ground_truth_box_of_negative_size_is_dropped_with_exit_2(tmp_path, capsys, caplog):
    rows = [*ROWS, "img4,Edema,Mild edema,files/img4.jpg,50,50,-10,10,100,100"]
    csv_path, predictions = write_dataset(tmp_path, rows=rows)
    status, result, _ = evaluate(
        capsys, "--dataset", "ms-cxr", "--root", csv_path, "--predictions", predictions
    )
    assert status == 2 and result["n"] == 7  # the phrase lost its only box: not scored
    assert "csv:10: box 1 of 'Mild edema' has non-positive size (w=-10, h=10)" in caplog.text


def test_missing_columns_exit_2_with_one_stderr_line(tmp_path):
    header = "dicom_id,category_name,label_text,path,x,y,image_width,image_height"
    csv_path, predictions = write_dataset(tmp_path, rows=["a,b,c,d,1,2,3,4"], header=header)
    command = [sys.executable, "-m", "model_core.evaluate", "--dataset", "ms-cxr"]
    command += ["--root", str(csv_path), "--predictions", str(predictions)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [f"{csv_path}: missing columns: w, h"]


def test_usage_errors_exit_2(tmp_path, capsys):
    csv_path, predictions = write_dataset(tmp_path)
    argv = ["--dataset", "ms-cxr", "--root", csv_path, "--predictions", predictions]
    status, result, err = evaluate(capsys, *argv, "--protocol", "end2end")
    assert (status, result) == (2, None)
    assert err == "--protocol and --device apply to --model, not to --predictions\n"
    status, _, err = evaluate(capsys, *argv, "--model", tmp_path)
    assert status == 2 and "not allowed with argument" in err
    argv = ["--dataset", "ms-cxr", "--root", tmp_path / "absent", "--predictions", predictions]
    status, _, err = evaluate(capsys, *argv)
    assert status == 2 and err == f"{tmp_path / 'absent'}: no such file or folder\n"


def test_nih_predictions_use_image_index_and_the_label(tmp_path, capsys):
    shutil.copy(REPO_ROOT / "tests/fixtures/readers/nih/BBox_List_2017.csv", tmp_path)
    predictions = tmp_path / "predictions.jsonl"
    # "00014716_007.png", Infiltrate at (400, 400, 100, 200): xyxy 400 400 500 600 -> IoU 1;
    # the 5 other phrases (6 in all: the two Effusion rows are one) have none -> 1/6 each.
    box = [400, 400, 500, 600]
    line = {"image": "00014716_007.png", "phrase": "Infiltrate", "box": box}
    predictions.write_text(json.dumps(line) + "\n")
    argv = ["--dataset", "nih", "--root", tmp_path, "--predictions", predictions]
    status, result, _ = evaluate(capsys, *argv)
    assert status == 0
    assert (result["n"], result["AP50"], result["mIoU"]) == (6, 16.6667, 16.6667)


# -- span matching and phrase extraction (end-to-end protocol) ---------------------------


def test_match_phrases_by_span_overlap():
    # overlaps: p0-t0 = 8, p1-t1 = 5; t2 overlaps nothing
    assert match_phrases([(0, 10), (12, 20), (30, 40)], [(0, 8), (15, 25), (50, 60)]) == [
        0,
        1,
        None,
    ]
    # one prediction covering two truths goes to the larger overlap (10 > 5), used once
    assert match_phrases([(0, 20)], [(0, 5), (10, 20)]) == [None, 0]
    # equal overlaps (5 each): the prediction starting nearer the truth wins
    assert match_phrases([(0, 10), (5, 15)], [(5, 10)]) == [1]
    # touching spans [0, 5) and [5, 9) do not overlap
    assert match_phrases([(0, 5)], [(5, 9)]) == [None]


def test_phrase_extraction_scores_by_hand():
    # 3 predicted, 4 true, 2 matched: P = 2/3, R = 2/4, F1 = 2PR / (P + R) = (2/3) / (7/6) = 4/7
    assert phrase_extraction_scores(3, 4, 2) == {"precision": 0.6667, "recall": 0.5, "F1": 0.5714}
    assert phrase_extraction_scores(0, 2, 0) == {"precision": 0.0, "recall": 0.0, "F1": 0.0}
    assert phrase_extraction_scores(2, 2, 2) == {"precision": 1.0, "recall": 1.0, "F1": 1.0}


def test_phrase_queries_keep_phrases_missing_from_the_report():
    image = np.zeros((4, 4), np.float32)
    located = PhraseAnnotation("left effusion", (0, 13), [(0, 0, 1, 1)])
    absent = PhraseAnnotation("basal atelectasis", None, [(1, 1, 2, 2)])
    queries = list(
        phrase_queries([GroundingSample("a", image, "left effusion.", [located, absent])])
    )
    assert [(q.report, q.phrases) for q in queries] == [
        ("left effusion.", [located]),
        ("basal atelectasis", [PhraseAnnotation("basal atelectasis", (0, 17), [(1, 1, 2, 2)])]),
    ]


# -- a model (random weights: the wiring, not the numbers) -------------------------------


@pytest.mark.parametrize("protocol", ["phrase", "end2end"])
def test_model_protocols_run_on_a_jsonl_dataset(tmp_path, capsys, model_dir, protocol):
    report = "Left basal opacity. Small right effusion."
    for name in ("a.png", "b.png"):
        cv2.imwrite(str(tmp_path / name), np.full((48, 64), 90, np.uint8))
    studies = [
        {"image": "a.png", "report": report, "phrases": [
            {"text": "Left basal opacity", "span": [0, 18], "boxes": [[30, 20, 50, 40]]},
            {"text": "atelectasis", "span": None, "boxes": [[0, 0, 10, 10]]},
        ]},
        {"image": "b.png", "report": report, "phrases": [
            {"text": "Small right effusion", "span": [20, 40], "boxes": [[2, 30, 20, 46]]},
        ]},
    ]  # fmt: skip
    (tmp_path / "test.jsonl").write_text("".join(json.dumps(s) + "\n" for s in studies))
    argv = ["--dataset", "jsonl", "--root", tmp_path, "--split", "test", "--model", model_dir]
    status, result, _ = evaluate(capsys, *argv, "--protocol", protocol, "--device", "cpu")
    assert status == 0
    assert result["protocol"] == protocol and result["model"]["trained"] is False
    # phrase given scores all 3 phrases (the one missing from the report as its own query);
    # end-to-end only those with a span
    assert result["n"] == (3 if protocol == "phrase" else 2)
    assert all(0.0 <= result[key] <= 100.0 for key in ("AP10", "AP30", "AP50", "mIoU"))
    assert ("F1" in result) == (protocol == "end2end")
