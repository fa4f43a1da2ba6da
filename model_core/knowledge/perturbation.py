"""Knowledge that differs from the phrase it is given for.

Two uses of the same perturbations: the probes that measure how far a model leans on its
knowledge prompts (`scripts/ablation_breakdown.py --knowledge`), and knowledge noise in
training (`--knowledge-noise`). In clean training data the prior never disagrees with the
report, so nothing teaches the query to overrule it; a model trained only on clean priors
follows a mirrored one to the wrong lung.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_SIDE_WORD = re.compile(r"\b(right|left)\b", re.IGNORECASE)


def mirrored(phrase: str) -> str:
    """The phrase with right and left swapped, case kept ("Right" -> "Left")."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        other = "left" if word.lower() == "right" else "right"
        return other.capitalize() if word[0].isupper() else other

    return _SIDE_WORD.sub(swap, phrase)


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
