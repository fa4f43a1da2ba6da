"""Grayscale Softcopy Presentation States (GSPS) as plain data (Qt-free): what a reading
station saved about how to show an image. `presentation_reader.read_presentation_state` makes
them from a file.

A GSPS (SOP Class 1.2.840.10008.5.1.4.1.1.11.1) names the images it applies to (Referenced
Series Sequence > Referenced Image Sequence), a soft-copy window per image (Softcopy VOI LUT
Sequence), the polarity (Presentation LUT Shape) and graphic annotations: lines, circles,
ellipses, points and text, each in a graphic layer.

Coordinates. PS3.3 C.10.5 (Graphic Annotation Module) defines PIXEL units as "image relative
position specified with sub-pixel resolution such that the origin, which is at the Top Left Hand
Corner (TLHC) of the TLHC pixel is 0.0\\0.0, the Bottom Right Hand Corner (BRHC) of the TLHC
pixel is 1.0\\1.0, and the BRHC of the BRHC pixel is Columns\\Rows", as (column, row) pairs.
That is our pixel convention (0,0 is the top-left corner of the top-left pixel, pixel (x, y)
spans [x, x+1)), so PIXEL values are used as they are. DISPLAY units are fractions of the
Specified Displayed Area (0.0\\0.0 its TLHC, 1.0\\1.0 its BRHC). That area (PS3.3 C.10.4,
Displayed Area Selection Sequence) is given by its top-left and bottom-right *pixels* in
1-based (column, row) indices, so in our coordinates it spans [tlhc - 1, brhc]:
    x = (tlhc_column - 1) + u * (brhc_column - tlhc_column + 1), likewise for y.
Those corners are "after spatial transformation", so when the GSPS also rotates or flips the
image (which this viewer does not apply) DISPLAY-unit objects are reported as unsupported
rather than drawn in a guessed place.

Pipeline. In a GSPS the Presentation LUT decides the polarity and the image's Photometric
Interpretation is ignored (PS3.4 N.2.1.4, note 1): INVERSE shows low values white, IDENTITY
black, whether the film is MONOCHROME1 or MONOCHROME2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pydicom.dataset import Dataset

from .image import WindowPreset

if TYPE_CHECKING:
    from .image import RadiographImage

GSPS_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.11.1"
PRESENTATION_STATE_PREFIX = "1.2.840.10008.5.1.4.1.1.11."  # grayscale, colour, blending...


class GraphicType(StrEnum):
    """PS3.3 C.10.5.1.2: how the points of a graphic object are joined."""

    POINT = "POINT"  # one point
    POLYLINE = "POLYLINE"  # straight segments through the points (closed if last == first)
    INTERPOLATED = "INTERPOLATED"  # a curve through the points (method up to the viewer)
    CIRCLE = "CIRCLE"  # centre, then a point on the circle
    ELLIPSE = "ELLIPSE"  # major-axis end points, then minor-axis end points


class Units(StrEnum):
    PIXEL = "PIXEL"  # image pixels, our convention (see the module docstring)
    DISPLAY = "DISPLAY"  # fractions of the specified displayed area


Point = tuple[float, float]


@dataclass(frozen=True)
class ImageReference:
    """One referenced image; `frames` are 1-based frame numbers, () meaning every frame."""

    sop_instance_uid: str
    frames: tuple[int, ...] = ()

    def covers(self, sop_instance_uid: str, frame_index: int = 0) -> bool:
        return self.sop_instance_uid == sop_instance_uid and (
            not self.frames or frame_index + 1 in self.frames
        )


@dataclass(frozen=True)
class GraphicObject:
    """Points are (column, row) pairs in `units`; `in_pixels` gives them in image pixels."""

    graphic_type: GraphicType
    points: tuple[Point, ...]
    units: Units = Units.PIXEL
    filled: bool = False


@dataclass(frozen=True)
class TextObject:
    """A text, placed by a bounding box (x0, y0, x1, y1), an anchor point, or both.

    A visible anchor means the text is to be joined to its anchor (a leader line)."""

    text: str
    box: tuple[float, float, float, float] | None = None
    box_units: Units = Units.PIXEL
    anchor: Point | None = None
    anchor_units: Units = Units.PIXEL
    anchor_visible: bool = False


@dataclass(frozen=True)
class GraphicLayer:
    """A layer's name, rendering order and recommended colour (sRGB), when it has one."""

    name: str
    order: int = 0
    description: str = ""
    colour: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class GraphicAnnotation:
    """One Graphic Annotation Sequence item: objects in one layer, for some or all images."""

    layer: str
    references: tuple[ImageReference, ...]  # () = every image of the presentation state
    graphics: tuple[GraphicObject, ...] = ()
    texts: tuple[TextObject, ...] = ()


@dataclass(frozen=True)
class SoftcopyWindow:
    """The VOI for some or all images: a window (or a VOI LUT) as a preset."""

    preset: WindowPreset
    references: tuple[ImageReference, ...] = ()


@dataclass(frozen=True)
class DisplayedArea:
    """The specified displayed area: top-left and bottom-right pixels, 1-based (col, row)."""

    top_left: tuple[int, int]
    bottom_right: tuple[int, int]
    references: tuple[ImageReference, ...] = ()

    def to_pixels(self, point: Point) -> Point:
        """A DISPLAY-unit point in image pixels (see the module docstring)."""
        (c0, r0), (c1, r1) = self.top_left, self.bottom_right
        return (c0 - 1 + point[0] * (c1 - c0 + 1), r0 - 1 + point[1] * (r1 - r0 + 1))


@dataclass(frozen=True)
class LayerDrawing:
    """What to draw over one image for one layer, in image pixels; layers come in order."""

    name: str
    colour: tuple[int, int, int] | None
    graphics: tuple[GraphicObject, ...]
    texts: tuple[TextObject, ...]


@dataclass(frozen=True)
class PresentationState:
    path: Path
    sop_instance_uid: str
    label: str  # Content Label: what the status bar names
    description: str = ""
    creator: str = ""
    created: str = ""  # Presentation Creation Date and Time, "YYYYMMDDHHMMSS"
    instance_number: int = 0
    images: tuple[ImageReference, ...] = ()
    windows: tuple[SoftcopyWindow, ...] = ()
    lut_shape: str | None = None  # "IDENTITY", "INVERSE", or None (no Presentation LUT Shape)
    layers: tuple[GraphicLayer, ...] = ()
    annotations: tuple[GraphicAnnotation, ...] = ()
    displayed_areas: tuple[DisplayedArea, ...] = ()
    rescale: tuple[float, float] | None = None  # the GSPS's own modality rescale, if any
    spatial_transform: bool = False  # rotates or flips the image (not applied here)
    notes: tuple[str, ...] = field(default=(), compare=False)  # what is not applied, and why

    def applies_to(self, image: RadiographImage) -> bool:
        uid = image_uid(image)
        return uid is not None and _covered(self.images, uid, image.frame_index)

    @property
    def inverse(self) -> bool | None:
        """Whether low values show white; None when the GSPS leaves polarity to the image."""
        return None if self.lut_shape is None else self.lut_shape == "INVERSE"

    def window_for(self, image: RadiographImage) -> WindowPreset | None:
        """The GSPS's window for IMAGE in the image's own modality values, or None."""
        uid = image_uid(image)
        if uid is None or image.is_color:
            return None
        for window in self.windows:
            if not window.references or _covered(window.references, uid, image.frame_index):
                return _in_image_values(window.preset, self.rescale, image, self.label)
        return None

    def drawing_for(self, image: RadiographImage) -> tuple[LayerDrawing, ...]:
        """The annotations that apply to IMAGE, by layer in rendering order, in image pixels.
        DISPLAY-unit objects are converted, or left out when that cannot be done (see
        `unsupported_for`)."""
        uid = image_uid(image)
        if uid is None or not self.applies_to(image):
            return ()
        area = self._area_for(image, uid)
        by_layer: dict[str, tuple[list, list]] = {}
        for annotation in self.annotations:
            if annotation.references and not _covered(
                annotation.references, uid, image.frame_index
            ):
                continue
            graphics, texts = by_layer.setdefault(annotation.layer, ([], []))
            graphics += [g for g in (_graphic_in_pixels(o, area) for o in annotation.graphics) if g]
            texts += [t for t in (_text_in_pixels(o, area) for o in annotation.texts) if t]
        layers = {layer.name: layer for layer in self.layers}
        drawings = []
        for name in sorted(by_layer, key=lambda name: _layer_order(layers.get(name))):
            graphics, texts = by_layer[name]
            if graphics or texts:
                colour = _layer_colour(layers.get(name))
                drawings.append(LayerDrawing(name, colour, tuple(graphics), tuple(texts)))
        return tuple(drawings)

    def unsupported_for(self, image: RadiographImage) -> int:
        """How many objects that apply to IMAGE `drawing_for` leaves out (DISPLAY units it
        cannot place)."""
        uid = image_uid(image)
        if uid is None or self._area_for(image, uid) is not None:
            return 0
        return sum(
            sum(o.units is Units.DISPLAY for o in a.graphics)
            + sum(_display_units(t) for t in a.texts)
            for a in self.annotations
            if not a.references or _covered(a.references, uid, image.frame_index)
        )

    def _area_for(self, image: RadiographImage, uid: str) -> DisplayedArea | None:
        """The displayed area DISPLAY units refer to; None when it cannot be used."""
        if self.spatial_transform:
            return None
        for area in self.displayed_areas:
            if not area.references or _covered(area.references, uid, image.frame_index):
                (c0, r0), (c1, r1) = area.top_left, area.bottom_right
                return area if c1 >= c0 and r1 >= r0 else None
        return DisplayedArea((1, 1), (image.width, image.height))  # Type 1; absent: whole film


def image_uid(image: RadiographImage) -> str | None:
    """The SOP Instance UID of a DICOM image; None for a raster file."""
    header = image.header
    uid = header.get("SOPInstanceUID") if header is not None else None
    return str(uid) if uid else None


def is_presentation_state(ds: Dataset) -> bool:
    """Any softcopy presentation state (grayscale, colour, pseudo-colour, blending...)."""
    return str(ds.get("SOPClassUID", "")).startswith(PRESENTATION_STATE_PREFIX) or (
        ds.get("Modality") == "PR"
    )


def is_grayscale_presentation_state(ds: Dataset) -> bool:
    return str(ds.get("SOPClassUID", "")) == GSPS_SOP_CLASS


def _in_image_values(
    preset: WindowPreset, rescale: tuple[float, float] | None, image: RadiographImage, label: str
) -> WindowPreset:
    """A GSPS window is in the GSPS's modality values (its own rescale, when it has one);
    the viewer windows the image's. A linear window maps across exactly."""
    if rescale is None or preset.is_lut:
        return preset
    slope, intercept = rescale
    own_slope, own_intercept = image.modality_slope, image.modality_intercept
    if (slope, intercept) == (own_slope, own_intercept):
        return preset
    ratio = own_slope / slope  # image values per GSPS value
    center = (preset.center - intercept) * ratio + own_intercept
    return WindowPreset(
        preset.name, center, abs(preset.width * ratio), preset.function, preset.source
    )


# -- converting for one image -----------------------------------------------------------------


def _graphic_in_pixels(obj: GraphicObject, area: DisplayedArea | None) -> GraphicObject | None:
    if obj.units is Units.PIXEL:
        return obj
    if area is None:
        return None
    points = tuple(area.to_pixels(p) for p in obj.points)
    return GraphicObject(obj.graphic_type, points, Units.PIXEL, obj.filled)


def _text_in_pixels(obj: TextObject, area: DisplayedArea | None) -> TextObject | None:
    if not _display_units(obj):
        return obj
    if area is None:
        return None
    box, anchor = obj.box, obj.anchor
    if box is not None and obj.box_units is Units.DISPLAY:
        (x0, y0), (x1, y1) = area.to_pixels(box[:2]), area.to_pixels(box[2:])
        box = (x0, y0, x1, y1)
    if anchor is not None and obj.anchor_units is Units.DISPLAY:
        anchor = area.to_pixels(anchor)
    return TextObject(obj.text, box, Units.PIXEL, anchor, Units.PIXEL, obj.anchor_visible)


def _display_units(obj: TextObject) -> bool:
    return (obj.box is not None and obj.box_units is Units.DISPLAY) or (
        obj.anchor is not None and obj.anchor_units is Units.DISPLAY
    )


def _covered(references: tuple[ImageReference, ...], uid: str, frame_index: int) -> bool:
    return any(ref.covers(uid, frame_index) for ref in references)


def _layer_order(layer: GraphicLayer | None) -> tuple[int, str]:
    return (layer.order, layer.name) if layer is not None else (1 << 30, "")


def _layer_colour(layer: GraphicLayer | None) -> tuple[int, int, int] | None:
    return layer.colour if layer is not None else None
