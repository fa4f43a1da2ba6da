"""A study: the images of one examination and its report, found from a file or a folder."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .dicom import is_dicom, is_structured_report, load_dicom_image, read_dataset
from .errors import StudyError
from .image import RadiographImage
from .raster import RASTER_SUFFIXES, load_raster_image
from .report import Report, load_sr_report, load_text_report

log = logging.getLogger(__name__)

REPORT_FILE_NAME = "report.txt"


@dataclass
class Study:
    """`images` are paths, loaded on demand; `report` is None when none was found."""

    path: Path
    images: list[Path]
    report: Report | None = None
    skipped: list[str] = field(default_factory=list)  # "name: reason" for unused files

    @property
    def name(self) -> str:
        return self.path.name


def load_image(path: Path, frame: int = 0) -> RadiographImage:
    """One frame of a DICOM file or a raster image; StudyError for anything else."""
    path = Path(path)
    if not path.exists():
        raise StudyError(path, "file not found")
    if path.is_dir():
        raise StudyError(path, "is a folder, not an image file")
    if is_dicom(path):
        return load_dicom_image(path, frame)
    if path.suffix.lower() in RASTER_SUFFIXES:
        return load_raster_image(path)
    if path.suffix.lower() == ".dcm":
        raise StudyError(path, "not a DICOM file (no DICM preamble)")
    raise StudyError(path, f"unsupported file type '{path.suffix or path.name}'")


def open_study(path: Path) -> Study:
    """Open an image file (with its sidecar report) or a study folder."""
    path = Path(path)
    if not path.exists():
        raise StudyError(path, "not found")
    if path.is_dir():
        return _open_folder(path)
    if is_dicom(path) and is_structured_report(read_dataset(path, header_only=True)):
        raise StudyError(path, "is a structured report, not an image; open its study folder")
    load_image(path)  # fail now, with the reason, rather than in the view
    return Study(path=path, images=[path], report=_sidecar_report(path))


def discover_studies(path: Path) -> list[Path]:
    """The studies under PATH for a batch: PATH itself when it is a file or a folder holding
    image files; otherwise each such folder below it, depth first in name order.

    A folder with no study anywhere below it is returned as is, so opening it gives
    the usual "no readable images" message instead of silently producing nothing.
    """
    path = Path(path)
    if not path.is_dir():
        return [path]
    found = _study_folders(path)
    return found or [path]


def _study_folders(folder: Path) -> list[Path]:
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    if any(p.is_file() and _may_be_image(p) for p in entries):
        return [folder]
    return [study for sub in entries if sub.is_dir() for study in _study_folders(sub)]


def _may_be_image(path: Path) -> bool:
    """Cheap test (suffix or DICOM preamble) used to find study folders; a broken .dcm
    counts, so that its folder is reported rather than skipped."""
    return path.suffix.lower() in RASTER_SUFFIXES | {".dcm"} or is_dicom(path)


def _open_folder(folder: Path) -> Study:
    images: list[tuple[tuple, Path]] = []
    sr_reports: list[Path] = []
    skipped: list[str] = []
    for entry in sorted(p for p in folder.iterdir() if p.is_file()):
        kind, order = _classify(entry)
        if kind == "image":
            images.append((order, entry))
        elif kind == "sr":
            sr_reports.append(entry)
        elif kind != "text":
            skipped.append(f"{entry.name}: {kind}")
    if not images:
        why = f" ({'; '.join(skipped[:3])})" if skipped else ""
        raise StudyError(folder, f"no readable images in this folder{why}")
    ordered = [path for _, path in sorted(images, key=lambda pair: pair[0])]
    report = _folder_report(folder, ordered, sr_reports)
    return Study(path=folder, images=ordered, report=report, skipped=skipped)


def _classify(path: Path) -> tuple[str, tuple]:
    """('image' | 'sr' | 'text' | why the file is unused, display order key).

    DICOM images sort by series then instance number, as a PACS would list them.
    """
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return "text", ()
    if suffix in RASTER_SUFFIXES:
        return "image", (1 << 30, 0, path.name)
    if not is_dicom(path):
        return "not DICOM or a supported image", ()
    try:
        ds = read_dataset(path, header_only=True)
    except StudyError as exc:
        return exc.reason, ()
    if is_structured_report(ds):
        return "sr", ()
    if "PixelData" not in ds and not ds.get("Rows"):
        return "DICOM without pixel data", ()
    return "image", (_as_int(ds.get("SeriesNumber")), _as_int(ds.get("InstanceNumber")), path.name)


def _as_int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1 << 30


def _sidecar_report(image_path: Path) -> Report | None:
    for candidate in (image_path.with_suffix(".txt"), image_path.parent / REPORT_FILE_NAME):
        if candidate.is_file():
            return load_text_report(candidate)
    return None


def _folder_report(folder: Path, images: list[Path], sr_reports: list[Path]) -> Report | None:
    """report.txt, else a sidecar of the first image, else the first readable SR."""
    report = _sidecar_report(images[0]) if images else None
    if report is None and (folder / REPORT_FILE_NAME).is_file():
        report = load_text_report(folder / REPORT_FILE_NAME)
    if report is not None:
        return report
    for sr_path in sr_reports:
        try:
            return load_sr_report(sr_path)
        except StudyError as exc:
            log.warning("%s", exc)
    return None
