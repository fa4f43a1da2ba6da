"""Who verified a study's findings: the radiologist behind a VERIFIED SR and the PNG's
"reviewed by" line. Qt-free; the review itself is `knowmvg_viewer.review`.

`Verification` is what the exporters take (`structured_report`, `export_sr`); it checks
its values once, so the SR and the caption never hold a name DICOM cannot carry.
`person_name` turns the name as a person types it ("Anna Smith", "Smith, Anna",
"Dr Anna Smith") into a DICOM Person Name ("Smith^Anna"); a name already in DICOM form
("Smith^Anna") is kept as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

# PS3.5 6.2: a PN component group and an LO value hold at most 64 characters; neither may
# hold a backslash (the value delimiter), and "=" separates a PN's component groups.
MAX_CHARS = 64
ANONYMISED_NAME = "Anonymised"  # who verified, in an anonymised export
_FORBIDDEN = ("\\", "=")
# Leading titles go to the name prefix component ("Dr Anna Smith" -> "Smith^Anna^^Dr").
_PREFIXES = {"dr", "dr.", "prof", "prof.", "professor", "mr", "mr.", "mrs", "mrs.", "ms", "ms."}
# Lower-case particles before the last word belong to the family name ("van der Berg").
_PARTICLES = {"van", "von", "der", "den", "de", "da", "di", "du", "la", "le", "ten", "ter", "del"}


@dataclass(frozen=True)
class Verification:
    """The verifying observer of an SR: name (as typed, or in DICOM form), organisation,
    and when they verified it. ValueError for a value DICOM cannot carry."""

    name: str
    organisation: str
    when: datetime

    def __post_init__(self) -> None:
        person_name(self.name)  # raises for a name that cannot be one
        _check_text("organisation", self.organisation)
        if not isinstance(self.when, datetime):
            raise ValueError(f"verification time must be a datetime, got {self.when!r}")

    @property
    def person_name(self) -> str:
        """The name as a DICOM Person Name (Verifying Observer Name, Person Observer Name)."""
        return person_name(self.name)

    @property
    def organisation_name(self) -> str:
        """The organisation as written into the SR (white space runs made single)."""
        return _check_text("organisation", self.organisation)

    def caption(self) -> str:
        """The PNG's line: "reviewed by Anna Smith, St Elsewhere on 2026-12-07"."""
        return reviewed_by([self.name], self.organisation_name, self.when, complete=True)

    def anonymised(self) -> Verification:
        """For an anonymised export: the reading physician is an identifier like the
        referring one (PS3.15 replaces Verifying Observer Name), and the time keeps its year
        only, as every date does there (export/anonymise.py)."""
        year = self.when.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        return Verification(ANONYMISED_NAME, ANONYMISED_NAME, year)

    def to_json(self) -> dict:
        return {
            "name": display_name(self.name),
            "organisation": self.organisation_name,
            "when": self.when.isoformat(timespec="seconds"),
        }


class ReviewProgress(Protocol):
    """What the exporters read of a review (`knowmvg_viewer.review.StudyReview` has it)."""

    @property
    def reviewers(self) -> list[str]: ...

    @property
    def complete(self) -> bool: ...


def review_record(review: ReviewProgress, verification: Verification | None = None) -> dict:
    """The JSON sidecar's `review` object: who reviewed, whether every finding was, and who
    verified (null while nobody has)."""
    return {
        "reviewers": [display_name(name) for name in review.reviewers],
        "complete": bool(review.complete),
        "verified_by": verification.to_json() if verification is not None else None,
    }


def reviewed_by(
    reviewers: Sequence[str], organisation: str | None, when: date, *, complete: bool
) -> str:
    """ "reviewed by Anna Smith, St Elsewhere on 2026-12-07", or "partly reviewed by ..."
    when not every finding was reviewed; several reviewers are joined with "and"."""
    if not reviewers:
        raise ValueError("a review line needs at least one reviewer")
    names = [display_name(name) for name in reviewers]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    where = f", {organisation.strip()}" if organisation and organisation.strip() else ""
    day = when.date() if isinstance(when, datetime) else when
    lead = "reviewed by" if complete else "partly reviewed by"
    return f"{lead} {who}{where} on {day.isoformat()}"


def person_name(text: str) -> str:
    """A DICOM Person Name (family^given^middle^prefix) for a name as typed.

    "Smith^Anna" stays; "Smith, Anna" and "Anna Smith" become "Smith^Anna"; "Anna Maria
    Smith" "Smith^Anna^Maria"; "Dr Anna Smith" "Smith^Anna^^Dr"; "Jan van der Berg"
    "van der Berg^Jan"; a single word is the family name ("Smith^", so that it is not read
    as the retired one-component form). ValueError for an empty name, one longer than 64
    characters, or one with a backslash or "=" (no ideographic component groups).
    """
    text = _check_text("name", text)
    if "^" in text:
        if text.count("^") > 4:
            raise ValueError(f"name {text!r}: a DICOM person name has at most 5 components")
        return text
    prefix = ""
    if "," in text:
        family, _, given = (part.strip() for part in text.partition(","))
        words = given.split()
    else:
        words = text.split()
        if len(words) > 1 and words[0].lower() in _PREFIXES:
            prefix = words.pop(0)
        start = len(words) - 1
        while start > 1 and words[start - 1] in _PARTICLES:
            start -= 1
        family, words = " ".join(words[start:]), words[:start]
    return _components(family, words, prefix)


def display_name(text: str) -> str:
    """A name for people to read: "Smith^Anna^^Dr" -> "Dr Anna Smith", "Smith, Anna" ->
    "Anna Smith"; other names as typed (white space runs made single)."""
    text = " ".join(text.split())
    if "^" not in text and "," not in text:
        return text
    try:
        dicom = person_name(text)
    except ValueError:
        return text
    family, given, middle, prefix, suffix = (dicom.split("^") + [""] * 5)[:5]
    return " ".join(part for part in (prefix, given, middle, family, suffix) if part)


def _components(family: str, words: list[str], prefix: str) -> str:
    parts = [family, words[0] if words else "", " ".join(words[1:]), prefix]
    while len(parts) > 2 and not parts[-1]:
        parts.pop()
    name = "^".join(parts)
    if len(name) > MAX_CHARS:
        raise ValueError(f"name {name!r}: longer than {MAX_CHARS} characters")
    return name


def _check_text(what: str, text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"the verifying {what} is empty")
    text = " ".join(text.split())
    if len(text) > MAX_CHARS:
        raise ValueError(f"{what} {text!r}: longer than {MAX_CHARS} characters")
    if any(mark in text for mark in _FORBIDDEN):
        raise ValueError(f"{what} {text!r}: may not contain a backslash or '='")
    return text
