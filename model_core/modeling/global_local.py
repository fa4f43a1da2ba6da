"""Global-local cross-attention for the BOX decoder.

Global branch: attention over the whole feature map, biased by the semantic mask
M = sigmoid(<e, F>) (log M added to the logits). Local branch: the same logits
restricted to each query's box cue (its box from the previous layer, enlarged by a
margin). A learned per-query gate fuses the two outputs. Both branches share the
projections, so the softmax attention maps are real and cheap to return.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from ..box_ops import box_cxcywh_to_xyxy

MASK_FLOOR = 1e-4
OUTSIDE = -1e4


class CrossAttention(nn.Module):
    """Multi-head cross-attention from queries to a flattened feature map, with bias hooks."""

    def __init__(self, dim: int, heads: int, global_local: bool, local_margin: float) -> None:
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.q_proj, self.k_proj, self.v_proj = (nn.Linear(dim, dim) for _ in range(3))
        self.out_proj = nn.Linear(dim, dim)
        self.global_local = global_local
        self.local_margin = local_margin
        if global_local:
            self.gate = nn.Linear(dim, 1)

    def forward(
        self,
        queries: Tensor,
        keys: Tensor,
        values: Tensor,
        image_index: Tensor,
        grid: tuple[int, int],
        mask_logits: Tensor | None,
        boxes: Tensor | None,
    ) -> tuple[Tensor, Tensor]:
        """queries (N, Q, C); keys/values (B, HW, C), one per image; image_index (N,) the
        image of each phrase; mask_logits (N, HW); boxes (N, Q, 4).

        Keys and values are projected once per image, then shared by that image's phrases: a
        report grounds several phrases on one film.

        Returns the attended output (N, Q, C) and the attention map (N, Q, HW), heads averaged.
        """
        key_heads = self._split(self.k_proj(keys))[image_index]  # (N, heads, HW, d)
        value_heads = self._split(self.v_proj(values))[image_index]
        logits = self._split(self.q_proj(queries)) @ key_heads.transpose(-1, -2)
        logits = logits * self.head_dim**-0.5  # (N, heads, Q, HW)
        if not self.global_local:
            attention = logits.softmax(dim=-1)
            return self._merge(attention @ value_heads), attention.mean(dim=1)
        global_bias = torch.log(torch.sigmoid(mask_logits).clamp(min=MASK_FLOOR))
        global_attention = (logits + global_bias[:, None, None, :]).softmax(dim=-1)
        local_bias = self._box_bias(boxes, grid)  # (N, Q, HW)
        local_attention = (logits + local_bias[:, None, :, :]).softmax(dim=-1)
        gate = torch.sigmoid(self.gate(queries))  # (N, Q, 1)
        fused = gate * self._merge(global_attention @ value_heads)
        fused = fused + (1 - gate) * self._merge(local_attention @ value_heads)
        attention = gate.unsqueeze(1) * global_attention + (1 - gate.unsqueeze(1)) * local_attention
        return fused, attention.mean(dim=1)

    def _split(self, x: Tensor) -> Tensor:
        n, length, _ = x.shape
        return x.view(n, length, self.heads, self.head_dim).transpose(1, 2)

    def _merge(self, x: Tensor) -> Tensor:
        n, _, length, _ = x.shape
        return self.out_proj(x.transpose(1, 2).reshape(n, length, self.heads * self.head_dim))

    def _box_bias(self, boxes: Tensor, grid: tuple[int, int]) -> Tensor:
        """0 inside each (enlarged) box cue, OUTSIDE elsewhere; the centre cell always inside."""
        height, width = grid
        ys = (torch.arange(height, device=boxes.device, dtype=boxes.dtype) + 0.5) / height
        xs = (torch.arange(width, device=boxes.device, dtype=boxes.dtype) + 0.5) / width
        cue = boxes.detach().clone()
        cue[..., 2:] = cue[..., 2:] + 2 * self.local_margin
        x0, y0, x1, y1 = box_cxcywh_to_xyxy(cue).unbind(-1)  # (N, Q)
        inside_x = (xs >= x0[..., None]) & (xs <= x1[..., None])  # (N, Q, W)
        inside_y = (ys >= y0[..., None]) & (ys <= y1[..., None])  # (N, Q, H)
        inside = inside_y[..., :, None] & inside_x[..., None, :]  # (N, Q, H, W)
        centre_x = (boxes[..., 0].detach() * width).long().clamp(0, width - 1)
        centre_y = (boxes[..., 1].detach() * height).long().clamp(0, height - 1)
        inside = inside.flatten(2)
        inside.scatter_(2, (centre_y * width + centre_x).unsqueeze(-1), True)
        return torch.where(inside, 0.0, OUTSIDE).to(boxes.dtype)
