"""Sine position encodings for feature maps and for boxes (DETR / DAB-DETR style)."""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn


def sine_encoding(values: Tensor, num_feats: int, temperature: float = 10000.0) -> Tensor:
    """Encode each scalar in `values` (..., K), in [0, 1], into (..., K * num_feats)."""
    dim_t = torch.arange(num_feats // 2, dtype=torch.float32, device=values.device)
    dim_t = temperature ** (2 * dim_t / num_feats)
    scaled = values.float()[..., None] * (2 * math.pi) / dim_t
    encoded = torch.cat((scaled.sin(), scaled.cos()), dim=-1)
    return encoded.flatten(-2)


def feature_map_encoding(height: int, width: int, dim: int, device: torch.device) -> Tensor:
    """(h * w, dim) encoding of cell centres, y then x halves."""
    ys = (torch.arange(height, device=device, dtype=torch.float32) + 0.5) / height
    xs = (torch.arange(width, device=device, dtype=torch.float32) + 0.5) / width
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing="ij")
    coords = torch.stack((grid_y.flatten(), grid_x.flatten()), dim=-1)
    return sine_encoding(coords, dim // 2)


class BoxEncoding(nn.Module):
    """cxcywh box in [0, 1] -> a `dim` vector (sine features through a small MLP)."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.num_feats = dim // 4
        self.mlp = nn.Sequential(nn.Linear(4 * self.num_feats, dim), nn.ReLU(), nn.Linear(dim, dim))

    def forward(self, boxes: Tensor) -> Tensor:
        return self.mlp(sine_encoding(boxes, self.num_feats))
