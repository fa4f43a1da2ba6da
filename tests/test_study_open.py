"""Opening a study reads each file once and decodes each image once (issue 12: data is
re-read); the study keeps a few decoded images, never a whole folder."""

from __future__ import annotations

import shutil

import cv2
import numpy as np
import pydicom
import pytest

from knowmvg_viewer.study import Study, StudyError, dicom, load_image, open_study, raster
from knowmvg_viewer.study.study import DECODED_CACHE_BYTES

from .conftest import pydicom_test_files_dir


@pytest.fixture
def counted(monkeypatch):
    """Calls of the preamble sniff, pydicom.dcmread, the DICOM frame decoder and the raster
    decoder, by name."""
    calls = {"sniff": [], "dcmread": [], "decode": [], "raster": []}

    def count(name, real):
        def wrapper(*args, **kwargs):
            calls[name].append(args[0] if args else None)
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(dicom, "_has_preamble", count("sniff", dicom._has_preamble))
    monkeypatch.setattr(pydicom, "dcmread", count("dcmread", pydicom.dcmread))
    monkeypatch.setattr(dicom, "_decode_frame", count("decode", dicom._decode_frame))
    monkeypatch.setattr(raster.cv2, "imdecode", count("raster", raster.cv2.imdecode))
    return calls


def _folder_of_copies(source, folder, n):
    folder.mkdir()
    for index in range(n):
        shutil.copy(source, folder / f"image-{index}.dcm")
    return folder


def test_a_dicom_file_is_sniffed_read_and_decoded_once(demo_study, counted):
    path = demo_study / "image.dcm"
    study = open_study(path)
    first = study.first_image
    assert study.image(0) is first and first.path == path
    assert counted["sniff"] == [path]
    assert counted["dcmread"] == [path]
    assert len(counted["decode"]) == 1


def test_a_raster_file_is_decoded_once(tmp_path, counted):
    path = tmp_path / "film.png"
    cv2.imwrite(str(path), np.arange(64 * 64, dtype=np.uint16).reshape(64, 64))
    study = open_study(path)
    assert study.first_image.stored.dtype == np.uint16 and study.first_image.header is None
    assert len(counted["raster"]) == 1 and counted["dcmread"] == []


def test_a_structured_report_is_refused_after_one_read(demo_study, counted):
    path = demo_study.parent / "chest-pa-002" / "report-sr.dcm"
    with pytest.raises(StudyError, match="is a structured report"):
        open_study(path)
    assert counted["dcmread"] == [path] and counted["decode"] == []


def test_a_folder_reads_each_file_once_and_decodes_on_demand(demo_study, counted):
    folder = demo_study.parent / "chest-pa-002"  # two images and the report as an SR
    study = open_study(folder)
    assert study.report is not None and study.report.source.endswith("report-sr.dcm")
    maybe_dicom = sorted(p for p in folder.iterdir() if p.suffix in (".dcm", ".json"))
    assert sorted(counted["sniff"]) == maybe_dicom
    dicom_files = sorted(p for p in folder.iterdir() if p.suffix == ".dcm")
    assert sorted(counted["dcmread"]) == dicom_files  # headers; the SR's is all of it
    assert counted["decode"] == []
    image = study.image(1)
    assert study.image(1) is image and len(counted["decode"]) == 1


def test_the_image_keeps_its_header_without_pixel_data(demo_study):
    image = open_study(demo_study / "image.dcm").first_image
    assert image.header.SOPInstanceUID == image.attributes["SOPInstanceUID"]
    assert "PixelData" not in image.header


def test_the_cache_keeps_the_most_recent_images_within_its_budget(demo_study, tmp_path, counted):
    folder = _folder_of_copies(demo_study / "image.dcm", tmp_path / "study", 5)
    study = open_study(folder)
    one_image = study.image(0).stored.nbytes
    study.cache_bytes = 2 * one_image  # room for two
    for index in range(5):
        study.image(index)
    assert study.cached_indices() == [3, 4]
    assert len(counted["decode"]) == 5
    study.image(4)  # cached: no decode
    assert len(counted["decode"]) == 5
    study.image(0)  # dropped: decoded again, and the oldest goes
    assert len(counted["decode"]) == 6 and study.cached_indices() == [4, 0]


def test_the_default_budget_is_a_few_radiographs_not_a_folder():
    assert DECODED_CACHE_BYTES <= 4 * 50 * 2**20  # a 20-image folder never holds 1 GB


def test_the_last_image_is_kept_even_over_the_budget(demo_study):
    study = open_study(demo_study / "image.dcm")
    study.cache_bytes = 1
    assert study.image(0) is study.image(0)


def test_an_image_that_cannot_be_decoded_is_not_read_again(demo_study, tmp_path, counted):
    folder = tmp_path / "study"
    folder.mkdir()
    shutil.copy(demo_study / "image.dcm", folder / "a.dcm")
    shutil.copy(pydicom_test_files_dir() / "JPEG-lossy.dcm", folder / "b.dcm")
    study = open_study(folder)
    bad = [p.name for p in study.images].index("b.dcm")
    reads = len(counted["dcmread"])
    for _ in range(2):
        with pytest.raises(StudyError, match="JPEG Extended"):
            study.image(bad)
    assert len(counted["dcmread"]) == reads + 1


def test_an_index_outside_the_study_is_an_index_error(demo_study):
    study = open_study(demo_study / "image.dcm")
    with pytest.raises(IndexError, match="image 1 of a study with 1 image"):
        study.image(1)


def test_a_study_made_by_hand_decodes_on_demand(demo_study):
    study = Study(path=demo_study, images=[demo_study / "image.dcm"])
    assert study.cached_indices() == [] and study.first_image.width > 0


# -- the viewer's own AI output is never the report (hardening item 18) ------------------------


def _ai_sr(image_path, out):
    """An SR as the viewer exports it (TID 1500, Manufacturer "KnowMVG Viewer")."""
    from knowmvg_viewer.export.sr import export_sr
    from model_core.results import GroundedFinding

    finding = GroundedFinding(
        "small left pleural effusion", (0, 27), box=(600.0, 1400.0, 1000.0, 1700.0), score=0.8
    )
    return export_sr(out, load_image(image_path), [finding], {"name": "knowmvg-test"})


def _folder_with(demo_study, tmp_path, *names):
    folder = tmp_path / "study"
    folder.mkdir()
    for name in names:
        shutil.copy(demo_study / name, folder / name)
    return folder


def test_our_own_ai_sr_in_the_folder_is_not_the_report(demo_study, tmp_path):
    folder = _folder_with(demo_study, tmp_path, "image.dcm")  # no report.txt
    _ai_sr(folder / "image.dcm", folder / "findings.sr.dcm")
    study = open_study(folder)
    assert study.report is None
    assert study.skipped == [
        "findings.sr.dcm: AI output written by this viewer (KnowMVG grounding SR), not the report"
    ]


def test_our_ai_sr_retrieved_beside_a_radiologists_sr_leaves_theirs_the_report(
    demo_study, tmp_path
):
    """A study retrieved from PACS: the film, the radiologist's text SR and our AI SR sent
    there earlier (its name sorts first, so order alone would have picked it)."""
    source = demo_study.parent / "chest-pa-002"
    folder = tmp_path / "retrieved"
    folder.mkdir()
    for name in ("image-pa.dcm", "report-sr.dcm"):
        shutil.copy(source / name, folder / name)
    _ai_sr(folder / "image-pa.dcm", folder / "1.2.826.0.1.sr.dcm")
    study = open_study(folder)
    expected = (source / "report-sr.expected.txt").read_text()
    assert study.report is not None and study.report.text == expected
    assert study.report.source == str(folder / "report-sr.dcm")
    assert any(s.startswith("1.2.826.0.1.sr.dcm: AI output") for s in study.skipped)


def test_any_tid_1500_measurement_report_is_not_the_report(demo_study, tmp_path):
    folder = _folder_with(demo_study, tmp_path, "image.dcm")
    path = _ai_sr(folder / "image.dcm", folder / "other-ai.dcm")
    ds = pydicom.dcmread(path)
    ds.Manufacturer, ds.SeriesDescription = "Another AI Vendor", "CAD results"
    ds.save_as(path)
    study = open_study(folder)
    assert study.report is None
    assert study.skipped == [
        "other-ai.dcm: a TID 1500 measurement report (measurements or AI output), not the report"
    ]


def test_the_study_layer_knows_the_exporters_marks():
    """The study layer cannot import the exporter; these must stay equal by hand."""
    from knowmvg_viewer.export import sr
    from knowmvg_viewer.study import report

    assert report.OWN_MANUFACTURER == sr.MANUFACTURER
    assert report.OWN_SERIES_DESCRIPTION == sr.SERIES_DESCRIPTION


def test_our_own_secondary_capture_is_not_a_film_to_ground(demo_study, tmp_path):
    """Sent to the PACS and retrieved with the study, the annotated copy (boxes burned in)
    would otherwise be grounded as if it were a film."""
    import numpy as np

    from knowmvg_viewer.export.secondary_capture import export_secondary_capture

    folder = _folder_with(demo_study, tmp_path, "image.dcm")
    image = load_image(folder / "image.dcm")
    rgb = np.zeros((image.height, image.width, 3), np.uint8)
    export_secondary_capture(folder / "0-annotated.dcm", image, rgb)  # sorts first
    study = open_study(folder)
    assert study.images == [folder / "image.dcm"]
    assert study.skipped == [
        "0-annotated.dcm: AI output written by this viewer (annotated copy), not a film to ground"
    ]


def test_our_own_ai_presentation_state_is_applied_like_any_other(demo_study, tmp_path):
    """Exported to the study folder (or the PACS), it shows the window and boxes as they
    were exported; unlike our SR (not a report) and SC (not a film), it is meant to be read."""
    from .gsps_fixtures import gsps, image_header, save

    folder = _folder_with(demo_study, tmp_path, "image.dcm")
    state = gsps([image_header(folder / "image.dcm")])
    state.Manufacturer = "KnowMVG Viewer"
    save(state, folder / "ai.pr.dcm")
    study = open_study(folder)
    assert len(study.presentation_states) == 1 and study.skipped == []


def test_a_key_object_selection_is_not_the_report(demo_study, tmp_path):
    folder = _folder_with(demo_study, tmp_path, "image.dcm")
    path = _ai_sr(folder / "image.dcm", folder / "kos.dcm")
    ds = pydicom.dcmread(path)
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.59"
    ds.Manufacturer, ds.SeriesDescription = "PACS", "Key images"
    ds.save_as(path)
    study = open_study(folder)
    assert study.report is None
    assert study.skipped == ["kos.dcm: a key object selection (flagged images), not the report"]
