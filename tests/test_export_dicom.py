"""DICOM exports (TID 1500 SR, secondary capture): read back with highdicom and pydicom.

The exporters take the loaded image (its header, kept from the one read of the file) and
the findings as the engine coded them: they neither re-read the source nor load the
knowledge base.
"""

from __future__ import annotations

import errno
import shutil
import subprocess
from dataclasses import replace

import cv2
import highdicom as hd
import numpy as np
import pydicom
import pytest
from pydicom.uid import ComprehensiveSRStorage, SecondaryCaptureImageStorage

from knowmvg_viewer.export import atomic
from knowmvg_viewer.export.secondary_capture import export_secondary_capture
from knowmvg_viewer.export.source import SourceImage
from knowmvg_viewer.export.sr import export_sr
from knowmvg_viewer.study import StudyError, load_image
from model_core.knowledge import KnowledgeBase
from model_core.knowledge.records import Code
from model_core.results import GroundedFinding

from .conftest import pydicom_data_dir

MODEL = {"name": "knowmvg-test", "size": "tiny"}

FINDINGS = [
    GroundedFinding(
        "small left pleural effusion",
        (10, 37),
        box=(612.5, 1400.0, 1010.25, 1720.0),
        score=0.875,
        confidence=0.92,
        finding="effusion",
        code=Code("SCT", "60046008", "Pleural effusion"),
    ),
    GroundedFinding("odd faint smudge", (50, 66), box=(100.0, 220.0, 180.0, 300.5), score=0.4),
    GroundedFinding(
        "right upper lobe mass",
        (160, 181),
        box=(1500.0, 300.0, 1800.0, 600.0),  # on the patient's left: the wrong side
        score=0.7,
        finding="mass",
        code=Code("SCT", "4147007", "Mass"),
        laterality_conflict=True,
    ),
    GroundedFinding(
        "possible left lower lobe atelectasis",
        (120, 156),
        box=(600.0, 900.0, 900.0, 1200.0),
        score=0.3,
        finding="atelectasis",
        assertion="uncertain",
        code=Code("SCT", "46621007", "Atelectasis"),
    ),
    GroundedFinding(
        "No pneumothorax",
        (80, 95),
        negated=True,
        finding="pneumothorax",
        code=Code("SCT", "36118008", "Pneumothorax"),
    ),
    GroundedFinding("unlocated thing", (100, 115)),  # no box, not negated: not reported
]


@pytest.fixture(scope="module")
def demo_image(demo_study):
    """The demo film, loaded once: the exporters take it as it is."""
    return load_image(demo_study / "image.dcm")


def _polyline(x0, y0, x1, y1):
    return [x0, y0, x1, y0, x1, y1, x0, y1, x0, y0]


def test_sr_references_the_source_and_carries_every_finding(demo_study, tmp_path):
    source = demo_study / "image.dcm"
    out = export_sr(tmp_path / "findings.sr.dcm", load_image(source), FINDINGS, MODEL)

    original = pydicom.dcmread(source, stop_before_pixels=True)
    ds = pydicom.dcmread(out)
    assert ds.SOPClassUID == ComprehensiveSRStorage
    assert ds.StudyInstanceUID == original.StudyInstanceUID
    assert ds.PatientID == original.PatientID
    assert ds.SeriesInstanceUID != original.SeriesInstanceUID
    assert (ds.CompletionFlag, ds.VerificationFlag) == ("COMPLETE", "UNVERIFIED")
    (evidence,) = ds.CurrentRequestedProcedureEvidenceSequence
    (series,) = evidence.ReferencedSeriesSequence
    assert series.SeriesInstanceUID == original.SeriesInstanceUID
    assert series.ReferencedSOPSequence[0].ReferencedSOPInstanceUID == original.SOPInstanceUID

    sr = hd.sr.srread(out)
    assert ds.ConceptNameCodeSequence[0].CodeValue == "126000"  # Imaging Measurement Report
    groups = {str(g.tracking_identifier): g for g in sr.content.get_planar_roi_measurement_groups()}
    assert set(groups) == {
        "small left pleural effusion",
        "odd faint smudge",
        "possible left lower lobe atelectasis",
        "right upper lobe mass",
    }

    effusion = groups["small left pleural effusion"]
    assert (effusion.finding_type.value, effusion.finding_type.scheme_designator) == (
        "60046008",
        "SCT",
    )
    assert effusion.roi.GraphicType == "POLYLINE"
    assert list(effusion.roi.GraphicData) == pytest.approx(
        _polyline(612.5, 1400.0, 1010.25, 1720.0)
    )
    referenced = effusion.roi.ContentSequence[0].ReferencedSOPSequence[0]
    assert referenced.ReferencedSOPInstanceUID == original.SOPInstanceUID
    (certainty,) = effusion.get_measurements()
    assert certainty.name.meaning == "Certainty of Finding"
    assert (certainty.value, certainty.unit.value) == (92.0, "%")  # the calibrated confidence
    (uncalibrated,) = groups["odd faint smudge"].get_measurements()
    assert uncalibrated.value == 40.0  # no confidence: the score

    uncoded = groups["odd faint smudge"]
    assert uncoded.finding_type.value == "121071"  # the generic "Finding"
    assert list(uncoded.roi.GraphicData) == pytest.approx(_polyline(100.0, 220.0, 180.0, 300.5))
    assert not uncoded.get_qualitative_evaluations()

    hedged = groups["possible left lower lobe atelectasis"]  # boxed, evaluated "Uncertain"
    (evaluation,) = hedged.get_qualitative_evaluations()
    assert (evaluation.name.meaning, evaluation.value.value) == ("Atelectasis", "64957009")
    assert not effusion.get_qualitative_evaluations()

    wrong_side = groups["right upper lobe mass"]  # flagged: "Laterality: conflicts"
    (evaluation,) = wrong_side.get_qualitative_evaluations()
    assert (evaluation.name.value, evaluation.name.scheme_designator) == ("272741003", "SCT")
    assert (evaluation.value.value, evaluation.value.scheme_designator) == (
        "LATCONFLICT",
        "99KNOWMVG",
    )
    assert evaluation.value.meaning == "Conflicts with the reported side"

    # the negated finding is no measurement group: it is a report-level evaluation
    assert sr.content.get_image_measurement_groups() == []
    assert _report_evaluations(ds) == [
        ("CODE", ("36118008", "SCT", "Pneumothorax"), ("272519000", "SCT", "Absent")),
        ("TEXT", ("36118008", "SCT", "Pneumothorax"), "No pneumothorax"),
    ]


def _report_evaluations(ds) -> list[tuple]:
    """The report's own Qualitative Evaluations (TID 1500 row 12, UMLS C0034375), as
    (value type, concept name, value) per item: a code as (value, scheme, meaning)."""

    def code(item):
        return (item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning)

    (container,) = [
        item
        for item in ds.ContentSequence
        if code(item.ConceptNameCodeSequence[0]) == ("C0034375", "UMLS", "Qualitative Evaluations")
    ]
    assert (container.ValueType, container.RelationshipType) == ("CONTAINER", "CONTAINS")
    assert {item.RelationshipType for item in container.ContentSequence} == {"CONTAINS"}
    return [
        (
            item.ValueType,
            code(item.ConceptNameCodeSequence[0]),
            code(item.ConceptCodeSequence[0]) if item.ValueType == "CODE" else item.TextValue,
        )
        for item in container.ContentSequence
    ]


def test_negated_findings_alone_make_an_sr_without_measurement_groups(demo_image, tmp_path):
    """TID 1500 takes Qualitative Evaluations instead of measurements; the Imaging
    Measurements container stays, empty, for OHIF's loader. A negated phrase with a box is
    still negated: no group, no region."""
    resolved = GroundedFinding("Effusion has resolved", (0, 21), negated=True, box=(1, 1, 9, 9))
    out = export_sr(tmp_path / "sr.dcm", demo_image, [FINDINGS[4], resolved], MODEL)
    ds = pydicom.dcmread(out)
    (measurements,) = [
        i for i in ds.ContentSequence if i.ConceptNameCodeSequence[0].CodeValue == "126010"
    ]
    assert measurements.ValueType == "CONTAINER" and "ContentSequence" not in measurements
    assert _report_evaluations(ds) == [
        ("CODE", ("36118008", "SCT", "Pneumothorax"), ("272519000", "SCT", "Absent")),
        ("TEXT", ("36118008", "SCT", "Pneumothorax"), "No pneumothorax"),
        ("CODE", ("121071", "DCM", "Finding"), ("272519000", "SCT", "Absent")),
        ("TEXT", ("121071", "DCM", "Finding"), "Effusion has resolved"),
    ]


def test_sr_on_the_real_cr_chest_film(chest_film_raw, tmp_path):
    original = pydicom.dcmread(chest_film_raw, stop_before_pixels=True)
    box = (0.0, 0.0, float(original.Columns), float(original.Rows))
    finding = GroundedFinding("right lower lobe opacity", (0, 24), box=box, score=0.5)
    out = export_sr(tmp_path / "cr.sr.dcm", load_image(chest_film_raw), [finding], MODEL)
    sr = hd.sr.srread(out)
    (group,) = sr.content.get_planar_roi_measurement_groups()
    assert list(group.roi.GraphicData) == pytest.approx(_polyline(*box))
    assert sr.StudyInstanceUID == original.StudyInstanceUID
    assert pydicom.dcmread(chest_film_raw).SOPInstanceUID == original.SOPInstanceUID


def test_non_dicom_source_is_one_clear_error_and_writes_nothing(tmp_path):
    png = tmp_path / "film.png"
    cv2.imwrite(str(png), np.zeros((64, 64), np.uint8))
    with pytest.raises(StudyError, match="DICOM export needs a DICOM source image"):
        export_sr(tmp_path / "out.dcm", load_image(png), FINDINGS, MODEL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["film.png"]


def test_an_sr_is_not_a_source_image(demo_study, tmp_path):
    sr_report = demo_study.parent / "chest-pa-002" / "report-sr.dcm"
    with pytest.raises(StudyError, match="needs an image"):
        SourceImage.from_image(
            replace(load_image(demo_study / "image.dcm"), header=pydicom.dcmread(sr_report))
        )


def test_nothing_to_report_is_an_error(demo_image, tmp_path):
    with pytest.raises(StudyError, match="no grounded or negated findings"):
        export_sr(tmp_path / "out.dcm", demo_image, FINDINGS[-1:], MODEL)  # "unlocated thing"
    assert not (tmp_path / "out.dcm").exists()


def test_existing_output_is_not_overwritten(demo_image, tmp_path):
    out = tmp_path / "out.dcm"
    out.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        export_sr(out, demo_image, FINDINGS, MODEL)
    assert out.read_bytes() == b"keep me"


def test_disk_full_leaves_no_partial_file(demo_image, tmp_path, monkeypatch):
    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        export_sr(tmp_path / "out.dcm", demo_image, FINDINGS, MODEL)
    assert list(tmp_path.iterdir()) == []


def test_secondary_capture_joins_the_study_with_the_pixels_intact(demo_study, tmp_path):
    source = demo_study / "image.dcm"
    original = pydicom.dcmread(source, stop_before_pixels=True)
    rgb = np.random.default_rng(0).integers(0, 256, (original.Rows, original.Columns, 3), np.uint8)
    out = export_secondary_capture(tmp_path / "annotated.dcm", load_image(source), rgb)
    ds = pydicom.dcmread(out)
    assert ds.SOPClassUID == SecondaryCaptureImageStorage
    assert (ds.StudyInstanceUID, ds.PatientID) == (original.StudyInstanceUID, original.PatientID)
    assert ds.SeriesInstanceUID != original.SeriesInstanceUID
    assert ds.BurnedInAnnotation == "YES" and list(ds.PatientOrientation) == ["L", "F"]
    np.testing.assert_array_equal(ds.pixel_array, rgb)


def test_secondary_capture_of_a_source_without_orientation_leaves_it_empty(demo_study, tmp_path):
    ds = pydicom.dcmread(demo_study / "image.dcm")
    del ds.PatientOrientation
    source = tmp_path / "no-orientation.dcm"
    ds.save_as(source)
    rgb = np.zeros((ds.Rows, ds.Columns, 3), np.uint8)
    out = export_secondary_capture(tmp_path / "sc.dcm", load_image(source), rgb)
    assert pydicom.dcmread(out).PatientOrientation in (None, "")


def test_a_de_identified_source_without_patient_and_study_attributes(demo_study, tmp_path):
    ds = pydicom.dcmread(demo_study / "image.dcm")
    for keyword in ("PatientID", "PatientName", "PatientBirthDate", "StudyDate", "StudyID"):
        if keyword in ds:
            delattr(ds, keyword)
    source = tmp_path / "anon.dcm"
    ds.save_as(source)
    sr = pydicom.dcmread(export_sr(tmp_path / "sr.dcm", load_image(source), FINDINGS, MODEL))
    assert sr.PatientID == "" and sr.StudyInstanceUID == ds.StudyInstanceUID


def test_text_in_any_script_round_trips(demo_image, tmp_path):
    phrase = "épanchement pleural gauche – 肺"
    finding = GroundedFinding(phrase, (0, len(phrase)), box=(1.0, 2.0, 30.0, 40.0), score=0.5)
    out = export_sr(tmp_path / "sr.dcm", demo_image, [finding], MODEL)
    (group,) = hd.sr.srread(out).content.get_planar_roi_measurement_groups()
    assert str(group.tracking_identifier) == phrase


def test_the_same_model_is_the_same_observer_device(demo_image, tmp_path):
    def device_uid(path):
        items = pydicom.dcmread(path).ContentSequence
        (uid,) = [i.UID for i in items if i.ConceptNameCodeSequence[0].CodeValue == "121012"]
        return uid

    a = export_sr(tmp_path / "a.dcm", demo_image, FINDINGS, MODEL)
    b = export_sr(tmp_path / "b.dcm", demo_image, FINDINGS, MODEL)
    other = export_sr(tmp_path / "c.dcm", demo_image, FINDINGS, {"name": "other"})
    assert device_uid(a) == device_uid(b) != device_uid(other)


def test_secondary_capture_references_its_source(demo_image, demo_study, tmp_path):
    original = pydicom.dcmread(demo_study / "image.dcm", stop_before_pixels=True)
    rgb = np.zeros((original.Rows, original.Columns, 3), np.uint8)
    sc = pydicom.dcmread(export_secondary_capture(tmp_path / "sc.dcm", demo_image, rgb))
    (reference,) = sc.SourceImageSequence
    assert reference.ReferencedSOPInstanceUID == original.SOPInstanceUID


def test_exports_follow_the_umask_not_a_private_mode(demo_image, tmp_path):
    import os
    import stat

    from knowmvg_viewer.export.atomic import write_bytes_atomic

    previous = os.umask(0o002)  # a shared reading-room folder: group may write
    try:
        write_bytes_atomic(tmp_path / "a.json", b"{}")
        out = export_sr(tmp_path / "out.sr.dcm", demo_image, FINDINGS, MODEL)
    finally:
        os.umask(previous)
    for path in (tmp_path / "a.json", out):
        assert stat.S_IMODE(path.stat().st_mode) == 0o664, path
    assert not list(tmp_path.glob(".*.part"))


def test_the_sr_takes_the_engines_codes_and_never_loads_the_knowledge_base(
    demo_image, tmp_path, monkeypatch
):
    def no_knowledge_base(*args, **kwargs):
        raise AssertionError("the SR exporter loaded the knowledge base")

    monkeypatch.setattr(KnowledgeBase, "load", no_knowledge_base)
    # a name the bundled knowledge base does not know, with the code the engine gave it
    coded = GroundedFinding(
        "rib fracture",
        (0, 12),
        box=(1.0, 2.0, 30.0, 40.0),
        finding="someone else's fracture",
        code=Code("SCT", "263204007", "Fracture of rib"),
    )
    out = export_sr(tmp_path / "sr.dcm", demo_image, [coded, *FINDINGS], MODEL)
    groups = {
        str(g.tracking_identifier): g.finding_type
        for g in hd.sr.srread(out).content.get_planar_roi_measurement_groups()
    }
    assert (groups["rib fracture"].value, groups["rib fracture"].meaning) == (
        "263204007",
        "Fracture of rib",
    )
    assert groups["odd faint smudge"].value == "121071"  # no code: the generic "Finding"


def _count_reads(monkeypatch) -> list:
    """Every pydicom.dcmread from now on, by path."""
    reads, real = [], pydicom.dcmread

    def counting(path, *args, **kwargs):
        reads.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(pydicom, "dcmread", counting)
    return reads


def test_exports_from_a_loaded_image_never_reopen_the_source(demo_study, tmp_path, monkeypatch):
    source = tmp_path / "film.dcm"
    source.write_bytes((demo_study / "image.dcm").read_bytes())
    image = load_image(source)
    source.rename(tmp_path / "moved-away.dcm")  # opening the source now fails
    reads = _count_reads(monkeypatch)

    sr = export_sr(tmp_path / "sr.dcm", image, FINDINGS, MODEL)
    sc_source = SourceImage.from_image(image)
    rgb = np.zeros((image.height, image.width, 3), np.uint8)
    sc = export_secondary_capture(tmp_path / "sc.dcm", sc_source, rgb)

    assert reads == []
    assert pydicom.dcmread(sr).StudyInstanceUID == image.header.StudyInstanceUID
    (reference,) = pydicom.dcmread(sc).SourceImageSequence
    assert reference.ReferencedSOPInstanceUID == image.header.SOPInstanceUID


def test_the_loaded_images_header_is_not_changed_by_an_export(demo_study, tmp_path):
    ds = pydicom.dcmread(demo_study / "image.dcm")
    del ds.PatientID
    ds.save_as(tmp_path / "anon.dcm")
    image = load_image(tmp_path / "anon.dcm")
    export_sr(tmp_path / "sr.dcm", image, FINDINGS, MODEL)
    assert "PatientID" not in image.header and "PixelData" not in image.header


def test_the_sr_references_the_frame_the_image_was_decoded_from(tmp_path):
    image = load_image(pydicom_data_dir() / "SC_rgb_2frame.dcm", frame=1)
    finding = GroundedFinding("spot", (0, 4), box=(1.0, 1.0, 5.0, 5.0), score=0.5)
    out = export_sr(tmp_path / "sr.dcm", image, [finding], MODEL)
    (group,) = hd.sr.srread(out).content.get_planar_roi_measurement_groups()
    (item,) = group.roi.ContentSequence
    assert item.ReferencedSOPSequence[0].ReferencedFrameNumber == 2  # DICOM counts from 1


@pytest.mark.skipif(
    not (shutil.which("dsrdump") and shutil.which("dcm2pnm")), reason="dcmtk not installed"
)
def test_dcmtk_reads_both_exports_made_from_a_loaded_image(demo_image, tmp_path):
    """An independent reader: dcmtk parses the SR's content tree without errors and decodes
    the secondary capture's pixels as written."""
    sr = export_sr(tmp_path / "sr.dcm", demo_image, FINDINGS, MODEL)
    dump = subprocess.run(["dsrdump", str(sr)], capture_output=True, text=True, check=False)
    assert dump.returncode == 0, dump.stderr
    assert not [line for line in dump.stderr.splitlines() if line[:2] in ("E:", "F:")]
    assert "Pleural effusion" in dump.stdout and "Uncertain" in dump.stdout
    assert "Conflicts with the reported side" in dump.stdout
    assert '"Qualitative Evaluations"' in dump.stdout and '"No pneumothorax"' in dump.stdout

    rgb = np.random.default_rng(1).integers(
        0, 256, (demo_image.height, demo_image.width, 3), np.uint8
    )
    sc = export_secondary_capture(tmp_path / "sc.dcm", demo_image, rgb)
    ppm = tmp_path / "sc.ppm"
    subprocess.run(["dcm2pnm", str(sc), str(ppm)], capture_output=True, check=True)
    decoded = cv2.imread(str(ppm), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(decoded[:, :, ::-1], rgb)
