"""Study retrieval throughput from a real Orthanc: our C-GET, C-MOVE and WADO-RS side by side
with Orthanc's own REST archive download of the same study (GET /studies/{id}/archive).

Starts its own Orthanc (tests/orthanc.py), uploads a study of real radiographs copied with
new UIDs (the demo DX image and pydicom-data's CR film, 3 series), retrieves it REPEATS
times each way into a fresh folder and reports medians. MB/s counts the study's DICOM
payload (the sum of its instance files) for every method, so the figures compare. Target:
C-GET >= 0.7x the archive download. Orthanc deflates its archive, so the per-file REST
download (rest_files) is reported too, as the uncompressed reference. Prints the figures as
one JSON object on the last line.

    .venv/bin/python bench/pacs_retrieve.py [--instances 50] [--repeats 3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pydicom
from pydicom.uid import generate_uid

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from knowmvg_viewer.pacs import DicomwebNode, DimseNode, make_client  # noqa: E402
from tests.orthanc import OrthancServer, orthanc_missing_reason  # noqa: E402


def sources() -> list[Path]:
    import data_store

    return [
        REPO_ROOT / "resources" / "demo" / "chest-pa-002" / "image-pa.dcm",
        Path(data_store.__file__).parent / "data" / "RG1_UNCR.dcm",
    ]


def upload_study(server: OrthancServer, n: int) -> tuple[str, int]:
    """`n` instances in one new study, 3 series; returns (StudyInstanceUID, payload bytes)."""
    originals = [pydicom.dcmread(path) for path in sources()]
    study_uid = generate_uid()
    series = [generate_uid() for _ in range(3)]
    total = 0
    for i in range(n):
        ds = originals[i % len(originals)]
        ds.StudyInstanceUID = study_uid
        ds.SeriesInstanceUID = series[i % len(series)]
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.PatientID, ds.PatientName, ds.InstanceNumber = "BENCH-0001", "BENCH^PACS", i + 1
        buffer = io.BytesIO()
        ds.save_as(buffer, enforce_file_format=True)
        total += len(buffer.getvalue())
        server.upload_bytes(buffer.getvalue())
    return study_uid, total


def timed(fn: Callable[[Path], int], scratch: Path, repeats: int) -> tuple[float, int]:
    """Median seconds of `fn(fresh_folder)` and the instance count it reported."""
    seconds, count = [], 0
    for i in range(repeats):
        dest = scratch / f"run-{i}"
        start = time.perf_counter()
        count = fn(dest)
        seconds.append(time.perf_counter() - start)
        shutil.rmtree(dest, ignore_errors=True)
    return statistics.median(seconds), count


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if (reason := orthanc_missing_reason()) is not None:
        raise SystemExit(reason)
    scratch = Path(tempfile.mkdtemp(prefix="knowmvg-bench-pacs-"))
    try:
        with OrthancServer() as server:
            study_uid, payload = upload_study(server, args.instances)
            orthanc_id = server.study_id(study_uid)
            dimse = DimseNode(server.aet, "127.0.0.1", server.dicom_port)
            moving = DimseNode(
                server.aet, "127.0.0.1", server.dicom_port, move_port=server.move_port
            )
            methods = {
                "cget": make_client(dimse),
                "cmove": make_client(moving),
                "wado": make_client(DicomwebNode(server.dicomweb_url)),
            }
            figures: dict = {
                "instances": args.instances,
                "study_mb": round(payload / 1e6, 1),
                "repeats": args.repeats,
                "cpu_threads": os.cpu_count(),
                "orthanc": server.get_json("/system")["Version"],
            }

            def archive(dest: Path) -> int:
                dest.mkdir(parents=True)
                data = server.get_bytes(f"/studies/{orthanc_id}/archive")
                (dest / "study.zip").write_bytes(data)
                figures["archive_zip_mb"] = round(len(data) / 1e6, 1)
                return args.instances

            def rest_files(dest: Path) -> int:
                """A second reference without the archive's zip compression: each instance
                file by plain REST, one after another."""
                dest.mkdir(parents=True)
                instances = server.get_json(f"/studies/{orthanc_id}/instances")
                for item in instances:
                    data = server.get_bytes(f"/instances/{item['ID']}/file")
                    (dest / f"{item['ID']}.dcm").write_bytes(data)
                return len(instances)

            runs: dict[str, Callable[[Path], int]] = {"archive": archive, "rest_files": rest_files}
            for name, client in methods.items():
                runs[name] = lambda dest, c=client: c.retrieve_study(study_uid, dest).instances
            for name, run in runs.items():
                seconds, count = timed(run, scratch, args.repeats)
                if count != args.instances:
                    raise SystemExit(f"{name}: {count} of {args.instances} instances")
                figures[f"{name}_s"] = round(seconds, 3)
                figures[f"{name}_mb_s"] = round(payload / 1e6 / seconds, 1)
                figures[f"{name}_images_s"] = round(count / seconds, 1)
            for name in methods:
                figures[f"{name}_vs_archive"] = round(
                    figures[f"{name}_mb_s"] / figures["archive_mb_s"], 2
                )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return figures


if __name__ == "__main__":
    result = main()
    print(json.dumps(result))
