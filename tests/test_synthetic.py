"""The synthetic study generator: determinism, report spans, boxes, lesions, splits, exports.

Studies are drawn at 256-320 px so the whole file runs in seconds; plans (text, places) are
checked without drawing where no pixels are needed.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import replace
from functools import cache

import cv2
import numpy as np
import pydicom
import pytest

from model_core.data.synthetic import (
    DEFAULT,
    Difficulty,
    display_image,
    generate_study,
    plan_study,
    render_study,
    split_of,
    split_seeds,
    without_lesions,
    write_ms_cxr,
    write_study_folders,
)
from model_core.data.synthetic.export import CATEGORY_NAMES, MS_CXR_COLUMNS, MS_CXR_CSV
from model_core.data.synthetic.placement import FINDINGS, cardiothoracic_ratio
from model_core.text.sections import split_sections

SIZE = 256


@cache
def study(seed: int, size: int = SIZE):
    return generate_study(seed, size=size)


def first_seed(condition, limit: int = 400) -> int:
    """The first train seed whose plan satisfies `condition`."""
    for seed in range(limit):
        if condition(plan_study(seed)):
            return seed
    raise AssertionError("no seed in range satisfies the condition")


def mentioned(plan, finding: str) -> int | None:
    for index, (lesion, told) in enumerate(zip(plan.lesions, plan.mentioned, strict=True)):
        if told and lesion.finding == finding:
            return index
    return None


def findings_section(report: str) -> tuple[int, int]:
    """The FINDINGS body; a report written without sections is all findings."""
    sections = {s.kind: s for s in split_sections(report)}
    if "findings" not in sections:
        return 0, len(report)
    return sections["findings"].body_start, sections["findings"].end


# --------------------------------------------------------------------------------------
# Determinism and variety
# --------------------------------------------------------------------------------------


def test_same_seed_gives_the_same_study():
    first, second = generate_study(3, size=SIZE), generate_study(3, size=SIZE)
    assert np.array_equal(first.pixels, second.pixels)
    assert first.report == second.report
    assert first.phrases == second.phrases
    assert first.window == second.window


def test_different_seeds_give_different_studies():
    a, b = study(3), study(4)
    assert a.report != b.report
    assert a.pixels.shape != b.pixels.shape or not np.array_equal(a.pixels, b.pixels)


def test_size_sets_the_longer_side_and_full_size_is_a_real_detector():
    assert max(study(5).pixels.shape) == SIZE
    assert study(5).pixels.dtype == np.uint16 and study(5).pixels.max() <= 4095
    long_sides = {plan_study(seed).framing.long_side_px for seed in range(20)}
    assert min(long_sides) >= 1600 and max(long_sides) <= 2600 and len(long_sides) > 10


def test_both_polarities_occur_and_display_has_air_dark():
    photometrics = {plan_study(seed).exposure.photometric for seed in range(30)}
    assert photometrics == {"MONOCHROME1", "MONOCHROME2"}
    for seed in (
        first_seed(lambda p: p.exposure.photometric == "MONOCHROME1"),
        first_seed(lambda p: p.exposure.photometric == "MONOCHROME2"),
    ):
        image = display_image(study(seed))
        assert image.dtype == np.float32 and 0.0 <= image.min() and image.max() <= 1.0
        corner = image[: SIZE // 10, : SIZE // 10].mean()  # air beside the neck
        centre = image[SIZE // 2, image.shape[1] // 2 - 3 : image.shape[1] // 2 + 3].mean()
        assert corner < 0.3 < centre  # air dark, mediastinum bright


# --------------------------------------------------------------------------------------
# Reports and phrases
# --------------------------------------------------------------------------------------


def test_spans_index_the_report_exactly_inside_findings():
    for seed in range(40):
        plan = plan_study(seed)
        start, end = findings_section(plan.report.text)
        assert plan.report.phrases, seed
        for phrase in plan.report.phrases:
            assert plan.report.text[phrase.span[0] : phrase.span[1]] == phrase.text
            assert start <= phrase.span[0] < phrase.span[1] <= end, (seed, phrase)
            assert phrase.text == phrase.text.strip() and phrase.text[-1] not in ".,;"


def test_every_mentioned_lesion_has_one_phrase_and_negations_deny_absent_findings():
    for seed in range(40):
        plan = plan_study(seed)
        positives = [p for p in plan.report.phrases if not p.negated]
        told = [i for i, flag in enumerate(plan.mentioned) if flag]
        assert sorted(p.lesion for p in positives) == told
        assert 1 <= len(told) <= 4
        drawn = {lesion.finding for lesion in plan.lesions}
        for phrase in plan.report.phrases:
            if phrase.negated:
                assert phrase.lesion is None
                side_words = {"right", "left"} & set(phrase.text.split())
                assert phrase.finding not in drawn or side_words, (seed, phrase)


def test_boxes_lie_inside_the_image_and_negated_phrases_have_none():
    for seed in range(12):
        generated = study(seed)
        height, width = generated.pixels.shape
        for phrase in generated.phrases:
            if phrase.negated:
                assert phrase.boxes == ()
            else:
                assert phrase.boxes, (seed, phrase.text)
            for x0, y0, x1, y1 in phrase.boxes:
                assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height
        for lesion in generated.extra_lesions:
            assert lesion.boxes


def test_right_sided_findings_are_boxed_in_the_image_left_half():
    checked = 0
    for seed in range(30):
        plan = plan_study(seed)
        sided = [i for i, lesion in enumerate(plan.lesions) if lesion.site.sides == ("right",)]
        if not sided:
            continue
        generated = study(seed)
        boxes_of = {
            p.lesion: b
            for p, b in zip(plan.report.phrases, (q.boxes for q in generated.phrases), strict=True)
        }
        for index in sided:
            for x0, _, x1, _ in boxes_of.get(index, ()):
                assert (x0 + x1) / 2 < generated.width / 2, (seed, plan.lesions[index])
                checked += 1
    assert checked >= 5


def test_about_a_third_of_studies_carry_an_unmentioned_lesion():
    plans = [plan_study(seed) for seed in range(60)]
    share = sum(not all(plan.mentioned) for plan in plans) / len(plans)
    assert 0.15 <= share <= 0.55
    seed = first_seed(lambda p: not all(p.mentioned))
    generated = study(seed)
    assert generated.extra_lesions
    extra = generated.extra_lesions[0].boxes
    assert all(box not in phrase.boxes for phrase in generated.phrases for box in extra)


# --------------------------------------------------------------------------------------
# Lesions and anatomy
# --------------------------------------------------------------------------------------


def lesion_contrast(seed: int, difficulty=DEFAULT) -> tuple[float, float]:
    """Mean display change inside the nodule's box, and mean absolute change outside it,
    against the same film drawn without the nodule."""
    plan = replace(plan_study(seed), difficulty=difficulty)
    with_lesion = render_study(plan, 320)
    bare = render_study(without_lesions(plan, "nodule"), 320)
    phrase = next(p for p in with_lesion.phrases if p.finding == "nodule" and not p.negated)
    x0, y0, x1, y1 = phrase.boxes[0]
    difference = display_image(with_lesion) - display_image(bare)
    inside = np.zeros(difference.shape, bool)
    inside[y0:y1, x0:x1] = True
    return float(difference[inside].mean()), float(np.abs(difference[~inside]).mean())


def test_a_nodule_brightens_its_box_and_nothing_else():
    seed = first_seed(lambda p: mentioned(p, "nodule") is not None)
    inside, outside = lesion_contrast(seed)
    assert inside > 0.05  # the nodule is brighter than the same film without it
    assert inside > 10 * outside


def test_difficulty_knobs_change_what_they_say():
    seed = first_seed(lambda p: mentioned(p, "nodule") is not None)
    full, _ = lesion_contrast(seed)
    faint, _ = lesion_contrast(seed, Difficulty(contrast_scale=0.4))
    assert faint < 0.7 * full
    small = plan_study(seed, Difficulty(size_scale=0.5))
    index = mentioned(small, "nodule")
    assert small.lesions[index].size_mm < plan_study(seed).lesions[index].size_mm
    plan = plan_study(seed)
    noise = [
        render_study(replace(plan, difficulty=Difficulty(noise_scale=scale)), SIZE).pixels.astype(
            np.float32
        )
        for scale in (1.0, 3.0, 5.0)
    ]
    added = [float(np.std(image - noise[0])) for image in noise[1:]]  # 2 and 4 noise units
    assert added[0] > 1.0 and added[1] == pytest.approx(2.0 * added[0], rel=0.1)
    for bad in ({"size_scale": 0.0}, {"contrast_scale": -1.0}, {"noise_scale": float("nan")}):
        with pytest.raises(ValueError):
            Difficulty(**bad)


def test_cardiomegaly_enlarges_the_heart_past_the_usual_threshold():
    enlarged = first_seed(lambda p: mentioned(p, "cardiomegaly") is not None)
    assert cardiothoracic_ratio(plan_study(enlarged).anatomy) > 0.55
    normal = first_seed(lambda p: all(lesion.finding != "cardiomegaly" for lesion in p.lesions))
    assert cardiothoracic_ratio(plan_study(normal).anatomy) <= 0.5


# --------------------------------------------------------------------------------------
# Splits and input checks
# --------------------------------------------------------------------------------------


def test_splits_are_disjoint_and_known():
    train, val, test = (set(split_seeds(name, 2000)) for name in ("train", "val", "test"))
    assert not train & val and not train & test and not val & test
    assert split_seeds("train", 3) == [0, 1, 2]
    assert {split_of(seed) for seed in val} == {"val"}
    with pytest.raises(ValueError):
        split_seeds("dev", 10)
    with pytest.raises(ValueError):
        split_seeds("train", -1)
    with pytest.raises(ValueError):
        generate_study(-1, size=SIZE)


def test_generator_imports_neither_torch_nor_qt():
    code = (
        "import sys, model_core.data.synthetic; "
        "print(sorted(m for m in ('torch', 'PySide6') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------


def test_ms_cxr_csv_round_trips_with_the_exact_columns(tmp_path):
    seeds = [0, 1, 2]
    csv_path = write_ms_cxr(tmp_path, seeds, size=SIZE)
    assert csv_path == tmp_path / MS_CXR_CSV
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == MS_CXR_COLUMNS
        rows = list(reader)
    expected = sum(len(p.boxes) for seed in seeds for p in study(seed).phrases if not p.negated)
    assert len(rows) == expected
    for row in rows:
        generated = study(int(row["dicom_id"].split("-")[1]))
        image = cv2.imread(str(tmp_path / row["path"]), cv2.IMREAD_UNCHANGED)
        assert image.dtype == np.uint16
        assert image.shape == (int(row["image_height"]), int(row["image_width"]))
        x, y, w, h = (int(row[key]) for key in "xywh")
        assert 0 <= x and 0 <= y and w > 0 and h > 0
        assert x + w <= generated.width and y + h <= generated.height
        assert row["label_text"] in generated.report
        assert row["category_name"] in CATEGORY_NAMES.values()
        assert row["split"] == "train"
    with pytest.raises(FileExistsError):
        write_ms_cxr(tmp_path, seeds, size=SIZE)
    with pytest.raises(ValueError):  # a seed of no split has no `split` value
        write_ms_cxr(tmp_path / "other", [30_000_000], size=SIZE)
    assert not (tmp_path / "other").exists()


def test_study_folders_open_with_pydicom_and_the_viewer(tmp_path):
    from knowmvg_viewer.study import load_image, model_input, open_study

    inverse = first_seed(lambda p: p.exposure.photometric == "MONOCHROME1")
    plain = first_seed(lambda p: p.exposure.photometric == "MONOCHROME2")
    folders = write_study_folders(tmp_path / "a", [inverse, plain], size=SIZE)
    again = write_study_folders(tmp_path / "b", [inverse], size=SIZE)
    for folder, seed in zip(folders, (inverse, plain), strict=True):
        generated = study(seed)
        ds = pydicom.dcmread(folder / "image.dcm")
        assert ds.Modality == "DX"
        assert ds.PhotometricInterpretation == generated.photometric
        assert ds.PresentationLUTShape == ("INVERSE" if seed == inverse else "IDENTITY")
        assert np.array_equal(ds.pixel_array, generated.pixels)
        assert float(ds.ImagerPixelSpacing[0]) == pytest.approx(generated.pixel_spacing_mm)
        assert float(ds.WindowCenter) == pytest.approx(generated.window[0])
        opened = load_image(open_study(folder).images[0])
        assert np.array_equal(model_input(opened), display_image(generated))
        report = (folder / "report.txt").read_text(encoding="utf-8")
        truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
        assert truth["image"] == "image.dcm" and truth["report"] == "report.txt"
        for finding in truth["findings"]:
            start, end = finding["span"]
            assert report[start:end] == finding["phrase"]
            assert (finding["boxes"] == []) == finding["negated"]
    assert (
        pydicom.dcmread(again[0] / "image.dcm").SOPInstanceUID
        == pydicom.dcmread(folders[0] / "image.dcm").SOPInstanceUID
    )
    with pytest.raises(FileExistsError):
        write_study_folders(tmp_path / "a", [plain], size=SIZE)


def test_report_styles_keep_phrase_spans_exact():
    """Lower case, British spelling, abbreviations, CRLF and header-less reports: every
    phrase is still the report's own text at its span."""
    styles = set()
    for seed in range(120):
        plan = plan_study(seed)
        report = plan.report
        styles.add(report.text.count("\r\n") > 0)
        for phrase in report.phrases:
            assert report.text[phrase.span[0] : phrase.span[1]] == phrase.text
    assert styles == {True, False}


def test_style_rewrites_spelling_and_abbreviations():
    from model_core.data.synthetic._styles import ReportStyle

    british = ReportStyle("british", british=True)
    assert british.rewrite("Mild interstitial edema.") == "Mild interstitial oedema."
    short = ReportStyle("abbreviated", abbreviated=True)
    assert short.rewrite("Right lower lobe pneumothorax") == "RLL PTX"
    assert ReportStyle("crlf", crlf=True).rewrite("a\nb") == "a\r\nb"
    assert ReportStyle("lower", header_case="lower").header("FINDINGS") == "findings"
    assert british.header("IMPRESSION") == "CONCLUSION"


def test_the_generator_draws_exactly_the_findings_the_knowledge_base_marks_synthetic():
    from model_core.data.synthetic import lesions
    from model_core.knowledge import KnowledgeBase

    marked = {f.name for f in KnowledgeBase.load().findings if f.synthetic}
    assert set(FINDINGS) == marked == set(lesions.PAINTERS)


# --------------------------------------------------------------------------------------
# Laterals
# --------------------------------------------------------------------------------------

# sha256 (first 16 hex) of pixels + report + phrases + window, recorded before laterals
# existed: the default model is trained on these frontal films, and they must not move.
FRONTAL_PINS = {
    (0, 256): "95c617796e7b6fd9",
    (7, 320): "a9ddcc6128f357bb",
    (20_000_003, 256): "2b3a973a8a0d7b37",
}


@pytest.mark.parametrize(("seed", "size"), list(FRONTAL_PINS))
def test_frontal_studies_are_the_same_as_before_laterals(seed, size):
    import hashlib

    s = generate_study(seed, size=size)
    data = s.pixels.tobytes() + s.report.encode() + repr(s.phrases).encode()
    assert (
        hashlib.sha256(data + repr(s.window).encode()).hexdigest()[:16]
        == FRONTAL_PINS[(seed, size)]
    )
    assert s.view == "frontal"


def test_a_lateral_shares_its_study_but_has_no_boxes():
    frontal, lateral = study(11), generate_study(11, size=SIZE, view="lateral")
    assert lateral.view == "lateral" and lateral.phrases == () and lateral.extra_lesions == ()
    assert lateral.pixels.shape == frontal.pixels.shape and lateral.report == frontal.report
    assert lateral.photometric == frontal.photometric
    again = generate_study(11, size=SIZE, view="lateral")
    assert np.array_equal(lateral.pixels, again.pixels)
    assert not np.array_equal(lateral.pixels, frontal.pixels)
    with pytest.raises(ValueError, match="view must be one of"):
        generate_study(11, size=SIZE, view="oblique")


def test_a_lateral_has_the_spine_posterior_and_no_mirror_symmetry():
    """Anterior at the image left: the spine (posterior, right) is brighter than the
    anterior chest at mid-lung height; a frontal is brighter in its middle than either side."""
    image = display_image(generate_study(12, size=SIZE, view="lateral"))
    band = image[int(0.35 * image.shape[0]) : int(0.5 * image.shape[0])].mean(axis=0)
    width = band.size
    lung = band[int(0.35 * width) : int(0.55 * width)].mean()
    assert band[int(0.6 * width) : int(0.85 * width)].max() > lung + 0.15
    assert np.abs(image - image[:, ::-1]).mean() > 0.05


def test_a_lateral_exports_as_its_own_lateral_dicom_image(tmp_path):
    from model_core.data.synthetic.export import dicom_dataset

    frontal, lateral = (
        dicom_dataset(study(11)),
        dicom_dataset(generate_study(11, SIZE, view="lateral")),
    )
    assert (lateral.ViewPosition, list(lateral.PatientOrientation)) == ("LL", ["P", "F"])
    assert (frontal.ViewPosition, list(frontal.PatientOrientation)) == ("PA", ["L", "F"])
    assert lateral.StudyInstanceUID == frontal.StudyInstanceUID
    assert lateral.SOPInstanceUID != frontal.SOPInstanceUID
    assert lateral.SeriesInstanceUID != frontal.SeriesInstanceUID
