"""The DICOM image that derived objects (SR, secondary capture) reference."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.filebase import DicomBytesIO

from ..study import RadiographImage, StudyError
from ..study.dicom import is_structured_report
from .anonymise import anonymised_header, mark_anonymised

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
NOT_DICOM = "DICOM export needs a DICOM source image; this file is not DICOM"


@dataclass(frozen=True)
class SourceImage:
    """The DICOM image the findings were grounded on: its header and the frame (0-based).

    `dataset` is the exporters' own copy (missing Type 2 patient/study attributes added
    empty), never the loaded image's header itself.
    """

    path: Path
    dataset: Dataset
    frame_index: int = 0
    anonymised: bool = False  # `dataset` is anonymised_header(...): see anonymise.py

    def without_identifiers(self, salt: bytes) -> SourceImage:
        """This source with its header anonymised (anonymise.py), for anonymised exports."""
        if self.anonymised:
            return self
        return replace(self, dataset=anonymised_header(self.dataset, salt), anonymised=True)

    @classmethod
    def from_image(cls, image: RadiographImage) -> SourceImage:
        """The source of a loaded image, from the header it was decoded with (no file read);
        StudyError for a raster image or a header that cannot be referenced."""
        if image.header is None:
            raise StudyError(image.path, NOT_DICOM)
        return cls._checked(image.path, copy.deepcopy(image.header), image.frame_index)

    @classmethod
    def _checked(cls, path: Path, dataset: Dataset, frame_index: int) -> SourceImage:
        if is_structured_report(dataset) or "Rows" not in dataset:
            raise StudyError(path, "DICOM export needs an image; this DICOM file has none")
        missing = [keyword for keyword in REFERENCE_KEYWORDS if not dataset.get(keyword)]
        if missing:
            raise StudyError(path, f"cannot reference this image: no {', '.join(missing)}")
        for keyword in PATIENT_STUDY_KEYWORDS:  # de-identified files often drop these
            if keyword not in dataset:
                setattr(dataset, keyword, None)  # Type 2: present and empty
        return cls(path, dataset, frame_index)


def as_source(source: SourceImage | RadiographImage) -> SourceImage:
    """What the exporters accept: a SourceImage, or a loaded image (its kept header)."""
    return source if isinstance(source, SourceImage) else SourceImage.from_image(source)


def as_study_error(path: Path, exc: Exception) -> StudyError:
    """What highdicom refuses in a source header (a malformed value, say), as one line."""
    return StudyError(path, f"cannot build a DICOM object on this image: {exc}")


def part10_bytes(dataset: Dataset, source: SourceImage | None = None) -> bytes:
    """The Part 10 file bytes, so the write itself can be atomic. Text is written as UTF-8,
    so a phrase or a name in any script survives (the source's character set may not).
    An object derived from an anonymised source says so (Patient Identity Removed)."""
    if source is not None and source.anonymised:
        mark_anonymised(dataset)
    dataset.SpecificCharacterSet = UTF8
    buffer = DicomBytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
