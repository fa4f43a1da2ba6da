"""Annotated export: the PNG at native resolution and its JSON sidecar (the ground --json
schema), shared by `knowmvg ground --png` and the viewer's Export."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from model_core.results import GroundedFinding

from ..measurement import Measurement
from ..render.annotate import annotate, annotations_for
from ..render.colormap import blend
from ..study.image import PixelSpacing
from ..study.views import FilmView
from .atomic import encode_png, write_bytes_atomic


def study_record(
    image_path: Path | str,
    width: int,
    height: int,
    report: str,
    findings: list[GroundedFinding],
    timing_ms: dict | None = None,
    spacing: PixelSpacing | None = None,
    error: str | None = None,
    review: dict | None = None,
    view: FilmView | None = None,
    skipped: str | None = None,
    report_truncated: bool = False,
) -> dict:
    """One study of `ground --json`; boxes also in mm (`box_mm`) when spacing is known.
    `view` is None only when the study could not be opened; `skipped` says why the film was
    not grounded (a lateral or oblique); `report_truncated`: the model read only the report's start.
    `review` (`export.verification.review_record`): the radiologist's review of the findings,
    written as the record's "review" only when given."""
    records = []
    for finding in findings:
        record = finding.to_json()
        if spacing is not None and finding.box is not None:
            x0, y0, x1, y1 = finding.box
            record["box_mm"] = [
                round(x0 * spacing.col_mm, 2),
                round(y0 * spacing.row_mm, 2),
                round(x1 * spacing.col_mm, 2),
                round(y1 * spacing.row_mm, 2),
            ]
            record["spacing_kind"] = spacing.kind
        records.append(record)
    record = {
        "image": str(image_path),
        "width": width,
        "height": height,
        "report": report,
        "findings": records,
        "timing_ms": timing_ms or {},
        "error": error,
        "view": None if view is None else view.to_json(),
        "skipped": skipped,
        "report_truncated": report_truncated,
    }
    if review is not None:
        record["review"] = review
    return record


def annotated_image(
    display: np.ndarray,
    findings: list[GroundedFinding],
    model_name: str,
    heatmap_rgba: np.ndarray | None = None,
    heatmap_opacity: float = 0.5,
    colours: list[tuple[int, int, int]] | None = None,
    measurements: Sequence[Measurement] = (),
    reviewed_by: str | None = None,
) -> np.ndarray:
    """RGB (H, W, 3) at the display image's native size: heatmap, boxes, measurements, and
    the caption margin below.

    `reviewed_by`: the caption's review line (`Verification.caption()`, or
    `export.verification.reviewed_by(...)` for a partial review); None: not reviewed.

    `colours`: one per boxed finding, as the view shows them (the view colours a finding by
    its place among all boxed findings, also when only the selected one is drawn).
    """
    rgb = np.repeat(display[..., None], 3, axis=-1) if display.ndim == 2 else display
    if heatmap_rgba is not None:
        rgb = blend(rgb, heatmap_rgba, heatmap_opacity)
    return annotate(
        rgb,
        annotations_for(findings, colours),
        model_name,
        measurements=measurements,
        reviewed_by=reviewed_by,
    )


def export_annotated(
    out_png: Path,
    pixels: np.ndarray,
    record: dict,
    model: dict,
    *,
    overwrite: bool = False,
) -> tuple[Path, Path]:
    """Write OUT.png and OUT.json atomically; FileExistsError if either exists."""
    out_png = Path(out_png)
    out_json = out_png.with_suffix(".json")
    if not overwrite:
        for path in (out_png, out_json):
            if path.exists():
                raise FileExistsError(f"{path}: already exists (not overwritten)")
    document = {"model": model, "results": [record]}
    write_bytes_atomic(out_png, encode_png(pixels), overwrite=True)
    write_bytes_atomic(out_json, json_bytes(document), overwrite=True)
    return out_png, out_json


def json_bytes(document: dict) -> bytes:
    """A results document as strict JSON: a non-finite number (a NaN score, say) is written
    as null, never as the NaN/Infinity that strict parsers refuse."""
    text = json.dumps(_finite(document), indent=2, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def _finite(value: object) -> object:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value
