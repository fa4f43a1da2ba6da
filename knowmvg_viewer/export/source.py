"""The DICOM image that derived objects (SR, secondary capture) reference."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.filebase import DicomBytesIO

from ..study import StudyError
from ..study.dicom import is_dicom, is_structured_report, read_dataset

REFERENCE_KEYWORDS = ("SOPClassUID", "StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID")
# The patient and study module attributes that derived objects copy from their source.
PATIENT_STUDY_KEYWORDS = (
    "PatientID",
    "PatientName",
    "PatientBirthDate",
    "PatientSex",
    "StudyDate",
    "StudyTime",
    "StudyID",
    "AccessionNumber",
    "ReferringPhysicianName",
)
UTF8 = "ISO_IR 192"


@dataclass(frozen=True)
class SourceImage:
    """The DICOM image the findings were grounded on: its header and the frame (0-based)."""

    path: Path
    dataset: Dataset
    frame_index: int = 0

    @classmethod
    def read(cls, path: Path, frame_index: int = 0) -> SourceImage:
        """The header only; a non-DICOM or non-image source is a StudyError."""
        path = Path(path)
        if not is_dicom(path):
            raise StudyError(
                path, "DICOM export needs a DICOM source image; this file is not DICOM"
            )
        dataset = read_dataset(path, header_only=True)
        if is_structured_report(dataset) or "Rows" not in dataset:
            raise StudyError(path, "DICOM export needs an image; this DICOM file has none")
        missing = [keyword for keyword in REFERENCE_KEYWORDS if not dataset.get(keyword)]
        if missing:
            raise StudyError(path, f"cannot reference this image: no {', '.join(missing)}")
        for keyword in PATIENT_STUDY_KEYWORDS:  # de-identified files often drop these
            if keyword not in dataset:
                setattr(dataset, keyword, None)  # Type 2: present and empty
        return cls(path, dataset, frame_index)


def as_study_error(path: Path, exc: Exception) -> StudyError:
    """What highdicom refuses in a source header (a malformed value, say), as one line."""
    return StudyError(path, f"cannot build a DICOM object on this image: {exc}")


def part10_bytes(dataset: Dataset) -> bytes:
    """The Part 10 file bytes, so the write itself can be atomic. Text is written as UTF-8,
    so a phrase or a name in any script survives (the source's character set may not)."""
    dataset.SpecificCharacterSet = UTF8
    buffer = DicomBytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
