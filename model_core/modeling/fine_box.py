"""The fine box stage: one look at the film's own pixels around each phrase's box.

The BOX decoder places boxes on the stride-8 feature map, where a nodule of 6 px at the
256 px input is under one cell: its centre lands 2-3 px off, an IoU under 0.5 for a box that
small. This stage crops the letterboxed pixels around the decoder's box (a square twice the
box's longer side, never under MIN_CROP of the input, so a nodule's crop holds its
surroundings), reads the crop with a small CNN modulated by the phrase's query, and predicts
one correction: a centre shift in units of the crop and a log scale of each side. The
correction moves the hypotheses together, so their spread (the uncertainty) is kept.

Its last layer starts at zero: a model warm-started from one without the stage begins exactly
where that one was. The decoder's box is detached, so the stage's loss trains the stage (and
the query it reads), not the decoder under it.
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
MAX_LOG_SCALE = math.log(4.0)  # one stage changes a side by at most 4x
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
            nn.Conv2d(CHANNELS, CHANNELS, 3, stride=2, padding=1),
        )
        # the phrase scales and shifts the crop's channels (FiLM): a nodule and an effusion
        # look for different things in the same pixels
        self.modulation = nn.Linear(query_dim, 2 * CHANNELS)
        cells = (PATCH // 4) ** 2
        self.correction = mlp(CHANNELS * cells + query_dim, 256, 4)
        nn.init.zeros_(self.correction[-1].weight)
        nn.init.zeros_(self.correction[-1].bias)

    def forward(
        self, pixels: Tensor, image_index: Tensor, query: Tensor, hypotheses: Tensor
    ) -> Tensor:
        """pixels (B, 1, S, S) letterboxed in [0, 1]; image_index (N,); query (N, C);
        hypotheses (N, H, 4) the decoder's last layer -> the corrected hypotheses (N, H, 4)."""
        hypotheses = hypotheses.detach()
        windows = crop_windows(hypotheses.mean(dim=1))
        patches = sample_patches(pixels, image_index, windows, PATCH)
        maps = self.cnn((patches - GREY_MEAN) / GREY_STD)
        scale, shift = self.modulation(query).unsqueeze(-1).unsqueeze(-1).chunk(2, dim=1)
        maps = F.relu(maps * (1 + scale) + shift)
        delta = self.correction(torch.cat((maps.flatten(1), query), dim=-1))
        return apply_correction(hypotheses, windows, delta)
