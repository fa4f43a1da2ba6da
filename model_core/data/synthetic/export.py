"""Write synthetic studies in the layouts the readers and the viewer take.

* `write_ms_cxr`: the MS-CXR layout (DESIGN section 5): display images as 16-bit PNG under
  `files/` and one CSV, one row per box, x/y the top-left corner in original pixels.
* `write_study_folders`: one folder per study with a DX DICOM (Part 10), `report.txt` and
  `ground_truth.json`, as the bundled demo studies are laid out.

Every file is written to a temporary name and renamed into place, and nothing that already
exists is overwritten: a second export into the same folder is refused with the path named.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import cv2
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from ..readers.ms_cxr import REQUIRED_COLUMNS, SPLIT_COLUMN
from .generator import SyntheticStudy, display_image, generate_study, split_of
from .lesions import DEFAULT, Difficulty

log = logging.getLogger(__name__)

MS_CXR_COLUMNS = (*REQUIRED_COLUMNS, SPLIT_COLUMN)  # what the MS-CXR reader reads back
MS_CXR_CSV = "MS_CXR_Local_Alignment_synthetic.csv"
# MS-CXR writes its eight categories as CheXpert labels; the others follow the same style.
CATEGORY_NAMES = {
    "atelectasis": "Atelectasis",
    "cardiomegaly": "Cardiomegaly",
    "consolidation": "Consolidation",
    "edema": "Edema",
    "effusion": "Pleural Effusion",
    "emphysema": "Emphysema",
    "fibrosis": "Fibrosis",
    "hiatal hernia": "Hiatal Hernia",
    "mass": "Mass",
    "nodule": "Nodule",
    "opacity": "Lung Opacity",
    "pleural thickening": "Pleural Thickening",
    "pneumonia": "Pneumonia",
    "pneumothorax": "Pneumothorax",
}
DX_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1"
UID_ENTROPY = "knowmvg-viewer synthetic study"


def study_name(seed: int) -> str:
    """The dicom_id / folder name of a seed's study."""
    return f"synth-{seed:08d}"


# --------------------------------------------------------------------------------------
# Atomic, non-overwriting writes
# --------------------------------------------------------------------------------------


def write_new(path: Path, data: bytes) -> None:
    """Write bytes to a path that must not exist yet, through a temporary file."""
    if path.exists():
        raise FileExistsError(f"{path} already exists; choose an empty output folder")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def png_bytes(study: SyntheticStudy) -> bytes:
    """The display image (default window, air dark) as a 16-bit greyscale PNG."""
    image = np.rint(display_image(study) * 65535.0).astype(np.uint16)
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise RuntimeError(f"PNG encoding failed for seed {study.seed}")
    return encoded.tobytes()


# --------------------------------------------------------------------------------------
# MS-CXR layout
# --------------------------------------------------------------------------------------


def ms_cxr_rows(study: SyntheticStudy) -> list[dict[str, object]]:
    """One row per ground-truth box of every non-negated phrase."""
    name = study_name(study.seed)
    rows = []
    for phrase in study.phrases:
        if phrase.negated:
            continue
        for x0, y0, x1, y1 in phrase.boxes:
            rows.append(
                {
                    "dicom_id": name,
                    "category_name": CATEGORY_NAMES[phrase.finding],
                    "label_text": phrase.text,
                    "path": f"files/{name}.png",
                    "x": x0,
                    "y": y0,
                    "w": x1 - x0,
                    "h": y1 - y0,
                    "image_width": study.width,
                    "image_height": study.height,
                    "split": split_of(study.seed),
                }
            )
    return rows


def write_ms_cxr(
    out_dir: Path | str,
    seeds: Iterable[int],
    size: int | None = None,
    difficulty: Difficulty = DEFAULT,
) -> Path:
    """Generate the seeds' studies into `out_dir` in the MS-CXR layout; the CSV's path.

    Every seed must belong to a split (its `split` column) and no file may exist yet; both
    are checked before anything is written."""
    out_dir = Path(out_dir)
    seeds = list(seeds)
    for seed in seeds:
        split_of(seed)
    files = out_dir / "files"
    csv_path = out_dir / MS_CXR_CSV
    for path in [csv_path] + [files / f"{study_name(seed)}.png" for seed in seeds]:
        if path.exists():
            raise FileExistsError(f"{path} already exists; choose an empty output folder")
    files.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    for seed in seeds:
        study = generate_study(seed, size, difficulty)
        write_new(files / f"{study_name(seed)}.png", png_bytes(study))
        rows.extend(ms_cxr_rows(study))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=MS_CXR_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_new(csv_path, text.getvalue().encode("utf-8"))
    log.info("wrote %d boxes of MS-CXR layout to %s", len(rows), csv_path)
    return csv_path


# --------------------------------------------------------------------------------------
# Study folders: DICOM + report.txt + ground_truth.json
# --------------------------------------------------------------------------------------


def uid(seed: int, *parts: str) -> str:
    """A UID derived from the seed alone, so exports are reproducible."""
    return str(generate_uid(entropy_srcs=[UID_ENTROPY, str(seed), *parts]))


def study_date(seed: int) -> datetime.date:
    return datetime.date(2024, 1, 1) + datetime.timedelta(days=seed % 366)


def dicom_dataset(study: SyntheticStudy) -> Dataset:
    """A DX 'for presentation' PA (or lateral) chest image, 12 bits stored in 16,
    uncompressed."""
    seed = study.seed
    instance = uid(seed, *_view_parts(study, "image"))
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DX_FOR_PRESENTATION
    meta.MediaStorageSOPInstanceUID = instance
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = generate_uid(entropy_srcs=[UID_ENTROPY, "implementation"])
    meta.ImplementationVersionName = "KNOWMVG_SYNTH_1"
    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = DX_FOR_PRESENTATION
    ds.SOPInstanceUID = instance
    add_patient_and_study(ds, study)
    add_image(ds, study)
    return ds


def add_patient_and_study(ds: Dataset, study: SyntheticStudy) -> None:
    seed = study.seed
    date = study_date(seed)
    ds.PatientName = f"SYNTHETIC^{seed:08d}"
    ds.PatientID = f"SYN{seed:08d}"
    ds.PatientBirthDate = f"{date.year - study.age:04d}0101"
    ds.PatientSex = study.sex
    ds.PatientAge = f"{study.age:03d}Y"
    ds.StudyInstanceUID = uid(seed, "study")
    ds.SeriesInstanceUID = uid(seed, *_view_parts(study, "series"))
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = date.strftime("%Y%m%d")
    ds.StudyTime = ds.SeriesTime = ds.ContentTime = "100000"
    ds.AccessionNumber = f"SYN{seed:08d}"
    ds.StudyID = str(seed % 100000)
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = "XR CHEST PA"
    ds.SeriesDescription = "PA"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.Modality = "DX"
    ds.Manufacturer = "KnowMVG synthetic"
    ds.ManufacturerModelName = "model_core.data.synthetic"
    ds.BodyPartExamined = "CHEST"
    ds.ViewPosition = "PA"
    ds.PatientOrientation = ["L", "F"]
    ds.ImageLaterality = "U"
    if study.view == "lateral":  # a left lateral, anterior at the image left
        ds.SeriesDescription = "LATERAL"
        ds.SeriesNumber = 2
        ds.ViewPosition = "LL"
        ds.PatientOrientation = ["P", "F"]
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.ImageType = ["DERIVED", "PRIMARY"]
    ds.BurnedInAnnotation = "NO"


def add_image(ds: Dataset, study: SyntheticStudy) -> None:
    inverse = study.photometric == "MONOCHROME1"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = study.photometric
    ds.PresentationLUTShape = "INVERSE" if inverse else "IDENTITY"
    ds.Rows, ds.Columns = study.pixels.shape
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.PixelIntensityRelationship = "LOG"
    ds.PixelIntensityRelationshipSign = 1 if inverse else -1
    ds.RescaleIntercept = 0
    ds.RescaleSlope = 1
    ds.RescaleType = "US"
    spacing = f"{study.pixel_spacing_mm:.4f}"
    ds.ImagerPixelSpacing = [spacing, spacing]
    centre, width = study.window
    ds.WindowCenter = f"{centre:.1f}"
    ds.WindowWidth = f"{width:.1f}"
    ds.VOILUTFunction = "LINEAR"
    ds.WindowCenterWidthExplanation = "CHEST"
    ds.LossyImageCompression = "00"
    ds.add_new(0x7FE00010, "OW", study.pixels.astype("<u2").tobytes())


def _view_parts(study: SyntheticStudy, part: str) -> tuple[str, ...]:
    """UID entropy: a PA film's as it always was, a lateral's its own."""
    return (part,) if study.view == "frontal" else (part, study.view)


def dicom_bytes(study: SyntheticStudy) -> bytes:
    buffer = io.BytesIO()
    dicom_dataset(study).save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def ground_truth(study: SyntheticStudy, image: str, report: str) -> dict[str, object]:
    """Phrases with spans into report.txt and boxes (x0, y0, x1, y1) in image pixels; the
    lesions the report leaves out are listed apart."""
    return {
        "image": image,
        "report": report,
        "findings": [
            {
                "phrase": phrase.text,
                "span": list(phrase.span),
                "negated": phrase.negated,
                "boxes": [list(box) for box in phrase.boxes],
                "finding": phrase.finding,
            }
            for phrase in study.phrases
        ],
        "extra_lesions": [
            {"finding": lesion.finding, "boxes": [list(box) for box in lesion.boxes]}
            for lesion in study.extra_lesions
        ],
    }


_NUMBER_LIST = re.compile(r"\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]")
_LIST_OF_LISTS = re.compile(r"\[\s*(\[[^\[\]]*\](?:,\s*\[[^\[\]]*\])*)\s*\]")


def json_text(payload: dict[str, object]) -> str:
    """Indented JSON with every span and box list kept on one line, like the demo studies'
    ground truth, so a reader sees one finding per few lines."""
    plain = json.dumps(payload, indent=2)
    text = _NUMBER_LIST.sub(lambda m: "[" + re.sub(r",\s*", ", ", m.group(1)) + "]", plain)
    text = _LIST_OF_LISTS.sub(lambda m: "[" + re.sub(r"\],\s*\[", "], [", m.group(1)) + "]", text)
    return (text if json.loads(text) == payload else plain) + "\n"


def write_study_folders(
    out_dir: Path | str,
    seeds: Iterable[int],
    size: int | None = None,
    difficulty: Difficulty = DEFAULT,
) -> list[Path]:
    """One folder per seed (`synth-XXXXXXXX/`: image.dcm, report.txt, ground_truth.json);
    the folders written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    folders = []
    for seed in seeds:
        folder = out_dir / study_name(seed)
        if folder.exists():
            raise FileExistsError(f"{folder} already exists; choose an empty output folder")
        study = generate_study(seed, size, difficulty)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=out_dir))
        try:
            write_new(staging / "image.dcm", dicom_bytes(study))
            write_new(staging / "report.txt", study.report.encode("utf-8"))
            truth = json_text(ground_truth(study, "image.dcm", "report.txt"))
            write_new(staging / "ground_truth.json", truth.encode("utf-8"))
            os.replace(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        folders.append(folder)
    log.info("wrote %d study folders to %s", len(folders), out_dir)
    return folders


# --------------------------------------------------------------------------------------
# Our JSONL (DESIGN section 5): reports included, so both evaluation protocols apply
# --------------------------------------------------------------------------------------

JSONL_NAME = "synthetic.jsonl"


def write_jsonl(
    out_dir: Path | str,
    seeds: Iterable[int],
    size: int | None = None,
    difficulty: Difficulty = DEFAULT,
) -> Path:
    """PNG images in `files/` and one `synthetic.jsonl` line per study:
    {image, report, phrases: [{text, span, boxes}]} (positive phrases, xyxy pixels)."""
    out_dir = Path(out_dir)
    files = out_dir / "files"
    jsonl_path = out_dir / JSONL_NAME
    seeds = list(seeds)
    for path in [jsonl_path] + [files / f"{study_name(seed)}.png" for seed in seeds]:
        if path.exists():
            raise FileExistsError(f"{path} already exists; choose an empty output folder")
    files.mkdir(parents=True, exist_ok=True)
    lines = []
    for seed in seeds:
        study = generate_study(seed, size, difficulty)
        image = f"files/{study_name(seed)}.png"
        write_new(out_dir / image, png_bytes(study))
        phrases = [
            {"text": p.text, "span": list(p.span), "boxes": [list(b) for b in p.boxes]}
            for p in study.phrases
            if not p.negated
        ]
        lines.append(json.dumps({"image": image, "report": study.report, "phrases": phrases}))
    write_new(jsonl_path, ("\n".join(lines) + "\n").encode("utf-8"))
    log.info("wrote %d studies as JSONL to %s", len(lines), jsonl_path)
    return jsonl_path
