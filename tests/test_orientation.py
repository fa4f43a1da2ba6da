"""ground_radiograph: laterals are not grounded; a film stored mirrored, upside down or both
(turned by 180 degrees) is flipped for the model and its boxes and heatmaps are mapped back;
GroundingResult.flipped."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest

from knowmvg_viewer.grounding import ground_radiograph
from knowmvg_viewer.study import FilmView, load_image, model_input
from model_core.box_geometry import Letterbox
from model_core.results import GroundedFinding, GroundingResult

QUERIES = ["left pleural effusion", "right lower lobe opacity"]


def _result(width=200, height=100) -> GroundingResult:
    heatmap = np.arange(16, dtype=np.float32).reshape(4, 4) / 15.0
    findings = [
        GroundedFinding("left effusion", (0, 4), box=(10.0, 20.0, 50.0, 60.0), heatmap=heatmap),
        GroundedFinding("no pneumothorax", (5, 9), negated=True),
    ]
    return GroundingResult(width, height, "report", findings, Letterbox(height, width, 128))


@pytest.mark.parametrize(
    ("left_right", "up_down", "box"),
    [
        (True, False, (150.0, 20.0, 190.0, 60.0)),
        (False, True, (10.0, 40.0, 50.0, 80.0)),
        (True, True, (150.0, 40.0, 190.0, 80.0)),
    ],
)
def test_a_flipped_result_flips_boxes_and_heatmaps_and_leaves_the_original(
    left_right, up_down, box
):
    result = _result()
    flipped = result.flipped(left_right, up_down)
    heatmap = result.findings[0].heatmap
    expected = heatmap[:: -1 if up_down else 1, :: -1 if left_right else 1]
    assert flipped.findings[0].box == box
    assert np.array_equal(flipped.findings[0].heatmap, expected)
    assert flipped.findings[1].box is None and flipped.findings[1].negated
    assert result.findings[0].box == (10.0, 20.0, 50.0, 60.0)  # untouched
    twice = flipped.flipped(left_right, up_down)
    assert twice.findings[0].box == result.findings[0].box
    assert np.array_equal(twice.findings[0].heatmap, heatmap)
    # in image space too: the heatmap laid on the image is the flipped image
    in_image = result.heatmap_in_image(result.findings[0])
    back = flipped.heatmap_in_image(flipped.findings[0])
    flipped_in_image = in_image[:: -1 if up_down else 1, :: -1 if left_right else 1]
    assert np.abs(back - flipped_in_image).max() < 0.1
    assert result.flipped() is result


@pytest.fixture(scope="module")
def engine(model_dir):
    from model_core.engine import GroundingEngine

    return GroundingEngine.load(model_dir, device="cpu")


# PatientOrientation -> how the stored pixels S come from the upright film U:
# S = U[::rows, ::columns], transposed afterwards when the last item says so
STORED = {
    ("R", "F"): (1, -1, False),  # mirrored
    ("L", "H"): (-1, 1, False),  # upside down
    ("R", "H"): (-1, -1, False),  # turned by 180 degrees
    ("F", "L"): (1, 1, True),  # turned by 90 degrees: rows along the body axis
    ("H", "L"): (-1, 1, True),
    ("F", "R"): (1, -1, True),
    ("H", "R"): (-1, -1, True),
}


def _stored(upright: np.ndarray, rows: int, columns: int, transposed: bool) -> np.ndarray:
    flipped = upright[::rows, ::columns]
    return np.ascontiguousarray(flipped.T if transposed else flipped)


@pytest.fixture(params=list(STORED), ids=["\\".join(o) for o in STORED])
def film_pair(request, tmp_path, chest_film_raw):
    """The real CR film as stored, and a copy stored otherwise (pixels flipped or turned,
    its PatientOrientation saying so), as some systems send it."""
    ds = pydicom.dcmread(chest_film_raw)
    how = STORED[request.param]
    pixels = _stored(ds.pixel_array, *how)
    ds.Rows, ds.Columns = pixels.shape
    ds.PixelData = pixels.tobytes()
    ds.PatientOrientation = list(request.param)
    ds.save_as(tmp_path / "stored.dcm")
    return load_image(chest_film_raw), load_image(tmp_path / "stored.dcm"), how


def test_a_film_stored_flipped_or_turned_is_grounded_upright_and_mapped_back(
    engine, film_pair, monkeypatch
):
    original, stored, (rows, columns, transposed) = film_pair
    assert (original.view.mirrored, original.view.upside_down) == (False, False)
    view = stored.view
    assert (view.mirrored, view.upside_down, view.transposed) == (columns < 0, rows < 0, transposed)
    assert view.label == "frontal PA"
    seen = []
    real = engine.ground_phrase

    def spy(pixels, report, phrases):
        seen.append(pixels)
        return real(pixels, report, phrases)

    monkeypatch.setattr(engine, "ground_phrase", spy)
    plain = ground_radiograph(engine, original, "", QUERIES)
    turned = ground_radiograph(engine, stored, "", QUERIES)
    assert np.array_equal(seen[0], seen[1])  # the model saw the same, upright film
    assert np.array_equal(_stored(seen[1], rows, columns, transposed), model_input(stored))
    assert (turned.result.width, turned.result.height) == (stored.width, stored.height)
    width, height = original.width, original.height
    for a, b in zip(plain.result.findings, turned.result.findings, strict=True):
        assert a.box is not None and b.box is not None
        x0, y0, x1, y1 = a.box
        if columns < 0:
            x0, x1 = width - x1, width - x0
        if rows < 0:
            y0, y1 = height - y1, height - y0
        expected = (y0, x0, y1, x1) if transposed else (x0, y0, x1, y1)
        assert np.allclose(b.box, expected, atol=1.0), (a.box, b.box)
        # the wrong-side check works in the patient frame: a mirrored film is not flagged
        assert not a.laterality_conflict and not b.laterality_conflict
        assert np.allclose(b.heatmap, _stored(a.heatmap, rows, columns, transposed))
        on_stored = turned.result.heatmap_in_image(b)
        assert on_stored.shape == (stored.height, stored.width)
    assert turned.skipped is None


@pytest.mark.parametrize(
    ("position", "kind", "reason"),
    [
        ("LL", "lateral", "lateral view: grounding runs on the frontal film"),
        ("RAO", "oblique", "oblique view: grounding runs on the frontal film"),
    ],
)
def test_a_lateral_or_oblique_film_is_not_grounded(
    chest_film_raw, tmp_path, position, kind, reason
):
    ds = pydicom.dcmread(chest_film_raw)
    ds.ViewPosition = position
    ds.save_as(tmp_path / "film.dcm")
    image = load_image(tmp_path / "film.dcm")

    class NoEngine:
        def ground(self, *args):
            raise AssertionError(f"a {kind} film reached the engine")

        ground_phrase = ground

    grounded = ground_radiograph(NoEngine(), image, "Left effusion.")
    assert grounded.result is None and grounded.skipped == reason
    assert grounded.view == FilmView(kind, position, "ViewPosition")


@pytest.mark.parametrize("transposed", [False, True])
@pytest.mark.parametrize("mirrored", [False, True])
@pytest.mark.parametrize("upside_down", [False, True])
def test_a_box_on_the_stored_film_lands_where_the_model_sees_its_pixels(
    transposed, mirrored, upside_down
):
    from knowmvg_viewer.study.views import upright_box, upright_pixels

    stored = np.zeros((60, 90), np.float32)
    stored[10:20, 50:80] = 1.0  # a patch: rows 10-20, columns 50-80
    view = FilmView("frontal", "PA", "", mirrored, upside_down, transposed)
    upright = upright_pixels(stored, transposed, mirrored, upside_down)
    x0, y0, x1, y1 = (int(v) for v in upright_box((50, 10, 80, 20), 90, 60, view))
    assert upright[y0:y1, x0:x1].min() == 1.0 and upright.sum() == (x1 - x0) * (y1 - y0)
