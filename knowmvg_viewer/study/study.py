"""A study: the images of one examination and its report, found from a file or a folder."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pydicom.dataset import Dataset

from .dicom import dicom_image, is_dicom, is_structured_report, read_dicom
from .errors import StudyError
from .image import RadiographImage
from .presentation_reader import read_presentation_state
from .presentation_state import (
    PresentationState,
    is_grayscale_presentation_state,
    is_presentation_state,
)
from .raster import RASTER_SUFFIXES, load_raster_image
from .report import Report, is_own_output, load_text_report, not_a_report, sr_report
from .views import FilmView, header_view

log = logging.getLogger(__name__)

REPORT_FILE_NAME = "report.txt"
# Decoded images a study keeps: a few radiographs (20-50 MB each), never a whole folder.
DECODED_CACHE_BYTES = 192 * 2**20


@dataclass
class Study:
    """`images` are paths, decoded on demand by `image(index)`; `report` is None when none
    was found; `presentation_states` are the GSPS of the folder that reference its images.

    Each image is decoded once while it stays in the cache: the most recently used ones up
    to `cache_bytes` of pixels (the last one asked for always). A file that cannot be
    decoded is remembered as such and not read again. Safe to call from several threads;
    decoding is one at a time. `decoder` is `load_image` unless the caller decodes elsewhere
    (the viewer: in a child process, see `process_decoder.py`).
    """

    path: Path
    images: list[Path]
    report: Report | None = None
    skipped: list[str] = field(default_factory=list)  # "name: reason" for unused files
    presentation_states: list[PresentationState] = field(default_factory=list)
    cache_bytes: int = DECODED_CACHE_BYTES
    decoder: Callable[[Path], RadiographImage] | None = field(default=None, repr=False)
    _decoded: OrderedDict[int, RadiographImage] = field(
        default_factory=OrderedDict, init=False, repr=False, compare=False
    )
    _failed: dict[int, StudyError] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def first_image(self) -> RadiographImage:
        return self.image(0)

    def image(self, index: int) -> RadiographImage:
        """Image `index` (0-based), decoded now or taken from the cache. StudyError for a
        file that cannot be decoded; IndexError for an index outside the study."""
        if not 0 <= index < len(self.images):
            raise IndexError(f"image {index} of a study with {len(self.images)} image(s)")
        with self._lock:
            failed = self._failed.get(index)
            if failed is not None:
                raise StudyError(failed.path, failed.reason)
            image = self._decoded.get(index)
            if image is None:
                try:
                    image = (self.decoder or load_image)(self.images[index])
                except StudyError as exc:
                    self._failed[index] = exc
                    raise
            self._keep(index, image)
            return image

    def presentation_for(self, image: RadiographImage) -> PresentationState | None:
        """The presentation state to apply to IMAGE: the newest of those referencing it."""
        matching = [state for state in self.presentation_states if state.applies_to(image)]
        return max(matching, key=lambda s: (s.created, s.instance_number), default=None)

    def cached_indices(self) -> list[int]:
        """The images held decoded, least recently used first."""
        with self._lock:
            return list(self._decoded)

    def _keep(self, index: int, image: RadiographImage) -> None:
        """Remember `image` as the most recent; drop the oldest beyond the byte budget."""
        self._decoded[index] = image
        self._decoded.move_to_end(index)
        total = sum(kept.stored.nbytes for kept in self._decoded.values())
        while len(self._decoded) > 1 and total > self.cache_bytes:
            _, dropped = self._decoded.popitem(last=False)
            total -= dropped.stored.nbytes


def load_image(path: Path, frame: int = 0) -> RadiographImage:
    """One frame of a DICOM file or a raster image; StudyError for anything else."""
    path = Path(path)
    if not path.exists():
        raise StudyError(path, "file not found")
    if path.is_dir():
        raise StudyError(path, "is a folder, not an image file")
    return _decode(path, read_dicom(path), frame)


def _decode(path: Path, dataset: Dataset | None, frame: int = 0) -> RadiographImage:
    """The image in PATH, whose DICOM dataset (None: not DICOM) was already read."""
    if dataset is not None:
        return dicom_image(dataset, path, frame)
    if path.suffix.lower() in RASTER_SUFFIXES:
        return load_raster_image(path)
    if path.suffix.lower() == ".dcm":
        raise StudyError(path, "not a DICOM file (no DICM preamble)")
    raise StudyError(path, f"unsupported file type '{path.suffix or path.name}'")


def open_study(path: Path, decoder: Callable[[Path], RadiographImage] | None = None) -> Study:
    """Open an image file (with its sidecar report) or a study folder; the study decodes its
    images with `decoder` (default: `load_image`, here).

    A file is decoded here, once: a bad one fails now, with the reason, rather than in the
    view, and the study hands the decoded image on (`first_image`). Without a decoder it is
    also read once; a decoder reads it itself, after a header-only read here.
    """
    path = Path(path)
    if not path.exists():
        raise StudyError(path, "not found")
    if path.is_dir():
        study = _open_folder(path)
        study.decoder = decoder
        return study
    dataset = read_dicom(path, header_only=decoder is not None)
    if dataset is not None and is_structured_report(dataset):
        raise StudyError(path, "is a structured report, not an image; open its study folder")
    if dataset is not None and is_presentation_state(dataset):
        raise StudyError(path, "is a presentation state, not an image; open its study folder")
    image = decoder(path) if decoder is not None else _decode(path, dataset)
    study = Study(path=path, images=[path], report=_sidecar_report(path), decoder=decoder)
    study._keep(0, image)
    return study


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
    """Each file's header is read once, here; an SR's or a GSPS's header is the whole object,
    kept for the report or the presentation state."""
    images: list[tuple[tuple, Path]] = []
    image_uids: set[str] = set()
    sr_reports: list[tuple[Path, Dataset]] = []
    states: list[tuple[Path, Dataset]] = []
    skipped: list[str] = []
    for entry in sorted(p for p in folder.iterdir() if p.is_file()):
        kind, order, header = _classify(entry)
        if kind == "image":
            images.append((order, entry))
            if header is not None and header.get("SOPInstanceUID"):
                image_uids.add(str(header.SOPInstanceUID))
        elif kind == "sr":
            sr_reports.append((entry, header))
        elif kind == "gsps":
            states.append((entry, header))
        elif kind != "text":
            skipped.append(f"{entry.name}: {kind}")
    if not images:
        unused = skipped + [f"{path.name}: a presentation state" for path, _ in states]
        why = f" ({'; '.join(unused[:3])})" if unused else ""
        raise StudyError(folder, f"no readable images in this folder{why}")
    ordered = [path for _, path in sorted(images, key=lambda pair: pair[0])]
    report = _folder_report(folder, ordered, sr_reports)
    presentation_states = _presentation_states(states, image_uids, skipped)
    return Study(
        path=folder,
        images=ordered,
        report=report,
        skipped=skipped,
        presentation_states=presentation_states,
    )


def _presentation_states(
    states: list[tuple[Path, Dataset]], image_uids: set[str], skipped: list[str]
) -> list[PresentationState]:
    """The readable GSPS that reference an image of the folder; the others go to `skipped`.
    The viewer's own AI GSPS is applied like any other (its window and boxes as exported;
    View > Presentation state graphics hides them beside the AI's own)."""
    kept = []
    for path, dataset in states:
        try:
            state = read_presentation_state(dataset, path)
        except StudyError as exc:
            skipped.append(f"{path.name}: {exc.reason}")
            continue
        if any(ref.sop_instance_uid in image_uids for ref in state.images):
            kept.append(state)
        else:
            skipped.append(f"{path.name}: presentation state for images not in this folder")
    return kept


def _classify(path: Path) -> tuple[str, tuple, Dataset | None]:
    """('image' | 'sr' | 'gsps' | 'text' | why the file is unused, display order key, DICOM
    header).

    An SR is 'sr' (a candidate report) unless it is AI output or a measurement report
    (`not_a_report`); a grayscale softcopy presentation state is 'gsps'.

    Frontal films come first and laterals last, by what their headers say (a PA + lateral
    study opens, and is grounded, on its frontal film); within each, DICOM images sort by
    series then instance number, as a PACS would list them.
    """
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return "text", (), None
    if suffix in RASTER_SUFFIXES:
        return "image", (FilmView().order, 1 << 30, 0, path.name), None
    try:
        ds = read_dicom(path, header_only=True)
    except StudyError as exc:
        return exc.reason, (), None
    if ds is None:
        return "not DICOM or a supported image", (), None
    if is_structured_report(ds):
        return not_a_report(ds) or "sr", (), ds
    if is_presentation_state(ds):
        if is_grayscale_presentation_state(ds):
            return "gsps", (), ds
        return "a colour or blending presentation state (only grayscale ones are applied)", (), ds
    if "PixelData" not in ds and not ds.get("Rows"):
        return "DICOM without pixel data", (), ds
    if is_own_output(ds):  # our secondary capture, back from the PACS: boxes burned in
        return "AI output written by this viewer (annotated copy), not a film to ground", (), ds
    view = header_view(ds) or FilmView()
    series, instance = _as_int(ds.get("SeriesNumber")), _as_int(ds.get("InstanceNumber"))
    return "image", (view.order, series, instance, path.name), ds


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


def _folder_report(
    folder: Path, images: list[Path], sr_reports: list[tuple[Path, Dataset]]
) -> Report | None:
    """report.txt, else a sidecar of the first image, else the first readable SR."""
    report = _sidecar_report(images[0]) if images else None
    if report is None and (folder / REPORT_FILE_NAME).is_file():
        report = load_text_report(folder / REPORT_FILE_NAME)
    if report is not None:
        return report
    for sr_path, dataset in sr_reports:
        try:
            return sr_report(dataset, sr_path)
        except StudyError as exc:
            log.warning("%s", exc)
    return None
