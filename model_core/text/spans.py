"""Span-constrained decoding: every generated phrase is a verbatim span of the report.

The decoder may only start a phrase with a report token, continue it with the
report token that follows one of the current candidate positions, and close it
with [BOX]. The result is a token span, hence an exact character span.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SpanConstraint:
    report_ids: list[int]
    box_id: int
    eos_id: int
    max_phrases: int = 16
    max_phrase_tokens: int = 24
    spans: list[tuple[int, int]] = field(default_factory=list)  # token [start, end)
    _candidates: list[tuple[int, int]] = field(default_factory=list)  # (start, next)
    done: bool = False

    @property
    def in_phrase(self) -> bool:
        return bool(self._candidates)

    def allowed(self) -> list[int]:
        """Token ids the model may emit next."""
        if self.done:
            return [self.eos_id]
        if not self.in_phrase:
            if len(self.spans) >= self.max_phrases:
                return [self.eos_id]
            return sorted(set(self.report_ids) | {self.eos_id})
        length = self._candidates[0][1] - self._candidates[0][0]
        if length >= self.max_phrase_tokens:
            return [self.box_id]
        following = {
            self.report_ids[nxt] for _, nxt in self._candidates if nxt < len(self.report_ids)
        }
        return sorted(following | {self.box_id})

    def advance(self, token_id: int) -> tuple[int, int] | None:
        """Consume one emitted token; returns the token span when it closes a phrase."""
        if token_id not in self.allowed():
            raise ValueError(
                f"token {token_id} is not allowed here (allowed: {self.allowed()[:8]}...)"
            )
        if token_id == self.eos_id:
            self.done = True
            return None
        if token_id == self.box_id:
            span = self._choose_span()
            self.spans.append(span)
            self._candidates = []
            return span
        if not self.in_phrase:
            self._candidates = [(i, i + 1) for i, t in enumerate(self.report_ids) if t == token_id]
        else:
            self._candidates = [
                (start, nxt + 1)
                for start, nxt in self._candidates
                if nxt < len(self.report_ids) and self.report_ids[nxt] == token_id
            ]
        return None

    def _choose_span(self) -> tuple[int, int]:
        """The first occurrence not yet emitted (a repeated phrase maps to its next mention)."""
        for candidate in self._candidates:
            if candidate not in self.spans:
                return candidate
        return self._candidates[0]
