"""A length measured on the film: two points in image pixels, read out in millimetres. Qt-free.

Spacing comes from the image: PixelSpacing is at the patient; ImagerPixelSpacing is at the
detector, uncorrected for magnification (a PA chest film magnifies the heart by ~5-10%), so
such a length says "detector" the way OHIF and Weasis do. Without either, pixels are all
that can honestly be said.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .study import PixelSpacing

Point = tuple[float, float]


@dataclass(frozen=True)
class Measurement:
    start: Point
    end: Point
    spacing: PixelSpacing | None = None

    @property
    def length_px(self) -> float:
        return math.dist(self.start, self.end)

    @property
    def length_mm(self) -> float | None:
        if self.spacing is None:
            return None
        dx = (self.end[0] - self.start[0]) * self.spacing.col_mm
        dy = (self.end[1] - self.start[1]) * self.spacing.row_mm
        return math.hypot(dx, dy)

    def label(self) -> str:
        """'54.2 mm', '54.2 mm (detector)', or '310 px' without a spacing."""
        mm = self.length_mm
        if mm is None:
            return f"{self.length_px:.0f} px"
        detector = " (detector)" if self.spacing.kind == "detector" else ""
        return f"{mm:.1f} mm{detector}"

    def to_json(self) -> dict:
        return {
            "start": [round(v, 2) for v in self.start],
            "end": [round(v, 2) for v in self.end],
            "length_mm": None if self.length_mm is None else round(self.length_mm, 2),
            "spacing_kind": None if self.spacing is None else self.spacing.kind,
            "label": self.label(),
        }
