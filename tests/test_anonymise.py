"""Anonymised exports (hardening issue, item 20): no patient name, ID, birth date,
accession number or referring physician anywhere in the bytes, dates kept to the year,
UIDs replaced consistently across objects, and the objects still valid DICOM."""

from __future__ import annotations

import json
import logging
import re
import stat

import numpy as np
import pydicom
import pytest

from knowmvg_viewer.export.anonymise import (
    SALT_FILE,
    anonymised_header,
    anonymised_record,
    installation_salt,
    replacement_uid,
)
from knowmvg_viewer.export.secondary_capture import export_secondary_capture
from knowmvg_viewer.export.source import SourceImage
from knowmvg_viewer.export.sr import export_sr
from knowmvg_viewer.study import load_image
from model_core.results import GroundedFinding

from .dicom_tools import dciodvfy_errors, tools_missing_reason

SALT = bytes(range(32))
MODEL = {"name": "knowmvg-anonymise", "size": "tiny"}
FINDINGS = [
    GroundedFinding(
        "left pleural effusion", (0, 21), box=(1100.0, 1400.0, 1500.0, 1750.0), score=0.8
    ),
    GroundedFinding("No pneumothorax", (23, 38), negated=True),
]
# RG1's identifying values (pydicom-data's real CR film): none may survive anywhere.
RG1_IDENTIFIERS = [
    b"CompressedSamples",
    b"9RG1",
    b"19400305",
    b"exam Number",
    b"ward",
    b"26210",
    b"Philips Medical Systems Hamburg",
    b"THORAVISION",
    b"Our Department",
    b"92.00.003",
]


def leaked(identifier: bytes, data: bytes) -> bool:
    """The identifier as a value of its own, not digits inside a longer number: the export's
    new UIDs are random digit strings, and one held "26210" (RG1's other patient ID) by chance."""
    return re.search(rb"(?<![0-9.])" + re.escape(identifier) + rb"(?![0-9.])", data) is not None


@pytest.fixture(scope="module")
def rg1(chest_film_raw):
    return load_image(chest_film_raw)


def test_the_header_loses_every_identifier_and_keeps_dates_to_the_year(rg1):
    original = rg1.header
    header = anonymised_header(original, SALT)
    for keyword in ("PatientName", "PatientID", "PatientBirthDate", "AccessionNumber"):
        assert keyword in header and not header.get(keyword)  # Type 2: present, empty
    for keyword in ("OtherPatientIDs", "InstitutionName", "StationName", "DeviceSerialNumber"):
        assert keyword not in header
    assert header.StudyDate == "20040101" and header.SeriesDate == "19950101"
    assert not header.StudyTime and not header.ContentTime
    assert header.PatientIdentityRemoved == "YES"
    assert header.StudyInstanceUID != original.StudyInstanceUID
    assert header.SOPInstanceUID == replacement_uid(original.SOPInstanceUID, SALT)
    assert original.PatientName == "CompressedSamples^RG1"  # the loaded header is untouched


def test_uids_are_the_same_for_one_salt_and_unlinkable_across_salts():
    uid = "1.3.6.1.4.1.5962.1.1.9.1.1.20040826185059.5457"
    assert replacement_uid(uid, SALT) == replacement_uid(uid, SALT)
    assert replacement_uid(uid, SALT) != replacement_uid(uid, bytes(32))
    assert pydicom.uid.UID(replacement_uid(uid, SALT)).is_valid


@pytest.mark.parametrize("kind", ["sr", "sc"])
def test_no_identifier_survives_in_an_anonymised_export(rg1, tmp_path, kind):
    source = SourceImage.from_image(rg1).without_identifiers(SALT)
    out = tmp_path / f"out.{kind}.dcm"
    if kind == "sr":
        export_sr(out, source, FINDINGS, MODEL)
    else:
        rgb = np.zeros((rg1.height, rg1.width, 3), np.uint8)
        export_secondary_capture(out, source, rgb)
    data = out.read_bytes()
    for identifier in RG1_IDENTIFIERS:
        assert not leaked(identifier, data), identifier
    written = pydicom.dcmread(out)
    assert written.PatientIdentityRemoved == "YES" and "anonymise" in written.DeidentificationMethod
    assert written.StudyInstanceUID == source.dataset.StudyInstanceUID
    assert written.StudyDate == "20040101"
    if kind == "sr":  # the box still points at the (renamed) image
        assert source.dataset.SOPInstanceUID.encode() in data
    missing = tools_missing_reason("dciodvfy")
    if missing is None:
        assert dciodvfy_errors(out) == []


def test_an_export_without_the_flag_keeps_the_patient(rg1, tmp_path):
    out = export_sr(tmp_path / "plain.sr.dcm", rg1, FINDINGS, MODEL)
    written = pydicom.dcmread(out)
    assert written.PatientID == "9RG1" and "PatientIdentityRemoved" not in written


def test_the_salt_is_made_once_private_and_kept(tmp_path):
    first = installation_salt(tmp_path)
    assert installation_salt(tmp_path) == first and len(first) == 32
    assert stat.S_IMODE((tmp_path / SALT_FILE).stat().st_mode) == 0o600


def test_a_damaged_salt_file_is_kept_aside_and_a_run_salt_used(tmp_path, caplog):
    (tmp_path / SALT_FILE).write_text("not hex")
    with caplog.at_level(logging.WARNING):
        salt = installation_salt(tmp_path)
    assert len(salt) == 32 and "not a valid salt" in caplog.text
    assert (tmp_path / SALT_FILE).read_text() == "not hex"  # never overwritten


def test_the_json_record_keeps_no_image_path():
    record = {"image": "/data/Smith_John/chest.dcm", "width": 10, "findings": []}
    assert anonymised_record(record) == {
        "image": None,
        "width": 10,
        "findings": [],
        "anonymised": True,
    }


def test_an_anonymised_review_names_no_radiologist():
    from datetime import UTC, datetime

    from knowmvg_viewer.export.verification import Verification

    verified = Verification("Anna Smith", "St Elsewhere", datetime(2026, 12, 7, 9, 30, tzinfo=UTC))
    hidden = verified.anonymised()
    assert (hidden.name, hidden.organisation) == ("Anonymised", "Anonymised")
    assert hidden.when == datetime(2026, 1, 1, tzinfo=UTC)
    record = {
        "image": "/x.dcm",
        "review": {
            "reviewers": ["Anna Smith"],
            "complete": True,
            "verified_by": verified.to_json(),
        },
    }
    text = json.dumps(anonymised_record(record))
    assert "Smith" not in text and "Elsewhere" not in text


def test_a_reports_patient_identity_is_masked_and_every_span_kept():
    from pydicom.dataset import Dataset

    from knowmvg_viewer.export.anonymise import MASK, masked_text, patient_identifiers

    header = Dataset()
    header.PatientName = "Smith^John^A"
    header.OtherPatientNames = ["Smyth^Jon", "Smith-Jones^J"]
    header.PatientID = "MRN12345"
    header.PatientBirthDate = "19500203"
    report = (
        "Patient: John SMITH (MRN12345), DOB 03/02/1950, also Jon Smyth. "
        "Small left effusion. Smithfield catheter. A. Jones reviewed."
    )
    masked = masked_text(report, patient_identifiers(header))
    assert len(masked) == len(report)
    for identifier in ("John", "SMITH", "MRN12345", "03/02/1950", "Jon", "Smyth"):
        assert re.search(rf"(?<!\w){re.escape(identifier)}(?!\w)", masked) is None
    assert "Smithfield" in masked and "Small left effusion" in masked  # whole words only
    assert "A. Jones" in masked  # single initials and other names are not the patient's
    assert MASK * len("MRN12345") in masked
    assert patient_identifiers(None) == [] and masked_text(report, []) == report
