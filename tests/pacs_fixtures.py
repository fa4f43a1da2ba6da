"""Fixtures for the PACS tests: one real Orthanc per session holding real studies.

The corpus: the two demo studies (DX images, a Basic Text SR) and pydicom-data's CR chest
film stored as JPEG 2000 (so a retrieval that transcodes would be caught). Tests that add
instances give them new Study UIDs, so the corpus studies never change.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import generate_uid

from .conftest import REPO_ROOT, pydicom_data_dir
from .orthanc import OrthancServer, orthanc_missing_reason

DICOMWEB_USER = "knowmvg"
DICOMWEB_PASSWORD = "pw-7c1d-not-in-logs"
DEMO_FILES = sorted((REPO_ROOT / "resources" / "demo").glob("*/*.dcm"))


@dataclass(frozen=True)
class Corpus:
    """The running server and what it holds: SOP Instance UID -> original file, per study."""

    server: OrthancServer
    files: dict[str, Path]
    studies: dict[str, list[str]]  # StudyInstanceUID -> SOP Instance UIDs

    def study_of(self, patient_id: str) -> str:
        for path in self.files.values():
            ds = pydicom.dcmread(path, stop_before_pixels=True)
            if ds.PatientID == patient_id:
                return str(ds.StudyInstanceUID)
        raise KeyError(patient_id)


def require_orthanc() -> None:
    reason = orthanc_missing_reason()
    if reason is not None:
        pytest.skip(reason)


def corpus_files() -> list[Path]:
    return [*DEMO_FILES, pydicom_data_dir() / "RG1_J2KR.dcm"]


_RUNNING: list[Corpus] = []  # one server for every module that imports the fixture


@pytest.fixture(scope="session", name="corpus")
def corpus_fixture() -> Iterator[Corpus]:
    """Import `corpus_fixture` into a test module; tests ask for `corpus`.

    Each importing module registers its own session fixture; the first starts Orthanc and
    the others reuse it (all session fixtures end together, the owner stops the server).
    """
    require_orthanc()
    if _RUNNING:
        yield _RUNNING[0]
        return
    files: dict[str, Path] = {}
    studies: dict[str, list[str]] = {}
    for path in corpus_files():
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        files[str(ds.SOPInstanceUID)] = path
        studies.setdefault(str(ds.StudyInstanceUID), []).append(str(ds.SOPInstanceUID))
    with OrthancServer(users={DICOMWEB_USER: DICOMWEB_PASSWORD}) as server:
        server.upload(*corpus_files())
        _RUNNING.append(Corpus(server, files, studies))
        try:
            yield _RUNNING[0]
        finally:
            _RUNNING.clear()


def copy_with_new_uids(
    source: Path, out: Path, study_uid: str | None = None, series_uid: str | None = None, **tags
) -> pydicom.Dataset:
    """A copy of a real file as a new instance (new SOP, and given or new Series/Study UIDs)."""
    ds = pydicom.dcmread(source)
    ds = copy.deepcopy(ds)
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.SeriesInstanceUID = series_uid or generate_uid()
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    for keyword, value in tags.items():
        setattr(ds, keyword, value)
    ds.save_as(out, enforce_file_format=True)
    return ds


def sent_copy(source: Path, out: Path, tag: str) -> pydicom.Dataset:
    """A new instance in a new study that no corpus query matches (tests send these)."""
    return copy_with_new_uids(
        source,
        out,
        PatientID=f"SENT-{tag}",
        PatientName="SENT^COPY",
        AccessionNumber="",
        StudyDate="19990101",
        Modality="OT",
        StudyDescription="sent by the PACS tests",
    )


def big_study(folder: Path, n: int = 8) -> tuple[str, list[Path]]:
    """`n` copies of a demo DX image (3.9 MB each) in one new study of two series."""
    folder.mkdir(parents=True, exist_ok=True)
    study_uid = generate_uid()
    series = [generate_uid(), generate_uid()]
    source = REPO_ROOT / "resources" / "demo" / "chest-pa-002" / "image-pa.dcm"
    paths = []
    for i in range(n):
        path = folder / f"big-{i:02d}.dcm"
        copy_with_new_uids(
            source, path, study_uid, series[i % 2], PatientID="BIG-0001", InstanceNumber=i + 1
        )
        paths.append(path)
    return study_uid, paths


def same_instance(received: Path, original: Path) -> bool:
    """Equal datasets and byte-identical (possibly still compressed) pixel data."""
    a, b = pydicom.dcmread(received), pydicom.dcmread(original)
    return (
        a == b
        and a.file_meta.TransferSyntaxUID == b.file_meta.TransferSyntaxUID
        and a.get("PixelData") == b.get("PixelData")
    )
