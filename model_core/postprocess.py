"""Post-processing: model outputs -> `GroundedFinding`s in image pixels.

Boxes leave the letterboxed model frame for the original image; report phrases add their
assertion, restatements and located-by link; negated phrases and normal statements join
the result without a box. Scores get their calibrated confidence where the model has a
calibration, and a boxed finding whose phrase names one side while its box lies in the
other hemithorax is flagged (`laterality_conflict`).
"""

from __future__ import annotations

import numpy as np
import torch

from .box_ops import Letterbox, box_cxcywh_to_xyxy
from .calibration import ScoreCalibration
from .knowledge import KnowledgeBase
from .knowledge.records import Code
from .midline import film_midline, side_conflict
from .modeling.knowmvg import KnowMVGOutput
from .phrase_selection import PhraseRequest, PhraseSelection
from .results import GroundedFinding
from .text.extraction import ReportPhrase
from .text.negation import normal_statements

Span = tuple[int, int]


class FindingPostprocessor:
    def __init__(
        self,
        knowledge: KnowledgeBase,
        region_ids: list[str],
        calibration: ScoreCalibration | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.region_ids = list(region_ids)
        self.calibration = calibration

    def __call__(
        self,
        report: str,
        selection: PhraseSelection,
        kept: list[int],
        output: KnowMVGOutput | None,
        letterbox: Letterbox,
        image: np.ndarray | None = None,
    ) -> list[GroundedFinding]:
        """Findings for `selection.requests[i]` for i in `kept`, one per row of `output`
        (None: nothing was grounded); in report mode with the report's other phrases.

        `image` (the film as the model saw it, patient's right on the image's left) places
        the midline for the wrong-side check; without it the midline is the width's centre.
        """
        requests = [selection.requests[i] for i in kept]
        findings = self.boxed(output, requests, letterbox, selection.source)
        if selection.source == "report":
            phrases = [request.phrase for request in requests]
            findings = self.with_report_phrases(report, findings, phrases, selection.extracted)
        midline = film_midline(image) if image is not None else letterbox.width / 2.0
        for finding in findings:
            finding.laterality_conflict = self.laterality_conflict(
                finding, midline, letterbox.width
            )
        return findings

    def laterality_conflict(self, finding: GroundedFinding, midline: float, width: int) -> bool:
        """The phrase names one side, and the box centre lies in the other hemithorax, by more
        than the dead zone. Patient frame: the patient's right is on the image's left."""
        if finding.negated or finding.box is None:
            return False
        return side_conflict(self.knowledge.side_of(finding.phrase), finding.box, midline, width)

    def boxed(
        self,
        output: KnowMVGOutput | None,
        requests: list[PhraseRequest],
        letterbox: Letterbox,
        source: str,
    ) -> list[GroundedFinding]:
        """One finding with a box, score, uncertainty, priors and heatmap per row."""
        if output is None or not requests:
            return []
        boxes = letterbox.model_to_image_xyxy(
            box_cxcywh_to_xyxy(output.boxes).float().cpu().numpy()
        )
        heatmaps = _heatmaps(output)
        scores = output.confidence.float().cpu().numpy()
        uncertainty = output.uncertainty.float().cpu().numpy()
        return [
            GroundedFinding(
                phrase=request.text,
                span=request.span,
                box=tuple(float(v) for v in boxes[i]),
                score=float(scores[i]),
                confidence=self._confidence(float(scores[i])),
                uncertainty=float(uncertainty[i]),
                priors=self._priors(output, i),
                source=source,
                finding=request.finding,
                category=self._category(request.finding),
                code=self._code(request.finding),
                heatmap=heatmaps[i],
            )
            for i, request in enumerate(requests)
        ]

    def with_report_phrases(
        self,
        report: str,
        findings: list[GroundedFinding],
        phrases: list[ReportPhrase],
        extracted: list[ReportPhrase],
    ) -> list[GroundedFinding]:
        """Boxed findings take their phrase's assertion and links; negated phrases and normal
        statements ("Heart size is normal") join them without a box."""
        by_span = {f.span: f for f in findings}
        for finding, phrase in zip(findings, phrases, strict=True):
            finding.assertion = phrase.assertion.value
            finding.linked_spans = list(phrase.linked)
            observed = by_span.get(phrase.located_by)
            if observed is not None:  # "opacity, likely atelectasis": the opacity's box
                finding.located_by = observed.span
                finding.box, finding.heatmap = observed.box, observed.heatmap
                finding.score, finding.uncertainty = observed.score, observed.uncertainty
                finding.confidence = observed.confidence
                finding.priors = list(observed.priors)
        negated = [(p.span, p.finding) for p in extracted if not p.grounded] + [
            ((m.phrase_start, m.phrase_end), m.finding) for m in normal_statements(report)
        ]
        result = list(findings)
        seen: set[Span] = set()
        for span, name in negated:
            if span in seen or any(_overlaps(f.span, span) for f in result):
                continue
            seen.add(span)
            result.append(
                GroundedFinding(
                    phrase=report[span[0] : span[1]],
                    span=span,
                    negated=True,
                    finding=name,
                    category=self._category(name),
                    code=self._code(name),
                    source="report",
                )
            )
        return sorted(result, key=lambda f: f.span or (0, 0))

    def _priors(self, output: KnowMVGOutput, row: int) -> list[tuple[str, float]]:
        """The knowledge regions the phrase selected, with their weights."""
        if output.region_indices is None:
            return []
        indices, weights = output.region_indices[row], output.region_weights[row]
        return [(self.region_ids[int(r)], float(w)) for r, w in zip(indices, weights, strict=True)]

    def _confidence(self, score: float) -> float | None:
        return None if self.calibration is None else float(self.calibration(score))

    def _category(self, name: str | None) -> str | None:
        return self.knowledge.finding(name).category if name else None

    def _code(self, name: str | None) -> Code | None:
        return self.knowledge.finding(name).code if name else None


def _heatmaps(output: KnowMVGOutput) -> list[np.ndarray]:
    """Semantic mask where the global branch exists, else the cross-attention map."""
    if output.mask_logits is not None:
        maps = torch.sigmoid(output.mask_logits.float())
    else:
        maps = output.attention.float()
        maps = maps / maps.flatten(1).amax(-1).clamp(min=1e-9)[:, None, None]
    return [m.cpu().numpy().astype(np.float32) for m in maps]


def _overlaps(a: Span | None, b: Span) -> bool:
    return a is not None and a[0] < b[1] and b[0] < a[1]
