"""Phrase extraction scored against annotated reports: precision, recall, F1, fragments,
assertion accuracy.

Used by `bench/report_phrases.py` and the tests on the development half of the hand-written
report set (`tests/data/reports/`). Definitions:

- A grounded phrase (positive or uncertain) matches an expected one when their spans overlap,
  they name the same finding and the predicted text names the same side (right, left,
  bilateral or none) as the annotation. Matching is one-to-one. IMPRESSION restatements
  count as phrases on both sides: annotated ones as written, predicted ones as the linked
  spans of their finding.
- A fragment is a grounded predicted phrase that cuts a word, names no finding of the
  knowledge base ("broken"; a template field such as "Aorta: Unfolded" names one only as a
  field, and is whole when it covers the annotated phrase of its finding), or covers less
  than half of the expected phrase it overlaps ("partial": "subcutaneous emphysema" for
  "subcutaneous emphysema tracking into the neck").
- Assertion accuracy is over the expected phrases (negated ones included) that a predicted
  phrase of the same finding overlaps: the share whose assertion is right.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from model_core.knowledge import KnowledgeBase
from model_core.knowledge._terms import side_of

from .extraction import PhraseExtractor, ReportPhrase


@dataclass(frozen=True)
class Unit:
    """One scored span: a phrase or one of its restatements."""

    start: int
    end: int
    finding: str
    assertion: str
    side: str | None

    @property
    def grounded(self) -> bool:
        return self.assertion != "negated"


@dataclass
class PhraseCounts:
    expected: int = 0
    predicted: int = 0
    matched_expected: int = 0
    matched_predicted: int = 0
    fragments: int = 0
    partial: int = 0  # fragments that hold a finding but less than half the expected phrase
    assertion_seen: int = 0
    assertion_right: int = 0

    def add(self, other: PhraseCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> dict[str, float | int]:
        precision = self.matched_predicted / self.predicted if self.predicted else 1.0
        recall = self.matched_expected / self.expected if self.expected else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "fragment_rate": round(self.fragments / self.predicted, 4) if self.predicted else 0.0,
            "partial_rate": round(self.partial / self.predicted, 4) if self.predicted else 0.0,
            "assertion_accuracy": (
                round(self.assertion_right / self.assertion_seen, 4) if self.assertion_seen else 1.0
            ),
            "expected": self.expected,
            "predicted": self.predicted,
        }


def load_report_set(path: Path) -> list[dict]:
    """One annotated report per JSONL line (see tests/data/reports/README.md)."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def expected_units(record: dict) -> list[Unit]:
    return [
        Unit(p["start"], p["end"], p["finding"], p["assertion"], p["laterality"])
        for p in record["phrases"]
    ]


def predicted_units(report: str, phrases: Iterable[ReportPhrase]) -> list[Unit]:
    units = []
    for phrase in phrases:
        for start, end in (phrase.span, *phrase.linked):
            text = report[start:end]
            units.append(Unit(start, end, phrase.finding, phrase.assertion.value, side_of(text)))
    return units


def score_report(
    report: str, expected: list[Unit], predicted: list[Unit], knowledge: KnowledgeBase
) -> PhraseCounts:
    counts = PhraseCounts()
    wanted = [e for e in expected if e.grounded]
    found = [p for p in predicted if p.grounded]
    counts.expected, counts.predicted = len(wanted), len(found)
    taken: set[int] = set()
    for e in wanted:
        for i, p in enumerate(found):
            if i not in taken and _overlaps(e, p) and p.finding == e.finding and p.side == e.side:
                taken.add(i)
                counts.matched_expected += 1
                break
    counts.matched_predicted = len(taken)
    kinds = [_fragment_kind(report, p, expected, knowledge) for p in found]
    counts.fragments = sum(kind is not None for kind in kinds)
    counts.partial = kinds.count("partial")
    for e in expected:
        same = [p for p in predicted if _overlaps(e, p) and p.finding == e.finding]
        if same:
            counts.assertion_seen += 1
            counts.assertion_right += any(p.assertion == e.assertion for p in same)
    return counts


def score_set(
    records: list[dict], knowledge: KnowledgeBase, extractor: PhraseExtractor | None = None
) -> dict[str, PhraseCounts]:
    """Counts per style and "all"."""
    extractor = extractor or PhraseExtractor(knowledge)
    by_style: dict[str, PhraseCounts] = {"all": PhraseCounts()}
    for record in records:
        report = record["report"]
        predicted = predicted_units(report, extractor.extract(report))
        counts = score_report(report, expected_units(record), predicted, knowledge)
        by_style.setdefault(record["style"], PhraseCounts()).add(counts)
        by_style["all"].add(counts)
    return by_style


def _overlaps(a: Unit, b: Unit) -> bool:
    return a.start < b.end and b.start < a.end


def _fragment_kind(
    report: str, p: Unit, expected: list[Unit], knowledge: KnowledgeBase
) -> str | None:
    """None for a whole phrase; "broken" (cuts a word or names no finding, like "Small re",
    "4 cm", "Mild") or "partial" (a finding, but under half of the expected phrase)."""
    cuts = (p.start > 0 and report[p.start - 1].isalnum() and report[p.start].isalnum()) or (
        p.end < len(report) and report[p.end - 1].isalnum() and report[p.end].isalnum()
    )
    if cuts:
        return "broken"
    if not knowledge.find_mentions(report[p.start : p.end]) and not any(
        e.finding == p.finding and _covers_half(p, e) for e in expected
    ):  # "Mild", "4 cm"; not "Aorta: Unfolded", a template field annotated as it stands
        return "broken"
    for e in expected:
        if _overlaps(e, p) and not _covers_half(p, e):
            return "partial"
    return None


def _covers_half(p: Unit, e: Unit) -> bool:
    """Whether the predicted unit covers at least half of the expected one."""
    return min(e.end, p.end) - max(e.start, p.start) >= 0.5 * (e.end - e.start)
