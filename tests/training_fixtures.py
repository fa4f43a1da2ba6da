"""A small prepared split with learnable boxes, for training tests (no generator needed)."""

from __future__ import annotations

import numpy as np

from model_core.data.prepared import prepare_split
from model_core.data.samples import GroundingSample, PhraseAnnotation

TEMPLATES = [
    ("nodule in the left upper zone", (0.6, 0.2)),
    ("opacity in the right lower zone", (0.15, 0.6)),
    ("mass in the right upper zone", (0.15, 0.2)),
]


def toy_samples(n: int, seed: int, size: int = 96) -> list[GroundingSample]:
    rng = np.random.default_rng(seed)
    samples = []
    for index in range(n):
        image = rng.uniform(0.0, 0.2, (size, size + 16)).astype(np.float32)
        phrase, (x, y) = TEMPLATES[index % len(TEMPLATES)]
        x0 = int((x + rng.uniform(-0.05, 0.05)) * size)
        y0 = int((y + rng.uniform(-0.05, 0.05)) * size)
        image[y0 : y0 + 20, x0 : x0 + 20] = 0.9
        report = f"FINDINGS: There is a {phrase}. No pneumothorax."
        start = report.index(phrase)
        samples.append(
            GroundingSample(
                f"toy-{seed}-{index}",
                image,
                report,
                [
                    PhraseAnnotation(
                        phrase, (start, start + len(phrase)), [(x0, y0, x0 + 20, y0 + 20)]
                    )
                ],
            )
        )
    return samples


def write_toy_splits(root, n_train: int = 24, n_val: int = 6, image_size: int = 64):
    train, val = root / "train", root / "val"
    prepare_split(toy_samples(n_train, 0), image_size).save(train)
    prepare_split(toy_samples(n_val, 1), image_size).save(val)
    return train, val
