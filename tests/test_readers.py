"""Dataset readers on small files laid out like the real ones (header quirks included)."""

from __future__ import annotations

import io
import json
import logging
import os
import pickle
import shutil
from pathlib import Path

import cv2
import numpy as np
import pydicom
import pytest
import torch
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from model_core.data.readers import (
    DatasetError,
    ImageReadError,
    JsonlReader,
    MsCxrReader,
    ProblemLog,
    UMedGroundReader,
    load_grayscale,
    load_restricted,
    open_dataset,
)
from model_core.data.readers.restricted_pickle import restricted_loads

from .conftest import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "readers"
CXR_1 = "c2b8f7d4-2a1e3f5b-9c0d1e2f-3a4b5c6d-7e8f9a0b"
CXR_2 = "5e6f7a8b-1c2d3e4f-5a6b7c8d-9e0f1a2b-3c4d5e6f"
CXR_3 = "9a0b1c2d-3e4f5a6b-7c8d9e0f-1a2b3c4d-5e6f7a8b"


def write_image(path: Path, width: int = 64, height: int = 48, dtype=np.uint8) -> np.ndarray:
    """A left-to-right ramp, so the loaded pixels can be checked."""
    top = np.iinfo(dtype).max if dtype == np.uint8 else 4095  # 16-bit files hold 12-bit data
    ramp = np.linspace(0, top, width).round().astype(dtype)
    pixels = np.tile(ramp, (height, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), pixels)
    return pixels


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def by_text(samples) -> dict:
    return {s.phrases[0].text: s for s in samples}


# -- MS-CXR ------------------------------------------------------------------------------


@pytest.fixture
def ms_cxr_root(tmp_path) -> Path:
    root = tmp_path / "ms-cxr"
    shutil.copytree(FIXTURES / "ms_cxr", root)
    base = "files/p10/p10000032/s50414267"
    write_image(root / f"{base}/{CXR_1}.jpg")
    write_image(root / f"files/p11/p11000011/s51000011/{CXR_2}.png", dtype=np.uint16)
    return root  # CXR_3's image is missing on purpose


def test_ms_cxr_groups_rows_into_phrases_and_loads_images(ms_cxr_root, caplog):
    reader = open_dataset("ms-cxr", ms_cxr_root)
    samples = by_text(reader.samples())
    assert sorted(samples) == [
        "Cardiomegaly",
        "Patchy right basilar opacity",
        "Small bilateral pleural effusions",
    ]
    effusion = samples["Small bilateral pleural effusions"]
    assert effusion.image_id == CXR_1
    assert effusion.report == "Small bilateral pleural effusions"
    phrase = effusion.phrases[0]
    assert phrase.span == (0, len(phrase.text))
    assert phrase.finding == "effusion"
    # two rows, one phrase with two boxes; (x, y, w, h) -> (x, y, x + w, y + h)
    assert phrase.boxes == [(2.0, 30.0, 14.0, 44.0), (50.0, 32.0, 62.0, 44.0)]
    assert samples["Cardiomegaly"].image is effusion.image  # one image, read once
    image = effusion.image
    assert image.dtype == np.float32 and image.shape == (48, 64)
    assert 0.0 <= image.min() < 0.05 and 0.95 < image.max() <= 1.0
    assert image[0, 0] < image[0, -1]  # the ramp keeps its direction: air stays dark


SITE_REPORT = "FINDINGS: Small rt effn. Patchy LLZ opac.\nIMPRESSION: Small rt effn."


def _site_csv(root: Path, rows: list[tuple]) -> Path:
    """Our site dataset's extra columns: each row (label_text, report, start, end, x)."""
    header = "dicom_id,category_name,label_text,path,x,y,w,h,image_width,image_height,"
    lines = [header + "report_text,span_start,span_end"]
    for text, report, start, end, x in rows:
        quoted = report.replace('"', '""')
        lines.append(f'{CXR_1},,{text},a.png,{x},4,6,6,64,48,"{quoted}",{start},{end}')
    csv_path = root / "MS_CXR_Local_Alignment_site.csv"
    csv_path.write_text("\n".join(lines) + "\n")
    write_image(root / "a.png")
    return csv_path


def test_site_rows_with_their_report_are_one_sample_with_spans(tmp_path, caplog):
    first, second = SITE_REPORT.index("Small rt effn"), SITE_REPORT.index("Patchy LLZ opac")
    restated = SITE_REPORT.rindex("Small rt effn")
    _site_csv(
        tmp_path,
        [
            ("Patchy LLZ opac", SITE_REPORT, second, second + 15, 40),
            ("Small rt effn", SITE_REPORT, first, first + 13, 2),
            ("Small rt effn", SITE_REPORT, first, first + 13, 10),  # a second box
            ("Small rt effn", SITE_REPORT, restated, restated + 13, 20),  # the impression's
            ("Small rt effn", SITE_REPORT, 0, 9, 30),  # a span that is not the phrase
            ("Patchy LLZ opac", "", "", "", 50),  # no report: its own
        ],
    )
    reader = open_dataset("ms-cxr", tmp_path)
    samples = list(reader.samples())
    in_report = [s for s in samples if s.report == SITE_REPORT]
    assert len(in_report) == 1 and len(samples) == 3  # and two phrases as their own reports
    phrases = in_report[0].phrases
    assert [p.span for p in phrases] == [
        (first, first + 13),
        (second, second + 15),
        (restated, restated + 13),
    ]
    assert all(SITE_REPORT[p.span[0] : p.span[1]] == p.text for p in phrases)
    assert [len(p.boxes) for p in phrases] == [2, 1, 1]
    assert sorted(s.report for s in samples if s.report != SITE_REPORT) == [
        "Patchy LLZ opac",
        "Small rt effn",
    ]
    assert [p.reason for p in reader.problems.problems] == [
        "report_text at the span is not label_text; the phrase is its own report"
    ]


def test_ms_cxr_reports_each_problem_once_and_goes_on(ms_cxr_root, caplog):
    reader = open_dataset("ms-cxr", ms_cxr_root)
    samples = by_text(reader.samples())
    opacity = samples["Patchy right basilar opacity"]
    assert opacity.phrases[0].finding == "opacity"
    # (50, 40, 20, 20) reaches past the 64 x 48 image: clipped
    assert opacity.phrases[0].boxes == [(50.0, 40.0, 64.0, 48.0)]
    # a 16-bit PNG is stretched over its own range
    assert opacity.image.min() == 0.0 and opacity.image.max() == 1.0
    lines = warnings_of(caplog)
    csv_name = "MS_CXR_Local_Alignment_v1.1.0.csv"
    expected = [
        f"{csv_name}:8: bad number",  # x = "ten"
        f"{csv_name}:5: box 1 of 'Patchy right basilar opacity' reaches outside the 64x48",
        f"{csv_name}:6: box 1 of 'Bibasilar atelectasis' has non-positive size (w=-5, h=10)",
        f"{csv_name}:6: phrase 'Bibasilar atelectasis' has no usable box",
        f"{CXR_3}.jpg: missing image; sample skipped",
    ]
    assert len(lines) == len(expected)
    for line, fragment in zip(lines, expected, strict=True):
        assert fragment in line
    assert reader.problems.n_dropped == 4  # the clipped box is repaired, not dropped


def test_ms_cxr_annotations_need_no_images(ms_cxr_root):
    for path in ms_cxr_root.rglob("*.jpg"):
        path.unlink()
    annotations = list(open_dataset("ms-cxr", ms_cxr_root).annotations())
    assert [a.image_id for a in annotations] == [CXR_1, CXR_1, CXR_2, CXR_3]
    assert all(a.size == (64, 48) for a in annotations)


def test_ms_cxr_split_filter(ms_cxr_root):
    annotations = list(open_dataset("ms-cxr", ms_cxr_root, split="test").annotations())
    assert [a.report for a in annotations] == [
        "Patchy right basilar opacity",
        "Right apical pneumothorax",
    ]
    with pytest.raises(DatasetError, match=r"no rows in split 'tset' \(splits: test, train, val"):
        list(open_dataset("ms-cxr", ms_cxr_root, split="tset").annotations())


def test_ms_cxr_missing_columns_name_the_file_and_the_columns(tmp_path):
    csv_path = tmp_path / "MS_CXR_Local_Alignment_v1.0.0.csv"
    csv_path.write_text("dicom_id,category_name,label_text,path,x,y,image_width\nd,c,t,p,1,2,3\n")
    with pytest.raises(DatasetError) as error:
        list(MsCxrReader.from_root(tmp_path, None, ProblemLog()).annotations())
    assert str(error.value) == f"{csv_path}: missing columns: w, h, image_height"
    shutil.copy(FIXTURES / "ms_cxr" / "MS_CXR_Local_Alignment_v1.1.0.csv", csv_path)
    without_split = "\n".join(line.rsplit(",", 1)[0] for line in csv_path.read_text().splitlines())
    csv_path.write_text(without_split + "\n")
    assert len(list(MsCxrReader(csv_path, tmp_path).annotations())) == 4
    with pytest.raises(DatasetError, match="csv: missing columns: split$"):
        list(MsCxrReader(csv_path, tmp_path, split="test").annotations())


def test_ms_cxr_boxes_follow_an_image_of_another_size(ms_cxr_root):
    write_image(ms_cxr_root / f"files/p10/p10000032/s50414267/{CXR_1}.jpg", 32, 24)
    samples = by_text(open_dataset("ms-cxr", ms_cxr_root).samples())
    assert samples["Cardiomegaly"].image.shape == (24, 32)
    assert samples["Cardiomegaly"].phrases[0].boxes == [(10.0, 9.0, 22.0, 19.0)]  # halved


def test_ms_cxr_root_folder_needs_one_csv(tmp_path):
    with pytest.raises(DatasetError, match="found none"):
        open_dataset("ms-cxr", tmp_path)
    with pytest.raises(DatasetError, match="no such file or folder"):
        open_dataset("ms-cxr", tmp_path / "absent")


# -- images ------------------------------------------------------------------------------


def write_dicom(path: Path, stored: np.ndarray, photometric: str, **elements) -> None:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.1"  # digital X-ray
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    dataset = pydicom.Dataset()
    dataset.file_meta = meta
    dataset.SOPClassUID = meta.MediaStorageSOPClassUID
    dataset.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    dataset.Modality = "DX"
    dataset.Rows, dataset.Columns = stored.shape
    dataset.SamplesPerPixel = 1
    dataset.PhotometricInterpretation = photometric
    dataset.BitsAllocated, dataset.BitsStored, dataset.HighBit = 16, 12, 11
    dataset.PixelRepresentation = 0
    for keyword, value in elements.items():
        setattr(dataset, keyword, value)
    dataset.PixelData = stored.astype(np.uint16).tobytes()
    dataset.save_as(path, enforce_file_format=True)


def test_dicom_monochrome1_is_inverted_so_air_is_dark(tmp_path):
    stored = np.zeros((8, 10), np.uint16)
    stored[:, 5:] = 4000  # MONOCHROME1: high values display dark (air)
    write_dicom(tmp_path / "film", stored, "MONOCHROME1")  # no suffix: found by its magic
    pixels = load_grayscale(tmp_path / "film")
    assert pixels.shape == (8, 10) and pixels.dtype == np.float32
    assert np.all(pixels[:, :5] == 1.0) and np.all(pixels[:, 5:] == 0.0)


def test_dicom_window_is_applied(tmp_path):
    stored = np.tile(np.arange(0, 4000, 400, dtype=np.uint16), (4, 1))  # 0 .. 3600
    path = tmp_path / "window.dcm"
    write_dicom(path, stored, "MONOCHROME2", WindowCenter=1000, WindowWidth=1000)
    pixels = load_grayscale(path)
    assert pixels[0, 0] == 0.0 and pixels[0, -1] == 1.0  # outside the window: clipped
    assert 0.0 < pixels[0, 2] < 1.0  # 800 lies inside [500, 1500]
    assert pixels[0, 4] == 1.0  # 1600 is above it


def test_unreadable_images_are_image_read_errors(tmp_path):
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(ImageReadError, match="unreadable image"):
        load_grayscale(tmp_path / "broken.png")
    with pytest.raises(ImageReadError, match="missing image"):
        load_grayscale(tmp_path / "absent.png")


# -- NIH ChestX-ray8 ---------------------------------------------------------------------


@pytest.fixture
def nih_root(tmp_path) -> Path:
    root = tmp_path / "nih"
    root.mkdir()
    shutil.copy(FIXTURES / "nih" / "BBox_List_2017.csv", root)
    shutil.copy(FIXTURES / "nih" / "test_list.txt", root)
    for name in ("00013118_008.png", "00014716_007.png", "00030323_001.png", "00030800_000.png"):
        write_image(root / "images" / name, 128, 128)
    return root  # 00029817_009.png is missing on purpose


def test_nih_header_quirk_and_png_frame(nih_root, caplog):
    reader = open_dataset("nih", nih_root)
    annotations = list(reader.annotations())
    assert [(a.image_id, a.report) for a in annotations] == [
        ("00013118_008.png", "atelectasis"),
        ("00013118_008.png", "effusion"),
        ("00014716_007.png", "infiltrate"),
        ("00029817_009.png", "cardiomegaly"),
        ("00030323_001.png", "mass"),
        ("00030800_000.png", "nodule"),
    ]
    assert all(a.size == (1024, 1024) for a in annotations)
    effusion, infiltrate, mass = annotations[1].phrases[0], annotations[2], annotations[4]
    assert effusion.boxes == [(0.0, 600.0, 200.0, 700.0), (824.0, 600.0, 1024.0, 700.0)]
    assert infiltrate.phrases[0].text == "infiltrate"
    assert infiltrate.phrases[0].finding == "opacity"
    assert mass.phrases[0].boxes == [(1000.0, 1000.0, 1024.0, 1024.0)]  # clipped
    assert reader.problems.n_dropped == 0


def test_nih_samples_rescale_to_the_png_on_disk(nih_root, caplog):
    reader = open_dataset("nih", nih_root)
    samples = list(reader.samples())
    assert len(samples) == 5  # the cardiomegaly image is missing
    assert samples[0].image.shape == (128, 128)
    assert samples[0].phrases[0].boxes == [(32.0, 64.0, 48.0, 72.0)]  # 1024 -> 128: / 8
    missing = [line for line in warnings_of(caplog) if "missing image" in line]
    assert len(missing) == 1
    assert missing[0].endswith("images/00029817_009.png: missing image; sample skipped")


def test_nih_data_entry_gives_original_pixels(nih_root):
    shutil.copy(FIXTURES / "nih" / "Data_Entry_2017.csv", nih_root)
    reader = open_dataset("nih", nih_root)
    annotations = {a.image_id + " " + a.report: a for a in reader.annotations()}
    atelectasis = annotations["00013118_008.png atelectasis"]
    assert atelectasis.size == (2048, 2500)
    # (256, 512, 128, 64) on the 1024 PNG -> x * 2048 / 1024, y * 2500 / 1024
    assert atelectasis.phrases[0].boxes == [(512.0, 1250.0, 768.0, 1406.25)]
    mass = annotations["00030323_001.png mass"]  # 3056 x 2544, reaching past the corner
    assert mass.phrases[0].boxes == [(2984.375, 2484.375, 3056.0, 2544.0)]
    assert "00030800_000.png nodule" not in annotations  # not listed in Data_Entry
    assert reader.problems.n_dropped == 1
    assert "00030800_000.png is not in" in str(reader.problems.problems[-1])


def test_nih_split_list(nih_root):
    annotations = list(open_dataset("nih", nih_root, split="test").annotations())
    assert {a.image_id for a in annotations} == {
        "00013118_008.png",
        "00014716_007.png",
        "00029817_009.png",
    }
    with pytest.raises(DatasetError, match="train_val_list.txt: no such file"):
        open_dataset("nih", nih_root, split="train_val")


def test_nih_bad_headers_and_rows(tmp_path, caplog):
    bad_header = tmp_path / "BBox_List_2017.csv"
    bad_header.write_text("Image Index,Label,x,y,w,h\na.png,Mass,1,2,3,4\n")
    with pytest.raises(DatasetError, match="missing columns: Finding Label, Bbox"):
        list(open_dataset("nih", bad_header).annotations())
    bad_header.write_text(
        "Image Index,Finding Label,Bbox [x,y,w,h],,,\na.png,Mass,1,2,3\nb.png,Mass,1,2,3,4,,,\n"
    )
    annotations = list(open_dataset("nih", bad_header).annotations())
    assert [a.image_id for a in annotations] == ["b.png"]
    assert "BBox_List_2017.csv:2: expected image, label, x, y, w, h" in warnings_of(caplog)[0]
    entry = tmp_path / "Data_Entry_2017.csv"
    entry.write_text("Image Index,Finding Labels,Follow-up #\n")
    with pytest.raises(DatasetError, match=r"missing columns: Image Index, OriginalImage"):
        list(open_dataset("nih", tmp_path).annotations())


# -- uMedGround / MedRPG -----------------------------------------------------------------


def umedground_split() -> dict:
    return {
        "image_paths": ["files/a.jpg", "files/b.png", "files/missing.jpg", "files/a.jpg"],
        "all_reports": [
            ["Heart size is normal.", "There is a Left lower lobe opacity."],
            "Small right effusion. Mild edema.",
            "Nothing.",
            "Report.",
        ],
        "phrases": [
            "left lower lobe opacity",
            ["small right effusion", "basal atelectasis"],
            "x",
            ["one", "two"],
        ],
        "bboxes": [
            np.array([100, 200, 300, 160], dtype=np.int64),
            [[0, 0, 64, 64], [320, 320, 320, 320]],
            [1, 2, 3, 4],
            [[1, 2, 3, 4]],
        ],
    }


@pytest.fixture
def umed_root(tmp_path) -> Path:
    root = tmp_path / "umed"
    write_image(root / "files" / "a.jpg", 64, 48)
    write_image(root / "files" / "b.png", 128, 128)
    torch.save(umedground_split(), root / "MS_CXR_S_test.pth")  # zip format, protocol 2
    return root


def test_umedground_torch_save_file_boxes_to_original_pixels(umed_root, caplog):
    reader = open_dataset("umedground", umed_root, split="test")
    annotations = list(reader.annotations())
    assert [a.image_id for a in annotations] == ["files/a.jpg", "files/b.png"]
    first = annotations[0]
    assert first.report == "Heart size is normal. There is a Left lower lobe opacity."
    phrase = first.phrases[0]
    assert first.report[slice(*phrase.span)] == "Left lower lobe opacity"  # case-insensitive
    # (100, 200, 300, 160) on 640 x 640 -> xyxy (100, 200, 400, 360) * (64/640, 48/640)
    assert phrase.boxes == [(10.0, 15.0, 40.0, 27.0)]
    effusion, atelectasis = annotations[1].phrases
    assert effusion.span == (0, 20) and atelectasis.span is None
    assert effusion.boxes == [(0.0, 0.0, 12.8, 12.8)]
    assert atelectasis.boxes == [(64.0, 64.0, 128.0, 128.0)]
    lines = warnings_of(caplog)
    assert len(lines) == 2
    assert lines[0].endswith("missing.jpg: missing image; sample skipped")
    assert lines[1].endswith("MS_CXR_S_test.pth[3]: 2 phrases but 1 boxes; skipped")


def test_umedground_plain_and_legacy_pickles_load(tmp_path):
    data = umedground_split()
    for protocol in (2, 4, 5):
        loaded = restricted_loads(pickle.dumps(data, protocol=protocol))
        assert loaded["phrases"] == data["phrases"]
        np.testing.assert_array_equal(loaded["bboxes"][0], data["bboxes"][0])
    legacy = tmp_path / "legacy.pth"
    torch.save(data, legacy, _use_new_zipfile_serialization=False)
    assert load_restricted(legacy)["image_paths"] == data["image_paths"]


def test_restricted_unpickler_refuses_code(tmp_path):
    marker = tmp_path / "pwned"
    payload = f"cos\nsystem\n(S'touch {marker}'\ntR.".encode()
    (tmp_path / "evil.pkl").write_bytes(payload)
    with pytest.raises(ValueError, match=r"forbidden global os\.system"):
        load_restricted(tmp_path / "evil.pkl")
    with pytest.raises(DatasetError, match=r"evil\.pkl: .*forbidden global os\.system"):
        list(UMedGroundReader(tmp_path / "evil.pkl", tmp_path).annotations())

    class Exploit:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    with pytest.raises(ValueError, match=r"forbidden global (os|posix|nt)\.system"):
        restricted_loads(pickle.dumps({"image_paths": [Exploit()]}))
    assert not marker.exists()
    buffer = io.BytesIO()
    torch.save({"bboxes": torch.zeros(2, 4)}, buffer)
    (tmp_path / "tensors.pth").write_bytes(buffer.getvalue())
    with pytest.raises(ValueError, match="tensors.pth: .*torch"):
        load_restricted(tmp_path / "tensors.pth")


def test_umedground_bad_split_files(tmp_path):
    with open(tmp_path / "x_test.pkl", "wb") as handle:
        pickle.dump({"image_paths": [], "phrases": []}, handle)
    with pytest.raises(DatasetError, match="expected a dict with keys"):
        list(open_dataset("umedground", tmp_path, split="test").annotations())
    with pytest.raises(DatasetError, match="found none"):
        open_dataset("umedground", tmp_path, split="val")
    with pytest.raises(DatasetError, match="needs --split"):
        open_dataset("umedground", tmp_path)


# -- our JSONL ---------------------------------------------------------------------------


def test_jsonl_reads_studies_and_reports_bad_lines(tmp_path, caplog):
    write_image(tmp_path / "imgs" / "a.png", 64, 48)
    report = "FINDINGS: Left basal opacity. No effusion."
    good = {
        "image": "imgs/a.png",
        "report": report,
        "phrases": [
            {"text": "Left basal opacity", "span": [10, 28], "boxes": [[30, 30, 50, 40]]},
            {"text": "effusion", "span": None, "boxes": [[10, 10, 5, 20], [0, 0, 70, 10]]},
        ],
    }
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"image": "imgs/a.png", "phrases": []}),
        json.dumps(good | {"phrases": [{"text": "x", "span": [5, 99], "boxes": []}]}),
        "",
        json.dumps({"image": "imgs/gone.png", "report": "Normal.", "phrases": []}),
        json.dumps({"image": "imgs/gone.png", "report": "r", "phrases": [], "width": 0}),
    ]
    path = tmp_path / "test.jsonl"
    path.write_text("\n".join(lines) + "\n")
    reader = JsonlReader.from_root(tmp_path, "test", ProblemLog())
    samples = list(reader.samples())
    assert len(samples) == 1
    sample = samples[0]
    assert sample.image_id == "imgs/a.png" and sample.report == report
    opacity, effusion = sample.phrases
    assert report[slice(*opacity.span)] == "Left basal opacity"
    assert opacity.boxes == [(30.0, 30.0, 50.0, 40.0)]
    assert effusion.span is None and effusion.boxes == [(0.0, 0.0, 64.0, 10.0)]
    warnings = warnings_of(caplog)
    expected = [
        "test.jsonl:1: box 1 of 'effusion' has non-positive size (w=-5, h=10)",
        "test.jsonl:1: box 2 of 'effusion' reaches outside the 64x48 image; clipped",
        "test.jsonl:2: not JSON",
        "test.jsonl:3: 'report' missing or not a str; line skipped",
        "test.jsonl:4: span [5, 99] of 'x' is not [start, end) inside the report",
        "imgs/gone.png: missing image; sample skipped",  # read lazily, after line 6
        "test.jsonl:7: width/height 0 x None are not positive integers",
    ]
    assert len(warnings) == len(expected)
    for line, fragment in zip(warnings, expected, strict=True):
        assert fragment in line
