"""The radiologist's review of the AI findings of one study, kept per study. Qt-free.

A `StudyReview` holds what the model gave (its name and version, its findings as they came),
every change the reviewer made (who, when, what was before and after), and the findings as
they stand: each accepted, rejected, edited or added by the reviewer, or still pending. The
viewer's review actions (and its undo stack) call its methods; the verified SR, the PNG's
"reviewed by" line and the site dataset read its final findings.

`ReviewStore` keeps one JSON file per study in the application's data folder (never beside
or inside the source files), written atomically, and beside it the film the findings were
reviewed on (`save_film`: an 8-bit grey PNG, as the model saw it, in stored orientation), so
the site dataset does not depend on the source files or the PACS cache still being there. A
review saved for other images (the study's SOP Instance UIDs changed) is not applied
silently (`ReviewMismatch`), and a corrupt file is reported and set aside, never
overwritten.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import numpy as np

from model_core.knowledge.records import Code
from model_core.results import GroundedFinding

from .export.atomic import encode_png, write_bytes_atomic
from .user_folders import user_folder

log = logging.getLogger(__name__)

FORMAT_VERSION = 1  # `mirrored` (optional, default false) needs no new version
# A finding's uncertainty is a share of its box's size; files written before this key held
# it in pixels, which would read as nonsense percentages, so theirs is dropped on load.
UNCERTAINTY_UNIT = "box size"
REVIEWS_FOLDER = "reviews"
ASSERTIONS = ("positive", "uncertain", "negated")
Box = tuple[float, float, float, float]


class ReviewState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EDITED = "edited"  # accepted with the reviewer's changes (box, assertion, phrase)
    ADDED = "added"  # a finding the model missed, drawn by the reviewer


_MAY_HAVE_NEW_BOX = (ReviewState.EDITED, ReviewState.ADDED)


class ReviewError(ValueError):
    """A review file or request that cannot be used; one line, fit for a dialog."""


class ReviewMismatch(ReviewError):
    """A review saved for other images than the study now has."""


@dataclass(frozen=True)
class ReviewedFinding:
    """One finding as it stands in the review. `ai_index` is its position in the AI output
    (None for one the reviewer added); `box` is in original image pixels. `box_edited`: the
    box is the reviewer's (moved, resized or drawn), so the model's score, confidence,
    uncertainty and wrong-side flag no longer describe it."""

    phrase: str
    span: tuple[int, int] | None
    box: Box | None
    assertion: str = "positive"
    finding: str | None = None
    category: str | None = None
    code: Code | None = None
    score: float | None = None
    state: ReviewState = ReviewState.PENDING
    ai_index: int | None = None
    # what the model said of its own box; meaningless once the reviewer moved or drew it
    box_edited: bool = False
    confidence: float | None = None
    uncertainty: float | None = None
    laterality_conflict: bool = False

    @property
    def kept(self) -> bool:
        """In the final findings: not rejected (pending ones are the model's, unreviewed)."""
        return self.state is not ReviewState.REJECTED

    @property
    def reviewed(self) -> bool:
        return self.state is not ReviewState.PENDING

    @classmethod
    def from_ai(cls, finding: GroundedFinding, index: int) -> ReviewedFinding:
        return cls(
            phrase=finding.phrase,
            span=finding.span,
            box=finding.box,
            assertion=finding.assertion,
            finding=finding.finding,
            category=finding.category,
            code=finding.code,
            score=finding.score,
            ai_index=index,
            confidence=finding.confidence,
            uncertainty=finding.uncertainty,
            laterality_conflict=finding.laterality_conflict,
        )

    def as_grounded(self) -> GroundedFinding:
        """The finding for the exporters (SR, GSPS, PNG): the reviewer's box and assertion.
        A model box keeps its score, confidence and wrong-side flag (accepted with a flag, it
        may be the report's side that is wrong); a reviewer's box (drawn or edited) has none
        here, and its source is "reviewer", so exports can tell it from the model's (the
        session puts it through the wrong-side check on its film: `Session._reviewed`)."""
        model_box = not self.box_edited
        return GroundedFinding(
            phrase=self.phrase,
            span=self.span,
            negated=self.assertion == "negated",
            box=None if self.assertion == "negated" else self.box,
            score=self.score if model_box else None,
            uncertainty=self.uncertainty if model_box else None,
            finding=self.finding,
            assertion=self.assertion,
            category=self.category,
            code=self.code,
            source="report" if model_box and self.state is not ReviewState.ADDED else "reviewer",
            confidence=self.confidence if model_box else None,
            laterality_conflict=self.laterality_conflict and model_box,
        )

    def to_json(self) -> dict:
        data = asdict(self)
        data["state"] = self.state.value
        data["span"] = list(self.span) if self.span is not None else None
        data["box"] = [round(float(v), 2) for v in self.box] if self.box is not None else None
        if self.uncertainty is not None:
            data["uncertainty_unit"] = UNCERTAINTY_UNIT
        return data

    @classmethod
    def from_json(cls, data: dict) -> ReviewedFinding:
        code = data.get("code")
        state = ReviewState(data.get("state", "pending"))
        return cls(
            phrase=str(data["phrase"]),
            span=_pair(data.get("span")),
            box=_box(data.get("box")),
            assertion=_assertion(data.get("assertion", "positive")),
            finding=data.get("finding"),
            category=data.get("category"),
            code=Code(**code) if isinstance(code, dict) else None,
            score=_number(data.get("score")),
            state=state,
            ai_index=None if data.get("ai_index") is None else int(data["ai_index"]),
            # files written before the field: an edited or added finding may have a new box
            box_edited=bool(data.get("box_edited", state in _MAY_HAVE_NEW_BOX)),
            confidence=_number(data.get("confidence")),
            uncertainty=_number(data.get("uncertainty"))
            if data.get("uncertainty_unit") == UNCERTAINTY_UNIT
            else None,
            laterality_conflict=bool(data.get("laterality_conflict", False)),
        )


@dataclass(frozen=True)
class ReviewChange:
    """One reviewer action: `before`/`after` are the finding as JSON (None: not there)."""

    index: int
    action: str
    reviewer: str
    time: str  # ISO 8601, UTC
    before: dict | None
    after: dict | None


@dataclass
class StudyReview:
    """The review of one study's AI findings (see the module docstring).

    `mirrored`: the film is stored mirrored (patient's right on the image right); the model
    saw it flipped, and every box here is in stored pixels, as the saved film is. Likewise
    `upside_down` (the head at the bottom of the stored film) and `transposed` (a film
    turned by 90 degrees; the model saw it transposed, then flipped as the other two say).
    """

    study_uid: str
    sop_instance_uids: tuple[str, ...]
    image_uid: str  # the film the findings were grounded on
    model: dict  # {"name", "version"} of the model whose output was reviewed
    ai_findings: list[dict]  # the model's findings as they came (GroundedFinding.to_json)
    findings: list[ReviewedFinding] = field(default_factory=list)
    changes: list[ReviewChange] = field(default_factory=list)
    mirrored: bool = False
    upside_down: bool = False
    transposed: bool = False
    report: str = ""  # the text the spans index, the patient's identifiers masked

    @classmethod
    def start(
        cls,
        study_uid: str,
        sop_instance_uids: list[str] | tuple[str, ...],
        image_uid: str,
        model: dict,
        ai_findings: list[GroundedFinding],
        *,
        mirrored: bool = False,
        upside_down: bool = False,
        transposed: bool = False,
        report: str = "",
    ) -> StudyReview:
        """A new review of the model's output: every finding pending. `mirrored`: the film's
        `image.view.mirrored`; `report`: the report the findings' spans index (the site
        dataset trains on phrases in it), its patient identifiers masked by the caller."""
        return cls(
            study_uid=study_uid,
            sop_instance_uids=tuple(sorted(sop_instance_uids)),
            image_uid=image_uid,
            model={"name": model.get("name"), "version": model.get("version")},
            ai_findings=[finding.to_json() for finding in ai_findings],
            findings=[ReviewedFinding.from_ai(f, i) for i, f in enumerate(ai_findings)],
            mirrored=bool(mirrored),
            upside_down=bool(upside_down),
            transposed=bool(transposed),
            report=str(report),
        )

    # -- progress ------------------------------------------------------------------------
    @property
    def reviewed_count(self) -> int:
        return sum(finding.reviewed for finding in self.findings)

    @property
    def complete(self) -> bool:
        """Every finding reviewed: the SR may be VERIFIED."""
        return bool(self.findings) and all(finding.reviewed for finding in self.findings)

    @property
    def reviewers(self) -> list[str]:
        """Who changed anything, in the order they first did."""
        return list(dict.fromkeys(change.reviewer for change in self.changes))

    def final_findings(self) -> list[GroundedFinding]:
        """What the review stands by: rejected findings left out, edited ones as edited."""
        return [finding.as_grounded() for finding in self.findings if finding.kept]

    # -- actions (each one change; the viewer's undo stack calls `restore`) --------------
    def accept(self, index: int, reviewer: str) -> ReviewChange:
        return self._change(index, "accept", reviewer, state=ReviewState.ACCEPTED)

    def reject(self, index: int, reviewer: str) -> ReviewChange:
        return self._change(index, "reject", reviewer, state=ReviewState.REJECTED)

    def move_box(self, index: int, box: Box, reviewer: str) -> ReviewChange:
        x0, y0, x1, y1 = (float(v) for v in box)
        if not (x1 > x0 and y1 > y0):
            raise ReviewError(f"a box needs x1 > x0 and y1 > y0, got {box}")
        box = (x0, y0, x1, y1)
        return self._change(index, "edit box", reviewer, edit=True, box=box, box_edited=True)

    def set_assertion(self, index: int, assertion: str, reviewer: str) -> ReviewChange:
        return self._change(
            index, "edit assertion", reviewer, edit=True, assertion=_assertion(assertion)
        )

    def relink(self, index: int, span: tuple[int, int], phrase: str, reviewer: str) -> ReviewChange:
        """Link the finding to other report text (the reviewer selected it)."""
        if not phrase.strip():
            raise ReviewError("a finding needs a phrase")
        span = (int(span[0]), int(span[1]))
        return self._change(index, "relink", reviewer, edit=True, span=span, phrase=phrase)

    def add(
        self, phrase: str, span: tuple[int, int] | None, box: Box, reviewer: str
    ) -> ReviewChange:
        """A finding the model missed: its report text and the box the reviewer drew."""
        _check_reviewer(reviewer)
        if not phrase.strip():
            raise ReviewError("a finding needs a phrase")
        added = ReviewedFinding(phrase, span, None, state=ReviewState.ADDED)
        self.findings.append(added)
        index = len(self.findings) - 1
        try:
            self.move_box(index, box, reviewer)
        except ReviewError:
            self.findings.pop()
            raise
        self.changes.pop()  # one change: "add", not "edit box"
        return self._record(index, "add", reviewer, None, self.findings[index])

    def restore(self, index: int, finding: dict | None, reviewer: str) -> ReviewChange:
        """Put finding `index` back as `finding` (JSON; None removes an added one): undo."""
        _check_reviewer(reviewer)
        before = self.findings[index]
        if finding is None:
            if before.state is not ReviewState.ADDED or index != len(self.findings) - 1:
                raise ReviewError("only the last added finding can be removed")
            self.findings.pop()
            return self._record(index, "undo", reviewer, before, None)
        self.findings[index] = ReviewedFinding.from_json(finding)
        return self._record(index, "undo", reviewer, before, self.findings[index])

    def _change(
        self, index: int, action: str, reviewer: str, *, edit: bool = False, **changes
    ) -> ReviewChange:
        """Apply `changes` to finding `index`; an edit makes the model's finding EDITED (an
        added one stays ADDED)."""
        _check_reviewer(reviewer)  # before anything changes: no change without its record
        if not 0 <= index < len(self.findings):
            raise ReviewError(f"no finding {index} in this review")
        before = self.findings[index]
        if edit:
            changes["state"] = (
                ReviewState.ADDED if before.state is ReviewState.ADDED else ReviewState.EDITED
            )
        self.findings[index] = replace(before, **changes)
        return self._record(index, action, reviewer, before, self.findings[index])

    def _record(
        self,
        index: int,
        action: str,
        reviewer: str,
        before: ReviewedFinding | None,
        after: ReviewedFinding | None,
    ) -> ReviewChange:
        _check_reviewer(reviewer)
        change = ReviewChange(
            index,
            action,
            reviewer.strip(),
            datetime.now(UTC).isoformat(timespec="seconds"),
            None if before is None else before.to_json(),
            None if after is None else after.to_json(),
        )
        self.changes.append(change)
        return change

    # -- serialisation -------------------------------------------------------------------
    def to_json(self) -> dict:
        return {
            "format": FORMAT_VERSION,
            "study_uid": self.study_uid,
            "sop_instance_uids": list(self.sop_instance_uids),
            "image_uid": self.image_uid,
            "model": self.model,
            "ai_findings": self.ai_findings,
            "findings": [finding.to_json() for finding in self.findings],
            "changes": [asdict(change) for change in self.changes],
            "mirrored": self.mirrored,
            "upside_down": self.upside_down,
            "transposed": self.transposed,
            "report": self.report,
        }

    @classmethod
    def from_json(cls, data: dict) -> StudyReview:
        if not isinstance(data, dict):
            raise ReviewError(f"not a review (a JSON object expected, got {type(data).__name__})")
        if data.get("format") != FORMAT_VERSION:
            raise ReviewError(f"unknown review format {data.get('format')!r}")
        return cls(
            study_uid=str(data["study_uid"]),
            sop_instance_uids=tuple(str(uid) for uid in data["sop_instance_uids"]),
            image_uid=str(data["image_uid"]),
            model=dict(data["model"]),
            ai_findings=list(data["ai_findings"]),
            findings=[ReviewedFinding.from_json(item) for item in data["findings"]],
            changes=[ReviewChange(**item) for item in data["changes"]],
            mirrored=_flag(data.get("mirrored", False)),
            upside_down=_flag(data.get("upside_down", False)),
            transposed=_flag(data.get("transposed", False)),
            report=str(data.get("report") or ""),
        )


class ReviewStore:
    """One review file per study under `folder` (default: the user data folder's
    `reviews/`), named by a hash of the Study Instance UID (no patient data in names)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else user_folder("data") / REVIEWS_FOLDER

    def path_for(self, study_uid: str) -> Path:
        digest = hashlib.sha256(study_uid.encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{digest}.json"

    def film_path(self, study_uid: str) -> Path:
        """Where the study's reviewed film is kept: beside its review, same hashed name."""
        return self.path_for(study_uid).with_suffix(".png")

    def save_film(self, study_uid: str, pixels: np.ndarray) -> Path:
        """Keep the film the study's findings are reviewed on: `pixels` (H, W) uint8, grey,
        stored orientation (`site_dataset.film_pixels(image)`), as a PNG, atomically,
        replacing an earlier one. ReviewError for other arrays; OSError when the folder
        cannot be written."""
        pixels = np.asarray(pixels)
        if pixels.ndim != 2 or pixels.dtype != np.uint8 or min(pixels.shape) < 1:
            raise ReviewError(
                f"a film is an (H, W) uint8 array, got {pixels.dtype} of shape {pixels.shape}"
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.film_path(study_uid)
        write_bytes_atomic(path, encode_png(np.ascontiguousarray(pixels)), overwrite=True)
        return path

    def save(self, review: StudyReview) -> Path:
        """Atomically; OSError when the folder cannot be written."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path_for(review.study_uid)
        data = json.dumps(review.to_json(), indent=1, ensure_ascii=False).encode("utf-8")
        write_bytes_atomic(path, data, overwrite=True)
        return path

    def load(
        self, study_uid: str, sop_instance_uids: list[str] | tuple[str, ...]
    ) -> StudyReview | None:
        """The saved review of the study, None when there is none.

        ReviewMismatch when it was saved for other images; ReviewError for a file that
        cannot be read, which is moved aside (`<name>.corrupt-<time>`) and kept.
        """
        path = self.path_for(study_uid)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ReviewError(
                f"{path}: cannot read the saved review ({exc.strerror or exc})"
            ) from None
        try:
            review = StudyReview.from_json(json.loads(text))
        except (ValueError, KeyError, TypeError) as exc:
            kept = path.with_name(f"{path.name}.corrupt-{int(time.time())}")
            path.rename(kept)
            raise ReviewError(
                f"{path}: the saved review is damaged ({_first_line(exc)}); kept as {kept.name}, "
                "the study opens unreviewed"
            ) from None
        if review.study_uid != study_uid:
            raise ReviewError(f"{path}: holds the review of another study ({review.study_uid})")
        now = tuple(sorted(sop_instance_uids))
        if review.sop_instance_uids != now:
            then, same = (
                len(review.sop_instance_uids),
                len(set(review.sop_instance_uids) & set(now)),
            )
            raise ReviewMismatch(
                f"the saved review of this study was made on other images ({then} then, "
                f"{len(now)} now, {same} the same); it is not applied"
            )
        return review

    def reviews(self, problems: list[str] | None = None) -> list[StudyReview]:
        """Every readable saved review (for the site dataset); damaged files are skipped
        with a warning (also appended to `problems`), never moved from here."""
        found = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                found.append(StudyReview.from_json(json.loads(path.read_text(encoding="utf-8"))))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                line = f"{path}: skipped, not a readable review ({_first_line(exc)})"
                log.warning("%s", line)
                if problems is not None:
                    problems.append(line)
        return found


def _check_reviewer(reviewer: str) -> None:
    if not reviewer.strip():
        raise ReviewError("set the reviewer's name first (File > Settings)")


def _assertion(value: object) -> str:
    if value not in ASSERTIONS:
        raise ReviewError(f"assertion must be one of {ASSERTIONS}, got {value!r}")
    return str(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ReviewError(f"mirrored must be true or false, got {value!r}")
    return value


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _pair(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    start, end = value  # type: ignore[misc]
    return int(start), int(end)


def _box(value: object) -> Box | None:
    if value is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)  # type: ignore[union-attr]
    return x0, y0, x1, y1


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
