"""Report sections: which parts of a report describe the film and which give context.

Findings are read only from the parts that describe this film (FINDINGS, IMPRESSION and
their synonyms, or a report with no headers at all). INDICATION, HISTORY, TECHNIQUE and
COMPARISON text names findings too ("Known primary malignancy, ? metastatic nodules"), but
those are the clinician's question or the prior study, not what the radiologist saw.

Headers are matched in any case, at a line start or after a sentence end ("Indication:
cough. Findings: ..."), with or without a colon when alone on their line; numbered
("1. FINDINGS:") and CRLF reports are read as they come. Pure stdlib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FINDINGS_SECTIONS = frozenset(
    {
        "findings",
        "finding",
        "report",
        "result",
        "results",
        "observations",
        "description",
    }
)
IMPRESSION_SECTIONS = frozenset(
    {
        "impression",
        "impressions",
        "conclusion",
        "conclusions",
        "comment",
        "comments",
        "opinion",
        "summary",
        "interpretation",
        "diagnosis",
        "assessment",
    }
)
CONTEXT_SECTIONS = frozenset(
    {
        "indication",
        "indications",
        "clinical indication",
        "clinical indications",
        "history",
        "hx",
        "clinical hx",
        "clin hx",
        "ind",
        "indication/history",
        "history/indication",
        "clinical history",
        "medical history",
        "clinical information",
        "clinical info",
        "clinical details",
        "clinical data",
        "clinical notes",
        "clinical",
        "reason",
        "reason for exam",
        "reason for examination",
        "reason for study",
        "reason for request",
        "reason for referral",
        "request",
        "technique",
        "techniques",
        "procedure",
        "comparison",
        "comparisons",
        "prior",
        "priors",
        "exam",
        "examination",
        "study",
        "type of study",
        "views",
        "view",
        "recommendation",
        "recommendations",
        "notification",
        "addendum",
        "dictated by",
        "signed by",
    }
)
KNOWN_SECTIONS = FINDINGS_SECTIONS | IMPRESSION_SECTIONS | CONTEXT_SECTIONS

# A header: at a line start (after an optional list number) or after a sentence end, a
# name of up to five words, then a colon; or a known name alone on its line.
_HEADER = re.compile(
    r"(?:(?<=\n)|^|(?<=[.!?])[ \t]+)[ \t]*(?:\d{1,2}[.)][ \t]*)?"
    r"(?P<name>[A-Za-z][A-Za-z/&()-]*(?:[ \t]+[A-Za-z/&()-]+){0,4})[ \t]*"
    r"(?:(?P<colon>:)|(?=[ \t]*\r?(?:\n|$)))",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Section:
    """`text[start:end]` is the section with its header; its body starts at `body_start`.

    `kind` is "findings", "impression", "context" or "" (text before any header).
    """

    name: str
    kind: str
    start: int
    body_start: int
    end: int

    @property
    def describes_film(self) -> bool:
        return self.kind in ("findings", "impression", "")


def section_kind(name: str) -> str | None:
    """The kind of a header name, None when it is not a section header we know."""
    key = " ".join(name.lower().split())
    if key in FINDINGS_SECTIONS:
        return "findings"
    if key in IMPRESSION_SECTIONS:
        return "impression"
    if key in CONTEXT_SECTIONS:
        return "context"
    return None


def split_sections(text: str) -> list[Section]:
    """Contiguous sections covering the text; text before the first header has kind ""."""
    headers = []
    for match in _HEADER.finditer(text):
        kind = section_kind(match.group("name"))
        if kind is None:
            continue
        headers.append((match, kind))
    sections: list[Section] = []
    first = headers[0][0].start("name") if headers else len(text)
    if text[:first].strip() or not headers:
        sections.append(Section("", "", 0, 0, first))
    for index, (match, kind) in enumerate(headers):
        end = headers[index + 1][0].start("name") if index + 1 < len(headers) else len(text)
        name = " ".join(match.group("name").upper().split())
        sections.append(Section(name, kind, match.start("name"), match.end(), end))
    return sections


def film_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sections that describe the film (body only, not headers)."""
    return [(s.body_start, s.end) for s in split_sections(text) if s.describes_film]
