"""Fine-tune a model on a site dataset (issue 13): `knowmvg finetune --model BASE --data SITE
--out NEW`, or `finetune()` from Python (the viewer's worker passes a cancel Event and a
progress callback).

SITE is a dataset in the MS-CXR layout (`knowmvg dataset export` writes one from reviewed
studies). Its studies are split, seeded and by study (a film never lies on both sides), into
a training part and a held-out part. BASE is scored on the held-out part (before), trained
warm-started on the rest (BASE's config and tokenizer, all its weights; a small learning rate,
a step and a time budget; the `base` size trains its LoRA adapters, as its config says),
scored again (after), and written as a new model directory whose model card records the
lineage. Optionally, studies of the synthetic training distribution are replayed beside the
site's, so the model keeps what it knew (`replay`).

NEW is built in a hidden sibling folder and renamed into place at the very end: a failed or
cancelled job leaves nothing. NEW never replaces anything: an existing NEW, NEW equal to BASE
or inside it is refused before any work.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from .box_ops import box_cxcywh_to_xyxy
from .calibration import CALIBRATION_FILE, ScoreCalibration, fit_isotonic
from .data.prepare import prepare_synthetic
from .data.prepared import PreparedSplit, prepare_sample
from .data.readers import (
    Annotation,
    DatasetError,
    ImageReadError,
    ProblemLog,
    load_grayscale,
    open_dataset,
)
from .data.readers.base import to_sample
from .engine import pick_device
from .finetune_card import model_card
from .metrics import best_iou, grounding_scores
from .modeling.configuration import KnowMVGConfig
from .modeling.knowmvg import WEIGHTS_NAME
from .train import Trainer
from .train_config import SIZES, TrainConfig

log = logging.getLogger(__name__)

MIN_STUDIES = 10  # fewer cannot be split into a training and a held-out part
MIN_HELD_OUT = 3  # studies: fewer give no before/after worth printing
MIN_CALIBRATION_PHRASES = 50  # held-out phrases needed to refit calibration.json
SITE_CARD = "dataset.json"  # the site dataset's card (knowmvg dataset export)
REPLAY_GENERATE_SIZE = 384  # long side the replayed synthetic studies are drawn at
REPLAY_PER_STUDY = 3  # default replay: synthetic studies per site training study

Progress = Callable[[str, int, int], None]  # (phase, done, total)
PHASES = ("prepare", "before", "train", "after", "write")


class FineTuneError(ValueError):
    """Bad input (an unusable BASE, SITE or NEW): one line naming the path and the reason."""


class FineTuneCancelled(Exception):
    """The job was cancelled (the cancel Event was set); nothing was written."""


@dataclass
class FineTuneSettings:
    """`steps` optimiser steps and/or `minutes` of training, whichever ends first (at least
    one); `held_out` the share of SITE's studies kept out of training; `replay` synthetic
    training studies mixed in (None: REPLAY_PER_STUDY per SITE training study, 0: none);
    `calibrate`: refit calibration.json on the held-out part when it has at least
    MIN_CALIBRATION_PHRASES phrases (else BASE's is kept)."""

    steps: int | None = 600
    minutes: float | None = 20.0
    held_out: float = 0.2
    seed: int = 0
    device: str = "auto"
    threads: int | None = None
    batch_size: int = 16
    lr: float = 2e-4
    warmup_steps: int = 30
    replay: int | None = None
    replay_workers: int = 2
    calibrate: bool = True

    def validate(self) -> None:
        if self.steps is None and self.minutes is None:
            raise FineTuneError("give a step budget, a time budget, or both")
        if self.steps is not None and self.steps < 1:
            raise FineTuneError(f"steps must be at least 1, got {self.steps}")
        if self.minutes is not None and not self.minutes > 0:
            raise FineTuneError(f"minutes must be positive, got {self.minutes}")
        if not 0.0 < self.held_out <= 0.5:
            raise FineTuneError(f"held-out fraction must be in (0, 0.5], got {self.held_out}")
        if self.replay is not None and self.replay < 0:
            raise FineTuneError(f"replay must be at least 0, got {self.replay}")
        for name in ("batch_size", "warmup_steps", "threads", "replay_workers"):
            value = getattr(self, name)
            if value is not None and value < (0 if name == "warmup_steps" else 1):
                raise FineTuneError(f"{name.replace('_', ' ')} must be positive, got {value}")
        if not self.lr > 0:
            raise FineTuneError(f"learning rate must be positive, got {self.lr}")


@dataclass
class StudySplit:
    """SITE's study ids (dicom_id), sorted within each part."""

    train: list[str]
    held_out: list[str]


@dataclass
class FineTuneResult:
    """What a job did: the new model's folder, the data, the budget used, and the held-out
    scores before and after (phrase given: n, AP10, AP30, AP50, mIoU)."""

    out: Path
    base: Path
    data: Path
    studies: dict[str, int]
    phrases: dict[str, int]
    replay_studies: int
    steps: int
    train_seconds: float
    total_seconds: float
    device: str
    before: dict
    after: dict
    calibration: str
    problems: list[str] = field(default_factory=list)  # repairs (clipped boxes) and drops
    dropped: int = 0  # problems that left a row, phrase or film out

    def line(self) -> str:
        b, a = self.before, self.after
        return (
            f"{self.out}: fine-tuned from {self.base.name} on {self.studies['train']} site "
            f"studies in {self.steps} steps ({self.train_seconds / 60:.1f} min); held-out "
            f"{self.studies['held_out']} studies ({self.phrases['held_out']} phrases): AP50 "
            f"{b['AP50']:.1f} -> {a['AP50']:.1f}, mIoU {b['mIoU']:.1f} -> {a['mIoU']:.1f}"
        )

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("out", "base", "data"):
            data[key] = str(data[key])
        return data


# -- the job -----------------------------------------------------------------------------


def finetune(
    base: Path | str,
    data: Path | str,
    out: Path | str,
    settings: FineTuneSettings | None = None,
    *,
    command: str = "",
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> FineTuneResult:
    """Fine-tune BASE on SITE into the new model directory OUT (see the module docstring).

    FineTuneError for bad input (before anything is written); FineTuneCancelled when
    `cancel` is set (checked between steps); `progress(phase, done, total)` is called as
    the job goes (phases: PHASES). `command` is recorded in the model card."""
    settings = settings or FineTuneSettings()
    settings.validate()
    base, data, out = Path(base), Path(data), Path(out)
    started = time.monotonic()
    base_config = check_paths(base, data, out)
    problems = ProblemLog()
    reader = _reader(data, problems)
    annotations = _annotations(reader, data)
    ids = sorted({a.image_id for a in annotations})
    split = split_studies(ids, settings.held_out, settings.seed, data)
    report = progress or (lambda phase, done, total: None)
    with tempfile.TemporaryDirectory(prefix="knowmvg-finetune-") as scratch:
        folder = Path(scratch)
        report("prepare", 0, 2)
        train_split, held_split = _prepared_parts(
            annotations, problems, split, base_config.image_size, data
        )
        replay = _replay(settings, len(split.train), base_config.image_size, cancel)
        if replay is not None:
            train_split = PreparedSplit(
                np.concatenate([train_split.pixels, replay.pixels]),
                train_split.records + replay.records,
            )
        train_split.save(folder / "train")
        held_split.save(folder / "held_out")
        report("prepare", 2, 2)
        _check_cancel(cancel)
        trainer = _trainer(base, base_config, folder, settings)
        report("before", 0, 1)
        before, _ = score_held_out(trainer, held_split)
        report("before", 1, 1)
        train_started = time.monotonic()
        steps = fit(trainer, settings, cancel, lambda d, t: report("train", d, t))
        train_seconds = time.monotonic() - train_started
        report("after", 0, 1)
        after, confidence = score_held_out(trainer, held_split)
        report("after", 1, 1)
        _check_cancel(cancel)
        result = FineTuneResult(
            out=out,
            base=base,
            data=data,
            studies={"train": len(split.train), "held_out": len(split.held_out)},
            phrases={"train": _phrase_count(train_split, replay), "held_out": after["n"]},
            replay_studies=0 if replay is None else len(replay),
            steps=steps,
            train_seconds=round(train_seconds, 1),
            total_seconds=0.0,
            device=str(trainer.device),
            before=before,
            after=after,
            calibration="",
            problems=[str(p) for p in problems.problems],
            dropped=problems.n_dropped,
        )
        report("write", 0, 1)
        result.total_seconds = round(time.monotonic() - started, 1)
        write_model(trainer, result, settings, confidence, split, command, cancel)
        report("write", 1, 1)
    log.info("%s", result.line())
    return result


def check_paths(base: Path, data: Path, out: Path) -> KnowMVGConfig:
    """BASE's config; FineTuneError when BASE is not a model directory, SITE is missing, or
    OUT exists, is BASE or lies inside it."""
    if not base.is_dir():
        raise FineTuneError(f"{base}: model directory not found")
    try:
        config = KnowMVGConfig.load(base)
    except ValueError as exc:
        raise FineTuneError(str(exc)) from None
    if not (base / WEIGHTS_NAME).is_file():
        raise FineTuneError(f"{base / WEIGHTS_NAME}: missing")
    if config.size_name not in SIZES:
        raise FineTuneError(f"{base}: model size {config.size_name!r} cannot be fine-tuned")
    if not data.exists():
        raise FineTuneError(f"{data}: no such site dataset")
    if out.exists() or out.is_symlink():
        raise FineTuneError(
            f"{out}: already exists; a fine-tune writes a new folder, never over one"
        )
    resolved_base, resolved_out = base.resolve(), out.resolve()
    if resolved_out == resolved_base or resolved_out.is_relative_to(resolved_base):
        raise FineTuneError(f"{out}: inside the base model {base}; choose a folder outside it")
    return config


def split_studies(ids: list[str], fraction: float, seed: int, data: Path) -> StudySplit:
    """A seeded split by study: round(fraction x n) studies held out (at least one).
    FineTuneError when there are fewer than MIN_STUDIES studies or the held-out part would
    have fewer than MIN_HELD_OUT."""
    ids = sorted(set(ids))
    if len(ids) < MIN_STUDIES:
        raise FineTuneError(
            f"{data}: {len(ids)} studies; fine-tuning needs at least {MIN_STUDIES} "
            "(to train on some and score it on others)"
        )
    n_held = max(1, round(fraction * len(ids)))
    if n_held < MIN_HELD_OUT:
        raise FineTuneError(
            f"{data}: a held-out part of {fraction:g} x {len(ids)} studies has {n_held}; it "
            f"needs at least {MIN_HELD_OUT} (raise --held-out or add studies)"
        )
    order = np.random.default_rng(seed).permutation(len(ids))
    held = sorted(ids[int(i)] for i in order[:n_held])
    train = sorted(ids[int(i)] for i in order[n_held:])
    return StudySplit(train, held)


def _reader(data: Path, problems: ProblemLog):
    try:
        return open_dataset("ms-cxr", data, None, problems)
    except DatasetError as exc:
        raise FineTuneError(str(exc)) from None


def _annotations(reader, data: Path) -> list:
    try:
        return list(reader.annotations())
    except DatasetError as exc:
        raise FineTuneError(str(exc)) from None


def _prepared_parts(
    annotations: list[Annotation],
    problems: ProblemLog,
    split: StudySplit,
    image_size: int,
    data: Path,
) -> tuple[PreparedSplit, PreparedSplit]:
    """The two parts as prepared splits; an unreadable film is one problem, its phrases
    skipped (the annotations were read once: each problem is reported once)."""
    held = set(split.held_out)
    train_samples, held_samples = [], []
    cached_path, image = None, None  # one film at a time: its phrases are next to each other
    for annotation in annotations:
        if annotation.image_path != cached_path:
            cached_path, image = annotation.image_path, None
            try:
                image = load_grayscale(cached_path)
            except ImageReadError as exc:
                problems.dropped(str(cached_path), f"{exc.reason}; sample skipped")
        if image is None:
            continue
        prepared = prepare_sample(to_sample(annotation, image), image_size)  # 8-bit, small
        (held_samples if annotation.image_id in held else train_samples).append(prepared)
    if not train_samples or not held_samples:
        raise FineTuneError(f"{data}: no readable films in the training or the held-out part")
    return _split_of(train_samples), _split_of(held_samples)


def _split_of(prepared: list[tuple[np.ndarray, dict]]) -> PreparedSplit:
    return PreparedSplit(np.stack([p for p, _ in prepared]), [r for _, r in prepared])


def _replay(
    settings: FineTuneSettings, n_site: int, image_size: int, cancel: threading.Event | None
) -> PreparedSplit | None:
    n = REPLAY_PER_STUDY * n_site if settings.replay is None else settings.replay
    if n == 0:
        return None
    _check_cancel(cancel)
    log.info("replay: %d synthetic training studies", n)
    return prepare_synthetic("train", n, image_size, REPLAY_GENERATE_SIZE, settings.replay_workers)


def _phrase_count(train: PreparedSplit, replay: PreparedSplit | None) -> int:
    site = len(train) - (0 if replay is None else len(replay))
    return sum(len(r["phrases"]) for r in train.records[:site])


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise FineTuneCancelled("fine-tune cancelled; nothing was written")


# -- training ------------------------------------------------------------------------------


class SiteTrainer(Trainer):
    """The Trainer with BASE's own config (architecture, image size, LoRA) instead of a
    named size's; its tokenizer is BASE's (`TrainConfig.tokenizer`), its weights are loaded
    from BASE by `_trainer`."""

    def __init__(self, base_config: KnowMVGConfig, *args, **kwargs) -> None:
        self._base_config = base_config
        super().__init__(*args, **kwargs)

    def _config(self) -> KnowMVGConfig:
        return self._base_config


def _trainer(
    base: Path, base_config: KnowMVGConfig, folder: Path, settings: FineTuneSettings
) -> SiteTrainer:
    try:
        device = pick_device(settings.device)
    except ValueError as exc:
        raise FineTuneError(str(exc)) from None
    if settings.threads:
        torch.set_num_threads(settings.threads)
    torch.manual_seed(settings.seed)
    config = TrainConfig(
        train_data=folder / "train",
        val_data=folder / "held_out",  # loaded by the Trainer, never used to pick weights
        out=folder / "run",
        size=base_config.size_name,
        tokenizer=base,
        epochs=1_000_000,  # the step or time budget ends training
        batch_size=settings.batch_size,
        lr=settings.lr,
        warmup_steps=settings.warmup_steps,
        max_steps=settings.steps,
        time_budget_min=settings.minutes,
        seed=settings.seed,
        threads=settings.threads,
    )
    trainer = SiteTrainer(base_config, config, 0, 1, device)
    # BASE's weights, strictly: same config and tokenizer, so every tensor must fit
    state = load_file(str(base / WEIGHTS_NAME))
    try:
        trainer.model.load_checkpoint_state(state, base / WEIGHTS_NAME)
    except ValueError as exc:
        raise FineTuneError(str(exc)) from None
    trainer.model.to(device)
    return trainer


def fit(
    trainer: Trainer,
    settings: FineTuneSettings,
    cancel: threading.Event | None,
    progress: Callable[[int, int], None],
) -> int:
    """Train until the step or time budget runs out; the number of steps taken. The cancel
    Event is checked before every step."""
    trainer.started = time.monotonic()
    budget_s = settings.minutes * 60 if settings.minutes is not None else math.inf
    total = settings.steps or 0  # 0: unknown (time budget alone)
    step, epoch = 0, 0
    trainer.model.train()
    while True:
        indices = trainer._epoch_indices(epoch)
        size = trainer.train_config.batch_size
        for start in range(0, len(indices), size):
            _check_cancel(cancel)
            trainer._train_step(indices[start : start + size])
            step += 1
            elapsed = time.monotonic() - trainer.started
            progress(step, expected_steps(step, total, budget_s, elapsed))
            if step >= (settings.steps or math.inf):
                return step
            if time.monotonic() - trainer.started > budget_s:
                log.info("time budget of %.1f min reached at step %d", settings.minutes, step)
                return step
        epoch += 1


def expected_steps(step: int, steps: int, budget_s: float, elapsed_s: float) -> int:
    """How many steps the job will take, for a progress bar: the step budget, or fewer when
    the time budget, at the pace so far, ends it first (0: unknown)."""
    if math.isinf(budget_s) or elapsed_s <= 0:
        return steps
    by_time = max(step, math.ceil(step * budget_s / elapsed_s))
    return min(steps, by_time) if steps else by_time


@torch.inference_mode()
def score_held_out(trainer: Trainer, split: PreparedSplit, batch_size: int = 16) -> tuple:
    """Phrase-given scores (n, AP10, AP30, AP50, mIoU) of the trainer's model on `split`,
    and per phrase (score, hit at IoU 0.5) for the calibration."""
    model, collator = trainer.model, trainer.collator
    model.eval()
    ious: list[float] = []
    confidence: list[float] = []
    for start in range(0, len(split), batch_size):
        batch = collator(split, list(range(start, min(start + batch_size, len(split)))))
        if not batch.phrases:
            continue
        with trainer._autocast():
            output = model(batch.inputs.to(trainer.device))
        boxes = box_cxcywh_to_xyxy(output.boxes).float().cpu().numpy()
        scores = output.confidence.float().cpu().numpy()
        for row, (phrase, image) in enumerate(zip(batch.phrases, batch.image_index, strict=True)):
            box = batch.letterboxes[image].model_to_image_xyxy(boxes[row])
            ious.append(best_iou(box, phrase.boxes))
            confidence.append(float(scores[row]))
    model.train()
    return grounding_scores(ious), (np.array(confidence), np.array(ious))


# -- writing -------------------------------------------------------------------------------


def write_model(
    trainer: Trainer,
    result: FineTuneResult,
    settings: FineTuneSettings,
    confidence: tuple[np.ndarray, np.ndarray],
    split: StudySplit,
    command: str,
    cancel: threading.Event | None,
) -> None:
    """The new model directory: built in a hidden sibling, renamed into place; nothing is
    left behind when anything fails (or the job is cancelled) on the way."""
    out = result.out
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.parent / f".{out.name}.{secrets.token_hex(4)}.part"
    part.mkdir()
    try:
        trainer.model.save_pretrained(part, trainer.tokenizer)
        result.calibration = _calibration(part, result.base, confidence, settings)
        site_card = _site_card(result.data)
        base_card = _base_identity(result.base)
        metrics = _metrics(result, settings, split, site_card, base_card, command)
        (part / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
        (part / "MODEL_CARD.md").write_text(model_card(metrics))
        _check_cancel(cancel)
        if out.exists() or out.is_symlink():
            raise FineTuneError(f"{out}: appeared while fine-tuning; not replaced")
        part.rename(out)
    except BaseException:
        shutil.rmtree(part, ignore_errors=True)
        raise


def _calibration(
    part: Path, base: Path, confidence: tuple[np.ndarray, np.ndarray], settings
) -> str:
    scores, ious = confidence
    if settings.calibrate and len(scores) >= MIN_CALIBRATION_PHRASES:
        fitted = fit_isotonic(scores, ious >= 0.5, fitted_on="site held-out part")
        fitted.save(part)
        return f"refitted on the site's held-out part ({len(scores)} phrases)"
    if (base / CALIBRATION_FILE).is_file():
        ScoreCalibration.load(base).save(part)  # checked on the way
        reason = (
            f"{len(scores)} held-out phrases are fewer than {MIN_CALIBRATION_PHRASES}"
            if settings.calibrate
            else "refitting was turned off"
        )
        return f"the base model's, kept unchanged ({reason}); it was fitted on the base's data"
    return "none (the base model has none)"


def _site_card(data: Path) -> dict:
    folder = data if data.is_dir() else data.parent
    try:
        card = json.loads((folder / SITE_CARD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    keys = ("kind", "created", "studies", "phrases", "boxes", "reviewers", "models")
    return {k: card[k] for k in keys if isinstance(card, dict) and k in card}


def _base_identity(base: Path) -> dict:
    digest = hashlib.sha256((base / WEIGHTS_NAME).read_bytes()).hexdigest()
    identity = {"name": base.name, "path": str(base.resolve()), "weights_sha256": digest}
    try:
        metrics = json.loads((base / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        metrics = {}
    if isinstance(metrics, dict):
        identity["model"] = metrics.get("model")
        identity["fine_tuned_from"] = (metrics.get("lineage") or {}).get("base", {}).get("name")
    return identity


def _metrics(
    result: FineTuneResult,
    settings: FineTuneSettings,
    split: StudySplit,
    site_card: dict,
    base: dict,
    command: str,
) -> dict:
    return {
        "model": result.out.name,
        "lineage": {
            "kind": "site fine-tune",
            "base": base,
            "site_data": {
                "path": str(result.data.resolve()),
                "studies": len(split.train) + len(split.held_out),
                "card": site_card,
            },
            "split": {
                "seed": settings.seed,
                "held_out_fraction": settings.held_out,
                "train_studies": len(split.train),
                "held_out_studies": len(split.held_out),
                "held_out_ids": split.held_out,
            },
            "command": command,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        },
        "training": {
            "steps": result.steps,
            "minutes": round(result.train_seconds / 60, 2),
            "device": result.device,
            "replay_synthetic_studies": result.replay_studies,
            "site_training_phrases": result.phrases["train"],
            "settings": asdict(settings),
        },
        "held_out_phrase_given": {"before": result.before, "after": result.after},
        "calibration": result.calibration,
        "problems": result.problems,
    }
