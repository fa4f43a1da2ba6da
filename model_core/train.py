"""Train KnowMVG: `python -m model_core.train` (one process) or under `torchrun` (several).

AdamW with warm-up and cosine decay, gradient clipping, bf16 autocast on GPU,
validation (phrase-given mIoU) each epoch keeping the best checkpoint, resumable
state (safetensors + JSON), a metrics JSONL log. Ctrl-C saves a resumable checkpoint.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import signal
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from safetensors.torch import load_file
from torch.nn.parallel import DistributedDataParallel
from tqdm import tqdm

from .data.collate import GroundingCollator
from .data.prepared import PreparedSplit
from .evaluate_protocols import evaluate_phrase_given
from .knowledge import KnowledgeBase
from .knowledge.perturbation import KnowledgeNoise
from .modeling.configuration import KnowMVGConfig
from .modeling.criterion import GroundingCriterion
from .modeling.knowmvg import WEIGHTS_NAME, KnowMVGModel
from .text.tokenizer import ReportTokenizer
from .text.train_tokenizer import train_tokenizer
from .train_config import TrainConfig
from .training_state import load_training_state, save_training_state
from .warm_start import warm_start

log = logging.getLogger("model_core.train")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m model_core.train", description=__doc__.split("\n")[0]
    )
    p.add_argument("--train-data", type=Path, required=True, help="prepared split folder")
    p.add_argument("--val-data", type=Path, required=True, help="prepared split folder")
    p.add_argument("--out", type=Path, required=True, help="run folder (best/, last/, metrics)")
    p.add_argument("--size", default="tiny", choices=["tiny", "base"])
    p.add_argument("--mllm-path", help="base: local llava-hf checkpoint directory")
    p.add_argument("--sam-path", help="base: local SAM/MedSAM vision checkpoint directory")
    p.add_argument("--no-knowledge-prompts", action="store_true")
    p.add_argument("--no-global-local", action="store_true")
    p.add_argument(
        "--fine-box",
        action="store_true",
        help="add the fine box stage (a correction of each box from the pixels around it)",
    )
    p.add_argument(
        "--knowledge-noise",
        type=float,
        default=0.0,
        help="fraction of training phrases told mirrored or no knowledge (0: none)",
    )
    p.add_argument("--tokenizer", type=Path, help="reuse this tokenizer.json folder")
    p.add_argument("--vocab-size", type=int, default=2048)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=16, help="per process")
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--warmup-steps", type=int, default=200)
    p.add_argument("--grad-clip", type=float, default=1.0)
    p.add_argument("--time-budget-min", type=float, help="stop after this many minutes")
    p.add_argument(
        "--max-steps", type=int, help="stop after this many optimiser steps (equal-step ablations)"
    )
    p.add_argument("--val-limit", type=int, help="validate on the first N samples only")
    p.add_argument("--gradient-checkpointing", action="store_true", help="base: save memory")
    p.add_argument("--resume", action="store_true", help="continue from OUT/last")
    p.add_argument(
        "--init-from",
        type=Path,
        help="start from this model directory's weights (token embeddings mapped when the "
        "tokenizer differs)",
    )
    p.add_argument(
        "--train-only",
        nargs="+",
        metavar="PREFIX",
        help="train only the parameters whose names start with these (e.g. fine_box.)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, help="CPU threads")
    p.add_argument("--log-every", type=int, default=25)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        config = TrainConfig.from_args(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rank, world, device = _setup_distributed()
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed + rank)
    previous = _stop_on_signals()
    try:
        return Trainer(config, rank, world, device).run()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if dist.is_initialized():
            dist.destroy_process_group()


def _stop_on_signals() -> dict:
    """Ctrl-C and SIGTERM (a scheduler's stop, or run_ablation.sh's) both end the run with a
    resumable checkpoint (exit 130). A shell's background job starts with SIGINT ignored,
    and Python keeps it ignored: it is turned back on, so a trainer started with `&` stops
    on `kill -INT` too. Returns the handlers it replaced."""
    previous = {}
    for number in (signal.SIGINT, signal.SIGTERM):
        previous[number] = signal.signal(number, signal.default_int_handler)
    return previous


def _setup_distributed() -> tuple[int, int, torch.device]:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return 0, 1, torch.device("cuda" if torch.cuda.is_available() else "cpu")
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = torch.cuda.is_available()
    dist.init_process_group(backend="nccl" if use_cuda else "gloo")
    if use_cuda:
        torch.cuda.set_device(local_rank)
        return dist.get_rank(), world, torch.device("cuda", local_rank)
    return dist.get_rank(), world, torch.device("cpu")


def freeze_all_but(model: torch.nn.Module, prefixes: list[str] | None) -> None:
    """Only parameters whose names start with one of `prefixes` stay trainable (None: all
    do). A prefix that names no parameter is a ValueError, not a run that trains nothing."""
    if not prefixes:
        return
    names = [name for name, _ in model.named_parameters()]
    unknown = [p for p in prefixes if not any(name.startswith(p) for name in names)]
    if unknown:
        raise ValueError(f"--train-only {' '.join(unknown)}: no parameter of this model")
    for name, parameter in model.named_parameters():
        parameter.requires_grad_(name.startswith(tuple(prefixes)))
    trained = sum(p.numel() for p in model.parameters() if p.requires_grad)
    log.info("training only %s: %d parameters", ", ".join(prefixes), trained)


def keep_frozen_statistics(model: torch.nn.Module) -> None:
    """Batch norms whose parameters are frozen run in eval mode: their running statistics
    are part of the model kept as it was, and training would otherwise move them."""
    for module in model.modules():
        parameters = list(module.parameters(recurse=False))
        is_norm = isinstance(module, torch.nn.modules.batchnorm._BatchNorm)
        if is_norm and parameters and not any(p.requires_grad for p in parameters):
            module.eval()


class Trainer:
    def __init__(
        self,
        config: TrainConfig,
        rank: int = 0,
        world: int = 1,
        device: torch.device | None = None,
    ) -> None:
        device = device if device is not None else torch.device("cpu")
        self.train_config, self.rank, self.world, self.device = config, rank, world, device
        self.main_process = rank == 0
        self.train_split = PreparedSplit.load(config.train_data)
        self.val_split = PreparedSplit.load(config.val_data)
        self.knowledge = KnowledgeBase.load()
        self.tokenizer = self._tokenizer()
        self.config = self._config()
        self.model = KnowMVGModel(self.config, load_pretrained=True).to(device)
        if config.gradient_checkpointing and hasattr(
            self.model.mllm.causal_lm, "gradient_checkpointing_enable"
        ):
            self.model.mllm.causal_lm.gradient_checkpointing_enable()
        self.collator = GroundingCollator(self.tokenizer, self.knowledge, self.config)
        region_boxes = torch.tensor(self.config.region_boxes) if self.config.region_boxes else None
        self.criterion = GroundingCriterion(self.config.loss_weights, region_boxes)
        freeze_all_but(self.model, config.train_only)
        params = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
        self.started = time.monotonic()
        self.steps_per_epoch = math.ceil(len(self.train_split) / (config.batch_size * world))
        self.total_steps = self.steps_per_epoch * config.epochs
        if config.max_steps is not None:
            self.total_steps = min(self.total_steps, config.max_steps)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, self._lr_factor)
        self.wrapped = (
            DistributedDataParallel(self.model, find_unused_parameters=True)
            if world > 1
            else self.model
        )
        self.progress = {"epoch": 0, "step": 0, "best_miou": -1.0}
        if config.init_from is not None and not config.resume:
            warm_start(self.model, self.tokenizer, config.init_from)
        if config.resume:
            last = config.out / "last"
            self.model.load_checkpoint_state(load_file(str(last / WEIGHTS_NAME)), last)
            self.progress = load_training_state(last, self.optimizer, self.scheduler)
            log.info("resumed at epoch %d step %d", self.progress["epoch"], self.progress["step"])

    def _tokenizer(self) -> ReportTokenizer:
        if self.train_config.resume:
            return ReportTokenizer.load(self.train_config.out / "last")
        if self.train_config.tokenizer is not None:
            return ReportTokenizer.load(self.train_config.tokenizer)
        return train_tokenizer(self.train_split, self.knowledge, self.train_config.vocab_size)

    def _config(self) -> KnowMVGConfig:
        regions = self.knowledge.regions
        overrides = dict(
            vocab_size=self.tokenizer.vocab_size,
            knowledge_prompts=self.train_config.knowledge_prompts,
            global_local=self.train_config.global_local,
            fine_box=self.train_config.fine_box,
            region_ids=[r.id for r in regions],
            region_boxes=[list(r.box) for r in regions],
            image_size=self.train_split.image_size,
        )
        if self.train_config.size == "base":
            overrides.update(
                mllm_path=self.train_config.mllm_path,
                grounding_encoder_path=self.train_config.sam_path,
            )
        return KnowMVGConfig.named(self.train_config.size, **overrides)

    def _lr_factor(self, step: int) -> float:
        """Linear warm-up, then cosine decay over the epochs or, with a time budget, over
        whichever runs out first (so a budgeted run still ends at a low learning rate)."""
        warmup = max(1, self.train_config.warmup_steps)
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, self.total_steps - warmup)
        if self.train_config.time_budget_min:
            elapsed = time.monotonic() - self.started
            progress = max(progress, elapsed / (self.train_config.time_budget_min * 60))
        return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))

    def _autocast(self):
        if self.device.type == "cuda":
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return nullcontext()

    # -- the loop ----------------------------------------------------------------------
    def run(self) -> int:
        cfg = self.train_config
        cfg.out.mkdir(parents=True, exist_ok=True)
        self.started = time.monotonic()
        log_file = (cfg.out / "metrics.jsonl").open("a") if self.main_process else None
        try:
            for epoch in range(self.progress["epoch"], cfg.epochs):
                stopped = self._train_epoch(epoch, log_file)
                self.progress["epoch"] = epoch + 1 if not stopped else epoch
                self._validate(epoch, log_file)
                if stopped:
                    log.info(
                        "stopped at step %d (time budget or step limit) after %.1f min",
                        self.progress["step"],
                        (time.monotonic() - self.started) / 60,
                    )
                    break
        except KeyboardInterrupt:
            log.warning("interrupted: saving a resumable checkpoint in %s", cfg.out / "last")
            self._save_last()
            return 130
        finally:
            if log_file is not None:
                log_file.close()
        self._save_last()
        return 0

    def _epoch_indices(self, epoch: int) -> list[int]:
        """Same permutation on every rank; each rank takes its stride (a distributed sampler)."""
        order = np.random.default_rng(self.train_config.seed + epoch).permutation(
            len(self.train_split)
        )
        usable = len(order) - len(order) % (self.train_config.batch_size * self.world) or len(order)
        return order[:usable][self.rank :: self.world].tolist()

    def _train_epoch(self, epoch: int, log_file) -> bool:
        self.model.train()
        keep_frozen_statistics(self.model)
        indices = self._epoch_indices(epoch)
        size = self.train_config.batch_size
        batches = [indices[i : i + size] for i in range(0, len(indices), size)]
        skip = (
            self.progress["step"] - epoch * self.steps_per_epoch if self.train_config.resume else 0
        )
        bar = tqdm(batches, desc=f"epoch {epoch + 1}", disable=not self.main_process, leave=False)
        for position, batch_indices in enumerate(bar):
            if position < max(0, skip):
                continue
            losses = self._train_step(batch_indices)
            self.progress["step"] += 1
            step = self.progress["step"]
            bar.set_postfix(loss=f"{losses['loss']:.3f}")
            if log_file is not None and step % self.train_config.log_every == 0:
                record = {
                    "step": step,
                    "epoch": epoch,
                    "lr": self.scheduler.get_last_lr()[0],
                    **losses,
                }
                log_file.write(json.dumps(record) + "\n")
                log_file.flush()
            budget = self.train_config.time_budget_min
            if budget is not None and time.monotonic() - self.started > budget * 60:
                return True
            limit = self.train_config.max_steps
            if limit is not None and step >= limit:
                return True
        return False

    def _train_step(self, batch_indices: list[int]) -> dict[str, float]:
        batch = self.collator(self.train_split, batch_indices, self._knowledge_noise())
        inputs = batch.inputs.to(self.device)
        targets = batch.targets
        if targets.lm_labels is not None:
            targets.lm_labels = targets.lm_labels.to(self.device)
        targets.gt_boxes = [b.to(self.device) for b in targets.gt_boxes]
        if targets.image_frames is not None:
            targets.image_frames = targets.image_frames.to(self.device)
        with self._autocast():
            output = self.wrapped(inputs)
            losses = self.criterion(output, targets)
        self.optimizer.zero_grad(set_to_none=True)
        losses["loss"].backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.train_config.grad_clip)
        self.optimizer.step()
        self.scheduler.step()
        return {k: round(float(v.detach()), 5) for k, v in losses.items()}

    def _knowledge_noise(self) -> KnowledgeNoise | None:
        """This step's perturbation, drawn from (seed, rank, step) so a resumed run draws
        what the uninterrupted one would have."""
        config = self.train_config
        if not (config.knowledge_noise > 0 and config.knowledge_prompts):
            return None
        seed = [config.seed, self.rank, self.progress["step"]]
        return KnowledgeNoise(config.knowledge_noise, np.random.default_rng(seed))

    def _validate(self, epoch: int, log_file) -> None:
        if not self.main_process:
            if self.world > 1:
                dist.barrier()
            return
        split = self.val_split
        if self.train_config.val_limit:
            split = PreparedSplit(
                split.pixels[: self.train_config.val_limit],
                split.records[: self.train_config.val_limit],
            )
        with self._autocast():
            scores = evaluate_phrase_given(self.model, self.collator, split)
        log.info("epoch %d validation: %s", epoch + 1, scores)
        if log_file is not None:
            log_file.write(
                json.dumps({"epoch": epoch + 1, "step": self.progress["step"], "val": scores})
                + "\n"
            )
            log_file.flush()
        if scores["mIoU"] > self.progress["best_miou"]:
            self.progress["best_miou"] = scores["mIoU"]
            self.model.save_pretrained(self.train_config.out / "best", self.tokenizer)
            (self.train_config.out / "best" / "val_metrics.json").write_text(
                json.dumps(scores, indent=2)
            )
        self._save_last()
        if self.world > 1:
            dist.barrier()

    def _save_last(self) -> None:
        if not self.main_process:
            return
        self.model.save_pretrained(self.train_config.out / "last", self.tokenizer)
        save_training_state(
            self.train_config.out / "last", self.optimizer, self.scheduler, self.progress
        )


if __name__ == "__main__":
    sys.exit(main())
