"""The fine box stage: one look at the film's own pixels around each small box.

The BOX decoder places boxes on the stride-8 feature map, where a nodule of 6 px at the
256 px input is under one cell: its centre lands 2-3 px off, an IoU under 0.5 for a box that
small. For a box whose longer side is under SMALL_BOX, this stage crops the letterboxed
pixels around it (a square twice that side, never under MIN_CROP of the input, so the crop
holds the finding's surroundings), reads the crop with a small CNN modulated by the
phrase's query, and moves the box to the expectation of a heatmap over the crop (a
soft-argmax: translation-equivariant, so it learns from few examples what a regression of
the flattened crop did not) and rescales its sides. Larger boxes are left as the decoder
placed them. The correction moves the hypotheses together, so their spread (the
uncertainty) is kept.

The heatmap and scale layers start at zero: a uniform heatmap's expectation is the crop's
centre, so a model warm-started from one without the stage begins exactly where that one
was. The decoder's box is detached: the stage's loss trains the stage (and the query it
reads), not the decoder under it.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .box_decoder import mlp
from .vision import GREY_MEAN, GREY_STD

PATCH = 32  # the crop is resampled to PATCH x PATCH pixels
CONTEXT = 2.0  # crop side / the box's longer side
MIN_CROP = 0.1  # the crop's side at least, as a fraction of the input (26 px at 256)
SMALL_BOX = 0.1  # boxes whose longer side is under this (26 px at 256) are corrected
MAX_LOG_SCALE = math.log(2.0)  # one stage changes a side by at most 2x
CHANNELS = 32


def crop_windows(boxes: Tensor) -> Tensor:
    """Square crops (N, 4) cxcywh around boxes (N, 4) cxcywh, all normalised: CONTEXT times
    the box's longer side, at least MIN_CROP. The input is square, so the crop is too."""
    side = (CONTEXT * boxes[:, 2:].amax(dim=-1)).clamp(min=MIN_CROP)
    return torch.stack((boxes[:, 0], boxes[:, 1], side, side), dim=-1)


def sample_patches(pixels: Tensor, image_index: Tensor, windows: Tensor, size: int) -> Tensor:
    """Bilinear crops (N, 1, size, size) of pixels (B, 1, S, S), one per window (N, 4)
    cxcywh of image image_index[n]; outside the image reads 0."""
    cx, cy, w, h = windows.unbind(-1)
    zeros = torch.zeros_like(cx)
    theta = torch.stack(
        (torch.stack((w, zeros, 2 * cx - 1), -1), torch.stack((zeros, h, 2 * cy - 1), -1)), 1
    )  # (N, 2, 3): output [-1, 1] -> the window in the input's [-1, 1]
    grid = F.affine_grid(theta, [windows.shape[0], 1, size, size], align_corners=False)
    return F.grid_sample(
        pixels[image_index], grid.to(pixels.dtype), padding_mode="zeros", align_corners=False
    )


def apply_correction(hypotheses: Tensor, windows: Tensor, delta: Tensor) -> Tensor:
    """Move H hypotheses (N, H, 4) together: their mean's centre by delta[:, :2] crop sides,
    every side scaled by exp(delta[:, 2:]) about the new centre."""
    mean = hypotheses.mean(dim=1)
    centre = (mean[:, :2] + delta[:, :2] * windows[:, 2:]).clamp(0.0, 1.0)
    scale = delta[:, 2:].clamp(-MAX_LOG_SCALE, MAX_LOG_SCALE).exp()
    offsets = (hypotheses[..., :2] - mean[:, None, :2]) * scale[:, None]
    sides = (hypotheses[..., 2:] * scale[:, None]).clamp(1e-3, 1.0)
    return torch.cat(((centre[:, None] + offsets).clamp(0.0, 1.0), sides), dim=-1)


class FineBoxStage(nn.Module):
    def __init__(self, query_dim: int) -> None:
        super().__init__()
        self.cnn = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(16, CHANNELS, 3, stride=2, padding=1),
            nn.ReLU(),
            nn.Conv2d(CHANNELS, CHANNELS, 3, padding=1),
        )
        # the phrase scales and shifts the crop's channels (FiLM): a nodule and a mass look
        # for different things in the same pixels
        self.modulation = nn.Linear(query_dim, 2 * CHANNELS)
        self.heatmap = nn.Conv2d(CHANNELS, 1, 3, padding=1)
        self.log_scale = mlp(CHANNELS + query_dim, 64, 2)
        for layer in (self.heatmap, self.log_scale[-1]):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)
        cells = (torch.arange(PATCH // 2, dtype=torch.float32) + 0.5) / (PATCH // 2) - 0.5
        self.register_buffer("cells", cells, persistent=False)  # cell centres, crop units

    def forward(
        self, pixels: Tensor, image_index: Tensor, query: Tensor, hypotheses: Tensor
    ) -> Tensor:
        """pixels (B, 1, S, S) letterboxed in [0, 1]; image_index (N,); query (N, C);
        hypotheses (N, H, 4) the decoder's last layer -> the corrected hypotheses (N, H, 4)."""
        hypotheses = hypotheses.detach()
        mean = hypotheses.mean(dim=1)
        windows = crop_windows(mean)
        patches = sample_patches(pixels, image_index, windows, PATCH)
        maps = self.cnn((patches - GREY_MEAN) / GREY_STD)
        scale, shift = self.modulation(query).unsqueeze(-1).unsqueeze(-1).chunk(2, dim=1)
        maps = F.relu(maps * (1 + scale) + shift)
        weights = self.heatmap(maps).flatten(1).softmax(dim=-1).view(-1, *maps.shape[-2:])
        centre_x = (weights.sum(dim=1) * self.cells).sum(dim=-1)
        centre_y = (weights.sum(dim=2) * self.cells).sum(dim=-1)
        log_scale = self.log_scale(torch.cat((maps.mean(dim=(2, 3)), query), dim=-1))
        delta = torch.cat((torch.stack((centre_x, centre_y), dim=-1), log_scale), dim=-1)
        small = (mean[:, 2:].amax(dim=-1) < SMALL_BOX).to(delta.dtype)
        return apply_correction(hypotheses, windows, delta * small[:, None])
