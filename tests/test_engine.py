"""GroundingEngine and `knowmvg ground` on a small random checkpoint: API invariants."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from knowmvg_viewer.cli import main as cli_main
from model_core.engine import MAX_EXTRACT_CHARS, GroundingEngine, pick_device

from .conftest import ENGINE_TEST_REPORT as REPORT


@pytest.fixture(scope="module")
def engine(model_dir):
    return GroundingEngine.load(model_dir, device="cpu", threads=1)


def image(height=300, width=240):
    return np.random.default_rng(0).uniform(0, 1, (height, width)).astype(np.float32)


def test_ground_spans_index_the_report_and_boxes_lie_in_the_image(engine):
    result = engine.ground(image(), REPORT)
    assert (result.width, result.height) == (240, 300)
    assert result.lm_forward_passes >= 1
    for finding in result.findings:
        start, end = finding.span
        assert REPORT[start:end] == finding.phrase
        if finding.negated:
            assert finding.box is None and finding.heatmap is None
        else:
            x0, y0, x1, y1 = finding.box
            assert 0 <= x0 <= x1 <= 240 and 0 <= y0 <= y1 <= 300
            assert 0.0 <= finding.score <= 1.0 and finding.uncertainty >= 0
            assert len(finding.priors) == engine.config.top_k
            heat = result.heatmap_in_image(finding)
            assert heat.shape == (300, 240) and 0 <= heat.min() and heat.max() <= 1
    negated = {f.phrase for f in result.findings if f.negated}
    assert "No pneumothorax" in negated and "Heart size is normal" in negated


def test_ground_is_deterministic(engine):
    a = engine.ground(image(), REPORT).to_json()
    b = engine.ground(image(), REPORT).to_json()
    a.pop("timing_ms"), b.pop("timing_ms")
    assert a == b


def test_query_mode_grounds_each_phrase_in_one_pass(engine):
    result = engine.ground_phrase(image(), REPORT, ["right lower lobe", "cardiac apex"])
    assert result.lm_forward_passes == 1
    assert [f.source for f in result.findings] == ["query", "query"]
    found, free = result.findings
    assert REPORT[found.span[0] : found.span[1]].lower() == "right lower lobe"
    assert free.span is None and free.box is not None


@pytest.mark.parametrize(("height", "width"), [(37, 500), (900, 64), (128, 128)])
def test_any_image_size_and_aspect(engine, height, width):
    result = engine.ground_phrase(image(height, width), REPORT, "left pleural effusion")
    x0, y0, x1, y1 = result.findings[0].box
    assert 0 <= x0 <= x1 <= width and 0 <= y0 <= y1 <= height


def test_empty_report_gives_no_findings(engine):
    for text in ("", "   \n"):
        assert engine.ground(image(), text).findings == []


def test_report_phrases_carry_finding_assertion_category_and_restatements(engine):
    result = engine.ground(image(), REPORT)
    by_phrase = {f.phrase: f for f in result.findings}
    effusion = by_phrase["small left pleural effusion"]
    assert (effusion.finding, effusion.assertion, effusion.category) == (
        "effusion",
        "positive",
        "pleura",
    )
    assert [REPORT[s:e] for s, e in effusion.linked_spans] == ["Left effusion"]
    assert by_phrase["No pneumothorax"].assertion == "negated"
    hedged = engine.ground(image(), "Left basilar opacity may represent atelectasis.")
    assert [(f.finding, f.assertion, f.box is not None) for f in hedged.findings] == [
        ("opacity", "positive", True),
        ("atelectasis", "uncertain", True),
    ]


@pytest.mark.parametrize(
    "report",
    [
        "INDICATION: Known primary malignancy. ? metastatic nodules.",
        "The lungs are clear.",
        " ".join(f"{n} mm nodule in the right upper lobe." for n in range(100)),
        ("Stable small left pleural effusion. " * 30000)[: 1024 * 1024],
    ],
    ids=["indication only", "no findings", "100 findings", "1 MB"],
)
def test_bad_reports_give_results(engine, report):
    result = engine.ground(image(), report)
    grounded = [f for f in result.findings if f.box is not None]
    assert all(f.finding != "mass" for f in grounded)
    if report.startswith(("INDICATION", "The lungs")):
        assert grounded == []
    else:  # at most max_phrases per LM pass, however many findings the report names
        assert len(grounded) == report[:MAX_EXTRACT_CHARS].count(".")
        size = engine.config.max_phrases
        assert result.lm_forward_passes == -(-len(grounded) // size)


def test_long_report_is_truncated_with_a_warning(engine, caplog):
    long_report = REPORT + " Stable appearance of the chest." * 200
    result = engine.ground(image(), long_report)
    assert result.report_truncated and "only the first 480 are read" in caplog.text


def test_bad_image_is_a_value_error(engine):
    with pytest.raises(ValueError, match="expected a 2-D"):
        engine.ground(np.zeros((4, 4, 3), np.float32), REPORT)


def test_bad_model_directories(model_dir, tmp_path):
    with pytest.raises(ValueError, match="model directory not found"):
        GroundingEngine.load(tmp_path / "missing")
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in ("config.json", "model.safetensors"):
        (broken / name).write_bytes((model_dir / name).read_bytes())
    with pytest.raises(ValueError, match="no tokenizer"):
        GroundingEngine.load(broken)
    with pytest.raises(ValueError, match="unknown device"):
        pick_device("tpu")


def test_cli_ground_writes_json_and_native_size_png(model_dir, demo_study, tmp_path, capsys):
    out_json, out_png = tmp_path / "r.json", tmp_path / "r.png"
    code = cli_main(
        [
            "ground",
            str(demo_study),
            "--model",
            str(model_dir),
            "--device",
            "cpu",
            "--json",
            str(out_json),
            "--png",
            str(out_png),
        ]
    )
    assert code == 0
    assert "untrained checkpoint" in capsys.readouterr().err
    document = json.loads(out_json.read_text())
    assert document["model"]["trained"] is False
    (study,) = document["results"]
    assert set(study) == {
        "image", "width", "height", "report", "findings", "timing_ms", "error", "view", "skipped",
        "report_truncated",
    }  # fmt: skip
    assert study["error"] is None and study["image"].endswith("image.dcm")
    for finding in study["findings"]:
        assert set(finding) >= {
            "phrase",
            "span",
            "negated",
            "box",
            "score",
            "uncertainty",
            "priors",
            "source",
            "finding",
            "assertion",
            "category",
            "confidence",
            "laterality_conflict",
        }
        assert study["report"][finding["span"][0] : finding["span"][1]] == finding["phrase"]
        assert finding["assertion"] in ("positive", "negated", "uncertain")
        assert finding["negated"] == (finding["assertion"] == "negated")
    png = cv2.imread(str(out_png))  # the film at native size, the caption in a margin below
    assert png.shape[1] == study["width"] and png.shape[0] > study["height"]


def test_cli_ground_batch_goes_on_after_bad_input(model_dir, demo_study, tmp_path, capsys):
    bad = tmp_path / "bad.dcm"
    bad.write_bytes(b"nope")
    code = cli_main(
        [
            "ground",
            str(bad),
            str(demo_study),
            "--model",
            str(model_dir),
            "--phrase",
            "left pleural effusion",
            "--json",
            "-",
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    document = json.loads(captured.out)
    assert document["results"][0]["error"] and document["results"][1]["error"] is None
    assert document["results"][1]["findings"][0]["source"] == "query"
    assert f"{bad}:" in captured.err


def test_findings_past_the_lm_window_are_still_grounded(engine):
    tail = " The heart is enlarged."
    long_report = REPORT + " Stable appearance of the chest." * 200 + tail
    result = engine.ground(image(), long_report)
    assert result.report_truncated
    heart = [f for f in result.findings if f.finding == "cardiomegaly"]
    assert heart and heart[-1].box is not None
    start, end = heart[-1].span
    assert long_report[start:end] == "heart is enlarged" and start > len(long_report) - 30


def test_an_interpretation_shares_the_box_of_what_it_interprets(engine):
    report = "Right basilar opacity, likely atelectasis. Left pleural effusion."
    opacity, atelectasis, effusion = engine.ground(image(), report).findings
    assert atelectasis.assertion == "uncertain"
    assert atelectasis.located_by == opacity.span and atelectasis.box == opacity.box
    assert effusion.located_by is None and effusion.box != opacity.box


def test_a_selected_occurrence_is_grounded_not_the_first(engine):
    report = "Opacity in the right upper lobe. Opacity at the left base."
    second = report.rindex("Opacity at the left base")
    span = (second, second + len("Opacity"))
    (selected,) = engine.ground_phrase(image(), report, [("Opacity", span)]).findings
    (first,) = engine.ground_phrase(image(), report, "Opacity").findings
    assert selected.span == span and first.span == (0, 7)
    stale = engine.ground_phrase(image(), report, [("Opacity", (3, 10))]).findings
    assert stale[0].span == (0, 7)  # a span that no longer holds the text: found again
