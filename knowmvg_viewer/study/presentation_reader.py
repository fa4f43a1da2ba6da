"""Reading a Grayscale Softcopy Presentation State (GSPS) from its DICOM dataset into the
plain data of `presentation_state` (Qt-free).

Bad input is one StudyError line. A hostile file cannot make us build unbounded data: at most
MAX_OBJECTS graphic and text objects, MAX_POINTS points and MAX_ITEMS sequence items are read,
and sequences still in their raw (defined-length) encoding are parsed one item at a time. The
Graphic Data of an object is counted from its byte length before any value is converted.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import numpy as np
from pydicom.datadict import tag_for_keyword
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.filereader import read_sequence_item

from .dicom import _shown, _voi_lut_presets, _window_pairs
from .errors import StudyError
from .image import WindowPreset
from .presentation_state import (
    DisplayedArea,
    GraphicAnnotation,
    GraphicLayer,
    GraphicObject,
    GraphicType,
    ImageReference,
    Point,
    PresentationState,
    SoftcopyWindow,
    TextObject,
    Units,
    is_grayscale_presentation_state,
)

MAX_OBJECTS = 10_000  # graphic plus text objects in one presentation state
MAX_POINTS = 100_000  # graphic points in one presentation state
MAX_ITEMS = 50_000  # sequence items of any kind (references, layers, annotations...)
MAX_COORDINATE = 1e6  # far outside any film; beyond it a value is garbage
MAX_TEXT = 1024  # Unformatted Text Value is ST: 1024 characters at most
_POINT_COUNTS = {"POINT": (1, 1), "CIRCLE": (2, 2), "ELLIPSE": (4, 4)}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_UNDEFINED_LENGTH = 0xFFFFFFFF


def read_presentation_state(ds: Dataset, path: Path) -> PresentationState:
    """The GSPS in DS (read from PATH); StudyError, one line, for anything malformed."""
    if not is_grayscale_presentation_state(ds):
        uid = ds.get("SOPClassUID")
        name = _shown(getattr(uid, "name", None) or uid or "none")
        raise StudyError(path, f"not a grayscale softcopy presentation state (SOP class {name})")
    budget = _Budget(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pydicom's notes on damaged items; we say one line
            return _read(ds, Path(path), budget)
    except StudyError:
        raise
    except Exception as exc:  # pydicom raises many types for damaged items; one line for all
        text = str(exc).strip().splitlines()
        raise StudyError(
            path, f"malformed presentation state ({text[0] if text else type(exc).__name__})"
        ) from None


def cielab_to_rgb(value: object) -> tuple[int, int, int]:
    """A DICOM CIELab triplet (PS3.3 C.10.7.1.1: L* 0..100 and a*, b* -128..127 scaled to
    0..0xFFFF) as 8-bit sRGB, out-of-gamut colours clipped (D65 white, as highdicom)."""
    l_raw, a_raw, b_raw = (int(v) for v in _as_list(value))
    if not all(0 <= v <= 0xFFFF for v in (l_raw, a_raw, b_raw)):
        raise ValueError("CIELab value outside 0..65535")
    l_star = l_raw * 100.0 / 0xFFFF
    a_star, b_star = (v * 255.0 / 0xFFFF - 128.0 for v in (a_raw, b_raw))
    fy = (l_star + 16.0) / 116.0
    fx, fz = fy + a_star / 500.0, fy - b_star / 200.0
    x, y, z = (
        white * (f**3 if f**3 > 0.008856 else (f - 16.0 / 116.0) / 7.787)
        for f, white in ((fx, 0.95047), (fy, 1.0), (fz, 1.08883))
    )
    linear = (
        3.2406 * x - 1.5372 * y - 0.4986 * z,
        -0.9689 * x + 1.8758 * y + 0.0415 * z,
        0.0557 * x - 0.2040 * y + 1.0570 * z,
    )
    return tuple(round(255 * min(1.0, max(0.0, _srgb_gamma(c)))) for c in linear)  # type: ignore[return-value]


def _srgb_gamma(c: float) -> float:
    return 1.055 * c ** (1 / 2.4) - 0.055 if c > 0.0031308 else 12.92 * c


# -- reading --------------------------------------------------------------------------------


class _Budget:
    """Counts what a presentation state makes us build; over a limit is a StudyError."""

    def __init__(self, path: Path) -> None:
        self.path, self.objects, self.points, self.items = path, 0, 0, 0

    def take(self, *, objects: int = 0, points: int = 0, items: int = 0) -> None:
        self.objects += objects
        self.points += points
        self.items += items
        for what, count, limit in (
            ("graphic and text objects", self.objects, MAX_OBJECTS),
            ("graphic points", self.points, MAX_POINTS),
            ("sequence items", self.items, MAX_ITEMS),
        ):
            if count > limit:
                raise StudyError(self.path, f"too many {what} (over {limit}); not read")


def _read(ds: Dataset, path: Path, budget: _Budget) -> PresentationState:
    notes: list[str] = []
    images = tuple(
        ref
        for series in _items(ds, "ReferencedSeriesSequence", budget)
        for ref in _references(series, budget, path)
    )
    if not images:
        raise StudyError(path, "presentation state references no image")
    shape = str(ds.get("PresentationLUTShape", "") or "").strip().upper() or None
    if shape not in (None, "IDENTITY", "INVERSE"):
        raise StudyError(path, f"unknown Presentation LUT Shape '{_shown(shape, 16)}'")
    if shape is None and "PresentationLUTSequence" in ds:
        notes.append("its presentation LUT table is not applied (polarity as the image)")
    rotation = _as_int(ds.get("ImageRotation"), 0)
    flipped = str(ds.get("ImageHorizontalFlip", "N") or "N").strip().upper() == "Y"
    if rotation % 360 or flipped:
        notes.append("its rotation/flip is not applied")
    if ds.get("ShutterShape"):
        notes.append("its display shutter is not applied")
    annotations = tuple(_annotations(ds, path, budget, notes))
    return PresentationState(
        path=path,
        sop_instance_uid=str(ds.get("SOPInstanceUID", "")),
        label=_text(ds.get("ContentLabel")) or "UNLABELLED",
        description=_text(ds.get("ContentDescription")),
        creator=_text(ds.get("ContentCreatorName")),
        created=_text(ds.get("PresentationCreationDate"))
        + _text(ds.get("PresentationCreationTime")),
        instance_number=_as_int(ds.get("InstanceNumber"), 0),
        images=images,
        windows=tuple(_windows(ds, path, budget)),
        lut_shape=shape,
        layers=tuple(_layers(ds, path, budget)),
        annotations=annotations,
        displayed_areas=tuple(_displayed_areas(ds, path, budget)),
        rescale=_rescale(ds, path, notes),
        spatial_transform=bool(rotation % 360 or flipped),
        notes=tuple(notes),
    )


def _items(parent: Dataset, keyword: str, budget: _Budget) -> Iterator[Dataset]:
    """The items of sequence KEYWORD, counted against the budget as they are made.

    A sequence pydicom has not parsed yet (a defined-length one) is parsed here one item at a
    time, so a file with a million empty items stops at the limit instead of building them."""
    element = parent.get_item(tag_for_keyword(keyword))
    if element is None:
        return
    if isinstance(element, RawDataElement) and element.length != _UNDEFINED_LENGTH:
        yield from _raw_items(element, parent, budget)
        return
    for item in parent[keyword].value or []:
        budget.take(items=1)
        yield item


def _raw_items(element: RawDataElement, parent: Dataset, budget: _Budget) -> Iterator[Dataset]:
    stream = BytesIO(element.value or b"")
    end = len(element.value or b"")
    encoding = getattr(parent, "_character_set", None) or "iso8859"
    while stream.tell() < end:
        item = read_sequence_item(
            stream, element.is_implicit_VR, element.is_little_endian, encoding
        )
        if item is None:
            return
        budget.take(items=1)
        yield item


def _references(parent: Dataset, budget: _Budget, path: Path) -> Iterator[ImageReference]:
    for item in _items(parent, "ReferencedImageSequence", budget):
        uid = str(item.get("ReferencedSOPInstanceUID", "") or "").strip()
        if not uid:
            raise StudyError(path, "an image reference has no Referenced SOP Instance UID")
        frames = tuple(_as_int(f, -1) for f in _as_list(item.get("ReferencedFrameNumber")))
        if any(f < 1 for f in frames):
            raise StudyError(path, f"invalid Referenced Frame Number for image {_shown(uid)}")
        yield ImageReference(uid, frames)


def _windows(ds: Dataset, path: Path, budget: _Budget) -> Iterator[SoftcopyWindow]:
    label = _text(ds.get("ContentLabel")) or "Presentation state"
    for item in _items(ds, "SoftcopyVOILUTSequence", budget):
        presets = _voi_lut_presets(item) + _window_pairs(item)
        if presets:
            name = presets[0].name
            name = label if name.startswith(("Window ", "VOI LUT ")) else f"{label}: {name}"
            preset = _renamed(presets[0], name)
            yield SoftcopyWindow(preset, tuple(_references(item, budget, path)))


def _renamed(preset: WindowPreset, name: str) -> WindowPreset:
    return WindowPreset(
        name,
        preset.center,
        preset.width,
        preset.function,
        "presentation-state",
        preset.lut,
        preset.lut_first,
        preset.lut_max,
    )


def _rescale(ds: Dataset, path: Path, notes: list[str]) -> tuple[float, float] | None:
    if "ModalityLUTSequence" in ds:
        notes.append("its modality LUT table is not applied")
    if ds.get("RescaleSlope") in (None, "") and ds.get("RescaleIntercept") in (None, ""):
        return None
    slope, intercept = (
        _number(ds.get("RescaleSlope", 1.0), path),
        _number(ds.get("RescaleIntercept", 0.0), path),
    )
    if slope == 0.0:
        raise StudyError(path, "Rescale Slope is 0")
    return slope, intercept


def _layers(ds: Dataset, path: Path, budget: _Budget) -> Iterator[GraphicLayer]:
    for item in _items(ds, "GraphicLayerSequence", budget):
        name = _text(item.get("GraphicLayer"))
        if not name:
            raise StudyError(path, "a graphic layer has no name")
        yield GraphicLayer(
            name,
            _as_int(item.get("GraphicLayerOrder"), 0),
            _text(item.get("GraphicLayerDescription")),
            _recommended_colour(item, path),
        )


def _recommended_colour(item: Dataset, path: Path) -> tuple[int, int, int] | None:
    lab = item.get("GraphicLayerRecommendedDisplayCIELabValue")
    grey = item.get("GraphicLayerRecommendedDisplayGrayscaleValue")
    try:
        if lab not in (None, ""):
            return cielab_to_rgb(lab)
        if grey not in (None, ""):
            level = round(min(max(int(grey), 0), 0xFFFF) * 255 / 0xFFFF)
            return (level, level, level)
    except (TypeError, ValueError):
        raise StudyError(path, "invalid recommended display colour of a graphic layer") from None
    return None


def _displayed_areas(ds: Dataset, path: Path, budget: _Budget) -> Iterator[DisplayedArea]:
    for item in _items(ds, "DisplayedAreaSelectionSequence", budget):
        corners = [
            _as_list(item.get(k))
            for k in ("DisplayedAreaTopLeftHandCorner", "DisplayedAreaBottomRightHandCorner")
        ]
        if any(len(c) != 2 for c in corners):
            raise StudyError(path, "a displayed area needs two (column, row) corners")
        (c0, r0), (c1, r1) = ((_as_int(v, None) for v in c) for c in corners)
        if None in (c0, r0, c1, r1):
            raise StudyError(path, "a displayed area corner is not a whole number")
        yield DisplayedArea((c0, r0), (c1, r1), tuple(_references(item, budget, path)))


def _annotations(
    ds: Dataset, path: Path, budget: _Budget, notes: list[str]
) -> Iterator[GraphicAnnotation]:
    skipped: dict[str, int] = {}
    for item in _items(ds, "GraphicAnnotationSequence", budget):
        graphics = []
        for obj in _items(item, "GraphicObjectSequence", budget):
            budget.take(objects=1)
            graphic = _graphic(obj, path, budget, skipped)
            if graphic is not None:
                graphics.append(graphic)
        texts = []
        for obj in _items(item, "TextObjectSequence", budget):
            budget.take(objects=1)
            text = _text_object(obj, path, skipped)
            if text is not None:
                texts.append(text)
        for _ in _items(item, "CompoundGraphicSequence", budget):
            skipped["compound graphic"] = skipped.get("compound graphic", 0) + 1
        yield GraphicAnnotation(
            _text(item.get("GraphicLayer")) or "(no layer)",
            tuple(_references(item, budget, path)),
            tuple(graphics),
            tuple(texts),
        )
    notes += [f"{n} {what} object(s) not drawn" for what, n in sorted(skipped.items())]


def _graphic(
    obj: Dataset, path: Path, budget: _Budget, skipped: dict[str, int]
) -> GraphicObject | None:
    units = _units(obj.get("GraphicAnnotationUnits"), path, skipped)
    kind = str(obj.get("GraphicType", "") or "").strip().upper()
    if kind not in GraphicType.__members__:
        raise StudyError(path, f"unknown graphic type '{_shown(kind, 16)}'")
    dimensions = _as_int(obj.get("GraphicDimensions"), 2)
    if dimensions != 2:
        raise StudyError(path, f"graphic dimensions {dimensions}, only 2 is defined")
    budget.take(points=_value_count(obj, "GraphicData", 4) // 2)
    values = [_number(v, path) for v in _graphic_data(obj)]
    points = _pairs(values, path, kind)
    declared = _as_int(obj.get("NumberOfGraphicPoints"), len(points))
    low, high = _POINT_COUNTS.get(kind, (2, MAX_POINTS))
    if declared != len(points) or not low <= len(points) <= high:
        raise StudyError(
            path, f"{kind} with {len(points)} point(s) (declared {declared}, needs {low}+)"
        )
    if units is None:
        return None
    filled = str(obj.get("GraphicFilled", "N") or "N").strip().upper() == "Y"
    return GraphicObject(GraphicType(kind), points, units, filled)


def _text_object(obj: Dataset, path: Path, skipped: dict[str, int]) -> TextObject | None:
    text = _CONTROL.sub(" ", _text(obj.get("UnformattedTextValue"), strip=False))[:MAX_TEXT]
    box = anchor = None
    box_units = anchor_units = Units.PIXEL
    if "BoundingBoxTopLeftHandCorner" in obj or "BoundingBoxBottomRightHandCorner" in obj:
        box_units = _units(obj.get("BoundingBoxAnnotationUnits"), path, skipped)
        corners = _as_list(obj.get("BoundingBoxTopLeftHandCorner")) + _as_list(
            obj.get("BoundingBoxBottomRightHandCorner")
        )
        if len(corners) != 4:
            raise StudyError(path, "a text bounding box needs two (column, row) corners")
        x0, y0, x1, y1 = (_number(v, path) for v in corners)
        box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    if "AnchorPoint" in obj:
        anchor_units = _units(obj.get("AnchorPointAnnotationUnits"), path, skipped)
        values = _as_list(obj.AnchorPoint)
        if len(values) != 2:
            raise StudyError(path, "a text anchor point needs one (column, row) pair")
        anchor = (_number(values[0], path), _number(values[1], path))
    if box is None and anchor is None:
        raise StudyError(path, "a text object has neither a bounding box nor an anchor point")
    if box_units is None or anchor_units is None or not text.strip():
        return None
    visible = str(obj.get("AnchorPointVisibility", "N") or "N").strip().upper() == "Y"
    return TextObject(text.strip(), box, box_units, anchor, anchor_units, visible)


def _units(value: object, path: Path, skipped: dict[str, int]) -> Units | None:
    """PIXEL or DISPLAY; MATRIX (whole-slide total pixel matrix) is counted as not drawn."""
    units = str(value or "").strip().upper()
    if units in Units.__members__:
        return Units(units)
    if units == "MATRIX":
        skipped["MATRIX-unit"] = skipped.get("MATRIX-unit", 0) + 1
        return None
    raise StudyError(path, f"unknown annotation units '{_shown(units, 16)}'")


def _pairs(values: list[float], path: Path, what: str) -> tuple[Point, ...]:
    if len(values) % 2:
        raise StudyError(path, f"{what} has an odd number of coordinates ({len(values)})")
    return tuple((values[i], values[i + 1]) for i in range(0, len(values), 2))


def _graphic_data(obj: Dataset) -> list:
    """GraphicData's values. Explicit VR gives FL a 2-byte length (8,191 points at most), so
    pydicom writes a longer one as UN and reads it back as bytes: those are the floats."""
    element = obj.get_item(tag_for_keyword("GraphicData"))
    if element is None:
        return []
    value = obj["GraphicData"].value
    if isinstance(value, bytes):
        little = element.is_little_endian if isinstance(element, RawDataElement) else True
        return np.frombuffer(value[: len(value) // 4 * 4], "<f4" if little else ">f4").tolist()
    return _as_list(value)


def _value_count(item: Dataset, keyword: str, value_bytes: int) -> int:
    """How many values an element holds, without converting a raw one (4 bytes per FL)."""
    element = item.get_item(tag_for_keyword(keyword))
    if element is None:
        return 0
    if isinstance(element, RawDataElement):
        return len(element.value or b"") // value_bytes
    return len(_as_list(element.value))


# -- values -----------------------------------------------------------------------------------


def _number(value: object, path: Path) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise StudyError(path, f"not a number: {str(value)[:20]!r}") from None
    if not math.isfinite(number) or abs(number) > MAX_COORDINATE:
        raise StudyError(path, f"coordinate or value out of range: {number:g}")
    return number


def _as_int(value: object, default):
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def _as_list(value: object) -> list:
    if value is None or value == "":
        return []
    if (
        isinstance(value, (list, tuple))
        or hasattr(value, "__iter__")
        and not isinstance(value, (str, bytes))
    ):
        return list(value)  # type: ignore[arg-type]
    return [value]


def _text(value: object, strip: bool = True) -> str:
    text = "" if value is None else str(value)
    return text.strip() if strip else text
