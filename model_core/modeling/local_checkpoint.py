"""Loading a Hugging Face checkpoint (LLaVA, SAM) from a local directory, safely.

Only `model.safetensors` weights are read (`use_safetensors=True`): a `pytorch_model.bin`
is a pickle, and a tampered one is refused by name rather than unpickled. Nothing is
fetched from the hub. Whatever transformers raises for a damaged directory becomes one
ValueError line naming it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from huggingface_hub.errors import StrictDataclassError  # a config.json that fails validation

log = logging.getLogger(__name__)


def local_directory(path: str | Path) -> Path:
    """The checkpoint directory; ValueError when it is not there (nothing is fetched)."""
    directory = Path(path)
    if not directory.is_dir():
        raise ValueError(f"{directory}: local checkpoint directory not found (nothing is fetched)")
    return directory


def from_local_pretrained(loader: Any, path: str | Path, **kwargs: Any) -> Any:
    """`loader.from_pretrained` (a model or config class) on a local directory, safetensors
    weights only; ValueError naming the directory for anything it refuses."""
    directory = local_directory(path)
    if hasattr(loader, "base_model_prefix"):  # a model class: weights, never a pickle
        kwargs = {"use_safetensors": True, **kwargs}
    try:
        return loader.from_pretrained(str(directory), local_files_only=True, **kwargs)
    except (
        OSError,
        ValueError,
        RuntimeError,
        TypeError,
        KeyError,
        AttributeError,
        StrictDataclassError,
    ) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.debug("%s: from_pretrained failed", directory, exc_info=True)
        raise ValueError(f"{directory}: not a loadable checkpoint ({reason})") from None
