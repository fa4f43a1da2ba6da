"""DICOM Grayscale Softcopy Presentation State (GSPS) export: the grounded boxes as graphics
that a PACS viewer draws over the film (Weasis, for one, draws a GSPS but not the graphics of
a Comprehensive SR).

One graphic layer (LAYER) holds, for each finding with a box that is not negated, the box as
a closed POLYLINE (5 points) and a text object with its label ("phrase (score)", a leading "?"
for a hedged phrase, SIDE_MARKER for a box on the other side from the one the phrase names:
the labels of the annotated PNG). Negated findings are not drawn. Box and label share a
graphic group named after the phrase.

Coordinates are PIXEL annotation units (PS3.3 C.10.5.1.1): (column, row) with sub-pixel
resolution, 0.0\\0.0 the top-left corner of the top-left pixel (its centre is 0.5\\0.5) and
Columns\\Rows the bottom-right corner of the bottom-right pixel. That is our box convention,
and the SR's SCOORD, so a box goes in unchanged (clipped to the film: PIXEL graphics may not
leave the image).

The grey pipeline is the one the caller looked at, since a presentation state replaces the
image's own (PS3.4 N.2.1): the source's Modality LUT (rescale, or its Modality LUT Sequence
as stored), the window the caller passes (centre/width and VOI LUT Function, or a VOI LUT),
and the Presentation LUT Shape INVERSE whenever the film is shown inverted. A presentation
state ignores the image's Photometric Interpretation (PS3.4 N.2.1.4, note 1), so a MONOCHROME1
film needs INVERSE to look as it does in our viewer; highdicom's default is IDENTITY.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path

import highdicom as hd
import numpy as np
from pydicom.dataset import Dataset

from model_core.results import GroundedFinding

from .. import __version__
from ..render.annotate import finding_label
from ..render.palette import finding_colour
from ..study import RadiographImage, StudyError, VoiFunction, WindowPreset
from .atomic import write_bytes_atomic
from .source import SourceImage, as_source, as_study_error, part10_bytes
from .sr import MANUFACTURER, SERIES_DESCRIPTION, algorithm_name

log = logging.getLogger(__name__)

LAYER = "AI FINDINGS"  # a Code String: capitals, digits, space, underscore; 16 at most
LAYER_DESCRIPTION = "KnowMVG grounded findings (AI output - not a diagnosis)"
CONTENT_LABEL = "AI_FINDINGS"
CONTENT_DESCRIPTION = "KnowMVG grounding (AI output - not a diagnosis)"
LABEL_HEIGHT = 0.02  # a label's box: this fraction of the film's longer side high
LABEL_CHAR_WIDTH = 0.6  # and this many label heights per character wide
MAX_TEXT = 1024  # Unformatted Text Value is ST: 1024 characters at most
MAX_GROUP_LABEL = 64  # Graphic Group Label is LO


def drawable(findings: list[GroundedFinding]) -> list[GroundedFinding]:
    """The findings a presentation state draws: those with a box, not negated."""
    return [f for f in findings if f.box is not None and not f.negated]


def presentation_state(
    source: SourceImage,
    findings: list[GroundedFinding],
    model: dict,
    window: WindowPreset,
    *,
    invert: bool = False,
    series_number: int = 9003,
    instance_number: int = 1,
) -> hd.pr.GrayscaleSoftcopyPresentationState:
    """The GSPS dataset (not yet written) drawing `findings` on `source` at `window`.

    `invert` is the viewer's invert toggle, as in DisplayRenderer.render: the film is shown
    inverted when it is set or when the file says so (MONOCHROME1), not both.
    StudyError when nothing is drawable or the source is not a greyscale image.
    """
    boxed = drawable(findings)
    if not boxed:
        raise StudyError(source.path, "no boxed findings to draw in a presentation state")
    header = source.dataset
    photometric = str(header.get("PhotometricInterpretation", "")).strip()
    if photometric not in ("MONOCHROME1", "MONOCHROME2"):
        reason = f"a greyscale presentation state needs a greyscale image, not {photometric}"
        raise StudyError(source.path, reason)
    layer = hd.pr.GraphicLayer(
        layer_name=LAYER,
        order=1,
        description=LAYER_DESCRIPTION,
        display_color=hd.color.CIELabColor.from_rgb(*finding_colour(0)),
    )
    groups = [
        hd.pr.GraphicGroup(n, _truncated(f.phrase, MAX_GROUP_LABEL))
        for n, f in enumerate(boxed, start=1)
    ]
    graphics, texts = _annotations(header, boxed, groups)
    frames = int(header.get("NumberOfFrames", 1) or 1)
    annotation = hd.pr.GraphicAnnotation(
        referenced_images=[header],
        graphic_layer=layer,
        referenced_frame_number=source.frame_index + 1 if frames > 1 else None,
        graphic_objects=graphics,
        text_objects=texts,
    )
    gsps = hd.pr.GrayscaleSoftcopyPresentationState(
        referenced_images=[header],
        series_instance_uid=hd.UID(),
        series_number=series_number,
        sop_instance_uid=hd.UID(),
        instance_number=instance_number,
        manufacturer=MANUFACTURER,
        manufacturer_model_name=algorithm_name(model),
        software_versions=__version__,
        device_serial_number=None,
        content_label=CONTENT_LABEL,
        content_description=CONTENT_DESCRIPTION,
        graphic_annotations=[annotation],
        graphic_layers=[layer],
        graphic_groups=groups,
        modality_lut_transformation=_rescale(header),
        voi_lut_transformations=[_voi(source, window)],
        presentation_lut_transformation=hd.PresentationLUTTransformation(
            presentation_lut_shape=_shape(header, invert)
        ),
    )
    if "ModalityLUTSequence" in header:  # as stored: its descriptor may be signed (SS)
        gsps.ModalityLUTSequence = copy.deepcopy(header.ModalityLUTSequence)
    gsps.SeriesDescription = SERIES_DESCRIPTION
    _copy_body_part(header, gsps)
    return gsps


def _copy_body_part(header: Dataset, gsps: Dataset) -> None:
    """The film's body part and series laterality, for the presentation state's General
    Series module, whose Laterality (Type 2C) is required for a paired body part: copied when
    the source names them, empty (unknown) when it names neither."""
    for keyword in ("BodyPartExamined", "Laterality"):
        if header.get(keyword):
            setattr(gsps, keyword, header.get(keyword))
    if "BodyPartExamined" not in gsps and "Laterality" not in gsps:
        gsps.Laterality = None


def export_presentation_state(
    out: Path,
    source: SourceImage | RadiographImage,
    findings: list[GroundedFinding],
    model: dict,
    window: WindowPreset,
    *,
    invert: bool = False,
    overwrite: bool = False,
) -> Path:
    """Write the GSPS of `findings` on `source` (the loaded image or its SourceImage) at
    `window` to OUT atomically.

    StudyError for a source that cannot be referenced (not DICOM, not greyscale) or nothing
    to draw; FileExistsError when OUT exists and overwrite is false; OSError when OUT cannot
    be written, in which case nothing is left behind.
    """
    source = as_source(source)
    try:
        dataset = presentation_state(source, findings, model, window, invert=invert)
    except (AttributeError, TypeError, ValueError) as exc:
        if isinstance(exc, StudyError):
            raise
        raise as_study_error(source.path, exc) from exc
    write_bytes_atomic(Path(out), part10_bytes(dataset, source), overwrite=overwrite)
    log.info("wrote GSPS with %d box(es) to %s", len(drawable(findings)), out)
    return Path(out)


# -- graphics ------------------------------------------------------------------------------
def _annotations(
    header: Dataset, boxed: list[GroundedFinding], groups: list[hd.pr.GraphicGroup]
) -> tuple[list[hd.pr.GraphicObject], list[hd.pr.TextObject]]:
    columns, rows = float(header.Columns), float(header.Rows)
    graphics, texts, placed = [], [], []
    for finding, group in zip(boxed, groups, strict=True):
        x0, y0, x1, y1 = _clipped(finding.box, columns, rows)
        corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]], dtype=np.float64)
        graphics.append(
            hd.pr.GraphicObject(
                graphic_type=hd.pr.GraphicTypeValues.POLYLINE,
                graphic_data=corners,
                units=hd.pr.AnnotationUnitsValues.PIXEL,
                graphic_group=group,
            )
        )
        text = _truncated(finding_label(finding), MAX_TEXT)
        label_box = _label_box((x0, y0, x1, y1), len(text), columns, rows, placed)
        placed.append(label_box)
        texts.append(
            hd.pr.TextObject(
                text_value=text,
                units=hd.pr.AnnotationUnitsValues.PIXEL,
                bounding_box=label_box,
                anchor_point=(x0, y0),  # the box's top-left corner, the label beside it
                text_justification=hd.pr.TextJustificationValues.LEFT,
                anchor_point_visible=False,
                graphic_group=group,
            )
        )
    return graphics, texts


def _clipped(
    box: tuple[float, float, float, float], columns: float, rows: float
) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in box)
    x0, x1 = sorted((min(max(x0, 0.0), columns), min(max(x1, 0.0), columns)))
    y0, y1 = sorted((min(max(y0, 0.0), rows), min(max(y1, 0.0), rows)))
    return x0, y0, x1, y1


def _label_box(
    box: tuple[float, float, float, float],
    n_chars: int,
    columns: float,
    rows: float,
    placed: list[tuple[float, float, float, float]],
) -> tuple[float, float, float, float]:
    """Where a label of `n_chars` goes, as (left, top, right, bottom) on the film: above the
    box (below it when there is no room above), stepped further away while it would cover a
    label already placed, as the PNG export does; a viewer fits the text to it."""
    height = min(max(8.0, LABEL_HEIGHT * max(columns, rows)), rows)
    width = min(columns, max(1, n_chars) * LABEL_CHAR_WIDTH * height)
    x0, y0, _, y1 = box
    left = min(max(x0, 0.0), columns - width)
    above, below = y0 - height, y1
    first, second, away = (above, below, -height) if above >= 0 else (below, above, height)
    tops = [first, second, *(first + k * away for k in range(1, 16))]
    tops = [t for t in tops if 0.0 <= t <= rows - height] or [min(max(y0, 0.0), rows - height)]
    rects = [(left, top, left + width, top + height) for top in tops]
    return next((r for r in rects if not any(_overlap(r, p) for p in placed)), rects[0])


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _truncated(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- grey pipeline -------------------------------------------------------------------------
def _rescale(header: Dataset) -> hd.ModalityLUTTransformation | None:
    """The source's rescale, as our viewer applies it (slope 1 and intercept 0 when one is
    missing). None when the source has no rescale: then a Modality LUT Sequence (copied as
    stored) or nothing, i.e. the identity."""
    if "ModalityLUTSequence" in header:
        return None
    if "RescaleSlope" not in header and "RescaleIntercept" not in header:
        if not hd.utils.is_multiframe_image(header):  # else highdicom reads functional groups
            return None
    slope = float(header.get("RescaleSlope", 1.0) or 1.0)
    intercept = float(header.get("RescaleIntercept", 0.0) or 0.0)
    return hd.ModalityLUTTransformation(
        rescale_intercept=intercept,
        rescale_slope=slope,
        rescale_type=str(header.get("RescaleType", "") or "US"),
    )


def _voi(source: SourceImage, window: WindowPreset) -> hd.pr.SoftcopyVOILUTTransformation:
    """The window in use: centre/width with its VOI LUT Function, or the VOI LUT itself."""
    if not window.is_lut:
        # one-item lists: highdicom 0.28.2 splits a single explanation string into letters
        return hd.pr.SoftcopyVOILUTTransformation(
            window_center=[window.center],
            window_width=[window.width],
            window_explanation=[_truncated(window.name, 64)] if window.name else None,
            voi_lut_function=None if window.function == VoiFunction.LINEAR else window.function,
        )
    if not 0 <= window.lut_first < 2**16:
        raise StudyError(
            source.path,
            f"the VOI LUT '{window.name}' starts at {window.lut_first}, which a presentation "
            "state cannot carry; choose a window preset or drag the window",
        )
    # 16-bit entries whatever the source's: the same fraction of the output range each
    scaled = np.clip(np.asarray(window.lut, np.float64) / window.lut_max, 0.0, 1.0)
    lut = hd.VOILUT(
        first_mapped_value=int(window.lut_first),
        lut_data=np.rint(scaled * 65535.0).astype(np.uint16),
        lut_explanation=_truncated(window.name, 64) if window.name else None,
    )
    return hd.pr.SoftcopyVOILUTTransformation(voi_luts=[lut])


def _shape(header: Dataset, invert: bool) -> hd.PresentationLUTShapeValues:
    """INVERSE when the film is shown inverted: MONOCHROME1 (or MONOCHROME2 stored with an
    INVERSE Presentation LUT Shape), xor the viewer's invert toggle."""
    photometric = str(header.get("PhotometricInterpretation", "")).strip()
    inverse = str(header.get("PresentationLUTShape", "")).strip().upper() == "INVERSE"
    by_file = photometric == "MONOCHROME1" or (photometric == "MONOCHROME2" and inverse)
    shapes = hd.PresentationLUTShapeValues
    return shapes.INVERSE if by_file != invert else shapes.IDENTITY
