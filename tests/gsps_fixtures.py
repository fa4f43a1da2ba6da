"""Grayscale Softcopy Presentation States for the reader's tests, made with highdicom 0.28.2
(not with our own writer), as a reading station would save them."""

from __future__ import annotations

from pathlib import Path

import highdicom as hd
import numpy as np
import pydicom
from highdicom.pr import (
    GraphicAnnotation,
    GraphicLayer,
    GraphicObject,
    GrayscaleSoftcopyPresentationState,
    SoftcopyVOILUTTransformation,
    TextObject,
)

# Closed box, circle, ellipse, a point and a curve, in PIXEL units (column, row) on a
# 1700 x 2048 film; values exact in float32, so they read back as written.
BOX = [(300.5, 400.25), (700.0, 400.25), (700.0, 900.5), (300.5, 900.5), (300.5, 400.25)]
CIRCLE = [(1200.0, 700.0), (1300.0, 700.0)]  # centre, then a point on the circle: radius 100
ELLIPSE = [(1000.0, 1500.0), (1400.0, 1500.0), (1200.0, 1420.0), (1200.0, 1580.0)]
POINT = [(850.0, 1100.0)]
CURVE = [(200.0, 1700.0), (400.0, 1650.0), (600.0, 1720.0), (800.0, 1680.0)]
LABEL_BOX = (300.5, 330.0, 700.0, 390.0)
ANCHOR = (1200.0, 700.0)


def image_header(path: Path) -> pydicom.Dataset:
    return pydicom.dcmread(path, stop_before_pixels=True)


def layer(name: str = "REVIEW", colour: str | None = "orange", order: int = 1) -> GraphicLayer:
    display = hd.color.CIELabColor.from_string(colour) if colour else None
    return GraphicLayer(name, order, f"{name.lower()} layer", display)


def annotation(
    images: list[pydicom.Dataset],
    graphics: list[GraphicObject] | None = None,
    texts: list[TextObject] | None = None,
    in_layer: GraphicLayer | None = None,
) -> GraphicAnnotation:
    return GraphicAnnotation(
        graphic_layer=in_layer or layer(),
        referenced_images=images,
        graphic_objects=graphics or None,
        text_objects=texts or None,
    )


def radiologist_annotation(images: list[pydicom.Dataset]) -> GraphicAnnotation:
    """Every graphic type and both ways of placing text, in PIXEL units."""

    def shape(kind: str, points: list, filled: bool = False) -> GraphicObject:
        return GraphicObject(kind, np.array(points, dtype=np.float64), "PIXEL", is_filled=filled)

    return annotation(
        images,
        [
            shape("POLYLINE", BOX),
            shape("CIRCLE", CIRCLE),
            shape("ELLIPSE", ELLIPSE, filled=True),
            shape("POINT", POINT),
            shape("INTERPOLATED", CURVE),
        ],
        [
            TextObject("RUL mass", "PIXEL", bounding_box=LABEL_BOX, text_justification="LEFT"),
            TextObject("nodule?", "PIXEL", anchor_point=ANCHOR, anchor_point_visible=True),
        ],
    )


def gsps(
    images: list[pydicom.Dataset],
    annotations: list[GraphicAnnotation] | None = None,
    layers: list[GraphicLayer] | None = None,
    window: tuple[float, float] | None = (1800.0, 2600.0),
    inverse: bool = False,
    label: str = "RADIOLOGIST",
    **kwargs,
) -> GrayscaleSoftcopyPresentationState:
    """A GSPS over IMAGES; `window` (center, width) for all of them, or the images' own."""
    if annotations is None:
        annotations = [radiologist_annotation(images)]
    if layers is None:
        names = {a.GraphicLayer for a in annotations}
        layers = [layer(name) for name in sorted(names)]
    voi = None
    if window is not None:
        voi = [
            SoftcopyVOILUTTransformation(
                # one-element lists: highdicom 0.28.2 stores a str explanation letter by letter
                window_center=[window[0]],
                window_width=[window[1]],
                window_explanation=["REVIEW WINDOW"],
                referenced_images=hd.ReferencedImageSequence(images),
            )
        ]
    shape = hd.PresentationLUTShapeValues.INVERSE if inverse else None
    return GrayscaleSoftcopyPresentationState(
        referenced_images=images,
        series_instance_uid=hd.UID(),
        series_number=kwargs.pop("series_number", 50),
        sop_instance_uid=hd.UID(),
        instance_number=kwargs.pop("instance_number", 1),
        manufacturer=kwargs.pop("manufacturer", "Reading Station Inc"),
        manufacturer_model_name="RS-1",
        software_versions="1.0",
        device_serial_number="42",
        content_label=label,
        graphic_annotations=annotations or None,
        graphic_layers=layers or None,
        voi_lut_transformations=voi,
        presentation_lut_transformation=(
            hd.PresentationLUTTransformation(presentation_lut_shape=shape) if shape else None
        ),
        **kwargs,
    )


def save(dataset: pydicom.Dataset, path: Path) -> Path:
    dataset.save_as(path, enforce_file_format=True)
    return path
