"""How a radiologist writes: the house style a synthetic report is set in.

Real reports differ in far more than wording: some are lower case with no headers, some
abbreviate lobes and findings (RLL, PTX, CP angle), some use British spelling and
"CONCLUSION", some come with CRLF line ends or anonymisation tokens. A style rewrites every
piece of text as the report is written, phrases included, so phrase spans stay exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_BRITISH = (
    (r"\bedema\b", "oedema"),
    (r"\bEdema\b", "Oedema"),
    (r"\bhiatal hernia\b", "hiatus hernia"),
    (r"\bHiatal hernia\b", "Hiatus hernia"),
    (r"\bairspace opacity\b", "airspace shadowing"),
    (r"\bopacities\b", "shadowing"),
    (r"\bhemorrhage\b", "haemorrhage"),
)
_ABBREVIATIONS = (
    (r"(?i)\bright lower lobe\b", "RLL"),
    (r"(?i)\bleft lower lobe\b", "LLL"),
    (r"(?i)\bright upper lobe\b", "RUL"),
    (r"(?i)\bleft upper lobe\b", "LUL"),
    (r"(?i)\bright middle lobe\b", "RML"),
    (r"(?i)\bpneumothorax\b", "PTX"),
    (r"(?i)\bcostophrenic angle\b", "CP angle"),
    (r"(?i)\bbilateral\b", "b/l"),
)
ANONYMISED = "XXXX"


@dataclass(frozen=True)
class ReportStyle:
    """One house style; `rewrite` is applied to every piece of report text."""

    name: str
    header_case: str = "upper"  # "upper", "title" or "lower"
    sections: bool = True  # False: the FINDINGS text alone, no headers
    lowercase: bool = False
    british: bool = False
    abbreviated: bool = False
    crlf: bool = False
    anonymised: bool = False

    def header(self, name: str) -> str:
        if self.british and name == "IMPRESSION":
            name = "CONCLUSION"
        if self.header_case == "title":
            return name.title()
        return name.lower() if self.header_case == "lower" or self.lowercase else name

    def rewrite(self, text: str) -> str:
        if self.british:
            for pattern, replacement in _BRITISH:
                text = re.sub(pattern, replacement, text)
        if self.abbreviated:
            for pattern, replacement in _ABBREVIATIONS:
                text = re.sub(pattern, replacement, text)
        if self.lowercase:
            text = text.lower()
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return text


STYLES = (
    ReportStyle("standard"),
    ReportStyle("standard-title", header_case="title"),
    ReportStyle("british", header_case="title", british=True),
    ReportStyle("abbreviated", abbreviated=True),
    ReportStyle("lowercase", header_case="lower", lowercase=True),
    ReportStyle("terse", sections=False),
    ReportStyle("terse-lowercase", sections=False, lowercase=True),
    ReportStyle("crlf", crlf=True, anonymised=True),
    ReportStyle("anonymised", header_case="title", anonymised=True),
)
_WEIGHTS = np.array([0.34, 0.1, 0.1, 0.1, 0.08, 0.08, 0.04, 0.08, 0.08])


def sample_style(rng: np.random.Generator) -> ReportStyle:
    return STYLES[int(rng.choice(len(STYLES), p=_WEIGHTS / _WEIGHTS.sum()))]
