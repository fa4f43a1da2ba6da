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
    r"(?P<bilateral>right\s+and\s+left|left\s+and\s+right|bilateral(?:ly)?|bilat|both|b/l"
    r"|bi(?:basilar|basal|basally|apical|hilar))"
    r"|(?P<right>right|rt|r(?:ul|ml|ll))|(?P<left>left|lt|l(?:ul|ll))"
    r")(?!\w)"
    r"|(?<![\w/'.-])(?:(?P<r>(?-i:R)|r)|(?P<l>(?-i:L)|l))(?![\w/'.-])",
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

    Terms are indexed by their first word, so each word of a text tries only the few terms
    that start with it: a knowledge base of a thousand wordings reads a report in about a
    millisecond, where one regex alternation of them all took a millisecond per phrase.
    """

    def __init__(self, terms: Mapping[str, T]) -> None:
        keys = sorted({normalise_term(t): t for t in terms}.items(), key=lambda kv: -len(kv[0]))
        self._by_first_word: dict[str, list[tuple[re.Pattern[str], T]]] = {}
        for key, original in keys:
            pattern = re.compile(rf"(?:{_term_pattern(key)})(?!\w)", re.IGNORECASE)
            first = _FIRST_WORD.match(key)
            entry = (pattern, terms[original])
            self._by_first_word.setdefault(first.group() if first else "", []).append(entry)

    def find(self, text: str) -> list[TermMatch[T]]:
        """All matches, left to right; at one position the longest term wins."""
        found: list[TermMatch[T]] = []
        end = 0
        for word in _WORD_START.finditer(text):
            if word.start() < end:
                continue
            match = self._match_at(text, word.start(), word.group().lower())
            if match is not None:
                found.append(match)
                end = match.end
        return found

    def _match_at(self, text: str, start: int, word: str) -> TermMatch[T] | None:
        candidates = [self._by_first_word.get(word, [])]
        for suffix in ("s", "es"):  # a one-word term in the plural ("effusions")
            if word.endswith(suffix):
                candidates.append(self._by_first_word.get(word[: -len(suffix)], []))
        best = None
        for entries in candidates:
            for pattern, value in entries:
                match = pattern.match(text, start)
                if match and (best is None or match.end() > best.end):
                    best = TermMatch(start, match.end(), value)
                    break
        return best


_FIRST_WORD = re.compile(r"\w+")
_WORD_START = re.compile(r"(?<!\w)\w+")


def _term_pattern(key: str) -> str:
    words = key.split(" ")
    pattern = _WORD_SEPARATOR.join(re.escape(word) for word in words)
    return pattern + r"(?:e?s)?" if words[-1][-1].isalpha() else pattern


def _side_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, side) for each laterality word; lobe abbreviations (RLL, lul) name their
    side; a lone "R"/"L" counts as a side word ("small l effusion" in a lower-case report)."""
    return [(m.start(), m.end(), _GROUP_SIDE[m.lastgroup]) for m in _SIDE_TOKENS.finditer(text)]


# the other side's word for each side token. The right middle lobe's left twin is the lingula
# (the knowledge base places the two as mirror images). Not covered, as the matcher sees only
# side tokens: "lingula" names no side and stays, and "right middle lobe" becomes "left middle
# lobe", which the knowledge base still puts on the right (the middle lobe is right-only).
_MIRRORED_SIDE_TOKEN = {
    "right": "left",
    "rt": "lt",
    "r": "l",
    "rul": "lul",
    "rll": "lll",
    "rml": "lingula",
}
_MIRRORED_SIDE_TOKEN |= {v: k for k, v in _MIRRORED_SIDE_TOKEN.items() if v != "lingula"}


def mirror_sides(text: str) -> str:
    """The text with every side token swapped for the other side's ("RLL" -> "LLL", "rt" ->
    "lt", "Right" -> "Left"), case kept; bilateral words stay as they are."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        other = _MIRRORED_SIDE_TOKEN.get(token.lower())
        if other is None:  # bilateral
            return token
        if token.isupper():
            return other.upper()
        return other.capitalize() if token[0].isupper() else other

    return _SIDE_TOKENS.sub(swap, text)


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
