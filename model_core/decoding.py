"""Decoding at inference: the model's passes over one image's `GroundingInputs`.

The image is encoded once; each text row (report [SEP] phrase [BOX] ..., at most
`max_phrases` phrases) is one teacher-forced LM pass after the image prefix; the [BOX]
states of all rows then go through the BOX decoder together.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

import torch
from torch import Tensor

from .inputs import GroundingInputs
from .modeling.knowmvg import KnowMVGModel, KnowMVGOutput


@dataclass
class ImageContext:
    """features (B, C, h, w) for the BOX decoder; prefix (B, 1 + N_img, D): [BOS] + image
    tokens, which every LM pass over that image starts with."""

    features: Tensor
    prefix: Tensor


def autocast(device: torch.device):
    """bf16 autocast on CUDA; full precision elsewhere."""
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return nullcontext()


def encode_images(model: KnowMVGModel, inputs: GroundingInputs) -> ImageContext:
    features = model.encode_image(inputs.pixels)
    return ImageContext(features, model.prefix_embeddings(inputs.pixels, features, inputs.bos_id))


def box_states(
    model: KnowMVGModel, inputs: GroundingInputs, context: ImageContext
) -> Tensor | None:
    """One LM pass per text row, unpadded; the hidden state at each [BOX], (N, D_lm) in
    `box_positions` order. None when there is no phrase (and no pass)."""
    if inputs.num_phrases == 0:
        return None
    offset = context.prefix.shape[1]
    lengths = inputs.text_mask.sum(-1).long().tolist()
    hidden_by_row = []
    for row, length in enumerate(lengths):
        image = int(inputs.text_image[row])
        prefix = context.prefix[image : image + 1]
        ids = inputs.text_ids[row : row + 1, :length]
        embeds = torch.cat((prefix, model.mllm.embed(ids).to(prefix.dtype)), dim=1)
        _, hidden, _ = model.mllm(embeds)
        hidden_by_row.append(hidden[0])
    states = [hidden_by_row[row][offset + index] for row, index in inputs.box_positions.tolist()]
    return torch.stack(states)


def decode(
    model: KnowMVGModel, inputs: GroundingInputs, context: ImageContext, states: Tensor | None
) -> KnowMVGOutput | None:
    """The BOX decoder over every phrase's [BOX] state; None when there is no phrase."""
    if states is None:
        return None
    return model.decode_boxes(context.features, states, inputs.phrases, inputs.pixels)
