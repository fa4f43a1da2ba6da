"""Inputs the fuzzers (fuzz/) found breaking a reader's contract, kept as regression tests.

Each file in tests/data/fuzz/ (named by target and the first digits of its sha1) goes through
the same public function the fuzz target called, and must give the documented error: a
StudyError with a one-line message.
"""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from knowmvg_viewer.study import (
    StudyError,
    load_image,
    load_sr_report,
    open_study,
    read_presentation_state,
)
from knowmvg_viewer.study.dicom import read_dicom
from knowmvg_viewer.study.report import not_a_report, sr_report

DATA = Path(__file__).parent / "data" / "fuzz"


def _one_line(exc: BaseException) -> None:
    assert "\n" not in str(exc) and "\r" not in str(exc), repr(str(exc))


def _alone_in_a_folder(name: str, tmp_path: Path) -> Path:
    folder = tmp_path / "study"
    folder.mkdir()
    shutil.copy(DATA / name, folder / "input.dcm")
    return folder


def _refused_alone_and_in_a_folder(name: str, reason: str, tmp_path: Path) -> None:
    """NAME read alone is one StudyError line matching REASON; in a folder of its own, the
    folder is refused in one line naming it."""
    with pytest.raises(StudyError, match=reason) as caught:
        read_dicom(DATA / name, header_only=True)
    _one_line(caught.value)
    with pytest.raises(
        StudyError, match=r"no readable images in this folder \(input.dcm: "
    ) as caught:
        open_study(_alone_in_a_folder(name, tmp_path))
    _one_line(caught.value)


def _within(seconds: int, call):
    """CALL's result, or TimeoutError after SECONDS: a hang fails the test, not the suite."""

    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        return call()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# pydicom converts a value when it is first read: an element with an unknown VR raised
# NotImplementedError from wherever the header was first looked at (is_structured_report,
# is_presentation_state, not_a_report), out of open_study. read_dataset now converts the
# top-level values itself.
@pytest.mark.parametrize(
    "name, where",
    [
        ("dicom-b6459cc5.dcm", r"'EI' in tag \(0008,0016\)"),
        ("gsps-7e4a9c37.dcm", r"'AA' in tag \(0008,0016\)"),
        ("sr-7b5b7ce5.dcm", r"'LE' in tag \(0008,103E\)"),
        ("sr-c70311e9.dcm", r"'DE' in tag \(0004,4F43\)"),
    ],
)
def test_an_element_pydicom_cannot_convert_is_a_studyerror_when_read(name, where, tmp_path):
    reason = r"unreadable DICOM \(Unknown Value Representation " + where
    _refused_alone_and_in_a_folder(name, reason, tmp_path)


# A defined-length sequence is parsed when it is first read: a damaged content tree raised
# OSError, NotImplementedError or TypeError out of sr_report.
@pytest.mark.parametrize(
    "name, why",
    [
        ("sr-4152d7d7.dcm", "No tag to read at file position 2AC"),
        ("sr-503a4bdc.dcm", "No tag to read at file position 4E6"),
        ("sr-52cd4dc7.dcm", r"Unknown Value Representation '0x4a 0x00' in tag \(0040,A040\)"),
        ("sr-b32f33d9.dcm", r"Unknown Value Representation 'SC' in tag \(0040,A730\)"),
    ],
)
def test_a_damaged_sr_content_tree_is_one_studyerror(name, why):
    path = DATA / name
    for read in (
        lambda: sr_report(read_dicom(path, header_only=True), path),
        lambda: load_sr_report(path),
    ):
        with pytest.raises(StudyError, match=rf"malformed structured report \({why}\)") as caught:
            read()
        _one_line(caught.value)


def test_a_damaged_sr_title_is_why_the_sr_is_not_the_report(tmp_path):
    """not_a_report read a damaged Concept Name Code Sequence and raised OSError out of the
    folder scan; now the SR is skipped, saying why."""
    name = "sr-7f1f4b69.dcm"
    why = "a structured report that cannot be read (No tag to read at file position 2FC)"
    assert not_a_report(read_dicom(DATA / name, header_only=True)) == why
    with pytest.raises(StudyError, match=rf"input.dcm: {why[:36]}") as caught:
        open_study(_alone_in_a_folder(name, tmp_path))
    _one_line(caught.value)


def test_a_sop_class_uid_holding_a_newline_is_named_on_one_line():
    path = DATA / "gsps-cc57dcf8.dcm"
    with pytest.raises(StudyError, match="not a grayscale softcopy presentation state") as caught:
        read_presentation_state(read_dicom(path, header_only=True), path)
    _one_line(caught.value)


def test_a_jp2_box_of_length_0_before_the_codestream_is_refused_not_a_hang():
    """pydicom 3.0.2 walks a JP2-wrapped frame's boxes without an end when one has length 0:
    the 27 KB file hung load_image (the fuzzer's -timeout=10)."""
    path = DATA / "dicom-a191ba3f.dcm"
    with pytest.raises(StudyError, match=r"damaged JPEG 2000 data \(a JP2 box before") as caught:
        _within(30, lambda: load_image(path))
    _one_line(caught.value)


def test_a_sop_class_uid_holding_a_newline_is_named_on_one_line_when_opening_an_image():
    """The GSPS finding's sibling in dicom.py, found by reading after it (not by the fuzzer):
    'no pixel data (..., SOP class 1.2.840...1.1\\n(forged))' was two lines."""
    path = DATA / "dicom-56e95d40.dcm"
    with pytest.raises(StudyError, match=r"no pixel data .*1\.1 \(forged\)\)$") as caught:
        load_image(path)
    _one_line(caught.value)


# A standard element the file calls SQ (Manufacturer written with VR SQ) was left raw, as a
# sequence, by read_dataset; not_a_report's look at Manufacturer parsed it and a damaged
# item raised NotImplementedError or BytesLengthException. Such an element is now converted
# at read time, items and all.
@pytest.mark.parametrize(
    "name", ["sr-47cd739f.dcm", "sr-d348e4f2.dcm", "sr-823cd261.dcm", "sr-74f0d1fc.dcm"]
)
def test_a_standard_element_written_as_a_sequence_is_read_at_once(name, tmp_path):
    _refused_alone_and_in_a_folder(name, r"unreadable DICOM \(", tmp_path)


# Items of the VOI and Modality LUT Sequences are converted when first read: an item value
# pydicom cannot convert (an unknown VR) raised NotImplementedError out of load_image. Found by
# hand after the fuzzer's SR findings (the dicom target had not reached it yet).
def test_a_voi_lut_item_pydicom_cannot_convert_is_skipped_and_the_image_opens():
    image = load_image(DATA / "dicom-72725945.dcm")
    assert [(p.name, p.source) for p in image.presets] == [
        ("LUNG", "file"),
        ("BONE", "file"),
        ("Auto", "auto"),
    ]


def test_a_modality_lut_item_pydicom_cannot_convert_is_one_studyerror():
    with pytest.raises(
        StudyError, match=r"invalid DICOM header \(Unknown Value Representation"
    ) as caught:
        load_image(DATA / "dicom-bdf98622.dcm")
    _one_line(caught.value)


def test_a_segmented_palette_lut_past_65536_entries_is_refused_before_it_is_expanded():
    """pydicom expands a segmented palette LUT without a bound, and each indirect segment
    repeats up to 65535 segments: 21 KB of segments took 32 s and 587 MB, 121 KB ran out of a
    3 GB cap. This 17 KB film asks for 40.8 million entries per colour. Found following a slow
    input of the dicom fuzz target (that input itself was slow only under instrumentation)."""
    path = DATA / "dicom-c9ca076a.dcm"
    with pytest.raises(StudyError, match="segmented red palette LUT expands past 65536") as caught:
        _within(30, lambda: load_image(path))
    _one_line(caught.value)


def test_a_linear_palette_segment_of_length_0_is_one_studyerror():
    """pydicom divides by a linear segment's length: ZeroDivisionError out of load_image (the
    dicom target's second run; its 873 KB input is kept here as a 1 KB film that does the same,
    since the original is now refused earlier by the palette size check)."""
    with pytest.raises(StudyError, match=r"invalid DICOM header \(division by zero\)") as caught:
        load_image(DATA / "dicom-b03e7ede.dcm")
    _one_line(caught.value)


def test_a_patient_orientation_of_another_vr_is_no_crash_in_the_folder_scan(tmp_path):
    """The dicom target's third run: PatientOrientation written with VR UL reads as the int
    92, and the folder scan's header_view raised TypeError out of open_study."""
    try:
        open_study(_alone_in_a_folder("dicom-026d4d0a.dcm", tmp_path)).image(0)
    except StudyError as exc:
        _one_line(exc)
