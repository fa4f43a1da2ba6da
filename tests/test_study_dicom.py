"""DICOM loading and the display pipeline, on real files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.pixels import apply_modality_lut, apply_voi_lut

from knowmvg_viewer.study import (
    DisplayRenderer,
    StudyError,
    VoiFunction,
    WindowPreset,
    load_image,
    model_input,
    voi_normalized,
)

from .conftest import pydicom_data_dir, pydicom_test_files_dir

# Files pydicom itself cannot decode; each must give a clear error, not a crash.
UNDECODABLE = {
    "JPEG-lossy.dcm": "JPEG Extended",
    "JPEG2000-embedded-sequence-delimiter.dcm": "JPEG 2000",
    "MR_truncated.dcm": "Explicit VR Little Endian",
    "badVR.dcm": "invalid DICOM header",
    "emri_small_jpeg_2k_lossless_too_short.dcm": "truncated",
}


def _all_real_files() -> list[Path]:
    files = [p for p in sorted(pydicom_data_dir().glob("*.dcm"))]
    files += [
        p
        for p in sorted(pydicom_test_files_dir().rglob("*"))
        if p.is_file() and p.suffix not in (".py", ".pyc")
    ]
    return files


@pytest.mark.parametrize("path", _all_real_files(), ids=lambda p: p.name)
def test_every_real_file_opens_or_gives_one_clear_error(path: Path) -> None:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        image = load_image(path)
    except StudyError as exc:
        assert str(path) in str(exc) and exc.reason and "\n" not in str(exc)
        if path.name in UNDECODABLE:
            assert UNDECODABLE[path.name] in exc.reason
    else:
        assert path.name not in UNDECODABLE
        display = DisplayRenderer(image).render(image.default_preset())
        assert display.dtype == np.uint8 and display.shape[:2] == (image.height, image.width)
        engine_input = model_input(image)
        assert engine_input.dtype == np.float32 and engine_input.shape == display.shape[:2]
        assert 0.0 <= float(engine_input.min()) and float(engine_input.max()) <= 1.0
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # never written


def test_enough_real_images_decode() -> None:
    decoded = 0
    for path in _all_real_files():
        try:
            load_image(path)
            decoded += 1
        except StudyError:
            pass
    assert decoded >= 60  # all pydicom-data images and most of pydicom's test files


def _lung_and_mediastinum(display: np.ndarray) -> tuple[float, float]:
    """Mean grey of the right-lung field and of the mediastinum on this film (rows 35-55%)."""
    rows = slice(int(display.shape[0] * 0.35), int(display.shape[0] * 0.55))
    width = display.shape[1]
    lung = display[rows, int(width * 0.22) : int(width * 0.32)]
    mediastinum = display[rows, int(width * 0.47) : int(width * 0.53)]
    return float(lung.mean()), float(mediastinum.mean())


@pytest.mark.parametrize("fixture", ["chest_film_raw", "chest_film_j2k"])
def test_chest_film_polarity_lungs_darker_than_mediastinum(fixture: str, request) -> None:
    image = load_image(request.getfixturevalue(fixture))
    assert image.photometric == "MONOCHROME1"
    display = DisplayRenderer(image).render(image.default_preset())
    lung, mediastinum = _lung_and_mediastinum(display)
    assert lung + 40 < mediastinum
    inverted = DisplayRenderer(image).render(image.default_preset(), invert=True)
    lung_inv, mediastinum_inv = _lung_and_mediastinum(inverted)
    assert lung_inv > mediastinum_inv + 40
    engine = model_input(image)
    assert _lung_and_mediastinum(engine * 255)[0] < _lung_and_mediastinum(engine * 255)[1]


def test_j2k_and_raw_chest_film_decode_identically(chest_film_raw, chest_film_j2k) -> None:
    assert np.array_equal(load_image(chest_film_raw).stored, load_image(chest_film_j2k).stored)


def _reference_display(path: Path) -> np.ndarray:
    """pydicom's path: modality LUT, VOI LUT, scale the data range to 8 bits, invert MONO1."""
    ds = pydicom.dcmread(path)
    values = apply_voi_lut(apply_modality_lut(ds.pixel_array, ds), ds).astype(np.float64)
    bits = ds.BitsStored
    low, high = (
        (0.0, 2.0**bits - 1)
        if ds.PixelRepresentation == 0
        else (-(2.0 ** (bits - 1)), 2.0 ** (bits - 1) - 1)
    )
    scaled = np.rint((values - low) / (high - low) * 255.0)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        scaled = 255.0 - scaled
    return scaled


def test_display_matches_pydicom_reference_within_one_grey_level(chest_film_raw) -> None:
    image = load_image(chest_film_raw)
    ours = DisplayRenderer(image).render(image.default_preset()).astype(np.int16)
    diff = np.abs(ours - _reference_display(chest_film_raw).astype(np.int16))
    assert diff.max() <= 1


def test_voi_lut_sequence_preset_matches_pydicom() -> None:
    path = pydicom_data_dir() / "vlut_04.dcm"
    ds = pydicom.dcmread(path)
    image = load_image(path)
    lut_presets = [p for p in image.presets if p.source == "voi-lut"]
    assert lut_presets, "VOI LUT Sequence not exposed as a preset"
    expected = apply_voi_lut(ds.pixel_array, ds, prefer_lut=True).astype(np.float64)
    bits = int(ds.VOILUTSequence[0].LUTDescriptor[2])
    ours = voi_normalized(image.modality_values(), lut_presets[0]) * (2**bits - 1)
    assert np.allclose(ours, expected, atol=0.5)


def test_modality_lut_sequence_is_applied() -> None:
    path = pydicom_data_dir() / "mlut_18.dcm"
    ds = pydicom.dcmread(path)
    image = load_image(path)
    assert np.array_equal(image.modality_values(), apply_modality_lut(ds.pixel_array, ds))


@pytest.mark.parametrize(
    ("function", "value", "expected"),
    [
        (VoiFunction.LINEAR, 100.0, 0.5),  # ((100 - 99.5) / 199 + 0.5)
        (VoiFunction.LINEAR, 0.0, 0.0),
        (VoiFunction.LINEAR, 200.5, 1.0),
        (VoiFunction.LINEAR_EXACT, 0.0, 0.0),
        (VoiFunction.LINEAR_EXACT, 150.0, 0.75),
        (VoiFunction.SIGMOID, 100.0, 0.5),
        (VoiFunction.SIGMOID, 150.0, 1.0 / (1.0 + np.exp(-1.0))),
    ],
)
def test_voi_functions_follow_the_standard(function, value, expected) -> None:
    preset = WindowPreset("w", center=100.0, width=200.0, function=function)
    got = float(voi_normalized(np.array([value]), preset)[0])
    assert got == pytest.approx(expected, abs=3e-3)


def test_multiframe_frame_is_selectable() -> None:
    path = pydicom_data_dir() / "SC_rgb_2frame.dcm"
    first, second = load_image(path, frame=0), load_image(path, frame=1)
    assert first.n_frames == 2 and second.frame_index == 1
    assert first.is_color and not np.array_equal(first.stored, second.stored)
    with pytest.raises(StudyError, match="frame 2 out of range"):
        load_image(path, frame=2)


def test_ybr_is_converted_to_rgb() -> None:
    image = load_image(pydicom_data_dir() / "SC_ybr_full_uncompressed.dcm")
    assert image.photometric == "RGB" and image.stored.shape[-1] == 3
    # the reference image has a pure red band at the top
    r, g, b = (int(c) for c in image.stored[5, 5])
    assert r > 200 and g < 60 and b < 60


def test_imager_pixel_spacing_is_marked_detector(tmp_path) -> None:
    ds = pydicom.dcmread(pydicom_test_files_dir() / "CT_small.dcm")
    del ds.PixelSpacing
    ds.ImagerPixelSpacing = [0.2, 0.25]
    path = tmp_path / "detector.dcm"
    ds.save_as(path)
    image = load_image(path)
    assert image.spacing is not None and image.spacing.kind == "detector"
    assert (image.spacing.row_mm, image.spacing.col_mm) == (0.2, 0.25)
    assert "detector" in image.spacing_text()


def test_zero_pixel_spacing_is_unknown(chest_film_raw) -> None:
    assert load_image(chest_film_raw).spacing is None  # RG1 carries PixelSpacing 0\\0


def test_truncated_file_gives_a_clear_error(tmp_path, chest_film_raw) -> None:
    path = tmp_path / "truncated.dcm"
    path.write_bytes(chest_film_raw.read_bytes()[:200_000])
    with pytest.raises(StudyError) as info:
        load_image(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notes.dcm", b"hello, not dicom" * 20, "not a DICOM file"),
        ("scan.png", b"\x89PNG broken", "not a readable PNG"),
        ("movie.mp4", b"\x00" * 64, "unsupported file type"),
        ("empty.jpg", b"", "not a readable JPG"),
    ],
)
def test_bad_files_give_one_clear_reason(tmp_path, name, content, reason) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(StudyError, match=reason):
        load_image(path)


def test_sixteen_bit_png_keeps_its_depth(tmp_path) -> None:
    import cv2

    pixels = (np.arange(64 * 48, dtype=np.uint32).reshape(48, 64) * 20).astype(np.uint16)
    path = tmp_path / "grey16.png"
    cv2.imwrite(str(path), pixels)
    image = load_image(path)
    assert image.stored.dtype == np.uint16 and np.array_equal(image.stored, pixels)
    assert image.bits_stored == 16


def test_demo_monochrome1_with_inverse_shape_is_inverted_once(demo_study) -> None:
    """DX files pair MONOCHROME1 with an INVERSE Presentation LUT Shape: one inversion."""
    folder = demo_study.parent / "chest-pa-002"
    truth = json.loads((folder / "ground_truth.json").read_text())
    image = load_image(folder / "image-pa.dcm")
    assert image.photometric == "MONOCHROME1" and image.presentation_inverse
    display = DisplayRenderer(image).render(image.default_preset())
    assert image.default_preset().source == "voi-lut"
    height, width = display.shape
    # right lung field (image left), clear of the annotated mass, versus the spine column
    lung = display[int(height * 0.45) : int(height * 0.6), int(width * 0.2) : int(width * 0.3)]
    spine = display[int(height * 0.45) : int(height * 0.6), int(width * 0.48) : int(width * 0.52)]
    assert float(lung.mean()) + 40 < float(spine.mean()), truth["image"]


def test_study_folder_orders_images_by_series_and_reads_sr_report(demo_study) -> None:
    from knowmvg_viewer.study import open_study

    study = open_study(demo_study.parent / "chest-pa-002")
    assert [p.name for p in study.images] == ["image-pa.dcm", "image-pa-repeat.dcm"]
    assert study.report is not None and study.report.source.endswith("report-sr.dcm")


def test_display_name_says_what_the_image_is(demo_study, tmp_path):
    repeat = load_image(demo_study.parent / "chest-pa-002" / "image-pa-repeat.dcm")
    assert repeat.display_name == "PA REPEAT LOW DOSE"  # its series description
    ds = pydicom.dcmread(demo_study / "image.dcm")
    del ds.SeriesDescription
    ds.save_as(tmp_path / "1.2.3.4.dcm")
    assert load_image(tmp_path / "1.2.3.4.dcm").display_name == "DX PA"  # modality and view
    del ds.ViewPosition
    ds.save_as(tmp_path / "1.2.3.5.dcm")
    assert load_image(tmp_path / "1.2.3.5.dcm").display_name == "1.2.3.5.dcm"


def test_study_folder_lists_the_frontal_film_before_the_lateral(demo_study, tmp_path):
    """A PA + lateral study whose lateral was taken (and numbered) first: the frontal film
    opens first, the lateral follows for reference; untagged images sit between."""
    ds = pydicom.dcmread(demo_study / "image.dcm")
    for name, series, view, description in (
        ("a-lateral.dcm", 1, "LL", "LATERAL"),
        ("b-untagged.dcm", 1, None, None),
        ("c-pa.dcm", 3, "PA", "PA"),
        ("d-ap.dcm", 2, "", "AP PORTABLE"),
    ):
        ds.SeriesNumber = series
        for key, value in (("ViewPosition", view), ("SeriesDescription", description)):
            if value is not None:
                setattr(ds, key, value)
            elif key in ds:
                delattr(ds, key)
        if view is None:
            del ds.PatientOrientation
        ds.save_as(tmp_path / name)
    from knowmvg_viewer.study import open_study

    study = open_study(tmp_path)
    assert [p.name for p in study.images] == [
        "d-ap.dcm",
        "c-pa.dcm",
        "b-untagged.dcm",
        "a-lateral.dcm",
    ]
