"""Knowledge-enhanced prompting: phrase knowledge -> compact embeddings -> top-k location prompts.

The knowledge text of a phrase (finding description, anatomical regions; see
model_core.knowledge) is embedded with the LM's token embeddings and pooled into a
few compact tokens k. A bank of R learnable location prompts, one per atlas region,
each carrying its prior box as a positional code, is scored against (e_box, k); the
top-k become spatial prompt tokens for the BOX decoder, weighted by a softmax over
their scores so the choice stays differentiable.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from ..box_ops import box_xyxy_to_cxcywh
from .position import BoxEncoding


@dataclass
class PromptSelection:
    """tokens (N, k, C); box_cue (N, 4) cxcywh; scores (N, R); indices and weights (N, k)."""

    tokens: Tensor
    box_cue: Tensor
    scores: Tensor
    indices: Tensor
    weights: Tensor


class KnowledgeEncoder(nn.Module):
    """Token embeddings of the knowledge text -> `num_tokens` compact embeddings (N, n_k, C)."""

    def __init__(self, embed_dim: int, dim: int, num_tokens: int, heads: int) -> None:
        super().__init__()
        self.project = nn.Sequential(nn.Linear(embed_dim, dim), nn.LayerNorm(dim))
        self.queries = nn.Parameter(torch.randn(num_tokens, dim) * 0.02)
        self.attend = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm = nn.LayerNorm(dim)

    def forward(self, token_embeds: Tensor, mask: Tensor) -> Tensor:
        values = self.project(token_embeds)
        queries = self.queries.unsqueeze(0).expand(values.shape[0], -1, -1)
        empty = ~mask.bool().any(dim=1)
        padding = ~mask.bool()
        padding[empty, 0] = False  # an empty text attends to one (padding) token, not to none
        pooled, _ = self.attend(queries, values, values, key_padding_mask=padding)
        return self.norm(pooled + queries)


class LocationPromptBank(nn.Module):
    """R learnable prompts (one per atlas region) with their prior boxes as positions."""

    def __init__(self, region_boxes_xyxy: Tensor, dim: int, top_k: int) -> None:
        super().__init__()
        self.register_buffer("region_boxes", box_xyxy_to_cxcywh(region_boxes_xyxy.float()))
        self.embeddings = nn.Parameter(torch.randn(len(region_boxes_xyxy), dim) * 0.02)
        self.box_encoding = BoxEncoding(dim)
        self.score_query = nn.Linear(2 * dim, dim)
        self.top_k = top_k
        self.scale = dim**-0.5

    def prompts(self) -> Tensor:
        return self.embeddings + self.box_encoding(self.region_boxes)

    def forward(self, query: Tensor, knowledge: Tensor) -> PromptSelection:
        """query (N, C) from e_box, knowledge (N, n_k, C) -> the top-k spatial prompts."""
        prompts = self.prompts()
        probe = self.score_query(torch.cat((query, knowledge.mean(dim=1)), dim=-1))
        scores = probe @ prompts.T * self.scale
        top_scores, indices = scores.topk(self.top_k, dim=-1)
        weights = top_scores.softmax(dim=-1)
        tokens = prompts[indices] * (weights.unsqueeze(-1) * self.top_k)
        box_cue = (self.region_boxes[indices] * weights.unsqueeze(-1)).sum(dim=1)
        return PromptSelection(tokens, box_cue, scores, indices, weights)
