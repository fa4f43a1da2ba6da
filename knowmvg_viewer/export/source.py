"""The DICOM image that derived objects (SR, secondary capture) reference."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.filebase import DicomBytesIO

from ..study import StudyError
from ..study.dicom import is_dicom, is_structured_report, read_dataset


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
        missing = [
            keyword
            for keyword in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID")
            if not dataset.get(keyword)
        ]
        if missing:
            raise StudyError(path, f"cannot reference this image: no {', '.join(missing)}")
        return cls(path, dataset, frame_index)


def part10_bytes(dataset: Dataset) -> bytes:
    """The Part 10 file bytes, so the write itself can be atomic."""
    buffer = DicomBytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
