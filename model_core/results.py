"""What the engine returns: plain data, JSON-ready, no torch."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import cv2
import numpy as np

from .box_geometry import Letterbox, box_xyxy_flipped, box_xyxy_transposed
from .knowledge.records import Code


@dataclass
class GroundedFinding:
    """One phrase of the report (or a user query) and where it is in the image.

    box: (x0, y0, x1, y1) in original image pixels, None when negated or ungrounded.
    uncertainty: the box hypotheses' spread as a fraction of the box's size (0.1: their
    coordinates vary by a tenth of the box), scale-free like IoU (`box_ops.hypothesis_spread`).
    assertion: "positive", "negated" or "uncertain" (hedged: "may represent", "versus");
    `negated` stays for readers of the first output format.
    linked_spans: other spans of the report that name the same finding (an IMPRESSION
    restatement); they share this finding's box and are highlighted with it.
    located_by: for an interpretation without a place of its own ("opacity, likely
    atelectasis"), the span of the observation whose box, heatmap and score it takes.
    heatmap: (h, w) float32 in [0, 1] on the model's feature grid (see GroundingResult
    .heatmap_in_image for image space).
    confidence: the calibrated probability that the box has IoU >= 0.5 with the truth
    (`model_core.calibration`), None when the model directory has no calibration.
    laterality_conflict: a positive finding whose phrase names a side but whose box centre
    lies in the other hemithorax (`postprocess.laterality_conflict`).
    """

    phrase: str
    span: tuple[int, int] | None
    negated: bool = False
    box: tuple[float, float, float, float] | None = None
    score: float | None = None
    uncertainty: float | None = None
    priors: list[tuple[str, float]] = field(default_factory=list)
    source: str = "report"  # "report" (found by the model) or "query" (asked for)
    finding: str | None = None  # knowledge-base finding name, when the phrase names one
    assertion: str = "positive"
    category: str | None = None  # knowledge-base category: airspace, pleura, device...
    linked_spans: list[tuple[int, int]] = field(default_factory=list)
    located_by: tuple[int, int] | None = None  # the observation whose box it shares
    code: Code | None = None  # the knowledge base's coded concept (SNOMED CT) for `finding`
    confidence: float | None = None
    laterality_conflict: bool = False
    heatmap: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.negated:
            self.assertion = "negated"
        elif self.assertion == "negated":
            self.negated = True

    @property
    def uncertain(self) -> bool:
        return self.assertion == "uncertain"

    @property
    def shown_confidence(self) -> float | None:
        """The number a reader sees and the viewer's threshold compares: the calibrated
        confidence, else (no calibration) the raw score."""
        return self.confidence if self.confidence is not None else self.score

    def to_json(self) -> dict:
        return {
            "phrase": self.phrase,
            "span": list(self.span) if self.span is not None else None,
            "negated": self.negated,
            "box": [round(v, 2) for v in self.box] if self.box is not None else None,
            "score": None if self.score is None else round(self.score, 4),
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "uncertainty": None if self.uncertainty is None else round(self.uncertainty, 2),
            "priors": [{"region": r, "weight": round(w, 4)} for r, w in self.priors],
            "source": self.source,
            "finding": self.finding,
            "assertion": self.assertion,
            "category": self.category,
            "linked_spans": [list(span) for span in self.linked_spans],
            "located_by": list(self.located_by) if self.located_by else None,
            "code": None if self.code is None else asdict(self.code),
            "laterality_conflict": self.laterality_conflict,
        }


@dataclass
class GroundingResult:
    width: int
    height: int
    report: str
    findings: list[GroundedFinding]
    letterbox: Letterbox
    timing_ms: dict[str, float] = field(default_factory=dict)
    lm_forward_passes: int = 0
    report_truncated: bool = False

    def heatmap_in_content(self, finding: GroundedFinding) -> np.ndarray | None:
        """The heatmap over the image's footprint in the model frame (small, float32).

        Scaling it by (width / its width, height / its height) lays it on the image;
        the viewer does that with a transform instead of resampling to full size.
        """
        if finding.heatmap is None:
            return None
        size = self.letterbox.size
        model_space = cv2.resize(finding.heatmap, (size, size), interpolation=cv2.INTER_LINEAR)
        x0, y0, x1, y1 = self.letterbox.content_box()
        return np.ascontiguousarray(model_space[max(y0, 0) : y1, max(x0, 0) : x1])

    def heatmap_in_image(self, finding: GroundedFinding) -> np.ndarray | None:
        """The finding's heatmap resampled to original image pixels (H, W), float32."""
        content = self.heatmap_in_content(finding)
        if content is None:
            return None
        return cv2.resize(content, (self.width, self.height), interpolation=cv2.INTER_LINEAR)

    def flipped(self, left_right: bool = False, up_down: bool = False) -> GroundingResult:
        """This result for the image flipped left-right and/or upside down: boxes mapped,
        each heatmap flipped on the model grid (the letterbox pads opposite sides alike, so
        the grid's flip is the image's). A new result; this one is left as it is."""
        if not (left_right or up_down):
            return self
        axes = tuple(axis for axis, flip in ((0, up_down), (1, left_right)) if flip)
        findings = [
            replace(
                finding,
                box=None
                if finding.box is None
                else box_xyxy_flipped(finding.box, self.width, self.height, left_right, up_down),
                heatmap=None
                if finding.heatmap is None
                else np.flip(finding.heatmap, axis=axes).copy(),
            )
            for finding in self.findings
        ]
        return replace(self, findings=findings)

    def transposed(self) -> GroundingResult:
        """This result for the image transposed (rows as columns): width and height swap,
        boxes and heatmaps are transposed (the letterbox pads opposite sides alike, so the
        grid's transpose is the image's). With `flipped`, it maps a result back onto a film
        stored turned by 90 degrees. A new result; this one is left as it is."""
        findings = [
            replace(
                finding,
                box=None if finding.box is None else box_xyxy_transposed(finding.box),
                heatmap=None if finding.heatmap is None else finding.heatmap.T.copy(),
            )
            for finding in self.findings
        ]
        letterbox = Letterbox(self.letterbox.width, self.letterbox.height, self.letterbox.size)
        return replace(
            self, width=self.height, height=self.width, findings=findings, letterbox=letterbox
        )

    def to_json(self) -> dict:
        return {
            "width": self.width,
            "height": self.height,
            "report": self.report,
            "findings": [f.to_json() for f in self.findings],
            "timing_ms": {k: round(v, 1) for k, v in self.timing_ms.items()},
        }
