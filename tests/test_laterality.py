"""The wrong-side check: a positive finding whose phrase names a side but whose box centre
lies in the other hemithorax is flagged (patient's right on the image's left)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model_core.box_geometry import Letterbox
from model_core.data.synthetic.generator import display_image, generate_study, split_seeds
from model_core.knowledge import KnowledgeBase
from model_core.midline import MIDLINE_DEAD_ZONE, film_midline
from model_core.modeling.knowmvg import KnowMVGOutput
from model_core.phrase_selection import report_phrases
from model_core.postprocess import FindingPostprocessor
from model_core.results import GroundedFinding
from model_core.text.extraction import PhraseExtractor

WIDTH = 400


@pytest.fixture(scope="module")
def knowledge():
    return KnowledgeBase.load()


@pytest.fixture(scope="module")
def post(knowledge):
    return FindingPostprocessor(knowledge, list(knowledge.region_ids))


def finding(phrase, centre_x, assertion="positive"):
    box = (centre_x * WIDTH - 20, 100.0, centre_x * WIDTH + 20, 200.0)
    return GroundedFinding(phrase, (0, len(phrase)), box=box, score=0.9, assertion=assertion)


@pytest.mark.parametrize(
    ("phrase", "centre_x", "conflict"),
    [
        ("right pleural effusion", 0.25, False),  # patient's right = image left
        ("right pleural effusion", 0.75, True),
        ("Left lower lobe opacity", 0.75, False),
        ("Left lower lobe opacity", 0.25, True),
        ("RLL consolidation", 0.8, True),
        ("lul nodule", 0.2, True),
        ("small l effusion", 0.2, True),
        ("R apical pneumothorax", 0.2, False),
        ("b/l effusions", 0.8, False),  # both sides: nothing to check
        ("bilateral lower lobe opacities", 0.2, False),
        ("right and left effusions", 0.2, False),
        ("cardiomegaly", 0.9, False),  # no side named
        ("right pleural effusion", 0.5 + MIDLINE_DEAD_ZONE * 0.8, False),  # in the dead zone
        ("right pleural effusion", 0.5 + MIDLINE_DEAD_ZONE * 1.2, True),
    ],
)
def test_the_flag_follows_the_named_side(post, phrase, centre_x, conflict):
    assert post.laterality_conflict(finding(phrase, centre_x), WIDTH / 2, WIDTH) is conflict


def test_hedged_findings_are_checked_negated_and_boxless_ones_not(post):
    assert post.laterality_conflict(finding("possible right effusion", 0.8, "uncertain"), 200, 400)
    assert not post.laterality_conflict(finding("no right effusion", 0.8, "negated"), 200, 400)
    assert not post.laterality_conflict(GroundedFinding("right effusion", (0, 14)), 200, 400)


def test_the_midline_comes_from_the_film():
    """On synthetic films the patient's midline is at the width's centre (within 3 %); a crop
    that takes 15 % of the width off one side moves the estimate with the patient."""
    for seed in split_seeds("val", 6):
        film = display_image(generate_study(seed, size=256))
        width = film.shape[1]
        assert film_midline(film) == pytest.approx(width / 2, abs=0.08 * width)
        cut = int(0.15 * width)
        expected = width / 2 - cut
        assert film_midline(film[:, cut:]) == pytest.approx(expected, abs=0.08 * width)
    flat = np.full((100, 80), 0.5, np.float32)
    assert film_midline(flat) == 40.0


def test_ground_truth_boxes_of_synthetic_studies_are_never_flagged(post):
    sided = 0
    for seed in split_seeds("val", 25):
        study = generate_study(seed, size=256)
        midline = film_midline(display_image(study))
        width = study.pixels.shape[1]
        for phrase in study.phrases:
            if phrase.negated or not phrase.boxes:
                continue
            for box in phrase.boxes:
                truth = GroundedFinding(phrase.text, tuple(phrase.span), box=tuple(box))
                sided += post.knowledge.side_of(phrase.text) in ("left", "right")
                assert not post.laterality_conflict(truth, midline, width), (seed, phrase.text)
    assert sided >= 10


def fake_output(centres_x: list[float]) -> KnowMVGOutput:
    n = len(centres_x)
    boxes = torch.tensor([[x, 0.5, 0.1, 0.2] for x in centres_x])
    return KnowMVGOutput(
        boxes=boxes,
        hypotheses=boxes[None, :, None].repeat(1, 1, 2, 1),
        confidence_logits=torch.zeros(n),
        uncertainty=torch.zeros(n),
        attention=torch.ones(n, 4, 4) / 16,
    )


def test_a_shared_box_takes_the_decision_with_its_own_phrase(knowledge, post):
    """ "Right basilar opacity, likely atelectasis": the box on the image's right is wrong for
    "right basilar opacity"; the atelectasis shares the box but names no side."""
    report = "Right basilar opacity, likely atelectasis. Left pleural effusion."
    selection = report_phrases(PhraseExtractor(knowledge), report)
    texts = [r.text for r in selection.requests]
    centres = [0.3 if "effusion" in text.lower() else 0.75 for text in texts]
    letterbox = Letterbox(256, 256, 256)
    findings = post(report, selection, list(range(len(texts))), fake_output(centres), letterbox)
    by_text = {f.phrase.lower(): f for f in findings}
    opacity = by_text["right basilar opacity"]
    atelectasis = next(f for f in findings if f.finding == "atelectasis")
    effusion = by_text["left pleural effusion"]
    assert atelectasis.located_by == opacity.span and atelectasis.box == opacity.box
    assert opacity.laterality_conflict and not atelectasis.laterality_conflict
    assert effusion.laterality_conflict  # patient's left is the image's right
    assert effusion.to_json()["laterality_conflict"] is True
