"""Calibrated confidence: the isotonic fit, ECE, Spearman, calibration.json, and the engine
giving each box its calibrated confidence (or None without a calibration)."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest

from model_core.calibration import (
    CALIBRATION_FILE,
    ScoreCalibration,
    expected_calibration_error,
    fit_isotonic,
    reliability_bins,
    spearman,
)
from model_core.engine import GroundingEngine

from .conftest import ENGINE_TEST_REPORT as REPORT


def test_isotonic_fit_pools_violators_and_is_monotone():
    calibration = fit_isotonic([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0, 1, 0, 0, 1, 1])
    # (0.1) 0/1, then (0.2, 0.3, 0.4) pooled to 1/3, then (0.5, 0.6) 2/2; each block's
    # value is (hits + 0.5) / (n + 1): 0.25, 0.375, 0.833
    assert calibration.scores == (0.1, 0.2, 0.4, 0.5, 0.6)
    assert calibration.probabilities == pytest.approx((0.25, 0.375, 0.375, 2.5 / 3, 2.5 / 3))
    assert calibration(0.3) == pytest.approx(0.375)
    assert calibration(0.45) == pytest.approx((0.375 + 2.5 / 3) / 2)  # linear between blocks
    assert calibration(-1.0) == 0.25 and calibration(2.0) == pytest.approx(2.5 / 3)


def test_a_block_that_never_missed_is_not_a_certainty():
    calibration = fit_isotonic(np.linspace(0, 1, 1000), np.linspace(0, 1, 1000) > 0.5)
    assert 0 < calibration(0.0) < 0.002 and 0.998 < calibration(1.0) < 1
    grid = calibration(np.linspace(0, 1, 101))
    assert np.all(np.diff(grid) >= 0)


def test_calibration_makes_a_miscalibrated_score_calibrated():
    rng = np.random.default_rng(0)
    scores = rng.uniform(0, 1, 20000)
    hits = rng.uniform(0, 1, 20000) < scores**3  # P(hit) = score^3: overconfident
    fit, check = slice(0, 10000), slice(10000, None)
    calibration = fit_isotonic(scores[fit], hits[fit])
    before = expected_calibration_error(scores[check], hits[check])
    after = expected_calibration_error(calibration(scores[check]), hits[check])
    assert before > 0.15 and after < 0.03


def test_ece_and_reliability_bins():
    probabilities = np.array([0.05, 0.05, 0.95, 0.95])
    assert expected_calibration_error(probabilities, np.array([0, 0, 1, 1])) == pytest.approx(0.05)
    assert expected_calibration_error(probabilities, np.array([1, 1, 0, 0])) == pytest.approx(0.95)
    bins = reliability_bins(probabilities, np.array([0, 1, 1, 1]), n_bins=15)
    assert bins[0] == (0.05, 0.5, 2) and bins[14] == (0.95, 1.0, 2)
    assert sum(n for _, _, n in bins) == 4 and np.isnan(bins[7][0])


def test_spearman_ranks_with_ties():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 2, 2], [1, 2, 3, 4]) == pytest.approx(0.8944, abs=1e-4)
    assert np.isnan(spearman([1, 1, 1], [1, 2, 3]))


def test_calibration_json_round_trips(tmp_path):
    calibration = fit_isotonic([0.2, 0.5, 0.9], [0, 1, 1], fitted_on="val")
    calibration.save(tmp_path)
    assert ScoreCalibration.load(tmp_path) == calibration
    assert ScoreCalibration.load(tmp_path / "elsewhere") is None


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"format": "other"}),
        json.dumps({"format": "knowmvg-calibration/1", "scores": [0.1]}),
        json.dumps(
            {"format": "knowmvg-calibration/1", "scores": [0.5, 0.1], "probabilities": [0.1, 0.5]}
        ),
        json.dumps(
            {"format": "knowmvg-calibration/1", "scores": [0.1, 0.5], "probabilities": [0.5, 1.5]}
        ),
    ],
)
def test_a_corrupt_calibration_is_one_value_error_naming_the_file(tmp_path, content):
    (tmp_path / CALIBRATION_FILE).write_text(content)
    with pytest.raises(ValueError, match=rf"{CALIBRATION_FILE}: not a usable score calibration"):
        ScoreCalibration.load(tmp_path)


@pytest.fixture(scope="module")
def calibrated_dir(model_dir, tmp_path_factory):
    directory = tmp_path_factory.mktemp("calibrated") / "model"
    shutil.copytree(model_dir, directory)
    ScoreCalibration((0.0, 1.0), (0.2, 0.6), fitted_on="test").save(directory)
    return directory


def image():
    return np.random.default_rng(0).uniform(0, 1, (300, 240)).astype(np.float32)


def test_engine_gives_calibrated_confidence_and_keeps_the_score(model_dir, calibrated_dir):
    plain = GroundingEngine.load(model_dir, device="cpu", threads=1).ground(image(), REPORT)
    engine = GroundingEngine.load(calibrated_dir, device="cpu", threads=1)
    assert engine.describe()["calibrated"] is True
    calibrated = engine.ground(image(), REPORT)
    assert len(plain.findings) == len(calibrated.findings)
    boxed = 0
    for before, after in zip(plain.findings, calibrated.findings, strict=True):
        assert before.confidence is None
        assert (before.box, before.score) == (after.box, after.score)
        if after.box is None:
            assert after.confidence is None
        else:
            boxed += 1
            assert after.confidence == pytest.approx(0.2 + 0.4 * after.score)
            assert after.to_json()["confidence"] == round(after.confidence, 4)
    assert boxed


def test_engine_refuses_a_corrupt_calibration(calibrated_dir, tmp_path):
    broken = tmp_path / "model"
    shutil.copytree(calibrated_dir, broken)
    (broken / CALIBRATION_FILE).write_text('{"format": "knowmvg-calibration/1"}')
    with pytest.raises(ValueError, match=re.escape(str(broken / CALIBRATION_FILE))):
        GroundingEngine.load(broken, device="cpu")


def test_uncertainty_is_a_share_of_the_box_whatever_the_film_size(model_dir):
    # The same film stored at twice the size: a spread in pixels would double, a spread
    # relative to the box (what `uncertainty` is, like IoU) stays where it was.
    engine = GroundingEngine.load(model_dir, device="cpu", threads=1)
    film = image()
    small = engine.ground(film, REPORT)
    large = engine.ground(np.kron(film, np.ones((2, 2), np.float32)), REPORT)
    pairs = [(a, b) for a, b in zip(small.findings, large.findings, strict=True) if a.box]
    assert pairs
    for a, b in pairs:
        assert b.box[2] == pytest.approx(2 * a.box[2], rel=0.05)  # the boxes did scale
        assert b.uncertainty == pytest.approx(a.uncertainty, rel=0.05, abs=1e-4)
