"""Knowledge perturbations: the probes of scripts/ablation_breakdown.py and training's noise."""

from __future__ import annotations

import numpy as np
import pytest

from model_core.knowledge.base import KnowledgeBase
from model_core.knowledge.perturbation import KNOWLEDGE_TEXTS, KnowledgeNoise, mirrored


@pytest.mark.parametrize(
    "phrase, swapped",
    [
        ("Right lower lobe consolidation", "Left lower lobe consolidation"),
        ("left effusion, right pneumothorax", "right effusion, left pneumothorax"),
        ("bright spot in the upper zone", "bright spot in the upper zone"),
        ("RLL consolidation, small lt effusion", "LLL consolidation, small rt effusion"),
        ("R apical pneumothorax", "L apical pneumothorax"),
        ("lul nodule", "rul nodule"),
        ("RML opacity", "LINGULA opacity"),
        ("bilateral effusions, worse on the right", "bilateral effusions, worse on the left"),
        ("cardiomegaly", "cardiomegaly"),
    ],
)
def test_the_mirrored_knowledge_swaps_only_side_words(phrase, swapped):
    assert mirrored(phrase) == swapped


@pytest.mark.parametrize(
    "phrase",
    ["RLL consolidation", "R apical pneumothorax", "lul nodule", "RML opacity", "left effusion"],
)
def test_the_mirrored_phrase_gets_the_mirror_image_of_its_prior(phrase):
    """What the probe is for: the knowledge of the other side, abbreviations included."""
    kb = KnowledgeBase.load()
    x0, y0, x1, y1 = kb.prior_box(phrase)
    mx0, my0, mx1, my1 = kb.prior_box(mirrored(phrase))
    assert (x0 + x1) / 2 < 0.5 < (mx0 + mx1) / 2 or (mx0 + mx1) / 2 < 0.5 < (x0 + x1) / 2
    assert (my0 + my1) / 2 == pytest.approx((y0 + y1) / 2, abs=0.1)


def test_the_probes_keep_mirror_or_drop_the_phrase():
    phrase = "right basal effusion"
    assert [KNOWLEDGE_TEXTS[k](phrase) for k in ("as-is", "mirrored", "withheld")] == [
        phrase,
        "left basal effusion",
        "",
    ]


def test_noise_perturbs_about_its_rate_half_mirrored_half_withheld():
    noise = KnowledgeNoise(0.3, np.random.default_rng(0))
    told = [noise("right apical pneumothorax") for _ in range(4000)]
    mirrored_share = told.count("left apical pneumothorax") / len(told)
    withheld_share = told.count("") / len(told)
    assert mirrored_share == pytest.approx(0.15, abs=0.02)
    assert withheld_share == pytest.approx(0.15, abs=0.02)
    assert set(told) == {"right apical pneumothorax", "left apical pneumothorax", ""}


def test_no_noise_tells_every_phrase_as_it_is():
    noise = KnowledgeNoise(0.0, np.random.default_rng(0))
    assert {noise("left upper zone mass") for _ in range(200)} == {"left upper zone mass"}


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_a_rate_outside_zero_to_one_is_refused(rate):
    with pytest.raises(ValueError, match="knowledge noise rate must lie in"):
        KnowledgeNoise(rate, np.random.default_rng(0))
