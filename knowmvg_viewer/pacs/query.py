"""What we ask a PACS for (study filters) and what it answers (study and series records).

The records are built from pydicom Datasets, which both protocols produce (C-FIND
identifiers; QIDO-RS JSON via Dataset.from_json), so DIMSE and DICOMweb agree field
for field. `StudyRecord.to_json()` uses the DICOM keywords as keys (`knowmvg pacs find
--json`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydicom.dataset import Dataset

from .errors import PacsInputError

_UID = re.compile(r"[0-9]+(\.[0-9]+)*")


def validate_uid(uid: str, what: str = "UID") -> str:
    """A DICOM UID (digits and dots, at most 64 characters); also safe as a folder name."""
    uid = uid.strip()
    if len(uid) > 64 or not _UID.fullmatch(uid):
        raise PacsInputError(None, f"invalid {what} {uid!r} (digits and dots, at most 64)")
    return uid


def _parse_date(text: str) -> str:
    try:
        datetime.strptime(text, "%Y%m%d")
    except ValueError:
        raise PacsInputError(None, f"invalid date {text!r} (expected YYYYMMDD)") from None
    return text


@dataclass(frozen=True)
class DateRange:
    """A study date or an inclusive range; either end may be open (None)."""

    start: str | None
    end: str | None

    @classmethod
    def parse(cls, text: str) -> DateRange:
        """'YYYYMMDD', 'YYYYMMDD-YYYYMMDD', 'YYYYMMDD-' or '-YYYYMMDD'."""
        text = text.strip()
        if "-" not in text:
            return cls(_parse_date(text), _parse_date(text))
        first, _, last = text.partition("-")
        if not first and not last:
            raise PacsInputError(None, f"invalid date range {text!r}")
        start = _parse_date(first) if first else None
        end = _parse_date(last) if last else None
        if start and end and start > end:
            raise PacsInputError(None, f"invalid date range {text!r} (start after end)")
        return cls(start, end)

    def to_dicom(self) -> str:
        """The DA range matching syntax shared by C-FIND and QIDO-RS."""
        if self.start is not None and self.start == self.end:
            return self.start
        return f"{self.start or ''}-{self.end or ''}"


@dataclass(frozen=True)
class StudyQuery:
    """Study-level filters; None means "any". Names and IDs accept the * and ? wildcards."""

    patient_id: str | None = None
    patient_name: str | None = None
    study_date: DateRange | None = None
    accession_number: str | None = None
    modality: str | None = None

    def matching_keys(self) -> dict[str, str]:
        """The DICOM keyword -> matching value of every filter that is set."""
        keys = {
            "PatientID": self.patient_id,
            "PatientName": self.patient_name,
            "StudyDate": self.study_date.to_dicom() if self.study_date else None,
            "AccessionNumber": self.accession_number,
            "ModalitiesInStudy": self.modality,
        }
        return {key: value for key, value in keys.items() if value}


STUDY_RETURN_KEYS = (
    "StudyInstanceUID",
    "PatientID",
    "PatientName",
    "StudyDate",
    "StudyTime",
    "StudyDescription",
    "AccessionNumber",
    "ModalitiesInStudy",
    "NumberOfStudyRelatedSeries",
    "NumberOfStudyRelatedInstances",
)
SERIES_RETURN_KEYS = (
    "StudyInstanceUID",
    "SeriesInstanceUID",
    "Modality",
    "SeriesNumber",
    "SeriesDescription",
    "NumberOfSeriesRelatedInstances",
)


def _text(ds: Dataset, keyword: str) -> str:
    value = ds.get(keyword)
    return "" if value is None else str(value).strip()


def _count(ds: Dataset, keyword: str) -> int | None:
    value = ds.get(keyword)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _multi(ds: Dataset, keyword: str) -> tuple[str, ...]:
    value = ds.get(keyword)
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(v for v in value.split("\\") if v)
    return tuple(str(v) for v in value if v)


@dataclass(frozen=True)
class StudyRecord:
    """One study as the PACS describes it; counts are None when the PACS does not say."""

    study_instance_uid: str
    patient_id: str = ""
    patient_name: str = ""
    study_date: str = ""
    study_time: str = ""
    study_description: str = ""
    accession_number: str = ""
    modalities_in_study: tuple[str, ...] = ()
    number_of_series: int | None = None
    number_of_instances: int | None = None

    @classmethod
    def from_dataset(cls, ds: Dataset) -> StudyRecord:
        return cls(
            study_instance_uid=_text(ds, "StudyInstanceUID"),
            patient_id=_text(ds, "PatientID"),
            patient_name=_text(ds, "PatientName"),
            study_date=_text(ds, "StudyDate"),
            study_time=_text(ds, "StudyTime"),
            study_description=_text(ds, "StudyDescription"),
            accession_number=_text(ds, "AccessionNumber"),
            modalities_in_study=_multi(ds, "ModalitiesInStudy"),
            number_of_series=_count(ds, "NumberOfStudyRelatedSeries"),
            number_of_instances=_count(ds, "NumberOfStudyRelatedInstances"),
        )

    def to_json(self) -> dict[str, Any]:
        """DICOM keywords as keys, as `knowmvg pacs find --json` prints them."""
        return {
            "StudyInstanceUID": self.study_instance_uid,
            "PatientID": self.patient_id,
            "PatientName": self.patient_name,
            "StudyDate": self.study_date,
            "StudyTime": self.study_time,
            "StudyDescription": self.study_description,
            "AccessionNumber": self.accession_number,
            "ModalitiesInStudy": list(self.modalities_in_study),
            "NumberOfStudyRelatedSeries": self.number_of_series,
            "NumberOfStudyRelatedInstances": self.number_of_instances,
        }


@dataclass(frozen=True)
class SeriesRecord:
    """One series of a study."""

    study_instance_uid: str
    series_instance_uid: str
    modality: str = ""
    series_number: int | None = None
    series_description: str = ""
    number_of_instances: int | None = None

    @classmethod
    def from_dataset(cls, ds: Dataset) -> SeriesRecord:
        return cls(
            study_instance_uid=_text(ds, "StudyInstanceUID"),
            series_instance_uid=_text(ds, "SeriesInstanceUID"),
            modality=_text(ds, "Modality"),
            series_number=_count(ds, "SeriesNumber"),
            series_description=_text(ds, "SeriesDescription"),
            number_of_instances=_count(ds, "NumberOfSeriesRelatedInstances"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "StudyInstanceUID": self.study_instance_uid,
            "SeriesInstanceUID": self.series_instance_uid,
            "Modality": self.modality,
            "SeriesNumber": self.series_number,
            "SeriesDescription": self.series_description,
            "NumberOfSeriesRelatedInstances": self.number_of_instances,
        }
