"""Pure-Python box arithmetic for priors (fractions of the image, no torch).

The engine's tensor box ops live elsewhere; the knowledge base needs only these few
operations on single boxes, and keeping them here keeps this package free of torch.
"""

from __future__ import annotations

from collections.abc import Iterable

BoxXYXY = tuple[float, float, float, float]
BoxCXCYWH = tuple[float, float, float, float]


def cxcywh_to_xyxy(box: BoxCXCYWH) -> BoxXYXY:
    """(cx, cy, w, h) -> (x0, y0, x1, y1)."""
    cx, cy, w, h = box
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def clip01(box: BoxXYXY) -> BoxXYXY:
    """Clip corners to the image, [0, 1]."""
    x0, y0, x1, y1 = (min(1.0, max(0.0, v)) for v in box)
    return (x0, y0, x1, y1)


def union(boxes: Iterable[BoxXYXY]) -> BoxXYXY:
    """The smallest box holding all `boxes` (at least one)."""
    x0s, y0s, x1s, y1s = zip(*boxes, strict=True)
    return (min(x0s), min(y0s), max(x1s), max(y1s))


def intersection(a: BoxXYXY, b: BoxXYXY) -> BoxXYXY | None:
    """The overlap of two boxes, None when they do not overlap."""
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None


def contains(outer: BoxXYXY, inner: BoxXYXY) -> bool:
    """Whether `inner` lies entirely within `outer`."""
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def place_inside(size: tuple[float, float], anchor: BoxXYXY, frame: BoxXYXY) -> BoxXYXY:
    """A box of `size` (w, h), centred on `anchor`, shrunk and shifted to lie within `frame`."""
    w = min(size[0], frame[2] - frame[0])
    h = min(size[1], frame[3] - frame[1])
    cx = _clamp((anchor[0] + anchor[2]) / 2, frame[0] + w / 2, frame[2] - w / 2)
    cy = _clamp((anchor[1] + anchor[3]) / 2, frame[1] + h / 2, frame[3] - h / 2)
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))
