"""The BOX decoder: H box hypotheses per phrase, refined layer by layer over dense features."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .global_local import CrossAttention
from .position import BoxEncoding, feature_map_encoding


@dataclass
class DecoderOutput:
    """boxes (L, N, H, 4) cxcywh per layer and hypothesis; attention (N, HW) from the last
    layer; mask_logits (N, HW) of the semantic mask, None without the global branch."""

    boxes: Tensor
    confidence_logits: Tensor
    attention: Tensor
    mask_logits: Tensor | None


def mlp(in_dim: int, hidden: int, out_dim: int, layers: int = 2) -> nn.Sequential:
    modules: list[nn.Module] = []
    dims = [in_dim] + [hidden] * (layers - 1)
    for a, b in zip(dims[:-1], dims[1:], strict=True):
        modules += [nn.Linear(a, b), nn.ReLU()]
    modules.append(nn.Linear(dims[-1], out_dim))
    return nn.Sequential(*modules)


def inverse_sigmoid(x: Tensor, eps: float = 1e-4) -> Tensor:
    x = x.clamp(eps, 1 - eps)
    return torch.log(x / (1 - x))


class DecoderLayer(nn.Module):
    def __init__(self, dim: int, heads: int, global_local: bool, local_margin: float) -> None:
        super().__init__()
        self.self_attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.cross_attention = CrossAttention(dim, heads, global_local, local_margin)
        self.ffn = nn.Sequential(nn.Linear(dim, 4 * dim), nn.ReLU(), nn.Linear(4 * dim, dim))
        self.norms = nn.ModuleList(nn.LayerNorm(dim) for _ in range(3))
        self.box_delta = mlp(dim, dim, 4, layers=3)
        nn.init.zeros_(self.box_delta[-1].weight)
        nn.init.zeros_(self.box_delta[-1].bias)

    def forward(
        self, tokens, n_queries, box_position, keys, values, image_index, grid, mask_logits, boxes
    ):
        """tokens (N, Q + M, C): hypothesis queries first, then context (prompts, knowledge);
        keys/values (B, HW, C) per image, image_index (N,) each phrase's image."""
        attended, _ = self.self_attention(tokens, tokens, tokens)
        tokens = self.norms[0](tokens + attended)
        queries, context = tokens[:, :n_queries], tokens[:, n_queries:]
        crossed, attention = self.cross_attention(
            queries + box_position, keys, values, image_index, grid, mask_logits, boxes
        )
        queries = self.norms[1](queries + crossed)
        queries = self.norms[2](queries + self.ffn(queries))
        refined = torch.sigmoid(inverse_sigmoid(boxes) + self.box_delta(queries))
        return torch.cat((queries, context), dim=1), refined, attention


class BoxDecoder(nn.Module):
    def __init__(
        self,
        dim: int,
        heads: int,
        layers: int,
        num_hypotheses: int,
        global_local: bool,
        local_margin: float,
        uses_box_cue: bool,
    ) -> None:
        super().__init__()
        self.num_hypotheses = num_hypotheses
        self.hypothesis_embed = nn.Parameter(torch.randn(num_hypotheses, dim) * 0.02)
        self.hypothesis_offsets = nn.Parameter(torch.randn(num_hypotheses, 4) * 0.1)
        # the first box comes from the query: on its own, or as a correction of the knowledge
        # cue (zero at the start), so image and text can move a prior that is off
        self.uses_box_cue = uses_box_cue
        self.initial_box = mlp(dim, dim, 4)
        if uses_box_cue:
            nn.init.zeros_(self.initial_box[-1].weight)
            nn.init.zeros_(self.initial_box[-1].bias)
        self.box_encoding = BoxEncoding(dim)
        self.layers = nn.ModuleList(
            DecoderLayer(dim, heads, global_local, local_margin) for _ in range(layers)
        )
        self.mask_embed = mlp(dim, dim, dim) if global_local else None
        self.confidence = mlp(dim, dim, 1)

    def forward(
        self,
        query: Tensor,
        features: Tensor,
        image_index: Tensor,
        context: Tensor | None = None,
        box_cue: Tensor | None = None,
    ) -> DecoderOutput:
        """query (N, C) from e_box; features (B, C, h, w), one per image; image_index (N,) the
        image of each phrase; context (N, M, C); box_cue (N, 4)."""
        _, dim, height, width = features.shape
        flat = features.flatten(2).transpose(1, 2)  # (B, HW, C)
        keys = flat + feature_map_encoding(height, width, dim, features.device).to(flat.dtype)
        mask_logits = None
        if self.mask_embed is not None:
            mask_logits = (
                torch.einsum("nc,nlc->nl", self.mask_embed(query), flat[image_index]) * dim**-0.5
            )
        if (box_cue is not None) != self.uses_box_cue:
            raise ValueError("box_cue must be given exactly when the decoder was built to use one")
        start_logits = self.initial_box(query)
        if box_cue is not None:
            start_logits = inverse_sigmoid(box_cue) + start_logits
        start = torch.sigmoid(start_logits)
        boxes = torch.sigmoid(inverse_sigmoid(start)[:, None, :] + self.hypothesis_offsets)
        queries = query[:, None, :] + self.hypothesis_embed  # (N, H, C)
        tokens = queries if context is None else torch.cat((queries, context), dim=1)
        per_layer, attention = [], None
        for layer in self.layers:
            tokens, boxes, attention = layer(
                tokens,
                self.num_hypotheses,
                self.box_encoding(boxes.detach()),
                keys,
                flat,
                image_index,
                (height, width),
                mask_logits,
                boxes,
            )
            per_layer.append(boxes)
        final_queries = tokens[:, : self.num_hypotheses]
        confidence_logits = self.confidence(final_queries.mean(dim=1)).squeeze(-1)
        return DecoderOutput(
            boxes=torch.stack(per_layer),
            confidence_logits=confidence_logits,
            attention=attention.mean(dim=1),
            mask_logits=mask_logits,
        )
