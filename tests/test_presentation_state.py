"""The GSPS export: read back with pydicom and, independently, with dcmtk's dcmdump; checked
by dciodvfy and dcmpschk; the grey pipeline it sets reproduces what our viewer shows; the CLI,
the viewer's export and send, and a PACS round trip."""

from __future__ import annotations

import re
import shutil
import subprocess

import cv2
import numpy as np
import pydicom
import pytest
from pydicom.uid import GrayscaleSoftcopyPresentationStateStorage

from knowmvg_viewer.cli import main as cli_main
from knowmvg_viewer.export.presentation_state import LAYER, export_presentation_state
from knowmvg_viewer.study import (
    DisplayRenderer,
    StudyError,
    VoiFunction,
    WindowPreset,
    load_image,
)
from model_core.results import GroundedFinding

from .conftest import open_in_window, pydicom_data_dir
from .dicom_tools import dciodvfy, dciodvfy_errors, dciodvfy_warnings, tools_missing_reason
from .pacs_fixtures import (
    corpus_fixture,  # noqa: F401  (the `corpus` fixture)
    same_instance,
    sent_copy,
)

MODEL = {"name": "knowmvg-test", "size": "tiny"}
EFFUSION = (612.5, 1400.0, 1010.25, 1720.0)
FINDINGS = [
    GroundedFinding("small left pleural effusion", (10, 37), box=EFFUSION, score=0.875),
    GroundedFinding(
        "possible left lower lobe atelectasis",
        (120, 156),
        box=(600.0, 900.0, 900.0, 1200.0),
        score=0.62,
        assertion="uncertain",
    ),
    GroundedFinding(
        "right upper lobe mass",
        (160, 181),
        box=(1500.0, 300.0, 1650.0, 600.0),
        score=0.7,
        laterality_conflict=True,
    ),
    GroundedFinding("No pneumothorax", (80, 95), negated=True),
    GroundedFinding("Effusion has resolved", (200, 221), negated=True, box=(1.0, 1.0, 9.0, 9.0)),
    GroundedFinding("unlocated thing", (100, 115)),  # no box: nothing to draw
]
LABELS = {
    "small left pleural effusion (0.88)": EFFUSION,
    "? possible left lower lobe atelectasis (0.62)": (600.0, 900.0, 900.0, 1200.0),
    "right upper lobe mass (0.70) [SIDE?]": (1500.0, 300.0, 1650.0, 600.0),
}
USER_WINDOW = WindowPreset("User", 1234.5, 987.0, VoiFunction.LINEAR, source="user")


@pytest.fixture(scope="module")
def demo_image(demo_study):
    return load_image(demo_study / "image.dcm")


@pytest.fixture(scope="module")
def film(chest_film_raw):
    """pydicom-data's real CR chest film: MONOCHROME1, 1841 x 1955, no rescale."""
    return load_image(chest_film_raw)


def _corners(x0, y0, x1, y1):
    return [x0, y0, x1, y0, x1, y1, x0, y1, x0, y0]


def _export(tmp_path, image, findings=FINDINGS, window=None, name="out.pr.dcm", **kwargs):
    window = window or image.default_preset()
    return export_presentation_state(tmp_path / name, image, findings, MODEL, window, **kwargs)


def _drawn(ds) -> dict[str, tuple[list[float], object]]:
    """Label text -> (its group's polyline, its text object), through the graphic groups."""
    (annotation,) = ds.GraphicAnnotationSequence
    lines = {g.GraphicGroupID: g for g in annotation.GraphicObjectSequence}
    return {
        t.UnformattedTextValue: (list(lines[t.GraphicGroupID].GraphicData), t)
        for t in annotation.TextObjectSequence
    }


# -- structure -----------------------------------------------------------------------------
def test_gsps_references_the_film_and_draws_each_boxed_finding(demo_image, demo_study, tmp_path):
    out = _export(tmp_path, demo_image)
    ds = pydicom.dcmread(out)
    original = pydicom.dcmread(demo_study / "image.dcm", stop_before_pixels=True)
    assert ds.SOPClassUID == GrayscaleSoftcopyPresentationStateStorage and ds.Modality == "PR"
    assert (ds.StudyInstanceUID, ds.PatientID) == (original.StudyInstanceUID, original.PatientID)
    assert ds.SeriesInstanceUID != original.SeriesInstanceUID
    assert ds.Manufacturer == "KnowMVG Viewer" and "not a diagnosis" in ds.SeriesDescription
    (series,) = ds.ReferencedSeriesSequence
    assert series.SeriesInstanceUID == original.SeriesInstanceUID
    assert series.ReferencedImageSequence[0].ReferencedSOPInstanceUID == original.SOPInstanceUID

    (layer,) = ds.GraphicLayerSequence
    (annotation,) = ds.GraphicAnnotationSequence
    assert layer.GraphicLayer == annotation.GraphicLayer == LAYER
    (reference,) = annotation.ReferencedImageSequence
    assert reference.ReferencedSOPInstanceUID == original.SOPInstanceUID
    assert "ReferencedFrameNumber" not in reference  # a single-frame film

    drawn = _drawn(ds)
    assert set(drawn) == set(LABELS)  # negated and unboxed findings are not drawn
    for label, (polyline, text) in drawn.items():
        box = LABELS[label]
        graphic = next(
            g for g in annotation.GraphicObjectSequence if g.GraphicGroupID == text.GraphicGroupID
        )
        assert (graphic.GraphicType, graphic.GraphicAnnotationUnits) == ("POLYLINE", "PIXEL")
        assert graphic.NumberOfGraphicPoints == 5 and graphic.GraphicFilled == "N"
        assert polyline == pytest.approx(_corners(*box), abs=1e-3)
        assert list(text.AnchorPoint) == pytest.approx(box[:2], abs=1e-3)
        left, top = text.BoundingBoxTopLeftHandCorner
        right, bottom = text.BoundingBoxBottomRightHandCorner
        assert 0 <= left < right <= original.Columns and 0 <= top < bottom <= original.Rows
        assert bottom == pytest.approx(box[1], abs=1e-3)  # room above each box: the label there
        assert text.BoundingBoxAnnotationUnits == text.AnchorPointAnnotationUnits == "PIXEL"
    groups = {g.GraphicGroupID: g.GraphicGroupLabel for g in ds.GraphicGroupSequence}
    assert sorted(groups.values()) == sorted(f.phrase for f in FINDINGS[:3])


def test_labels_of_neighbouring_boxes_do_not_cover_each_other(demo_image, tmp_path):
    findings = [
        GroundedFinding(f"nodule {n}", (0, 8), box=(400.0 + 5 * n, 600.0, 500.0, 700.0), score=0.5)
        for n in range(4)
    ]
    ds = pydicom.dcmread(_export(tmp_path, demo_image, findings))
    rects = [
        (*t.BoundingBoxTopLeftHandCorner, *t.BoundingBoxBottomRightHandCorner)
        for t in ds.GraphicAnnotationSequence[0].TextObjectSequence
    ]
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_a_box_reaching_past_the_film_is_clipped_to_it(demo_image, tmp_path):
    width, height = demo_image.width, demo_image.height
    finding = GroundedFinding("edge", (0, 4), box=(-12.0, -3.0, width + 40.0, 50.0), score=0.5)
    ds = pydicom.dcmread(_export(tmp_path, demo_image, [finding]))
    ((polyline, text),) = _drawn(ds).values()
    assert polyline == pytest.approx(_corners(0.0, 0.0, float(width), 50.0))
    assert text.BoundingBoxTopLeftHandCorner[1] == pytest.approx(50.0)  # no room above: below
    assert 0 <= text.BoundingBoxBottomRightHandCorner[1] <= height


def test_text_in_any_script_round_trips(demo_image, tmp_path):
    phrase = "épanchement pleural gauche – 肺"
    finding = GroundedFinding(phrase, (0, len(phrase)), box=(1.0, 20.0, 30.0, 40.0), score=0.5)
    ds = pydicom.dcmread(_export(tmp_path, demo_image, [finding]))
    assert list(_drawn(ds)) == [f"{phrase} (0.50)"]


def test_an_anonymised_source_gives_an_anonymised_gsps(demo_image, tmp_path):
    from knowmvg_viewer.export.source import SourceImage

    source = SourceImage.from_image(demo_image).without_identifiers(b"test salt")
    pr = pydicom.dcmread(_export(tmp_path, source, window=USER_WINDOW))
    assert pr.PatientIdentityRemoved == "YES"
    assert pr.PatientID != demo_image.header.PatientID
    (series,) = pr.ReferencedSeriesSequence
    reference = series.ReferencedImageSequence[0].ReferencedSOPInstanceUID
    assert reference == source.dataset.SOPInstanceUID != demo_image.header.SOPInstanceUID


# -- the grey pipeline -----------------------------------------------------------------------
def test_window_centre_and_width_are_the_ones_passed(demo_image, tmp_path):
    ds = pydicom.dcmread(_export(tmp_path, demo_image, window=USER_WINDOW))
    (voi,) = ds.SoftcopyVOILUTSequence
    assert (float(voi.WindowCenter), float(voi.WindowWidth)) == (1234.5, 987.0)
    assert voi.WindowCenterWidthExplanation == "User"
    assert "VOILUTFunction" not in voi  # LINEAR, the default
    assert "ReferencedImageSequence" not in voi  # applies to the referenced film

    exact = WindowPreset("Auto", 2000.25, 3000.5, VoiFunction.LINEAR_EXACT, source="auto")
    ds = pydicom.dcmread(_export(tmp_path, demo_image, window=exact, name="exact.pr.dcm"))
    (voi,) = ds.SoftcopyVOILUTSequence
    assert (float(voi.WindowCenter), float(voi.WindowWidth)) == (2000.25, 3000.5)
    assert voi.VOILUTFunction == "LINEAR_EXACT"


def test_default_windows_of_the_demo_and_the_real_film(demo_image, film, tmp_path):
    for image in (demo_image, film):
        preset = image.default_preset()
        ds = pydicom.dcmread(_export(tmp_path, image, name=f"{image.path.stem}.pr.dcm"))
        (voi,) = ds.SoftcopyVOILUTSequence
        assert (float(voi.WindowCenter), float(voi.WindowWidth)) == (preset.center, preset.width)


def test_a_voi_lut_preset_travels_as_a_voi_lut(tmp_path):
    image = load_image(pydicom_data_dir() / "vlut_04.dcm")
    preset = image.default_preset()
    assert preset.is_lut
    finding = GroundedFinding("spot", (0, 4), box=(2.0, 30.0, 20.0, 60.0), score=0.5)
    ds = pydicom.dcmread(_export(tmp_path, image, [finding]))
    (voi,) = ds.SoftcopyVOILUTSequence
    assert "WindowCenter" not in voi
    (lut,) = voi.VOILUTSequence
    n, first, bits = lut.LUTDescriptor
    assert (n, first, bits) == (len(preset.lut), preset.lut_first, 16)
    data = np.frombuffer(lut.LUTData, "<u2").astype(np.float64)
    assert data / 65535.0 == pytest.approx(preset.lut / preset.lut_max, abs=1e-5)


def test_monochrome1_is_shown_inverse_and_the_invert_toggle_flips_it(demo_image, film, tmp_path):
    def shape(image, invert):
        name = f"{image.path.stem}-{invert}.pr.dcm"
        return pydicom.dcmread(_export(tmp_path, image, name=name, invert=invert))[
            "PresentationLUTShape"
        ].value

    assert film.photometric == "MONOCHROME1"
    assert shape(film, False) == "INVERSE" and shape(film, True) == "IDENTITY"
    assert shape(demo_image, False) == "IDENTITY" and shape(demo_image, True) == "INVERSE"


def _gsps_render(ds, stored: np.ndarray) -> np.ndarray:
    """An independent GSPS pipeline (PS3.4 N.2.1: modality LUT, VOI window, Presentation LUT
    Shape), from the presentation state's own attributes, to 8 bits."""
    values = stored.astype(np.float64)
    values = values * float(ds.get("RescaleSlope", 1.0)) + float(ds.get("RescaleIntercept", 0.0))
    (voi,) = ds.SoftcopyVOILUTSequence
    c, w = float(voi.WindowCenter), float(voi.WindowWidth)
    if voi.get("VOILUTFunction", "LINEAR") == "LINEAR_EXACT":
        out = (values - c) / w + 0.5
    else:  # PS3.3 C.11.2.1.2.1
        out = (values - (c - 0.5)) / (w - 1) + 0.5
    out = np.clip(out, 0.0, 1.0)
    if ds.PresentationLUTShape == "INVERSE":
        out = 1.0 - out
    return np.rint(out * 255.0).astype(np.uint8)


@pytest.mark.parametrize("invert", [False, True])
@pytest.mark.parametrize("which", ["demo", "film"])
def test_a_gsps_viewer_shows_what_our_viewer_shows(which, invert, demo_image, film, tmp_path):
    image = demo_image if which == "demo" else film
    for window in (image.default_preset(), USER_WINDOW, image.presets[-1]):  # file, user, auto
        ds = pydicom.dcmread(_export(tmp_path, image, window=window, invert=invert))
        ours = DisplayRenderer(image).render(window, invert=invert)
        theirs = _gsps_render(ds, image.stored)
        assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 1, window
        (tmp_path / "out.pr.dcm").unlink()


def test_a_rescaled_source_keeps_its_rescale(demo_study, tmp_path):
    ds = pydicom.dcmread(demo_study / "image.dcm")
    ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = 2, -1000, "OD"
    ds.save_as(tmp_path / "rescaled.dcm")
    image = load_image(tmp_path / "rescaled.dcm")
    assert (image.modality_slope, image.modality_intercept) == (2.0, -1000.0)
    window = WindowPreset("User", 3000.0, 4000.0, VoiFunction.LINEAR, source="user")
    pr = pydicom.dcmread(_export(tmp_path, image, window=window))
    assert (float(pr.RescaleSlope), float(pr.RescaleIntercept), pr.RescaleType) == (2, -1000, "OD")
    ours = DisplayRenderer(image).render(window)
    assert np.abs(ours.astype(int) - _gsps_render(pr, image.stored).astype(int)).max() <= 1


def test_a_modality_lut_sequence_is_carried_as_stored(tmp_path):
    source = pydicom.dcmread(pydicom_data_dir() / "mlut_18.dcm", stop_before_pixels=True)
    image = load_image(pydicom_data_dir() / "mlut_18.dcm")
    finding = GroundedFinding("spot", (0, 4), box=(2.0, 30.0, 20.0, 60.0), score=0.5)
    pr = pydicom.dcmread(_export(tmp_path, image, [finding]))
    assert "RescaleIntercept" not in pr and "RescaleSlope" not in pr
    (ours,) = pr.ModalityLUTSequence
    (theirs,) = source.ModalityLUTSequence
    assert list(ours.LUTDescriptor) == list(theirs.LUTDescriptor) == [4096, -2048, 16]
    assert list(ours.LUTData) == list(theirs.LUTData)
    assert ours.ModalityLUTType == theirs.ModalityLUTType


def test_a_source_without_rescale_gets_no_modality_lut(film, tmp_path):
    pr = pydicom.dcmread(_export(tmp_path, film))
    assert "RescaleSlope" not in pr and "ModalityLUTSequence" not in pr


def test_a_multi_frame_source_is_drawn_on_the_frame_grounded(tmp_path):
    image = load_image(pydicom_data_dir() / "emri_small.dcm", frame=2)
    finding = GroundedFinding("spot", (0, 4), box=(2.0, 30.0, 20.0, 60.0), score=0.5)
    pr = pydicom.dcmread(_export(tmp_path, image, [finding]))
    (reference,) = pr.GraphicAnnotationSequence[0].ReferencedImageSequence
    assert reference.ReferencedFrameNumber == 3  # DICOM counts frames from 1
    (series,) = pr.ReferencedSeriesSequence  # the film as a whole in the relationship module
    assert "ReferencedFrameNumber" not in series.ReferencedImageSequence[0]


@pytest.mark.parametrize("invert", [False, True])
def test_the_viewers_own_gsps_reader_shows_what_was_exported(invert, film, tmp_path):
    from knowmvg_viewer.study.presentation_reader import read_presentation_state

    out = _export(tmp_path, film, window=USER_WINDOW, invert=invert)
    state = read_presentation_state(pydicom.dcmread(out), out)
    assert state.applies_to(film) and state.inverse is (not invert)  # MONOCHROME1
    window = state.window_for(film)
    assert (window.center, window.width) == (USER_WINDOW.center, USER_WINDOW.width)
    (layer,) = state.drawing_for(film)
    assert layer.name == LAYER
    lines = sorted(list(np.ravel(g.points)) for g in layer.graphics)
    expected = sorted(_corners(*box) for box in LABELS.values())
    np.testing.assert_allclose(np.array(lines), np.array(expected), atol=1e-3)
    assert sorted(t.text for t in layer.texts) == sorted(LABELS)


# -- refusals ----------------------------------------------------------------------------------
def test_nothing_to_draw_is_an_error_and_writes_nothing(demo_image, tmp_path):
    with pytest.raises(StudyError, match="no boxed findings to draw"):
        _export(tmp_path, demo_image, FINDINGS[3:])  # negated, and unboxed
    assert list(tmp_path.iterdir()) == []


def test_a_colour_or_raster_source_is_one_clear_error(tmp_path):
    finding = GroundedFinding("spot", (0, 4), box=(1.0, 1.0, 5.0, 5.0), score=0.5)
    for name, kind in (("SC_rgb_2frame.dcm", "RGB"), ("OBXXXX1A_2frame.dcm", "PALETTE COLOR")):
        colour = load_image(pydicom_data_dir() / name)
        with pytest.raises(StudyError, match=f"needs a greyscale image, not {kind}"):
            _export(tmp_path, colour, [finding])
    png = tmp_path / "film.png"
    cv2.imwrite(str(png), np.zeros((64, 64), np.uint8))
    with pytest.raises(StudyError, match="DICOM export needs a DICOM source image"):
        _export(tmp_path, load_image(png), [finding])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["film.png"]


def test_existing_output_is_not_overwritten(demo_image, tmp_path):
    out = tmp_path / "out.pr.dcm"
    out.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        _export(tmp_path, demo_image)
    assert out.read_bytes() == b"keep me"


# -- independent readers and checkers ----------------------------------------------------------
_FL = re.compile(r"^\s*\(0070,0022\) FL ([^#]*?)\s+#")
_TYPE = re.compile(r"^\s*\(0070,0023\) CS \[([A-Z]+)\]")
_TEXT = re.compile(r"^\s*\(0070,0006\) ST \[(.*)\]\s+#")


def _dcmdump_graphics(path) -> tuple[list[tuple[str, list[float]]], list[str]]:
    """(graphic type, points) per graphic object and each text value, from dcmdump's text."""
    done = subprocess.run(
        ["dcmdump", "+L", str(path)], capture_output=True, text=True, check=True, timeout=60
    )
    points, types, texts = [], [], []
    for line in done.stdout.splitlines():
        if match := _FL.match(line):
            points.append([float(v) for v in match.group(1).split("\\")])
        elif match := _TYPE.match(line):
            types.append(match.group(1))
        elif match := _TEXT.match(line):
            texts.append(match.group(1))
    return list(zip(types, points, strict=True)), texts


@pytest.mark.skipif(shutil.which("dcmdump") is None, reason="dcmtk's dcmdump not installed")
def test_dcmdump_reads_our_boxes_back_within_half_a_pixel(demo_image, film, tmp_path):
    for image in (demo_image, film):
        out = _export(tmp_path, image, name=f"{image.path.stem}.pr.dcm")
        graphics, texts = _dcmdump_graphics(out)
        assert sorted(texts) == sorted(LABELS)
        assert len(graphics) == len(LABELS)
        for (kind, points), label in zip(graphics, texts, strict=True):
            assert kind == "POLYLINE"
            assert np.abs(np.array(points) - _corners(*LABELS[label])).max() < 0.5


@pytest.mark.skipif(tools_missing_reason("dciodvfy") is not None, reason="dciodvfy not installed")
def test_dciodvfy_finds_nothing_of_ours(demo_image, demo_study, film, chest_film_raw, tmp_path):
    for image, source in ((demo_image, demo_study / "image.dcm"), (film, chest_film_raw)):
        out = _export(tmp_path, image, name=f"{image.path.stem}.pr.dcm", invert=True)
        assert dciodvfy_errors(out, source) == []
        assert dciodvfy_warnings(out, source) == []
    # the real film's one message is its own header's, copied into the Patient/Study modules
    messages = [m.line for m in dciodvfy(tmp_path / "RG1_UNCR.pr.dcm")]
    assert messages == [
        "Warning - Value dubious for this VR - (0x0008,0x0090) PN Referring Physician's Name  "
        "PN [1] = <ward> - Retired Person Name form"
    ]


@pytest.mark.skipif(shutil.which("dcmp2pgm") is None, reason="dcmtk's dcmp2pgm not installed")
@pytest.mark.parametrize("invert", [False, True])
def test_dcmtk_renders_the_film_through_it_as_our_viewer_shows_it(
    invert, demo_image, demo_study, film, chest_film_raw, tmp_path
):
    """dcmp2pgm applies a presentation state to its image (modality LUT, VOI, Presentation LUT
    Shape) as a GSPS viewer would; the result is our display within a grey level. A MONOCHROME1
    film with highdicom's default IDENTITY shape would come out as its negative."""
    for image, source in ((demo_image, demo_study / "image.dcm"), (film, chest_film_raw)):
        for window in (image.default_preset(), USER_WINDOW):
            out = _export(tmp_path, image, window=window, invert=invert)
            pgm = tmp_path / "rendered.pgm"
            subprocess.run(
                ["dcmp2pgm", "-p", str(out), str(source), str(pgm)],
                capture_output=True,
                check=True,
                timeout=120,
            )
            theirs = cv2.imread(str(pgm), cv2.IMREAD_UNCHANGED)
            ours = DisplayRenderer(image).render(window, invert=invert)
            assert theirs.shape == ours.shape
            assert np.abs(theirs.astype(int) - ours.astype(int)).max() <= 1, (source, window)
            out.unlink()


@pytest.mark.skipif(shutil.which("dcmpschk") is None, reason="dcmtk's dcmpschk not installed")
def test_dcmpschk_accepts_it(demo_image, film, tmp_path):
    def verdict(path) -> str:
        done = subprocess.run(
            ["dcmpschk", str(path)], capture_output=True, text=True, check=False, timeout=60
        )
        return (done.stdout + done.stderr).strip().splitlines()[-1]

    for image in (demo_image, film):
        out = _export(tmp_path, image, name=f"{image.path.stem}.pr.dcm")
        assert verdict(out) == "W: Test passed."
    broken = pydicom.dcmread(out)  # the check can fail: a GSPS that references no image
    del broken.ReferencedSeriesSequence
    broken.save_as(tmp_path / "broken.pr.dcm")
    assert verdict(tmp_path / "broken.pr.dcm") == "W: Test failed - one or more errors."


# -- command line ------------------------------------------------------------------------------
PHRASE = "left pleural effusion"


def _ground(model_dir, *args):
    return cli_main(["ground", *map(str, args), "--model", str(model_dir), "--phrase", PHRASE])


def test_ground_gsps_writes_the_boxes_at_the_default_window(model_dir, demo_study, tmp_path):
    out = tmp_path / "findings.pr.dcm"
    assert _ground(model_dir, demo_study, "--gsps", out, "--json", tmp_path / "out.json") == 0
    pr = pydicom.dcmread(out)
    ((polyline, _),) = _drawn(pr).values()
    label = next(iter(_drawn(pr)))
    assert label.startswith(PHRASE)
    import json

    (study,) = json.loads((tmp_path / "out.json").read_text())["results"]
    (finding,) = study["findings"]
    assert polyline == pytest.approx(_corners(*finding["box"]), abs=0.01)
    preset = load_image(demo_study / "image.dcm").default_preset()
    (voi,) = pr.SoftcopyVOILUTSequence
    assert (float(voi.WindowCenter), float(voi.WindowWidth)) == (preset.center, preset.width)


def test_ground_gsps_takes_one_path_and_not_with_out_dir(model_dir, demo_study, tmp_path, capsys):
    assert _ground(model_dir, demo_study, demo_study, "--gsps", tmp_path / "a.dcm") == 2
    assert "--gsps takes exactly one input PATH" in capsys.readouterr().err
    assert (
        _ground(model_dir, demo_study, "--out-dir", tmp_path / "o", "--gsps", tmp_path / "x") == 2
    )
    assert "--gsps is for one study" in capsys.readouterr().err
    assert not (tmp_path / "o").exists() and not (tmp_path / "x").exists()


def test_ground_gsps_of_a_png_is_one_clear_line_and_no_file(model_dir, tmp_path, capsys):
    study = tmp_path / "png-study"
    study.mkdir()
    cv2.imwrite(str(study / "film.png"), np.full((128, 96), 90, np.uint8))
    out = tmp_path / "x.pr.dcm"
    assert _ground(model_dir, study, "--gsps", out) == 2
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line == (
        f"{study / 'film.png'}: DICOM export needs a DICOM source image; this file is not DICOM "
        f"(no GSPS written to {out})"
    )
    assert not out.exists()


def test_batch_writes_a_gsps_beside_the_sr_and_keeps_all_or_nothing(
    model_dir, demo_study, tmp_path, capsys, monkeypatch
):
    root = tmp_path / "in"
    shutil.copytree(demo_study, root / "1.2.826.0.1.3680043.2.1125.1")
    out = tmp_path / "out"
    assert _ground(model_dir, root, "--out-dir", out) == 0
    stem = "1.2.826.0.1.3680043.2.1125.1"
    assert sorted(p.name for p in out.iterdir()) == [
        f"{stem}{suffix}" for suffix in (".json", ".png", ".pr.dcm", ".sr.dcm")
    ] + ["summary.csv"]
    pr = pydicom.dcmread(out / f"{stem}.pr.dcm")
    sr = pydicom.dcmread(out / f"{stem}.sr.dcm")
    assert pr.SOPClassUID == GrayscaleSoftcopyPresentationStateStorage
    assert pr.StudyInstanceUID == sr.StudyInstanceUID

    # a rerun refuses while the GSPS alone is there; a GSPS that cannot be built costs only
    # itself (hardening item 15): the JSON, PNG and SR are published, the old GSPS removed
    for name in ("json", "png", "sr.dcm"):
        (out / f"{stem}.{name}").unlink()
    assert _ground(model_dir, root, "--out-dir", out) == 2
    assert f"{stem}.pr.dcm already in {out}" in capsys.readouterr().err

    from knowmvg_viewer import grounding

    def refuse(*args, **kwargs):
        raise StudyError(None, "simulated GSPS failure")

    monkeypatch.setattr(grounding, "export_presentation_state", refuse)
    assert _ground(model_dir, root, "--out-dir", out, "--overwrite") == 2
    assert "no presentation state (simulated GSPS failure)" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [
        f"{stem}{suffix}" for suffix in (".json", ".png", ".sr.dcm")
    ] + ["summary.csv"]


def test_ground_gsps_of_a_lateral_says_why_and_writes_nothing(
    model_dir, demo_study, tmp_path, capsys
):
    study = tmp_path / "lat-only"
    study.mkdir()
    ds = pydicom.dcmread(demo_study / "image.dcm")
    ds.ViewPosition = "LL"
    ds.save_as(study / "lat.dcm")
    out = tmp_path / "lat.pr.dcm"
    assert _ground(model_dir, study, "--gsps", out) == 0
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"{study / 'lat.dcm'}: lateral view: grounding runs on the frontal film (no GSPS written)"
    )
    assert not out.exists()


def test_batch_gives_a_colour_dicom_study_its_sr_but_no_gsps(model_dir, tmp_path):
    study = tmp_path / "in" / "colour"
    study.mkdir(parents=True)
    shutil.copy(pydicom_data_dir() / "SC_rgb_2frame.dcm", study / "image.dcm")
    out = tmp_path / "out"
    assert _ground(model_dir, tmp_path / "in", "--out-dir", out) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "colour.json",
        "colour.png",
        "colour.sr.dcm",
        "summary.csv",
    ]


# -- the viewer --------------------------------------------------------------------------------
WAIT_MS = 60_000


@pytest.fixture()
def window(qtbot, model_dir, demo_study):
    from knowmvg_viewer.ui.main_window import MainWindow

    win = MainWindow(model_dir, "cpu")
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    with qtbot.waitSignal(win.grounding_finished, timeout=WAIT_MS):
        win.open_path(demo_study)
    with qtbot.waitSignal(win.grounding_finished, timeout=WAIT_MS):
        win.grounding.query(PHRASE)
    yield win
    win.close()


@pytest.mark.ui
def test_viewer_exports_the_window_and_polarity_on_screen(window, tmp_path):
    session = window.session
    assert window.actions.export_gsps.isEnabled()
    file_menu = window.menuBar().actions()[0].menu()
    assert window.actions.export_gsps in file_menu.actions()
    session.choose_preset(1)
    session.toggle_invert()
    out = window.exports.export_presentation_state_to(tmp_path / "view.pr.dcm")
    pr = pydicom.dcmread(out)
    (voi,) = pr.SoftcopyVOILUTSequence
    window_on_screen = session.viewing.window
    assert (float(voi.WindowCenter), float(voi.WindowWidth)) == (
        window_on_screen.center,
        window_on_screen.width,
    )
    assert pr.PresentationLUTShape == "INVERSE"  # a MONOCHROME2 film, inverted on screen
    shown = {f.phrase for f in session.findings.findings if f.box is not None and not f.negated}
    assert {text.split(" (")[0].lstrip("? ") for text in _drawn(pr)} == shown


@pytest.mark.ui
def test_viewer_gsps_leaves_out_boxes_below_the_confidence_threshold(window, tmp_path):
    state = window.session.findings
    state.min_confidence = 1.01  # every box hidden from the overlay
    with pytest.raises(StudyError, match="no boxed findings to draw"):
        window.exports.export_presentation_state_to(tmp_path / "none.pr.dcm")
    assert not (tmp_path / "none.pr.dcm").exists()


@pytest.mark.ui
def test_send_dialog_offers_the_presentation_state_checked(qtbot):
    from knowmvg_viewer.ui.pacs_panel import SendDialog

    dialog = SendDialog(["a  (A@h:1)"], 0)
    qtbot.addWidget(dialog)
    assert dialog.include_presentation_state and not dialog.include_image
    dialog._with_gsps.setChecked(False)
    assert not dialog.include_presentation_state


# -- PACS ----------------------------------------------------------------------------------
def _new_study(demo_study, folder):
    """The demo study as a new study (new UIDs, same film and report), so what a test sends
    never joins the corpus's studies."""
    folder.mkdir()
    sent_copy(demo_study / "image.dcm", folder / "image.dcm", "GSPS")
    shutil.copy(demo_study / "report.txt", folder / "report.txt")
    return folder


@pytest.mark.slow
def test_gsps_survives_a_pacs_round_trip_unchanged(corpus, demo_study, tmp_path):
    from knowmvg_viewer.pacs import DimseNode, make_client

    study = _new_study(demo_study, tmp_path / "study")
    out = _export(tmp_path, load_image(study / "image.dcm"))
    server = corpus.server
    client = make_client(DimseNode(server.aet, "127.0.0.1", server.dicom_port))
    assert [r.ok for r in client.send([study / "image.dcm", out])] == [True, True]
    study_uid = pydicom.dcmread(out, stop_before_pixels=True).StudyInstanceUID
    try:
        result = client.retrieve_study(study_uid, tmp_path / "back")
    finally:  # later tests query the corpus alone
        server.delete_study(study_uid)
    sop = pydicom.dcmread(out).SOPInstanceUID
    (received,) = [p for p in result.folder.glob("*.dcm") if p.stem == sop]
    assert same_instance(received, out)
    assert _drawn(pydicom.dcmread(received)).keys() == LABELS.keys()


@pytest.mark.ui
@pytest.mark.slow
def test_viewer_sends_the_gsps_with_the_sr(qtbot, model_dir, corpus, demo_study, tmp_path):
    from knowmvg_viewer.pacs import DimseNode, SavedNode
    from knowmvg_viewer.ui.main_window import MainWindow

    win = MainWindow(model_dir, "cpu")
    qtbot.addWidget(win)
    win.show()
    study = _new_study(demo_study, tmp_path / "study")
    assert open_in_window(win, qtbot, study)
    with qtbot.waitSignal(win.grounding_finished, timeout=WAIT_MS):
        win.grounding.query(PHRASE)
    panel, server = win.pacs_panel, corpus.server
    panel.add_saved_node(
        SavedNode("test PACS", DimseNode(server.aet, "127.0.0.1", server.dicom_port))
    )
    with qtbot.waitSignal(panel.job_finished, timeout=WAIT_MS):
        assert win.exports.send_to_pacs(panel.current_node(), include_presentation_state=True)
    assert panel.last_error is None, panel.last_error
    assert [r.ok for r in panel._last_sent] == [True, True]
    classes = [
        server.get_json(f"/instances/{server.find_instance(r.sop_instance_uid)}/simplified-tags")[
            "SOPClassUID"
        ]
        for r in panel._last_sent
    ]
    server.delete_study(pydicom.dcmread(study / "image.dcm").StudyInstanceUID)
    assert classes == [
        pydicom.uid.ComprehensiveSRStorage,
        GrayscaleSoftcopyPresentationStateStorage,
    ]
    win.close()
