"""Plain data for one grounding example, whatever the source format."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class PhraseAnnotation:
    """A grounded phrase: its text, character span in the report (None if the source has
    no report), finding category, and GT boxes xyxy in original image pixels."""

    text: str
    span: tuple[int, int] | None
    boxes: list[tuple[float, float, float, float]]
    finding: str = ""


@dataclass
class GroundingSample:
    """image: float32 (H, W) in [0, 1], air dark (the engine's input convention)."""

    image_id: str
    image: np.ndarray
    report: str
    phrases: list[PhraseAnnotation] = field(default_factory=list)
