"""Run under torchrun by test_training: a few DDP steps, then each rank records its weights."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
import torch.distributed as dist

from model_core.train import Trainer, _setup_distributed
from model_core.train_config import TrainConfig


def run(train: str, val: str, out: str) -> None:
    config = TrainConfig(
        train_data=Path(train),
        val_data=Path(val),
        out=Path(out),
        batch_size=4,
        vocab_size=150,
        warmup_steps=1,
        threads=1,
    )
    rank, world, device = _setup_distributed()
    torch.manual_seed(rank)  # different seeds: DDP must still broadcast identical weights
    trainer = Trainer(config, rank, world, device)
    split = trainer.train_split
    indices = trainer._epoch_indices(0)
    for step in range(3):
        trainer._train_step(indices[step * 4 : step * 4 + 4] or indices[:4])
    sums = [round(float(p.detach().double().sum()), 6) for p in trainer.model.parameters()]
    Path(out).mkdir(parents=True, exist_ok=True)
    for turn in range(world):
        if turn == rank:
            with (Path(out) / "checksums.jsonl").open("a") as handle:
                handle.write(
                    json.dumps({"rank": rank, "steps": 3, "n": len(split), "sums": sums}) + "\n"
                )
        dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    run(*sys.argv[1:4])
