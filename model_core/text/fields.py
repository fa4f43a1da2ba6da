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

# A label: at a line start (after an optional bullet or list number), or after a sentence
# end or another label on the same line ("Pleura: Pleural effusion: None. Pneumothorax:
# None."), up to five words, a colon.
_LABEL = re.compile(
    r"(?:^|(?<=[.;:])[ \t]+)[ \t]*(?:[-*\u2022][ \t]*|\d{1,2}[.)][ \t]*)?"
    r"(?P<label>[A-Za-z][A-Za-z'-]*(?:[ \t]*(?:/|&|[ \t])[ \t]*[A-Za-z][A-Za-z'-]*){0,4})"
    r"[ \t]*:",
    re.MULTILINE,
)
# The value's first clause ends at a sentence end, a semicolon or the line's end ("?" does
# not: "Effusion: ? small left").
_CLAUSE_END = re.compile(r"[.;!](?=\s|$)|\r?\n|$")
# What a value's first words say of the label's finding. Values are read from their start:
# "Absent bilaterally", "Not visualised", "Cannot exclude", "Removed".
_COMPARISON = re.compile(
    r"(?i)(?:no (?:significant |interval |appreciable )?change|not changed|unchanged)\b"
)
_ABSENT = re.compile(
    r"(?i)(?:none|absent|nil|negative|resolved|removed|no\b|not\b(?! excluded| ruled out)"
    r"|n/?a\b|-+\s*$)"
)
_PRESENT = re.compile(r"(?i)(?:present|yes|seen|identified|noted)\b")
# A value that points elsewhere says nothing here: "see impression", "as above".
_REFERENCE = re.compile(r"(?i)(?:see|as|refer to) (?:above|below|impression|conclusion|report)\b")
_HEDGED = re.compile(
    r"(?i)(?:cannot (?:be )?(?:excluded|exclude[ds]?|ruled out|rule out)|unable to exclude"
    r"|not (?:excluded|ruled out)|equivocal|possibl[ey]|probabl[ey]|likely|indeterminate"
    r"|questionable|suspected|suspicious|uncertain|\?)"
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

    def refers_elsewhere(self, report: str) -> bool:
        return bool(_REFERENCE.match(self.value(report).strip()))

    def presence(self, report: str) -> Assertion | None:
        """What the value's first words say of the label's finding ("None", "Not
        visualised": negated; "Present", "No change": positive; "Cannot be excluded",
        "? small": uncertain); None when they describe it ("Small, left") or say something
        else."""
        value = self.value(report).strip()
        if _COMPARISON.match(value):  # "No change": still there, not an absence
            return Assertion.POSITIVE
        if _ABSENT.match(value):
            return Assertion.NEGATED
        if _HEDGED.match(value):
            return Assertion.UNCERTAIN
        if _PRESENT.match(value):
            return Assertion.POSITIVE
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
                # no value, or a heading over fields of its own ("Lines/tubes:" above
                # "- Endotracheal tube: tip ..."): an empty value, which says nothing
                fields.append(Field(match.start("label"), colon, colon + 1, colon + 1, True))
                continue
        clause = _CLAUSE_END.search(report, value_start, end)
        value_end = clause.start() if clause else end
        fields.append(Field(match.start("label"), colon, value_start, value_end, next_line))
    return fields


def field_of(fields: list[Field], start: int, end: int) -> Field | None:
    """The field whose label holds [start, end)."""
    return next((f for f in fields if f.holds(start, end)), None)


def valued_by(fields: list[Field], start: int) -> Field | None:
    """The field on whose line `start` lies in the value ("Left lung: |Pneumothorax|")."""
    return next(
        (f for f in fields if not f.next_line and f.value_start <= start < f.value_end), None
    )


def _line_start(report: str, offset: int) -> int:
    return report.rfind("\n", 0, offset) + 1
