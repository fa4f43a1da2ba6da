"""Template fields: the label-value lines of structured reports.

Templated reports state findings as fields rather than sentences: "Pneumothorax: None.",
"Pleural effusion: Small, left.", "Cavitation: Cannot be excluded.", "HEART SIZE:" with
"Moderately enlarged." on the next line. A field's label names a finding ("Pneumothorax")
or an organ ("Heart size", "Aorta"); its value says whether the finding is there, describes
it, or is a sentence of its own ("Lines: ETT 4 cm above the carina."), in which case the
label is only a heading. Read as a sentence, "Aorta: Unfolded" is "aorta is unfolded".

Pure Python on `re`; the extractor decides what a field's words mean with the knowledge base.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .negation import Assertion
from .sections import section_kind

# A label: at a line start (after an optional bullet or list number), up to five words, a colon.
_LABEL = re.compile(
    r"^[ \t]*(?:[-*\u2022][ \t]*|\d{1,2}[.)][ \t]*)?"
    r"(?P<label>[A-Za-z][A-Za-z'-]*(?:[ \t]*(?:/|&|[ \t])[ \t]*[A-Za-z][A-Za-z'-]*){0,4})"
    r"[ \t]*:",
    re.MULTILINE,
)
# The value's first clause ends at a sentence end, a semicolon or the line's end.
_CLAUSE_END = re.compile(r"[.;!?](?=\s|$)|\r?\n|$")
_ABSENT = re.compile(
    r"(?i)(?:none|absent|nil|negative|no|resolved|not (?:seen|identified|present|visible"
    r"|demonstrated)|none (?:seen|identified|visible))\.?"
)
_PRESENT = re.compile(r"(?i)(?:present|yes|seen|identified|noted)\.?")
_HEDGED = re.compile(
    r"(?i)(?:cannot be (?:excluded|ruled out)|not (?:excluded|ruled out)|equivocal|possible"
    r"|possibly|indeterminate|questionable|suspected|uncertain|\?)\b"
)


@dataclass(frozen=True)
class Field:
    """`report[label_start:colon]` is the label; `report[value_start:value_end]` the value's
    first clause, on the label's line or (`next_line`) on the line after it."""

    label_start: int
    colon: int
    value_start: int
    value_end: int
    next_line: bool

    def label(self, report: str) -> str:
        return report[self.label_start : self.colon].rstrip()

    def value(self, report: str) -> str:
        return report[self.value_start : self.value_end]

    def holds(self, start: int, end: int) -> bool:
        """Whether [start, end) lies inside the label."""
        return self.label_start <= start and end <= self.colon

    def presence(self, report: str) -> Assertion | None:
        """What a one-word value says of the label's finding ("None": negated, "Present":
        positive, "Cannot be excluded": uncertain); None when the value says more."""
        value = self.value(report).strip()
        if _ABSENT.fullmatch(value):
            return Assertion.NEGATED
        if _PRESENT.fullmatch(value):
            return Assertion.POSITIVE
        if _HEDGED.match(value):
            return Assertion.UNCERTAIN
        return None


def template_fields(report: str, start: int, end: int) -> list[Field]:
    """The fields whose labels lie in report[start:end] (a section's body); section headers
    ("FINDINGS:") are not fields."""
    fields = []
    for match in _LABEL.finditer(report, start, end):
        if section_kind(match.group("label")) is not None:
            continue
        colon = match.end() - 1
        value_start = colon + 1
        while value_start < end and report[value_start] in " \t":
            value_start += 1
        next_line = value_start >= end or report[value_start] in "\r\n"
        if next_line:
            while value_start < end and report[value_start] in " \t\r\n":
                value_start += 1
            if value_start >= end or _LABEL.match(report, _line_start(report, value_start)):
                continue  # no value, or the next line is a field of its own
        clause = _CLAUSE_END.search(report, value_start, end)
        value_end = clause.start() if clause else end
        fields.append(Field(match.start("label"), colon, value_start, value_end, next_line))
    return fields


def field_of(fields: list[Field], start: int, end: int) -> Field | None:
    """The field whose label holds [start, end)."""
    return next((f for f in fields if f.holds(start, end)), None)


def _line_start(report: str, offset: int) -> int:
    return report.rfind("\n", 0, offset) + 1
