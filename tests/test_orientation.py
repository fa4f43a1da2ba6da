"""ground_radiograph: laterals are not grounded; a film stored mirrored is flipped for the
model and its boxes and heatmaps are mapped back; GroundingResult.mirrored."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest

from knowmvg_viewer.grounding import SKIPPED_LATERAL, ground_radiograph
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


def test_mirrored_result_mirrors_boxes_and_heatmaps_and_leaves_the_original():
    result = _result()
    mirrored = result.mirrored()
    assert mirrored.findings[0].box == (150.0, 20.0, 190.0, 60.0)
    assert np.array_equal(mirrored.findings[0].heatmap, result.findings[0].heatmap[:, ::-1])
    assert mirrored.findings[1].box is None and mirrored.findings[1].negated
    assert result.findings[0].box == (10.0, 20.0, 50.0, 60.0)  # untouched
    twice = mirrored.mirrored()
    assert twice.findings[0].box == result.findings[0].box
    assert np.array_equal(twice.findings[0].heatmap, result.findings[0].heatmap)
    # in image space too: the heatmap laid on the image is the mirror image
    in_image = result.heatmap_in_image(result.findings[0])
    back = mirrored.heatmap_in_image(mirrored.findings[0])
    assert np.abs(back - in_image[:, ::-1]).max() < 0.1


@pytest.fixture(scope="module")
def engine(model_dir):
    from model_core.engine import GroundingEngine

    return GroundingEngine.load(model_dir, device="cpu")


@pytest.fixture
def film_pair(tmp_path, chest_film_raw):
    """The real CR film as stored, and a copy stored mirrored (pixels flipped left-right,
    PatientOrientation R\\F), as some systems send it."""
    ds = pydicom.dcmread(chest_film_raw)
    ds.PixelData = np.ascontiguousarray(ds.pixel_array[:, ::-1]).tobytes()
    ds.PatientOrientation = ["R", "F"]
    ds.save_as(tmp_path / "mirrored.dcm")
    return load_image(chest_film_raw), load_image(tmp_path / "mirrored.dcm")


def test_a_mirrored_film_is_grounded_in_standard_orientation_and_mapped_back(
    engine, film_pair, monkeypatch
):
    original, mirrored = film_pair
    assert not original.view.mirrored and mirrored.view.mirrored
    seen = []
    real = engine.ground_phrase

    def spy(pixels, report, phrases):
        seen.append(pixels)
        return real(pixels, report, phrases)

    monkeypatch.setattr(engine, "ground_phrase", spy)
    plain = ground_radiograph(engine, original, "", QUERIES)
    flipped = ground_radiograph(engine, mirrored, "", QUERIES)
    assert np.array_equal(seen[0], seen[1])  # the model saw the same, standard film
    assert np.array_equal(seen[1], model_input(mirrored)[:, ::-1])
    width = original.width
    for a, b in zip(plain.result.findings, flipped.result.findings, strict=True):
        assert a.box is not None and b.box is not None
        expected = (width - a.box[2], a.box[1], width - a.box[0], a.box[3])
        assert np.allclose(b.box, expected, atol=1.0), (a.box, b.box)
        assert np.allclose(b.heatmap, a.heatmap[:, ::-1])
    assert flipped.skipped is None and flipped.view.mirrored


def test_a_lateral_film_is_not_grounded(chest_film_raw, tmp_path):
    ds = pydicom.dcmread(chest_film_raw)
    ds.ViewPosition = "LL"
    ds.save_as(tmp_path / "lateral.dcm")
    image = load_image(tmp_path / "lateral.dcm")

    class NoEngine:
        def ground(self, *args):
            raise AssertionError("a lateral film reached the engine")

        ground_phrase = ground

    grounded = ground_radiograph(NoEngine(), image, "Left effusion.")
    assert grounded.result is None and grounded.skipped == SKIPPED_LATERAL
    assert grounded.view == FilmView("lateral", "LL", "ViewPosition")
    assert SKIPPED_LATERAL == "lateral view: grounding runs on the frontal film"
