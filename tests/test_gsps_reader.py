"""Reading Grayscale Softcopy Presentation States (GSPS) made by highdicom, as a reading station
would save them: window, polarity, graphics and text in image pixels; DISPLAY units; bad and
hostile files give one StudyError line; a study folder attaches the GSPS to its image."""

from __future__ import annotations

import shutil

import numpy as np
import pydicom
import pytest
from highdicom.pr import GraphicObject, TextObject
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from knowmvg_viewer.study import StudyError, load_image, open_study
from knowmvg_viewer.study import presentation_reader as gsps_module
from knowmvg_viewer.study.dicom import read_dicom
from knowmvg_viewer.study.presentation_reader import cielab_to_rgb, read_presentation_state
from knowmvg_viewer.study.presentation_state import GraphicType, Units
from knowmvg_viewer.study.viewing import ViewingState

from . import gsps_fixtures as fx


@pytest.fixture(scope="module")
def demo_image(demo_study):
    return load_image(demo_study / "image.dcm")


@pytest.fixture(scope="module")
def demo_header(demo_study):
    return fx.image_header(demo_study / "image.dcm")


def _read(dataset: Dataset, tmp_path, name: str = "gsps.dcm"):
    """Write DATASET and read it back as the study folder does (one header-only read)."""
    path = fx.save(dataset, tmp_path / name)
    return read_presentation_state(read_dicom(path, header_only=True), path)


def _objects(state, image):
    (layer,) = state.drawing_for(image)
    return layer


def test_window_polarity_graphics_and_text_read_back_as_written(demo_header, demo_image, tmp_path):
    state = _read(fx.gsps([demo_header], inverse=True, label="CHEST REVIEW"), tmp_path)
    assert state.label == "CHEST REVIEW" and state.notes == ()
    assert state.applies_to(demo_image)
    window = state.window_for(demo_image)
    assert (window.center, window.width) == (1800.0, 2600.0)
    assert window.name == "CHEST REVIEW: REVIEW WINDOW" and window.source == "presentation-state"
    assert state.lut_shape == "INVERSE" and state.inverse is True

    layer = _objects(state, demo_image)
    assert layer.name == "REVIEW"
    assert max(abs(a - b) for a, b in zip(layer.colour, (255, 165, 0), strict=True)) <= 1
    kinds = [g.graphic_type for g in layer.graphics]
    assert kinds == [
        GraphicType.POLYLINE,
        GraphicType.CIRCLE,
        GraphicType.ELLIPSE,
        GraphicType.POINT,
        GraphicType.INTERPOLATED,
    ]
    by_kind = {g.graphic_type: g for g in layer.graphics}
    # PIXEL units are our convention (PS3.3 C.10.5): the points come back exactly as written
    assert list(by_kind[GraphicType.POLYLINE].points) == fx.BOX
    assert list(by_kind[GraphicType.CIRCLE].points) == fx.CIRCLE
    assert list(by_kind[GraphicType.ELLIPSE].points) == fx.ELLIPSE
    assert by_kind[GraphicType.ELLIPSE].filled and not by_kind[GraphicType.POLYLINE].filled
    assert list(by_kind[GraphicType.POINT].points) == fx.POINT
    assert list(by_kind[GraphicType.INTERPOLATED].points) == fx.CURVE
    assert all(g.units is Units.PIXEL for g in layer.graphics)

    boxed, anchored = layer.texts
    assert (boxed.text, boxed.box, boxed.anchor) == ("RUL mass", fx.LABEL_BOX, None)
    assert (anchored.text, anchored.box, anchored.anchor) == ("nodule?", None, fx.ANCHOR)
    assert anchored.anchor_visible


def test_identity_or_no_shape_leaves_polarity_as_stated(demo_header, tmp_path):
    state = _read(fx.gsps([demo_header]), tmp_path)  # highdicom writes IDENTITY by default
    assert state.lut_shape == "IDENTITY" and state.inverse is False
    ds = fx.gsps([demo_header])
    del ds.PresentationLUTShape
    assert _read(ds, tmp_path, "no-shape.dcm").inverse is None


def test_a_window_for_another_image_is_not_applied(demo_header, demo_image, tmp_path):
    ds = fx.gsps([demo_header])
    ds.SoftcopyVOILUTSequence[0].ReferencedImageSequence[0].ReferencedSOPInstanceUID = "1.2.3.4"
    assert _read(ds, tmp_path).window_for(demo_image) is None


def test_a_gsps_for_another_image_draws_nothing_on_this_one(demo_header, demo_image, tmp_path):
    ds = fx.gsps([demo_header])
    ds.ReferencedSeriesSequence[0].ReferencedImageSequence[0].ReferencedSOPInstanceUID = "1.2.3"
    state = _read(ds, tmp_path)
    assert not state.applies_to(demo_image) and state.drawing_for(demo_image) == ()


def test_frames_are_matched_one_based(demo_header, demo_image, tmp_path):
    ds = fx.gsps([demo_header])
    ds.ReferencedSeriesSequence[0].ReferencedImageSequence[0].ReferencedFrameNumber = [2]
    state = _read(ds, tmp_path)
    assert not state.applies_to(demo_image)  # the demo image is frame index 0, i.e. frame 1
    ds.ReferencedSeriesSequence[0].ReferencedImageSequence[0].ReferencedFrameNumber = [1, 3]
    assert _read(ds, tmp_path, "frames.dcm").applies_to(demo_image)


def test_the_gsps_own_rescale_maps_its_window_onto_the_image_values(
    demo_header, demo_image, tmp_path
):
    ds = fx.gsps([demo_header])
    ds.RescaleSlope, ds.RescaleIntercept = "2", "-100"  # GSPS value = 2 * stored - 100
    window = _read(ds, tmp_path).window_for(demo_image)
    assert (window.center, window.width) == ((1800.0 + 100.0) / 2.0, 1300.0)


def test_display_units_are_fractions_of_the_displayed_area(demo_header, demo_image, tmp_path):
    graphic = GraphicObject("POLYLINE", np.array([[0.0, 0.0], [0.25, 0.5], [1.0, 1.0]]), "DISPLAY")
    text = TextObject("display text", "DISPLAY", bounding_box=(0.5, 0.25, 0.75, 0.5))
    ds = fx.gsps([demo_header], [fx.annotation([demo_header], [graphic], [text])])
    # highdicom's displayed area is the whole film: pixels (1, 1) to (1700, 2048)
    layer = _objects(_read(ds, tmp_path), demo_image)
    assert layer.graphics[0].points == ((0.0, 0.0), (425.0, 1024.0), (1700.0, 2048.0))
    assert layer.texts[0].box == (850.0, 512.0, 1275.0, 1024.0)

    # a displayed area of pixels (101, 201)..(600, 1200): 500 x 1000 pixels from (100, 200)
    area = ds.DisplayedAreaSelectionSequence[0]
    area.DisplayedAreaTopLeftHandCorner = [101, 201]
    area.DisplayedAreaBottomRightHandCorner = [600, 1200]
    layer = _objects(_read(ds, tmp_path, "area.dcm"), demo_image)
    assert layer.graphics[0].points == ((100.0, 200.0), (225.0, 700.0), (600.0, 1200.0))


def test_display_units_under_a_rotation_are_left_out_and_said(demo_header, demo_image, tmp_path):
    display = GraphicObject("POINT", np.array([[0.5, 0.5]]), "DISPLAY")
    pixel = GraphicObject("POINT", np.array([[10.0, 20.0]]), "PIXEL")
    ds = fx.gsps([demo_header], [fx.annotation([demo_header], [display, pixel])])
    ds.ImageRotation = 90
    state = _read(ds, tmp_path)
    layer = _objects(state, demo_image)
    assert [g.points for g in layer.graphics] == [((10.0, 20.0),)]  # PIXEL units still drawn
    assert state.unsupported_for(demo_image) == 1
    assert any("rotation" in note for note in state.notes)


def test_layers_come_in_their_order_with_grey_or_no_colour(demo_header, demo_image, tmp_path):
    top, bottom = fx.layer("TOP", None, order=5), fx.layer("BOTTOM", None, order=2)
    point = GraphicObject("POINT", np.array([[10.0, 20.0]]), "PIXEL")
    ds = fx.gsps(
        [demo_header],
        [fx.annotation([demo_header], [point], in_layer=top)]
        + [fx.annotation([demo_header], [point], in_layer=bottom)],
        layers=[top, bottom],
    )
    ds.GraphicLayerSequence[1].GraphicLayerRecommendedDisplayGrayscaleValue = 0xFFFF
    drawing = _read(ds, tmp_path).drawing_for(demo_image)
    assert [(d.name, d.colour) for d in drawing] == [("BOTTOM", (255, 255, 255)), ("TOP", None)]


def test_cielab_conversion_matches_highdicom():
    import highdicom as hd

    for name in ("orange", "turquoise", "red", "white", "navy"):
        colour = hd.color.CIELabColor.from_string(name)
        expected = colour.to_rgb(clip=True)
        assert (
            max(abs(a - b) for a, b in zip(cielab_to_rgb(colour.value), expected, strict=True)) <= 1
        )


def test_a_polyline_longer_than_explicit_vr_allows_reads_back(demo_header, demo_image, tmp_path):
    """Over 8,191 points, pydicom writes Graphic Data as UN (explicit VR lengths are 16-bit);
    its values are still the floats."""
    points = np.stack([np.arange(10_000) * 0.125, np.arange(10_000) * 0.1875], axis=1)
    line = GraphicObject("POLYLINE", points, "PIXEL")
    ds = fx.gsps([demo_header], [fx.annotation([demo_header], [line])])
    with pytest.warns(UserWarning, match="VR is changed from 'FL' to 'UN'"):
        state = _read(ds, tmp_path)
    assert np.array_equal(np.array(_objects(state, demo_image).graphics[0].points), points)


def test_text_in_utf8_reads_back(demo_header, demo_image, tmp_path):
    text = TextObject("épanchement ≥ 2 cm", "PIXEL", anchor_point=(5.0, 5.0))
    ds = fx.gsps([demo_header], [fx.annotation([demo_header], texts=[text])])
    ds.SpecificCharacterSet = "ISO_IR 192"
    assert _objects(_read(ds, tmp_path), demo_image).texts[0].text == "épanchement ≥ 2 cm"


# -- malformed and hostile files: one StudyError line each -----------------------------------


def _graphic_item(ds: Dataset) -> Dataset:
    return ds.GraphicAnnotationSequence[0].GraphicObjectSequence[0]


def _set(keyword, value, where=_graphic_item):
    def change(ds):
        setattr(where(ds), keyword, value)

    return change


def _delete(keyword, where=lambda ds: ds):
    def change(ds):
        delattr(where(ds), keyword)

    return change


def _text_item(ds: Dataset, index: int = 0) -> Dataset:
    return ds.GraphicAnnotationSequence[0].TextObjectSequence[index]


def _unplace_text(ds: Dataset) -> None:
    for keyword in ("BoundingBoxTopLeftHandCorner", "BoundingBoxBottomRightHandCorner"):
        delattr(_text_item(ds), keyword)


MALFORMED = {
    "odd coordinate count": (_set("GraphicData", [1.0, 2.0, 3.0]), "odd number of coordinates"),
    "declared point count": (_set("NumberOfGraphicPoints", 7), "declared 7"),
    "unknown graphic type": (_set("GraphicType", "SPLINE"), "unknown graphic type 'SPLINE'"),
    "unknown units": (_set("GraphicAnnotationUnits", "INCH"), "unknown annotation units"),
    "3-D graphic": (_set("GraphicDimensions", 3), "graphic dimensions 3"),
    "infinite coordinate": (
        _set("GraphicData", [float("inf"), 0.0] * 5),
        "out of range",
    ),
    "no referenced image": (_delete("ReferencedSeriesSequence"), "references no image"),
    "no image UID": (
        _delete(
            "ReferencedSOPInstanceUID",
            lambda ds: ds.ReferencedSeriesSequence[0].ReferencedImageSequence[0],
        ),
        "no Referenced SOP Instance UID",
    ),
    "frame number 0": (
        _set(
            "ReferencedFrameNumber",
            [0],
            lambda ds: ds.ReferencedSeriesSequence[0].ReferencedImageSequence[0],
        ),
        "invalid Referenced Frame Number",
    ),
    "unknown LUT shape": (_set("PresentationLUTShape", "LOG", lambda ds: ds), "LUT Shape 'LOG'"),
    "text box corner": (
        _delete("BoundingBoxTopLeftHandCorner", lambda ds: _text_item(ds)),
        "bounding box needs two (column, row) corners",
    ),
    "text without place": (_unplace_text, "neither a bounding box nor an anchor point"),
    "text anchor": (
        _set("AnchorPoint", [1.0, 2.0, 3.0], lambda ds: _text_item(ds, 1)),
        "anchor point needs one (column, row) pair",
    ),
    "displayed area corner": (
        _set(
            "DisplayedAreaTopLeftHandCorner",
            [1],
            lambda ds: ds.DisplayedAreaSelectionSequence[0],
        ),
        "two (column, row) corners",
    ),
    "bad layer colour": (
        _set(
            "GraphicLayerRecommendedDisplayCIELabValue",
            [1, 2],
            lambda ds: ds.GraphicLayerSequence[0],
        ),
        "recommended display colour",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_gsps_is_one_study_error_line(case, demo_header, tmp_path):
    change, reason = MALFORMED[case]
    ds = fx.gsps([demo_header])
    change(ds)
    with pytest.raises(StudyError) as info:
        _read(ds, tmp_path)
    message = str(info.value)
    assert "\n" not in message and str(tmp_path / "gsps.dcm") in message
    assert reason in info.value.reason


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_damage_inside_a_sequence_is_one_study_error_line(damage, demo_header, tmp_path):
    path = fx.save(fx.gsps([demo_header]), tmp_path / "gsps.dcm")
    raw = bytearray(path.read_bytes())
    at = raw.index(b"\x70\x00\x09\x00")  # Graphic Object Sequence (0070,0009), little endian
    if damage == "garbage":
        raw[at + 12 : at + 40] = b"\xff" * 28  # its first item's header and first element
    else:
        del raw[at + 40 :]
    path.write_bytes(bytes(raw))
    with pytest.raises(StudyError) as info:
        read_presentation_state(read_dicom(path, header_only=True), path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_an_image_is_not_a_presentation_state(demo_study):
    path = demo_study / "image.dcm"
    with pytest.raises(StudyError, match="not a grayscale softcopy presentation state"):
        read_presentation_state(read_dicom(path, header_only=True), path)


def test_more_objects_than_the_limit_are_refused(demo_header, tmp_path, monkeypatch):
    monkeypatch.setattr(gsps_module, "MAX_OBJECTS", 6)
    point = GraphicObject("POINT", np.array([[1.0, 1.0]]), "PIXEL")
    ds = fx.gsps([demo_header], [fx.annotation([demo_header], [point] * 6)])
    assert len(_read(ds, tmp_path).annotations[0].graphics) == 6
    ds = fx.gsps([demo_header], [fx.annotation([demo_header], [point] * 7)])
    with pytest.raises(StudyError, match=r"too many graphic and text objects \(over 6\)"):
        _read(ds, tmp_path, "seven.dcm")


def test_more_points_than_the_limit_are_refused_before_they_are_converted(
    demo_header, tmp_path, monkeypatch
):
    """Two polylines of 50,001 points (one object holds at most 65,535: Number of Graphic
    Points is US), at the real limit; the second's GraphicData is never converted."""
    line = GraphicObject("POLYLINE", np.zeros((gsps_module.MAX_POINTS // 2 + 1, 2)), "PIXEL")
    ds = fx.gsps([demo_header], [fx.annotation([demo_header], [line, line])])
    with pytest.warns(UserWarning, match="VR is changed from 'FL' to 'UN'"):
        path = fx.save(ds, tmp_path / "long.dcm")
    converted = []
    real = gsps_module._number
    monkeypatch.setattr(gsps_module, "_number", lambda *a: converted.append(1) or real(*a))
    with pytest.raises(StudyError, match=r"too many graphic points \(over 100000\)"):
        read_presentation_state(read_dicom(path, header_only=True), path)
    assert len(converted) == gsps_module.MAX_POINTS + 2  # the first line's values only


def test_a_flood_of_empty_items_stops_at_the_limit(demo_header, tmp_path, monkeypatch):
    """Items are parsed one at a time: a file with thousands of empty annotation items is
    refused after the limit, without building the rest."""
    ds = fx.gsps([demo_header])
    ds.GraphicAnnotationSequence = Sequence([Dataset() for _ in range(5000)])
    path = fx.save(ds, tmp_path / "flood.dcm")
    monkeypatch.setattr(gsps_module, "MAX_ITEMS", 100)
    parsed = []
    real = gsps_module.read_sequence_item
    monkeypatch.setattr(gsps_module, "read_sequence_item", lambda *a: parsed.append(1) or real(*a))
    with pytest.raises(StudyError, match=r"too many sequence items \(over 100\)"):
        read_presentation_state(read_dicom(path, header_only=True), path)
    assert len(parsed) <= 101


# -- a study folder with a GSPS ---------------------------------------------------------------


def _study_folder(demo_study, tmp_path, *states) -> object:
    folder = tmp_path / "study"
    folder.mkdir()
    shutil.copy(demo_study / "image.dcm", folder / "image.dcm")
    shutil.copy(demo_study / "report.txt", folder / "report.txt")
    for index, state in enumerate(states):
        fx.save(state, folder / f"pr-{index}.dcm")
    return folder


def test_a_folder_attaches_its_gsps_to_the_image(demo_study, demo_header, tmp_path):
    folder = _study_folder(demo_study, tmp_path, fx.gsps([demo_header], label="READ ONE"))
    study = open_study(folder)
    assert study.images == [folder / "image.dcm"] and study.skipped == []
    (state,) = study.presentation_states
    assert study.presentation_for(study.first_image) is state and state.label == "READ ONE"


def test_the_newest_gsps_for_an_image_is_the_one_applied(demo_study, demo_header, tmp_path):
    old = fx.gsps([demo_header], label="OLD")
    new = fx.gsps([demo_header], label="NEW")
    old.PresentationCreationDate, new.PresentationCreationDate = "20240101", "20240301"
    study = open_study(_study_folder(demo_study, tmp_path, new, old))
    assert study.presentation_for(study.first_image).label == "NEW"


def test_a_gsps_for_images_not_in_the_folder_is_skipped_with_why(demo_study, demo_header, tmp_path):
    other = fx.gsps([demo_header])
    other.ReferencedSeriesSequence[0].ReferencedImageSequence[0].ReferencedSOPInstanceUID = "1.2.9"
    study = open_study(_study_folder(demo_study, tmp_path, other))
    assert study.presentation_states == []
    assert study.skipped == ["pr-0.dcm: presentation state for images not in this folder"]


def test_a_broken_gsps_is_skipped_and_the_study_opens(demo_study, demo_header, tmp_path):
    broken = fx.gsps([demo_header])
    _graphic_item(broken).GraphicType = "SPLINE"
    study = open_study(_study_folder(demo_study, tmp_path, broken))
    assert study.presentation_states == [] and study.first_image.height == 2048
    assert study.skipped == ["pr-0.dcm: unknown graphic type 'SPLINE'"]


def test_a_folder_with_only_a_gsps_says_so(demo_header, tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    fx.save(fx.gsps([demo_header]), folder / "pr.dcm")
    with pytest.raises(StudyError, match=r"no readable images in this folder \(pr.dcm: a pres"):
        open_study(folder)


def test_a_gsps_file_opened_alone_says_what_it_is(demo_header, tmp_path):
    path = fx.save(fx.gsps([demo_header]), tmp_path / "pr.dcm")
    with pytest.raises(StudyError, match="is a presentation state, not an image"):
        open_study(path)


def test_the_view_starts_at_the_gsps_window_and_polarity_and_resets_to_them(
    demo_study, demo_header, tmp_path
):
    folder = _study_folder(demo_study, tmp_path, fx.gsps([demo_header], inverse=True))
    study = open_study(folder)
    image = study.first_image
    plain = ViewingState(image)
    viewing = ViewingState(image, study.presentation_for(image))
    assert (viewing.window.center, viewing.window.width) == (1800.0, 2600.0)
    assert viewing.presets[1:] == image.presets and viewing.preset_index == 0
    assert viewing.invert  # INVERSE on a MONOCHROME2 film: the user's invert, on
    np.testing.assert_array_equal(
        viewing.render(), 255 - plain.renderer.render(viewing.window, invert=False)
    )
    viewing.drag_window(40.0, -25.0)  # the user still windows as usual
    viewing.toggle_invert()
    assert viewing.window.source == "user" and not viewing.invert
    viewing.reset()
    assert viewing.window.source == "presentation-state" and viewing.invert
    assert viewing.choose_preset(1) and viewing.window == image.presets[0]


def test_gsps_polarity_overrides_monochrome1(chest_film_raw, tmp_path):
    """PS3.4 N.2.1.4: with a GSPS the Presentation LUT Shape decides the polarity; the
    film's MONOCHROME1 is ignored. INVERSE shows it as its own pipeline does; IDENTITY as a
    negative."""
    image = load_image(chest_film_raw)
    header = fx.image_header(chest_film_raw)
    assert image.photometric == "MONOCHROME1"
    inverse = _read(fx.gsps([header], inverse=True), tmp_path, "inverse.dcm")
    identity = _read(fx.gsps([header]), tmp_path, "identity.dcm")
    as_film = ViewingState(image, inverse)
    negative = ViewingState(image, identity)
    plain = ViewingState(image)
    assert not as_film.invert and negative.invert
    np.testing.assert_array_equal(as_film.render(), plain.renderer.render(as_film.window))
    np.testing.assert_array_equal(negative.render(), 255 - as_film.render())


def test_a_gsps_for_another_image_is_not_applied_to_the_view(demo_image, tmp_path, demo_header):
    ds = fx.gsps([demo_header])
    ds.ReferencedSeriesSequence[0].ReferencedImageSequence[0].ReferencedSOPInstanceUID = "1.2.3"
    viewing = ViewingState(demo_image, _read(ds, tmp_path))
    assert viewing.presentation is None and viewing.presets == demo_image.presets


def test_pydicom_reads_what_we_read(demo_header, tmp_path):
    """The fixture really is a GSPS a third party would read (not only us)."""
    path = fx.save(fx.gsps([demo_header]), tmp_path / "pr.dcm")
    ds = pydicom.dcmread(path)
    assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.11.1" and ds.Modality == "PR"
