"""Burn findings and measurements into the display image at native resolution, with a caption
margin below the film (the export renderer).

The CLI's `--png` and the viewer's export both call `annotate`, so the two agree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import cv2
import numpy as np

from model_core.results import GroundedFinding

from ..measurement import Measurement
from .palette import QUERY_COLOUR, RULER_COLOUR, finding_colour

DISCLAIMER = "AI output - not a diagnosis"
# The wrong-side flag on a label (the box lies in the other hemithorax from the side the
# report names); OpenCV's Hershey fonts draw ASCII only, so no warning sign.
SIDE_MARKER = "[SIDE?]"
REVIEWER_MARKER = "[reviewer]"  # the box was drawn or edited by the reviewer, not the model


@dataclass(frozen=True)
class Annotation:
    """A finding to draw: its box in image pixels, label and colour (RGB)."""

    box: tuple[float, float, float, float]
    label: str
    colour: tuple[int, int, int]
    uncertain: bool = False  # drawn dashed, labelled with "?"
    label_below: bool = False  # the box is another finding's, whose label sits on top


def finding_label(finding: GroundedFinding) -> str:
    """'phrase (confidence)' (the calibrated one, else the score: what the viewer's threshold
    compares), with a leading '?' for a finding the report hedges, REVIEWER_MARKER in place of
    the number for a box the reviewer drew or edited, and a trailing SIDE_MARKER for one whose
    box lies on the other side from the one its phrase names."""
    value = confidence_text(finding)
    score = f" ({value})" if value else ""
    if finding.source == "reviewer":
        score = f" {REVIEWER_MARKER}"
    hedge = "? " if finding.uncertain else ""
    side = f" {SIDE_MARKER}" if finding.laterality_conflict else ""
    return f"{hedge}{finding.phrase}{score}{side}"


def confidence_text(finding: GroundedFinding) -> str:
    """The confidence shown (`GroundedFinding.shown_confidence`), '' when there is none.

    Two decimals, but a value under 1 never reads "1.00" (a calibrated 0.999 reads 0.99):
    that would claim a certainty no finite validation set shows."""
    value = finding.shown_confidence
    if value is None:
        return ""
    return f"{min(value, 0.99) if value < 1.0 else value:.2f}"


def uncertainty_text(finding: GroundedFinding) -> str:
    """'±12 %': how far the box hypotheses spread, as a share of the box's size; '' when the
    finding has no uncertainty (negated, or a box the reviewer drew)."""
    if finding.uncertainty is None:
        return ""
    return f"±{100 * finding.uncertainty:.0f} %"


def annotations_for(
    findings: list[GroundedFinding], colours: list[tuple[int, int, int]] | None = None
) -> list[Annotation]:
    """Boxed (non-negated) findings, coloured by their index among the boxed ones unless
    `colours` (one per boxed finding) says otherwise."""
    result = []
    boxed = [f for f in findings if f.box is not None and not f.negated]
    if colours is not None and len(colours) != len(boxed):
        raise ValueError(f"{len(colours)} colours for {len(boxed)} boxed findings")
    for index, finding in enumerate(boxed):
        colour = QUERY_COLOUR if finding.source == "query" else finding_colour(index)
        if colours is not None:
            colour = colours[index]
        result.append(
            Annotation(
                finding.box,
                finding_label(finding),
                colour,
                finding.uncertain,
                label_below=finding.located_by is not None,
            )
        )
    return result


def annotate(
    display: np.ndarray,
    annotations: list[Annotation],
    model_name: str,
    when: date | None = None,
    measurements: Sequence[Measurement] = (),
    reviewed_by: str | None = None,
) -> np.ndarray:
    """RGB uint8: the film at native resolution with boxes, rulers and their labels, and below
    it a caption margin (disclaimer, model, who reviewed the findings, each finding, each
    length).

    `reviewed_by`: the review's line ("reviewed by Anna Smith, St Elsewhere on 2026-12-07",
    `export.verification.reviewed_by`), drawn under the disclaimer; None for an unreviewed
    study.

    The film's rows come first and stay whole, so pixel (x, y) of the export is pixel (x, y)
    of the source; the caption never covers the film, however many findings there are.
    Labels are drawn last, each where it covers no other label when there is such a place.
    """
    rgb = cv2.cvtColor(display, cv2.COLOR_GRAY2RGB) if display.ndim == 2 else display.copy()
    height, width = rgb.shape[:2]
    scale = max(height, width) / 1000.0
    thickness = max(1, round(2 * scale))
    labels = [_draw_box(rgb, annotation, scale, thickness) for annotation in annotations]
    labels += [_draw_ruler(rgb, measurement, scale, thickness) for measurement in measurements]
    _draw_labels(rgb, labels, scale, thickness)
    caption = _caption(annotations, model_name, when or date.today(), reviewed_by)
    caption += [f"length {m.label()}" for m in measurements]
    return np.concatenate((rgb, _caption_strip(caption, width, scale)), axis=0)


@dataclass(frozen=True)
class _Label:
    """Text to put at x, above y_top, or below y_bottom when `below` (or no room above)."""

    text: str
    colour: tuple[int, int, int]
    x: int
    y_top: int
    y_bottom: int
    below: bool


def _draw_box(rgb: np.ndarray, annotation: Annotation, scale: float, thickness: int) -> _Label:
    x0, y0, x1, y1 = (int(round(v)) for v in annotation.box)
    if annotation.uncertain:
        _dashed_rectangle(rgb, (x0, y0, x1, y1), annotation.colour, thickness, scale)
    else:
        cv2.rectangle(rgb, (x0, y0), (x1, y1), annotation.colour, thickness, cv2.LINE_AA)
    return _Label(annotation.label, annotation.colour, x0, y0, y1, annotation.label_below)


def _draw_ruler(rgb: np.ndarray, measurement: Measurement, scale: float, thickness: int) -> _Label:
    """The measured line with a tick across each end; its length goes at the far end."""
    start, end = np.array(measurement.start), np.array(measurement.end)
    cv2.line(rgb, _pixel(start), _pixel(end), RULER_COLOUR, thickness, cv2.LINE_AA)
    direction = end - start
    normal = np.array([-direction[1], direction[0]]) / max(np.hypot(*direction), 1e-6)
    tick = normal * 8 * scale
    for point in (start, end):
        cv2.line(
            rgb, _pixel(point - tick), _pixel(point + tick), RULER_COLOUR, thickness, cv2.LINE_AA
        )
    x, y = _pixel(end)
    return _Label(measurement.label(), RULER_COLOUR, x, y, y, True)


def _pixel(point: np.ndarray) -> tuple[int, int]:
    return int(round(point[0])), int(round(point[1]))


def _draw_labels(rgb: np.ndarray, labels: list[_Label], scale: float, thickness: int) -> None:
    """Coloured text on black plates, kept on the film; a plate that would cover one already
    drawn moves to the other side of its box, then steps down (or up) until it is free."""
    height, width = rgb.shape[:2]
    font_scale = 0.55 * scale
    placed: list[tuple[int, int, int, int]] = []
    for label in labels:
        (text_w, text_h), baseline = cv2.getTextSize(
            label.text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, thickness
        )
        plate_w, plate_h = text_w + 6, text_h + baseline + 4
        x = max(0, min(label.x, width - plate_w))
        above, below = label.y_top - plate_h, label.y_bottom + 2
        first, second = (below, above) if label.below or above < 0 else (above, below)
        steps = [first + k * plate_h for k in range(1, 16)] + [
            first - k * plate_h for k in range(1, 16)
        ]
        candidates = [y for y in (first, second, *steps) if 0 <= y <= height - plate_h]
        top = next(
            (
                y
                for y in candidates
                if not any(_overlap((x, y, x + plate_w, y + plate_h), r) for r in placed)
            ),
            candidates[0] if candidates else max(0, first),
        )
        placed.append((x, top, x + plate_w, top + plate_h))
        cv2.rectangle(rgb, (x, top), (x + plate_w, top + plate_h), (0, 0, 0), -1)
        cv2.putText(
            rgb,
            label.text,
            (x + 3, top + text_h + 2),
            cv2.FONT_HERSHEY_SIMPLEX,
            font_scale,
            label.colour,
            thickness,
            cv2.LINE_AA,
        )


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _dashed_rectangle(
    rgb: np.ndarray, box: tuple[int, int, int, int], colour, thickness: int, scale: float
) -> None:
    """A rectangle of dashes (OpenCV has none): the export's mark of a hedged finding."""
    x0, y0, x1, y1 = box
    dash = max(4, int(round(12 * scale)))
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    for a, b in zip(corners, corners[1:], strict=False):
        length = max(abs(b[0] - a[0]), abs(b[1] - a[1]))
        for start in range(0, length, 2 * dash):
            stop = min(start + dash, length)
            p, q = _along(a, b, start, length), _along(a, b, stop, length)
            cv2.line(rgb, p, q, colour, thickness, cv2.LINE_AA)


def _along(a: tuple[int, int], b: tuple[int, int], t: int, length: int) -> tuple[int, int]:
    """The point `t` pixels from `a` towards `b` (`length` pixels away)."""
    return a[0] + (b[0] - a[0]) * t // length, a[1] + (b[1] - a[1]) * t // length


def _caption(
    annotations: list[Annotation], model_name: str, when: date, reviewed_by: str | None = None
) -> list[str]:
    lines = [f"{DISCLAIMER} | model {model_name} | {when.isoformat()}"]
    if reviewed_by:  # Hershey fonts draw ASCII only: "Müller" is written "Muller"
        lines.append(_ascii(reviewed_by))
    lines += [a.label for a in annotations] or ["no grounded findings"]
    return lines


def _ascii(text: str) -> str:
    """Text the Hershey fonts can draw: accents dropped ("Müller" -> "Muller"), any other
    non-ASCII character a "?"."""
    folded = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in folded if not unicodedata.combining(c))
    return kept.encode("ascii", "replace").decode("ascii")


def _caption_strip(lines: list[str], width: int, scale: float) -> np.ndarray:
    font_scale = 0.5 * scale
    thickness = max(1, round(scale))
    line_height = int(28 * scale) + 4
    strip = np.zeros((line_height * len(lines) + line_height // 2, width, 3), np.uint8)
    for row, text in enumerate(lines):
        cv2.putText(
            strip,
            text,
            (int(10 * scale), line_height * (row + 1)),
            cv2.FONT_HERSHEY_SIMPLEX,
            font_scale,
            (255, 255, 255),
            thickness,
            cv2.LINE_AA,
        )
    return strip
