"""Start training from another checkpoint whose tokenizer differs.

Retraining the tokenizer (new report styles, a larger knowledge base) changes the vocabulary,
which would otherwise throw away everything the vision encoder, the LM layers and the box
decoder had learnt. Here every tensor whose shape still fits is copied, and each row of a
vocabulary-sized tensor (token embeddings, LM head) starts as the mean of the old rows of
the old tokenizer's pieces for the same text, special tokens mapped by name.
"""

from __future__ import annotations

import logging
from pathlib import Path

import torch
from safetensors.torch import load_file

from .modeling.knowmvg import WEIGHTS_NAME, KnowMVGModel
from .text.tokenizer import SPECIAL_TOKENS, ReportTokenizer

log = logging.getLogger(__name__)


def warm_start(model: KnowMVGModel, tokenizer: ReportTokenizer, source: Path) -> dict[str, int]:
    """Load `source` (a model directory) into `model`; counts of copied/remapped/skipped."""
    source = Path(source)
    old_tokenizer = ReportTokenizer.load(source)
    state = load_file(str(source / WEIGHTS_NAME))
    own = model.state_dict()
    rows = token_rows(old_tokenizer, tokenizer)
    counts = {"copied": 0, "remapped": 0, "skipped": 0}
    for name, tensor in state.items():
        target = own.get(name)
        if target is None:
            counts["skipped"] += 1
        elif target.shape == tensor.shape:
            own[name] = tensor
            counts["copied"] += 1
        elif (
            tensor.ndim == 2
            and tensor.shape[0] == old_tokenizer.vocab_size
            and target.shape == (tokenizer.vocab_size, tensor.shape[1])
        ):
            own[name] = torch.stack([tensor[ids].mean(dim=0) for ids in rows])
            counts["remapped"] += 1
        else:
            counts["skipped"] += 1
    model.load_state_dict(own)
    log.info("warm start from %s: %s", source, counts)
    return counts


def token_rows(old: ReportTokenizer, new: ReportTokenizer) -> list[list[int]]:
    """For each new token id, the old ids whose rows initialise it."""
    everything = list(range(old.vocab_size))
    specials = {
        new.tokenizer.token_to_id(t): [old.tokenizer.token_to_id(t)] for t in SPECIAL_TOKENS
    }
    rows = []
    for token_id in range(new.vocab_size):
        if token_id in specials:
            rows.append(specials[token_id])
            continue
        text = new.tokenizer.decode([token_id])
        pieces = old.encode(text).ids if text else []
        rows.append(pieces or everything)
    return rows
