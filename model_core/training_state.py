"""Resumable training state without pickle: optimizer tensors in safetensors, scalars in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

STATE_TENSORS = "optimizer.safetensors"
STATE_JSON = "trainer_state.json"


def save_training_state(
    directory: Path, optimizer: torch.optim.Optimizer, scheduler, progress: dict
) -> None:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    state = optimizer.state_dict()
    tensors, scalars = {}, {}
    for index, values in state["state"].items():
        for name, value in values.items():
            key = f"{index}.{name}"
            if torch.is_tensor(value) and value.dim() > 0:
                tensors[key] = value.detach().cpu().contiguous()
            else:
                scalars[key] = float(value)
    save_file(tensors, str(directory / STATE_TENSORS))
    groups = [{k: v for k, v in g.items() if k != "params"} for g in state["param_groups"]]
    document = {
        "progress": progress,
        "scalars": scalars,
        "param_groups": groups,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
    }
    (directory / STATE_JSON).write_text(json.dumps(document, indent=2, default=float))


def load_training_state(directory: Path, optimizer: torch.optim.Optimizer, scheduler) -> dict:
    """Restore optimizer and scheduler; returns the saved progress (epoch, step, best...)."""
    directory = Path(directory)
    try:
        document = json.loads((directory / STATE_JSON).read_text())
        tensors = load_file(str(directory / STATE_TENSORS))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{directory}: no resumable training state ({exc})") from None
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = value
    for key, value in document["scalars"].items():
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = torch.tensor(value)
    current = optimizer.state_dict()
    groups = [
        {**saved, "params": group["params"]}
        for saved, group in zip(document["param_groups"], current["param_groups"], strict=True)
    ]
    optimizer.load_state_dict({"state": state, "param_groups": groups})
    if scheduler is not None and document["scheduler"] is not None:
        scheduler.load_state_dict(document["scheduler"])
    return document["progress"]
