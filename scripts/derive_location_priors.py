"""Derive per-finding, per-side location priors from radiologists' boxes (NIH ChestX-ray8).

The knowledge prompts and the synthetic generator need to know where each finding usually
sits on a PA film. The only real boxes we may use are the 984 in NIH ChestX-ray8's
``BBox_List_2017.csv``, which ships inside the ``torchxrayvision`` wheel on PyPI. This script
fetches that wheel with pip into a temporary folder (torchxrayvision is never installed or
imported), reads the CSV out of the wheel's data folder, and writes only the derived
statistics to ``resources/knowledge/location_priors.json``. Nothing else in the wheel is read:
its Indiana University report collection is under a licence that forbids our use.

Usage::

    python scripts/derive_location_priors.py              # download the wheel, write the JSON
    python scripts/derive_location_priors.py --csv FILE   # use a local BBox_List_2017.csv

The output is deterministic for a given CSV.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import json
import logging
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger("derive_location_priors")

WHEEL_VERSION = "1.5.7"
CSV_NAME = "BBox_List_2017.csv"
IMAGE_SIZE = 1024.0
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "resources" / "knowledge" / "location_priors.json"

LABEL_MAP = {
    "Atelectasis": "atelectasis",
    "Cardiomegaly": "cardiomegaly",
    "Effusion": "effusion",
    "Infiltrate": "opacity",
    "Infiltration": "opacity",
    "Mass": "mass",
    "Nodule": "nodule",
    "Pneumonia": "pneumonia",
    "Pneumothorax": "pneumothorax",
}
SIDES = ("any", "right", "left")
PROVENANCE = (
    "Boxes drawn by board-certified radiologists on 1024x1024 PA/AP films of the NIH "
    "ChestX-ray8 dataset (Wang et al., CVPR 2017), read from BBox_List_2017.csv inside the "
    "torchxrayvision wheel on PyPI. Coordinates divided by 1024. Side: 'right' is the "
    "patient's right, i.e. box centre x < 0.5 (image left on a PA film), 'left' otherwise. "
    "std is the sample standard deviation (ddof=1; 0 when n=1); percentiles use linear "
    "interpolation. Derived by scripts/derive_location_priors.py; only these statistics are "
    "kept in the repository."
)


@dataclass(frozen=True)
class NihBox:
    """One radiologist box, normalised to [0, 1] and already mapped to our finding name."""

    image: str
    finding: str
    cx: float
    cy: float
    w: float
    h: float


def read_bbox_csv(path: Path) -> list[NihBox]:
    """Parse ``BBox_List_2017.csv`` (plain or gzipped) by column position.

    Its header reads ``Image Index,Finding Label,Bbox [x,y,w,h],,,``: the commas inside the
    bracket split it into more fields than the data rows have, so the header is only
    recognised and skipped, never used for column names.
    """
    with _open_text(path) as handle:
        rows = list(csv.reader(handle))
    boxes = []
    for line_no, row in enumerate(rows, start=1):
        if not row or not any(cell.strip() for cell in row) or row[0].strip() == "Image Index":
            continue
        boxes.append(_parse_row(row, path, line_no))
    if not boxes:
        raise ValueError(f"{path}: no boxes found")
    return boxes


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _parse_row(row: list[str], path: Path, line_no: int) -> NihBox:
    if len(row) < 6:
        raise ValueError(f"{path}:{line_no}: expected 6 fields, got {len(row)}")
    label = row[1].strip()
    if label not in LABEL_MAP:
        raise ValueError(f"{path}:{line_no}: unknown finding label {label!r}")
    try:
        x, y, w, h = (float(cell) / IMAGE_SIZE for cell in row[2:6])
    except ValueError as exc:
        raise ValueError(f"{path}:{line_no}: bad box value ({exc})") from None
    if w <= 0 or h <= 0:
        raise ValueError(f"{path}:{line_no}: empty box (w={w}, h={h})")
    return NihBox(row[0].strip(), LABEL_MAP[label], x + w / 2, y + h / 2, w, h)


def side_of_box(box: NihBox) -> str:
    """Patient side: on a PA film the patient's right lies on the image left."""
    return "right" if box.cx < 0.5 else "left"


def box_stats(boxes: Sequence[NihBox]) -> dict:
    """n, mean, std and 10/50/90th percentiles of (cx, cy, w, h)."""
    values = np.array([[b.cx, b.cy, b.w, b.h] for b in boxes], dtype=np.float64)
    std = values.std(axis=0, ddof=1) if len(values) > 1 else np.zeros(4)
    p10, p50, p90 = np.percentile(values, [10, 50, 90], axis=0)
    return {
        "n": len(values),
        "mean": _rounded(values.mean(axis=0)),
        "std": _rounded(std),
        "p10": _rounded(p10),
        "p50": _rounded(p50),
        "p90": _rounded(p90),
    }


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(v), 4) for v in values]


def derive_priors(csv_path: Path, wheel_version: str | None = None) -> dict:
    """The whole ``location_priors.json`` document for one CSV file."""
    boxes = read_bbox_csv(csv_path)
    priors: dict[str, dict] = {}
    for finding in sorted({b.finding for b in boxes}):
        own = [b for b in boxes if b.finding == finding]
        by_side = {"any": own}
        for side in ("right", "left"):
            by_side[side] = [b for b in own if side_of_box(b) == side]
        priors[finding] = {s: box_stats(by_side[s]) for s in SIDES if by_side[s]}
    return {
        "source": {
            "file": CSV_NAME,
            "package": "torchxrayvision",
            "wheel_version": wheel_version,
            "sha256": hashlib.sha256(csv_path.read_bytes()).hexdigest(),
            "n_boxes": len(boxes),
            "image_size": int(IMAGE_SIZE),
        },
        "provenance": PROVENANCE,
        "box_format": "cxcywh, fractions of the image width and height",
        "label_map": LABEL_MAP,
        "priors": priors,
    }


def download_wheel(dest: Path, version: str = WHEEL_VERSION) -> Path:
    """``pip download`` the torchxrayvision wheel (no dependencies) into ``dest``."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        f"torchxrayvision=={version}",
        "-d",
        str(dest),
    ]
    log.info("running %s", " ".join(command))
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wheels = sorted(dest.glob(f"torchxrayvision-{version}-*.whl"))
    if not wheels:
        raise FileNotFoundError(f"pip did not leave a torchxrayvision {version} wheel in {dest}")
    return wheels[0]


def extract_bbox_csv(wheel: Path, dest: Path) -> Path:
    """Copy only the BBox CSV (gzipped or not) out of the wheel's data folder."""
    with zipfile.ZipFile(wheel) as archive:
        members = [
            n for n in archive.namelist() if n.rsplit("/", 1)[-1] in (CSV_NAME, CSV_NAME + ".gz")
        ]
        if not members:
            raise FileNotFoundError(f"{wheel.name} holds no {CSV_NAME}")
        data = archive.read(members[0])
    if members[0].endswith(".gz"):
        data = gzip.decompress(data)
    out = dest / CSV_NAME
    out.write_bytes(data)
    return out


_NUMBER_LIST = re.compile(r"\[\s*((?:-?[\d.e+-]+,?\s*)+)\]")


def write_json(document: dict, out: Path) -> None:
    """Write atomically (a failed run leaves no half file); number lists kept on one line."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    text = json.dumps(document, indent=2)
    text = _NUMBER_LIST.sub(lambda m: "[" + " ".join(m.group(1).split()) + "]", text)
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", type=Path, help="a local BBox_List_2017.csv instead of PyPI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--version", default=WHEEL_VERSION, help="torchxrayvision version")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    if args.csv is not None:
        document = derive_priors(args.csv)
    else:
        with tempfile.TemporaryDirectory(prefix="txv-wheel-") as tmp:
            wheel = download_wheel(Path(tmp), args.version)
            document = derive_priors(extract_bbox_csv(wheel, Path(tmp)), args.version)
    write_json(document, args.out)
    counts = {f: {s: v["n"] for s, v in sides.items()} for f, sides in document["priors"].items()}
    log.info("wrote %s from %d boxes: %s", args.out, document["source"]["n_boxes"], counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
