"""Knowledge that differs from the phrase it is given for.

Two uses of the same perturbations: the probes that measure how far a model leans on its
knowledge prompts (`scripts/ablation_breakdown.py --knowledge`), and knowledge noise in
training (`--knowledge-noise`). In clean training data the prior never disagrees with the
report, so nothing teaches the query to overrule it; a model trained only on clean priors
follows a mirrored one to the wrong lung.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._terms import mirror_sides


def mirrored(phrase: str) -> str:
    """The phrase with its sides swapped, read by the knowledge base's own side matcher, so
    abbreviations swap too ("RLL" -> "LLL", "rt" -> "lt", "Right" -> "Left")."""
    return mirror_sides(phrase)


def withheld(phrase: str) -> str:
    """No knowledge text: the prior falls back to both lungs."""
    return ""


KNOWLEDGE_TEXTS: dict[str, Callable[[str], str]] = {
    "as-is": lambda phrase: phrase,
    "mirrored": mirrored,
    "withheld": withheld,
}


@dataclass
class KnowledgeNoise:
    """Per phrase, with probability `rate`, the knowledge of the mirrored phrase or none
    (half each); otherwise the phrase itself. A phrase without a side word mirrors to itself."""

    rate: float
    rng: np.random.Generator

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"knowledge noise rate must lie in [0, 1], got {self.rate}")

    def __call__(self, phrase: str) -> str:
        draw = self.rng.random()
        if draw >= self.rate:
            return phrase
        return mirrored(phrase) if draw < self.rate / 2 else withheld(phrase)
