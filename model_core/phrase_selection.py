"""Which phrases the engine grounds: the report's own finding phrases, or the user's queries.

Each selected phrase carries its span in the report (None for free text), its words and
its knowledge-base finding, named once here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from .knowledge import KnowledgeBase
from .text.extraction import PhraseExtractor, ReportPhrase

log = logging.getLogger(__name__)

MAX_EXTRACT_CHARS = 20_000
Query = str | tuple[str, tuple[int, int]]  # free text, or a selection: (text, (start, end))
Span = tuple[int, int]


@dataclass
class PhraseRequest:
    """One phrase to ground. `phrase`: the extractor's phrase in report mode (assertion,
    restatements, the observation an interpretation is located by), None for a query."""

    span: Span | None
    text: str
    finding: str | None
    phrase: ReportPhrase | None = None


@dataclass
class PhraseSelection:
    """`requests` get a box each; `extracted` (report mode) is every phrase the extractor
    found, negated ones included; `source` is "report" or "query"."""

    requests: list[PhraseRequest]
    source: str
    extracted: list[ReportPhrase] = field(default_factory=list)


def report_phrases(extractor: PhraseExtractor, report: str) -> PhraseSelection:
    """The report's phrases, all of them: the LM reads a window of the report, but a
    finding in a long report's last lines is still found (the first MAX_EXTRACT_CHARS
    characters, far beyond any real report, bound the work for a pasted book)."""
    if len(report) > MAX_EXTRACT_CHARS:
        log.warning(
            "report has %d characters; phrases are read from the first %d",
            len(report),
            MAX_EXTRACT_CHARS,
        )
    extracted = extractor.extract(report[:MAX_EXTRACT_CHARS])
    requests = [PhraseRequest(p.span, p.text, p.finding, p) for p in extracted if p.grounded]
    return PhraseSelection(requests, "report", extracted)


def query_phrases(knowledge: KnowledgeBase, report: str, queries: list[Query]) -> PhraseSelection:
    """The queries, each found in the report where it can be; a selection (text, span)
    keeps its own occurrence while the report still holds that text there."""
    requests = []
    for query in queries:
        span, text = query_span(report, query)
        match = knowledge.match_finding(text)
        requests.append(PhraseRequest(span, text, match.name if match else None))
    return PhraseSelection(requests, "query")


def query_span(report: str, query: Query) -> tuple[Span | None, str]:
    """(span, text) of a query: its own span when it is a selection of this report."""
    if isinstance(query, tuple):
        text, (start, end) = query
        if 0 <= start < end <= len(report) and report[start:end].strip() == text.strip():
            return (start, end), report[start:end]
        query = text
    return find_span(report, query), query


def find_span(report: str, phrase: str) -> Span | None:
    """The phrase's first case-insensitive occurrence in the report, if any."""
    index = report.lower().find(phrase.strip().lower()) if phrase.strip() else -1
    return (index, index + len(phrase.strip())) if index >= 0 else None
