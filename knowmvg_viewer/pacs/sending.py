"""Files queued for a send: their header read once, or the reason they cannot be sent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pydicom
from pydicom.errors import InvalidDicomError


@dataclass(frozen=True)
class OutgoingFile:
    """A file to store on a node; `error` set means it is skipped with that reason."""

    path: Path
    sop_class_uid: str = ""
    sop_instance_uid: str = ""
    transfer_syntax_uid: str = ""
    error: str | None = None


def read_outgoing(path: Path) -> OutgoingFile:
    """Read only the header: the protocols send the file's bytes as they are."""
    path = Path(path)
    if not path.is_file():
        return OutgoingFile(path, error="file not found" if not path.exists() else "not a file")
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
    except InvalidDicomError:
        return OutgoingFile(path, error="not a DICOM file (no DICM preamble)")
    except (OSError, ValueError, EOFError) as exc:
        return OutgoingFile(path, error=f"unreadable DICOM file ({exc})")
    meta = getattr(ds, "file_meta", None)
    sop_class = str(ds.get("SOPClassUID", "") or getattr(meta, "MediaStorageSOPClassUID", ""))
    sop_instance = str(
        ds.get("SOPInstanceUID", "") or getattr(meta, "MediaStorageSOPInstanceUID", "")
    )
    transfer_syntax = str(getattr(meta, "TransferSyntaxUID", "") or "")
    if not sop_class or not sop_instance:
        return OutgoingFile(path, error="no SOP Class UID or SOP Instance UID")
    if not transfer_syntax:
        return OutgoingFile(path, error="no transfer syntax in the file meta information")
    return OutgoingFile(path, sop_class, sop_instance, transfer_syntax)
