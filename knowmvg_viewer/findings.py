"""Which findings exist, which one is selected, and how the report is highlighted. Qt-free.

The views (report panel, findings list, image overlays) render this state and forward
clicks to it; requests carry ids so a result for a study the user has left is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from model_core.results import GroundedFinding, GroundingResult

from .render.palette import NEGATED_COLOUR, QUERY_COLOUR, finding_colour


@dataclass(frozen=True)
class Highlight:
    """A report span to colour: finding index, [start, end), RGB colour, assertion flags.

    A finding restated in the IMPRESSION has one highlight per span, all with its index.
    """

    index: int
    start: int
    end: int
    colour: tuple[int, int, int]
    negated: bool
    uncertain: bool = False
    rejected: bool = False  # by the reviewer: struck through, greyed


@dataclass
class FindingsState:
    """`min_confidence`: boxes whose confidence (the calibrated one, else the score) is below
    it are hidden from the overlay; they stay listed, marked as below the threshold."""

    result: GroundingResult | None = None
    findings: list[GroundedFinding] = field(default_factory=list)
    selected: int | None = None
    show_all: bool = True
    request_id: int = 0  # the request whose result is wanted; older ones are stale
    min_confidence: float = 0.0
    review_states: dict[int, str] = field(default_factory=dict)  # index -> "accepted"...

    def rejected(self, index: int) -> bool:
        return self.review_states.get(index) == "rejected"

    def new_request(self) -> int:
        self.request_id += 1
        return self.request_id

    def is_current(self, request_id: int) -> bool:
        return request_id == self.request_id

    def set_result(self, result: GroundingResult) -> None:
        self.result = result
        self.findings = list(result.findings)
        boxed = self.boxed_indices()
        shown = [i for i in boxed if not self.is_hidden(i)]
        self.selected = (shown or boxed or [None])[0]

    def clear(self) -> None:
        self.result, self.findings, self.selected = None, [], None
        self.review_states = {}

    def add_query_findings(self, result: GroundingResult) -> list[int]:
        """Append user-requested findings; returns their indices (selects the first)."""
        start = len(self.findings)
        self.findings.extend(result.findings)
        if self.result is None:
            self.result = result
        added = list(range(start, len(self.findings)))
        if added:
            self.selected = added[0]
        return added

    def boxed_indices(self) -> list[int]:
        return [i for i, f in enumerate(self.findings) if f.box is not None and not f.negated]

    def is_hidden(self, index: int) -> bool:
        """A boxed finding whose confidence (or score, when it has no calibrated confidence)
        is below `min_confidence`."""
        finding = self.findings[index]
        if finding.box is None or finding.negated:
            return False
        value = finding.shown_confidence
        return value is not None and value < self.min_confidence

    def colour(self, index: int) -> tuple[int, int, int]:
        finding = self.findings[index]
        if finding.negated or self.rejected(index):
            return NEGATED_COLOUR
        if finding.source == "query":
            return QUERY_COLOUR
        return finding_colour(self.boxed_indices().index(index))

    def select(self, index: int | None) -> bool:
        if index is not None and not 0 <= index < len(self.findings):
            return False
        self.selected = index
        return True

    def step(self, delta: int) -> int | None:
        """`n` / `p`: the next or previous boxed finding, wrapping around."""
        boxed = self.boxed_indices()
        if not boxed:
            return None
        if self.selected not in boxed:
            self.selected = boxed[0] if delta > 0 else boxed[-1]
        else:
            self.selected = boxed[(boxed.index(self.selected) + delta) % len(boxed)]
        return self.selected

    def visible_boxes(self) -> list[int]:
        """The boxes to draw: all of them or the selected one, less those below the threshold."""
        boxed = [i for i in self.boxed_indices() if not self.is_hidden(i)]
        if self.show_all:
            return boxed
        return [self.selected] if self.selected in boxed else []

    def highlights(self) -> list[Highlight]:
        return [
            Highlight(i, start, end, self.colour(i), f.negated, f.uncertain, self.rejected(i))
            for i, f in enumerate(self.findings)
            for start, end in _spans(f)
        ]

    def finding_at(self, offset: int) -> int | None:
        """The finding whose span (or restatement) holds report character `offset`, the
        shortest if nested."""
        hits = [
            (end - start, i)
            for i, f in enumerate(self.findings)
            for start, end in _spans(f)
            if start <= offset < end
        ]
        return min(hits)[1] if hits else None


def _spans(finding: GroundedFinding) -> list[tuple[int, int]]:
    """The finding's own span first, then the spans that restate it."""
    own = [finding.span] if finding.span is not None else []
    return own + [tuple(span) for span in finding.linked_spans]
