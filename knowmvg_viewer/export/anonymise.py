"""Exports without patient identifiers (`--anonymise`, Settings > Anonymise exports).

What an anonymised export holds, whichever object it is (DICOM SR, GSPS, secondary
capture, PNG, JSON):
- no patient name, ID (nor other IDs, issuer), birth date or time, address, telephone,
  accession number, study ID, referring, performing, requesting or reading physician,
  operator, institution or station name; no private attributes;
- dates kept to their year (the date policy): every DA value becomes YYYY0101, every DT
  value its year; times (TM) are emptied; a patient age over 89 becomes "090Y";
- new Study, Series, SOP Instance and Frame of Reference UIDs, derived from the originals
  with this installation's secret salt: an SR and a GSPS of the same image still reference
  the same (new) image UID, yet nobody without the salt can link them to the original;
- Patient Identity Removed "YES" and a De-identification Method saying the above;
- in the JSON, no image path (`image` is null);
- the reviewing radiologist (a verified SR's Verifying Observer and person observer, the
  JSON's reviewers) named "Anonymised", the verification time kept to its year.
The report text is not scrubbed in these exports; a review keeps it with the patient's names,
IDs and birth date masked (`masked_text`, for the site dataset). Not scrubbed either: text
burned into the pixels (the source's Burned In Annotation "YES" is logged as a warning),
which the user must check.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import secrets
from pathlib import Path

from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.uid import generate_uid

from ..user_folders import user_folder
from .verification import ANONYMISED_NAME

log = logging.getLogger(__name__)

# De-identification Method is an LO (at most 64 characters); the policy is the docstring.
METHOD = "KnowMVG anonymise: IDs removed, dates to year, new UIDs"
# Removed or emptied (Type 2 attributes stay present and empty).
IDENTIFYING_KEYWORDS = (
    "PatientName",
    "PatientID",
    "IssuerOfPatientID",
    "OtherPatientIDs",
    "OtherPatientIDsSequence",
    "OtherPatientNames",
    "PatientBirthName",
    "PatientMotherBirthName",
    "PatientBirthDate",
    "PatientBirthTime",
    "PatientAddress",
    "PatientTelephoneNumbers",
    "MedicalRecordLocator",
    "AccessionNumber",
    "IssuerOfAccessionNumberSequence",
    "StudyID",
    "ReferringPhysicianName",
    "ReferringPhysicianAddress",
    "ReferringPhysicianTelephoneNumbers",
    "PerformingPhysicianName",
    "RequestingPhysician",
    "NameOfPhysiciansReadingStudy",
    "PhysiciansOfRecord",
    "OperatorsName",
    "InstitutionName",
    "InstitutionAddress",
    "InstitutionalDepartmentName",
    "StationName",
    "DeviceSerialNumber",
    "RequestAttributesSequence",
    "ReferencedPatientSequence",
    "ReferencedStudySequence",
    "AdmissionID",
    "PatientComments",
    "AdditionalPatientHistory",
)
TYPE2_KEYWORDS = frozenset(
    {"PatientName", "PatientID", "PatientBirthDate", "AccessionNumber", "StudyID"}
    | {"ReferringPhysicianName"}
)
REPLACED_UIDS = (
    "StudyInstanceUID",
    "SeriesInstanceUID",
    "SOPInstanceUID",
    "FrameOfReferenceUID",
)
SALT_FILE = "anonymisation-salt"


def anonymised_header(dataset: Dataset, salt: bytes) -> Dataset:
    """A copy of an image header without identifiers, by the policy above."""
    header = copy.deepcopy(dataset)
    header.remove_private_tags()
    for keyword in IDENTIFYING_KEYWORDS:
        if keyword in header:
            if keyword in TYPE2_KEYWORDS:
                setattr(header, keyword, None)
            else:
                delattr(header, keyword)
    for element in list(header.iterall()):
        if element.VR == "DA" and element.value:
            element.value = _year_only(str(element.value), 8)
        elif element.VR == "DT" and element.value:
            element.value = str(element.value)[:4]
        elif element.VR == "TM":
            element.value = None
    age = str(header.get("PatientAge") or "")
    if age.endswith("Y") and age[:-1].isdigit() and int(age[:-1]) > 89:
        header.PatientAge = "090Y"
    for keyword in REPLACED_UIDS:
        if header.get(keyword):
            setattr(header, keyword, replacement_uid(str(header.get(keyword)), salt))
    meta = getattr(header, "file_meta", None)
    if meta is not None and "MediaStorageSOPInstanceUID" in meta:
        meta.MediaStorageSOPInstanceUID = header.SOPInstanceUID
    mark_anonymised(header)
    if str(header.get("BurnedInAnnotation", "")).upper() == "YES":
        log.warning("the source image has burned-in annotation: check its pixels for identifiers")
    return header


def mark_anonymised(dataset: Dataset) -> None:
    """Say in a derived object that its patient identity was removed, and how."""
    dataset.PatientIdentityRemoved = "YES"
    dataset.DeidentificationMethod = METHOD


def replacement_uid(uid: str, salt: bytes) -> str:
    """The UID that stands for `uid` in anonymised exports: the same for the same salt,
    unlinkable without it."""
    return generate_uid(entropy_srcs=[salt.hex(), uid])


def installation_salt(folder: Path | None = None) -> bytes:
    """This installation's secret salt (created once, 32 random bytes, readable by the user
    only); a fresh one for this run when the config folder cannot be written."""
    path = (folder or user_folder("config")) / SALT_FILE
    try:
        data = bytes.fromhex(path.read_text().strip())
        if len(data) >= 16:
            return data
    except (OSError, ValueError):
        pass
    salt = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # unreadable or damaged: keep it for the user to see
        log.warning("%s is not a valid salt; using a new one for this run", path)
        return salt
    except OSError as exc:
        log.warning("cannot keep the anonymisation salt in %s (%s); one for this run", path, exc)
        return salt
    with os.fdopen(handle, "w") as stream:
        stream.write(salt.hex() + "\n")
    return salt


def anonymised_record(record: dict) -> dict:
    """A study record (`ground --json`, the viewer's sidecar) without the image path and,
    when it was reviewed, without the reviewers' names."""
    anonymised = {**record, "image": None, "anonymised": True}
    review = record.get("review")
    if review:
        anonymised["review"] = {
            **review,
            "reviewers": [ANONYMISED_NAME] * len(review.get("reviewers", [])),
            "verified_by": None
            if review.get("verified_by") is None
            else {
                **review["verified_by"],
                "name": ANONYMISED_NAME,
                "organisation": ANONYMISED_NAME,
            },
        }
    return anonymised


def _year_only(value: str, width: int) -> str:
    year = value[:4]
    return f"{year}0101" if year.isdigit() and len(value) >= width else ""


# -- report text ---------------------------------------------------------------------------
MASK = "*"
MIN_NAME_PART = 2  # an initial alone would mask every such letter of the report


def patient_identifiers(header: Dataset | None) -> list[str]:
    """What of the patient's identity a report may repeat: each part of the patient's names
    (family, given, middle), the patient's IDs, and the birth date in the usual writings."""
    if header is None:
        return []
    found: list[str] = []
    for keyword in ("PatientName", "OtherPatientNames", "PatientBirthName"):
        for name in _values(header.get(keyword)):
            for part in str(name).replace("^", " ").replace("=", " ").split():
                part = part.strip(".,")
                if len(part) >= MIN_NAME_PART:
                    found.append(part)
    for keyword in ("PatientID", "OtherPatientIDs"):
        found += [str(v).strip() for v in _values(header.get(keyword)) if str(v).strip()]
    birth = str(header.get("PatientBirthDate") or "").strip()
    if len(birth) == 8 and birth.isdigit():
        y, m, d = birth[:4], birth[4:6], birth[6:]
        found += [birth, f"{y}-{m}-{d}", f"{d}/{m}/{y}", f"{m}/{d}/{y}", f"{d}.{m}.{y}"]
    return found


def _values(value) -> list:
    """A DICOM value as a list: empty when absent, its items when multi-valued."""
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, (list, tuple, MultiValue)) else [value]


def masked_text(text: str, identifiers: list[str]) -> str:
    """TEXT with every occurrence of each identifier (case-insensitive, whole words) replaced
    by as many MASK characters: the length, and so every phrase span, is kept."""
    for identifier in sorted(set(identifiers), key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(identifier)}(?!\w)", re.IGNORECASE)
        text = pattern.sub(lambda m: MASK * len(m.group(0)), text)
    return text
