"""TrainConfig: every setting of a training run, explicit, defaulted and validated.

`python -m model_core.train` fills it from its flags (`TrainConfig.from_args`); the
`Trainer` is built from it alone, so a run can be configured and tested without a CLI.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields
from pathlib import Path

SIZES = ("tiny", "base")


@dataclass
class TrainConfig:
    """Paths: prepared train/val split folders; `out` the run folder (best/, last/,
    metrics.jsonl). Model: `size`, the base's local checkpoints (`mllm_path`, `sam_path`), the
    two ablation switches, `fine_box` (the last box stage, which reads pixels),
    `knowledge_noise` (the fraction of training phrases whose knowledge prompt is mirrored or
    withheld, so the query learns to overrule a wrong prior), the tokenizer folder to reuse
    (else one of `vocab_size` is trained). Optimisation: AdamW (`lr`, `weight_decay`),
    `warmup_steps` then cosine decay, `grad_clip`; `batch_size` is per process. Stopping:
    `epochs`, or `time_budget_min` minutes, or `max_steps` optimiser steps (an ablation's rows
    get equal steps, not equal wall-clock; the learning rate then decays over those steps).
    `val_limit`: validate on the first N samples (None or 0: all). `resume` from out/last;
    `init_from` a model directory's weights; `train_only` parameter-name prefixes, the only
    parameters trained (a new stage on a model kept as it was). `threads`: torch CPU threads
    (None: torch's default). `log_every` steps a metrics line."""

    train_data: Path
    val_data: Path
    out: Path
    size: str = "tiny"
    mllm_path: str | None = None
    sam_path: str | None = None
    knowledge_prompts: bool = True
    global_local: bool = True
    fine_box: bool = False
    knowledge_noise: float = 0.0
    tokenizer: Path | None = None
    vocab_size: int = 2048
    epochs: int = 10
    batch_size: int = 16
    lr: float = 5e-4
    weight_decay: float = 0.01
    warmup_steps: int = 200
    grad_clip: float = 1.0
    time_budget_min: float | None = None
    max_steps: int | None = None
    val_limit: int | None = None
    gradient_checkpointing: bool = False
    resume: bool = False
    init_from: Path | None = None
    train_only: list[str] | None = None
    seed: int = 0
    threads: int | None = None
    log_every: int = 25

    def __post_init__(self) -> None:
        for name in ("train_data", "val_data", "out", "tokenizer", "init_from"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, Path(value))
        self.validate()

    def validate(self) -> None:
        """ValueError naming the setting and its value."""
        if self.size not in SIZES:
            raise ValueError(f"size {self.size!r}: choose one of {', '.join(SIZES)}")
        at_least = {
            "vocab_size": (self.vocab_size, 1),
            "epochs": (self.epochs, 0),
            "batch_size": (self.batch_size, 1),
            "warmup_steps": (self.warmup_steps, 0),
            "log_every": (self.log_every, 1),
            "val_limit": (self.val_limit, 0),
            "threads": (self.threads, 1),
            "max_steps": (self.max_steps, 1),
        }
        for name, (value, low) in at_least.items():
            if value is not None and value < low:
                raise ValueError(f"{name} must be at least {low}, got {value}")
        positive = {
            "lr": self.lr,
            "grad_clip": self.grad_clip,
            "time_budget_min": self.time_budget_min,
        }
        for name, value in positive.items():
            if value is not None and not value > 0:
                raise ValueError(f"{name} must be positive, got {value}")
        if not 0.0 <= self.knowledge_noise <= 1.0:
            raise ValueError(f"knowledge_noise must lie in [0, 1], got {self.knowledge_noise}")
        if self.weight_decay < 0:
            raise ValueError(f"weight_decay must be at least 0, got {self.weight_decay}")

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> TrainConfig:
        """From `model_core.train.build_parser()`'s namespace: the `--no-*` switches become
        the positive fields; every other flag maps to the field of its name."""
        values = vars(args).copy()
        values["knowledge_prompts"] = not values.pop("no_knowledge_prompts")
        values["global_local"] = not values.pop("no_global_local")
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValueError(f"flags without a TrainConfig field: {unknown}")
        return cls(**values)

    def to_dict(self) -> dict:
        return {
            f.name: str(v) if isinstance(v := getattr(self, f.name), Path) else v
            for f in fields(self)
        }
