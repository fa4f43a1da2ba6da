"""Finding and anatomy terms in report text: a longest-match term finder and laterality words.

Report wordings vary in case, spacing, hyphenation ("air-space") and number ("effusions"),
and one wording can contain another ("pleural effusion" vs "effusion"); the finder handles
all of these so the knowledge files can list plain wordings once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from .records import PhraseSide

T = TypeVar("T")

_WORD_SEPARATOR = r"[\s\-]+"
_SIDE_WORD = re.compile(r"(?<!\w)(?:right|left)(?!\w)", re.IGNORECASE)
_SIDE_TOKENS = re.compile(
    r"(?<!\w)(?:"
    r"(?P<bilateral>right\s+and\s+left|left\s+and\s+right|bilateral(?:ly)?|bilat|both"
    r"|bi(?:basilar|basal|basally|apical|hilar))"
    r"|(?P<right>right|rt)|(?P<left>left|lt)"
    r")(?!\w)"
    r"|(?<![\w-])(?:(?P<r>(?-i:R))|(?P<l>(?-i:L)))(?![\w-])",
    re.IGNORECASE,
)
_GROUP_SIDE = {
    "bilateral": "bilateral",
    "right": "right",
    "left": "left",
    "r": "right",
    "l": "left",
}
_CLAUSE_END = re.compile(r"[.;:\n]")


def normalise_term(term: str) -> str:
    """Lower case, single spaces: the key under which a term is stored."""
    return " ".join(re.split(_WORD_SEPARATOR, term.strip().lower()))


def has_side_word(term: str) -> bool:
    """Whether a term names a side itself ("right lower lobe"), rather than borrowing one."""
    return _SIDE_WORD.search(term) is not None


@dataclass(frozen=True)
class TermMatch(Generic[T]):
    """One found term: `text[start:end]` and the value stored for the term."""

    start: int
    end: int
    value: T


class TermMatcher(Generic[T]):
    """Case-insensitive, word-bounded, non-overlapping, longest-first term finder.

    Spaces and hyphens between words are interchangeable and a trailing "s"/"es" is
    accepted, so "Pleural-effusions" finds the term "pleural effusion".
    """

    def __init__(self, terms: Mapping[str, T]) -> None:
        keys = sorted({normalise_term(t): t for t in terms}.items(), key=lambda kv: -len(kv[0]))
        self._values = [terms[original] for _, original in keys]
        alternatives = "|".join(f"({_term_pattern(key)})" for key, _ in keys)
        self._regex = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def find(self, text: str) -> list[TermMatch[T]]:
        """All matches, left to right; at one position the longest term wins."""
        if not self._values:
            return []
        return [
            TermMatch(m.start(), m.end(), self._values[m.lastindex - 1])
            for m in self._regex.finditer(text)
        ]


def _term_pattern(key: str) -> str:
    words = key.split(" ")
    pattern = _WORD_SEPARATOR.join(re.escape(word) for word in words)
    return pattern + r"(?:e?s)?" if words[-1][-1].isalpha() else pattern


def _side_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, side) for each laterality word; "R"/"L" only as capital whole words."""
    return [(m.start(), m.end(), _GROUP_SIDE[m.lastgroup]) for m in _SIDE_TOKENS.finditer(text)]


def side_of(text: str) -> PhraseSide | None:
    """The side a text speaks of: both sides named, or a bilateral word, make "bilateral"."""
    sides = {side for _, _, side in _side_tokens(text)}
    if "bilateral" in sides or {"right", "left"} <= sides:
        return "bilateral"
    return next(iter(sides), None)


def nearest_side(text: str, start: int, end: int) -> PhraseSide | None:
    """The side word closest before `text[start:end]` in its clause, else the first after it.

    "Right effusion and left basilar atelectasis": "basilar" is on the left.
    "Opacities at the bases bilaterally": "bases" are on both sides.
    """
    clause_start, clause_end = _clause_bounds(text, start, end)
    tokens = _side_tokens(text[clause_start:clause_end])
    before = [side for s, e, side in tokens if clause_start + e <= start]
    after = [side for s, e, side in tokens if clause_start + s >= end]
    if before:
        return before[-1]
    return after[0] if after else None


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    ends_before = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
    after = _CLAUSE_END.search(text, end)
    return (ends_before[-1] if ends_before else 0, after.start() if after else len(text))
