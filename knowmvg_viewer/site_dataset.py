"""The site dataset (issue 13): the radiologists' reviewed studies in the MS-CXR layout, so
our own MS-CXR reader (and so `knowmvg evaluate` and the fine-tune) loads them. Qt-free.

Layout of OUT (DESIGN section 5, the MS-CXR reader's columns exactly)::

    MS_CXR_Local_Alignment_site.csv   dicom_id, category_name, label_text, path, x, y, w, h,
                                      image_width, image_height; one row per box; and
                                      report_text, span_start, span_end: the report the
                                      phrase is in (our reader's optional columns)
    files/<dicom_id>.png              the reviewed film, 8-bit grey, as the model saw it
    dataset.json, README.md           the dataset card

One row per box of a review's final findings: rejected findings are left out, negated ones
have no box; reviewer-added ones are in with the reviewer's box. Only complete reviews go in,
unless `include_partial`: then a partly reviewed study adds its reviewed findings (its
pending ones are the model's unchecked output, never ground truth). Films come from the
review store (`ReviewStore.save_film`), never from the source files or the PACS cache, which
may be gone. A film stored mirrored, upside down or turned by 90 degrees is turned upright,
boxes with it, so every film has the patient's right on the image left and the head at the
top, as the model sees films.

Nothing identifies a patient: no name, ID, birth date, UID, path or study date is written;
`dicom_id` is a hash of the SOP Instance UID. The report text is the review's, in which the
patient's names, IDs and birth date were masked when the review began; free text can name
other people or dates, so `include_reports=False` (`--no-reports`) leaves it out. The
dataset is built in a hidden folder beside OUT and renamed into place, so a failed export
leaves no half dataset.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import secrets
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from model_core.box_geometry import box_xyxy_flipped, box_xyxy_transposed
from model_core.data.readers.ms_cxr import REPORT_COLUMNS, REQUIRED_COLUMNS
from model_core.knowledge import KnowledgeBase

from .export.atomic import encode_png, write_bytes_atomic
from .review import ReviewedFinding, ReviewStore, StudyReview
from .study import RadiographImage, model_input, upright_pixels

log = logging.getLogger(__name__)

DATASET_CSV = "MS_CXR_Local_Alignment_site.csv"  # the name the MS-CXR reader looks for
FILES_FOLDER = "files"
CARD_JSON = "dataset.json"
CARD_TEXT = "README.md"
KIND = "knowmvg site dataset"  # dataset.json's "kind": what --overwrite may replace
ID_SALT = "knowmvg site dataset image "
NO_BOX = "without a boxed finding"


class SiteDatasetError(ValueError):
    """Nothing can be exported (no reviews, OUT taken): one line, naming the folder."""


@dataclass
class SiteDatasetSummary:
    """What an export wrote (`studies`, `phrases`, `boxes`), whose and which models'
    reviews, what it left out (reason -> studies) and the problem lines (damaged review
    files, missing films), each also logged as a warning."""

    out: Path
    studies: int = 0
    phrases: int = 0
    boxes: int = 0
    reviewers: list[str] = field(default_factory=list)
    models: list[dict] = field(default_factory=list)
    created: str = ""
    include_partial: bool = False
    include_reports: bool = True
    in_report: int = 0  # phrases written with their report and span
    flipped: int = 0  # films stored mirrored, upside down or turned, written upright
    left_out: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The command's one summary line."""
        text = (
            f"{self.out}: {self.studies} studies, {self.phrases} phrases, {self.boxes} boxes "
            f"from {len(self.reviewers)} reviewer(s)"
        )
        left = [f"{n} {reason}" for reason, n in self.left_out.items() if n]
        if self.problems:
            left.append(f"{len(self.problems)} problem(s), see the warnings above")
        return text + (f"; left out: {', '.join(left)}" if left else "")

    def to_json(self) -> dict:
        return {
            "kind": KIND,
            "format": "ms-cxr",
            "csv": DATASET_CSV,
            "created": self.created,
            "studies": self.studies,
            "phrases": self.phrases,
            "boxes": self.boxes,
            "reviewers": self.reviewers,
            "models": self.models,
            "include_partial": self.include_partial,
            "include_reports": self.include_reports,
            "phrases_in_their_report": self.in_report,
            "flipped_mirrored_films": self.flipped,
            "left_out": self.left_out,
            "patient_identifiers": False,
            "image_id": "dicom_id is a hash of the image's SOP Instance UID",
        }


@dataclass(frozen=True)
class _Study:
    """One study ready to write: its image id, film PNG bytes, size and CSV rows."""

    image_id: str
    png: bytes
    size: tuple[int, int]
    rows: list[dict]
    review: StudyReview


def film_pixels(image: RadiographImage) -> np.ndarray:
    """The film as the model sees it (default window, air dark), 8-bit grey (H, W), in the
    image's stored orientation (a film stored mirrored, upside down or turned is not turned
    upright: review boxes are in stored pixels). `ReviewStore.save_film` keeps it."""
    values = np.clip(model_input(image), 0.0, 1.0)
    return np.rint(values * np.float32(255.0)).astype(np.uint8)


def image_id(image_uid: str) -> str:
    """The dataset's `dicom_id` of a film: a hash of its SOP Instance UID, not the UID."""
    return hashlib.sha256((ID_SALT + image_uid).encode("utf-8")).hexdigest()[:32]


def export_site_dataset(
    store: ReviewStore,
    out: Path,
    *,
    include_partial: bool = False,
    include_reports: bool = True,
    overwrite: bool = False,
) -> SiteDatasetSummary:
    """Write the store's reviewed studies to `out` (see the module docstring).

    SiteDatasetError when there is nothing to export or `out` is a non-empty folder (a
    previous site dataset is replaced only with `overwrite`); OSError when writing fails,
    with nothing left behind.
    """
    out = Path(out)
    _check_out(out, overwrite)
    summary = SiteDatasetSummary(
        out, include_partial=include_partial, include_reports=include_reports
    )
    reviews = _readable_reviews(store, summary.problems)
    knowledge = KnowledgeBase.load()
    studies: dict[str, _Study] = {}
    for review in reviews:
        reason = _left_out_reason(review, include_partial)
        if reason is not None:
            summary.left_out[reason] = summary.left_out.get(reason, 0) + 1
            continue
        study = _study(store, review, knowledge, summary.problems, include_reports)
        if study is None:
            continue  # a problem line says why
        if not study.rows:
            summary.left_out[NO_BOX] = summary.left_out.get(NO_BOX, 0) + 1
        elif study.image_id in studies:
            _problem(summary.problems, f"{_where(store, review)}: the same film twice; skipped")
        else:
            studies[study.image_id] = study
    if not studies:
        raise SiteDatasetError(_nothing_line(store.folder, len(reviews), summary))
    _fill(summary, list(studies.values()))
    _write(out, list(studies.values()), summary, overwrite)
    return summary


# -- choosing and reading the reviews --------------------------------------------------


def _readable_reviews(store: ReviewStore, problems: list[str]) -> list[StudyReview]:
    if not store.folder.is_dir():
        raise SiteDatasetError(f"{store.folder}: no such review folder")
    if not any(store.folder.glob("*.json")):
        raise SiteDatasetError(f"{store.folder}: no saved reviews (review studies in the viewer)")
    return store.reviews(problems)


def _left_out_reason(review: StudyReview, include_partial: bool) -> str | None:
    if review.complete:
        return None
    if review.reviewed_count == 0:
        return "not reviewed"
    return None if include_partial else "partly reviewed"


def _study(
    store: ReviewStore,
    review: StudyReview,
    knowledge: KnowledgeBase,
    problems: list[str],
    include_reports: bool = True,
) -> _Study | None:
    """The study's film and rows; None (with a problem line) when its film is unusable."""
    path = store.film_path(review.study_uid)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return _problem(problems, f"{_where(store, review)}: no film kept with the review; skipped")
    except OSError as exc:
        return _problem(problems, f"{path}: cannot read the film ({exc.strerror or exc}); skipped")
    film = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if film is None or film.ndim != 2 or film.dtype != np.uint8:
        return _problem(problems, f"{path}: not an 8-bit grey PNG film; skipped")
    stored = (film.shape[1], film.shape[0])
    if _reoriented(review):
        film = upright_pixels(film, review.transposed, review.mirrored, review.upside_down)
        data = encode_png(film)
    height, width = film.shape
    ident = image_id(review.image_uid)
    rows = []
    for finding in _boxed(review):
        box = _in_film(_upright_box(finding.box, review, stored), width, height)
        if box is None:
            _problem(problems, f"{path}: a box of {finding.phrase!r} lies outside the film")
            continue
        row = _row(ident, finding, box, (width, height), knowledge)
        if include_reports:
            row.update(_in_report(review.report, finding))
        rows.append(row)
    return _Study(ident, data, (width, height), rows, review)


def _boxed(review: StudyReview) -> list[ReviewedFinding]:
    """The reviewed, kept, boxed findings: the dataset's phrases."""
    return [
        finding
        for finding in review.findings
        if finding.reviewed
        and finding.kept
        and finding.assertion != "negated"
        and finding.box is not None
    ]


def _reoriented(review: StudyReview) -> bool:
    return review.transposed or review.mirrored or review.upside_down


def _upright_box(
    box: tuple[float, float, float, float], review: StudyReview, stored: tuple[int, int]
) -> tuple[float, float, float, float]:
    """A box in stored pixels (a `stored` (width, height) film), in the upright film."""
    width, height = stored
    if review.transposed:
        box, width, height = box_xyxy_transposed(box), height, width
    return box_xyxy_flipped(box, width, height, review.mirrored, review.upside_down)


def _in_film(
    box: tuple[float, float, float, float], width: int, height: int
) -> tuple[float, float, float, float] | None:
    """The box clipped to a `width` x `height` film; None when nothing is left."""
    x0, y0, x1, y1 = box
    x0, x1 = min(max(x0, 0.0), width), min(max(x1, 0.0), width)
    y0, y1 = min(max(y0, 0.0), height), min(max(y1, 0.0), height)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _row(
    ident: str,
    finding: ReviewedFinding,
    box: tuple[float, float, float, float],
    size: tuple[int, int],
    knowledge: KnowledgeBase,
) -> dict:
    x0, y0, x1, y1 = box
    return {
        "dicom_id": ident,
        "category_name": _category(finding, knowledge),
        "label_text": " ".join(finding.phrase.split()),
        "path": f"{FILES_FOLDER}/{ident}.png",
        "x": round(x0, 2),
        "y": round(y0, 2),
        "w": round(x1 - x0, 2),
        "h": round(y1 - y0, 2),
        "image_width": size[0],
        "image_height": size[1],
    }


def _in_report(report: str, finding: ReviewedFinding) -> dict:
    """The report and the phrase's span in it, as the CSV reader will see them (cells are
    read stripped, so the span moves with the report's leading white space); empty when the
    phrase has no span there (a query, or a review begun before reports were kept)."""
    span = finding.span
    if not report.strip() or span is None or not 0 <= span[0] < span[1] <= len(report):
        return {}
    if " ".join(report[span[0] : span[1]].split()) != " ".join(finding.phrase.split()):
        return {}
    lead = len(report) - len(report.lstrip())
    return {
        "report_text": report.strip(),
        "span_start": span[0] - lead,
        "span_end": span[1] - lead,
    }


def _category(finding: ReviewedFinding, knowledge: KnowledgeBase) -> str:
    """MS-CXR's category name of the phrase's finding (the knowledge base's match of the
    phrase as it stands, which a relink or an added finding may have changed)."""
    # the synthetic exporter's table; imported here, not when the viewer imports film_pixels
    from model_core.data.synthetic.export import CATEGORY_NAMES

    matched = knowledge.match_finding(finding.phrase)
    name = matched.name if matched is not None else (finding.finding or "")
    return CATEGORY_NAMES.get(name, name)


def _where(store: ReviewStore, review: StudyReview) -> Path:
    return store.path_for(review.study_uid)


def _problem(problems: list[str], line: str) -> None:
    log.warning("%s", line)
    problems.append(line)


def _nothing_line(folder: Path, n_reviews: int, summary: SiteDatasetSummary) -> str:
    reasons = [f"{n} {reason}" for reason, n in summary.left_out.items()]
    if summary.problems:
        reasons.append(f"{len(summary.problems)} with problems")
    hint = (
        "; --include-partial adds partly reviewed ones"
        if summary.left_out.get("partly reviewed")
        else ""
    )
    return (
        f"{folder}: no reviewed study to export ({n_reviews} review(s): "
        f"{', '.join(reasons) or 'none readable'}){hint}"
    )


# -- writing ---------------------------------------------------------------------------


def _fill(summary: SiteDatasetSummary, studies: list[_Study]) -> None:
    summary.created = datetime.now(UTC).isoformat(timespec="seconds")
    summary.studies = len(studies)
    summary.boxes = sum(len(study.rows) for study in studies)
    summary.phrases = sum(len({row["label_text"] for row in study.rows}) for study in studies)
    summary.in_report = sum(
        len({(r["label_text"], r["span_start"]) for r in study.rows if "span_start" in r})
        for study in studies
    )
    summary.flipped = sum(_reoriented(study.review) for study in studies)
    summary.reviewers = list(
        dict.fromkeys(name for study in studies for name in study.review.reviewers)
    )
    models = Counter((s.review.model.get("name"), s.review.model.get("version")) for s in studies)
    summary.models = [
        {"name": name, "version": version, "studies": n} for (name, version), n in models.items()
    ]


def _check_out(out: Path, overwrite: bool) -> None:
    if not out.exists() and not out.is_symlink():
        return
    if not out.is_dir():
        raise SiteDatasetError(f"{out}: exists and is not a folder")
    if not any(out.iterdir()):
        return
    if not overwrite:
        raise SiteDatasetError(f"{out}: already exists and is not empty (--overwrite replaces it)")
    if not _is_site_dataset(out):
        raise SiteDatasetError(f"{out}: not a site dataset written by knowmvg; not replaced")


def _is_site_dataset(folder: Path) -> bool:
    try:
        return json.loads((folder / CARD_JSON).read_text(encoding="utf-8")).get("kind") == KIND
    except (OSError, ValueError, AttributeError):
        return False


def _write(out: Path, studies: list[_Study], summary: SiteDatasetSummary, overwrite: bool) -> None:
    """Into a hidden folder beside `out`, then renamed over it; nothing left on failure."""
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.parent / f".{out.name}.{secrets.token_hex(4)}.part"
    (part / FILES_FOLDER).mkdir(parents=True)
    try:
        for study in studies:
            write_bytes_atomic(part / FILES_FOLDER / f"{study.image_id}.png", study.png)
        rows = [row for study in studies for row in study.rows]
        write_bytes_atomic(part / DATASET_CSV, _csv_bytes(rows))
        card = json.dumps(summary.to_json(), indent=1, ensure_ascii=False) + "\n"
        write_bytes_atomic(part / CARD_JSON, card.encode("utf-8"))
        write_bytes_atomic(part / CARD_TEXT, card_text(summary).encode("utf-8"))
        _replace(part, out, overwrite)
    except BaseException:
        shutil.rmtree(part, ignore_errors=True)
        raise


def _replace(part: Path, out: Path, overwrite: bool) -> None:
    """Rename `part` to `out`; an empty `out` is removed first, a previous dataset (checked
    by `_check_out`) moved aside and deleted once the new one is in place."""
    old = None
    if out.is_dir():
        if any(out.iterdir()):
            if not overwrite:  # appeared since the check
                raise SiteDatasetError(f"{out}: already exists and is not empty")
            old = out.parent / f".{out.name}.{secrets.token_hex(4)}.old"
            out.rename(old)
        else:
            out.rmdir()
    try:
        part.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _csv_bytes(rows: list[dict]) -> bytes:
    text = io.StringIO()
    with_reports = any("report_text" in row for row in rows)
    columns = REQUIRED_COLUMNS + (REPORT_COLUMNS if with_reports else ())
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def card_text(summary: SiteDatasetSummary) -> str:
    """The dataset card: what the folder holds, from whom, and that it identifies no one."""
    models = ", ".join(
        f"{m['name']} {m['version']} ({m['studies']} studies)" for m in summary.models
    )
    scope = (
        "complete and partly reviewed studies (of a partly reviewed study only its reviewed "
        "findings)"
        if summary.include_partial
        else "completely reviewed studies only"
    )
    left = ", ".join(f"{n} {reason}" for reason, n in summary.left_out.items()) or "none"
    return f"""# Site dataset (knowmvg)

Chest radiograph findings grounded by the KnowMVG model and checked by this site's
radiologists, in the MS-CXR layout: `{DATASET_CSV}` (one row per box: dicom_id,
category_name, label_text, path, x, y, w, h, image_width, image_height; x, y the top-left
corner in the film's pixels) and the films under `{FILES_FOLDER}/` (8-bit grey PNG at the
default window, air dark, the patient's right on the image left). Our MS-CXR reader loads
it: `knowmvg evaluate --dataset ms-cxr --root <this folder> --model DIR`.

- Created: {summary.created} (UTC)
- Studies: {summary.studies}; phrases: {summary.phrases}; boxes: {summary.boxes}
- Reviewers: {", ".join(summary.reviewers) or "none recorded"}
- Models reviewed: {models}
- Holds: {scope}. Rejected findings are left out, negated findings have no box;
  findings the reviewers added are in, with the reviewers' boxes.
- Studies left out: {left}
- Films stored mirrored, upside down or turned, written upright: {summary.flipped}
- Phrases written with their report (`report_text`, `span_start`, `span_end`):
  {summary.in_report if summary.include_reports else "none, reports left out"}

Identifiers: none in the fields. No patient name, patient ID, birth date, accession number,
study date, UID or source path is written; `dicom_id` is a one-way hash of the image's SOP
Instance UID (only someone holding the UID can match it). Reviewer names are listed above.
In the report text the patient's names, IDs and birth date are masked (`*`); free text may
still name other people or dates: read it, or export with `--no-reports`, before it leaves
the site.
"""
