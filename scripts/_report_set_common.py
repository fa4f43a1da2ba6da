"""Shared names for the hand-written chest radiograph report set (see build_report_set.py).

A phrase annotation is a tuple (text, occurrence, finding, laterality, assertion, restates):
`occurrence` is which whole-word occurrence (0-based) of `text` in the report is meant and
`restates` is the index of the earlier FINDINGS phrase that an IMPRESSION phrase restates.
"""

from __future__ import annotations

import textwrap
from typing import TypedDict

R = "right"
L = "left"
B = "bilateral"
N = None

POS = "positive"
NEG = "negated"
UNC = "uncertain"

Phrase = tuple[str, int, str, str | None, str, int | None]


class Report(TypedDict):
    report: str
    phrases: list[Phrase]
    crlf: bool


def rep(text: str, phrases: list[Phrase], crlf: bool = False) -> Report:
    """One report: `text` is dedented and stripped; `crlf` turns its line ends into CRLF."""
    return {"report": textwrap.dedent(text).strip("\n"), "phrases": phrases, "crlf": crlf}
