"""Grounding encoders: letterboxed radiograph -> dense features F (C x h x w) at stride 16, or
8 for the tiny ResNet with its finer FPN level."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from transformers import ResNetBackbone, ResNetConfig, SamVisionConfig, SamVisionModel

from .configuration import KnowMVGConfig
from .local_checkpoint import from_local_pretrained

GREY_MEAN, GREY_STD = 0.5, 0.25
SAM_MEAN = (0.485, 0.456, 0.406)
SAM_STD = (0.229, 0.224, 0.225)


class ResNetGroundingEncoder(nn.Module):
    """A small transformers ResNet with an FPN for the tiny model: stride 16 + 32, and with
    `stride` 8 one finer level (stage 2) added top-down."""

    def __init__(
        self, hidden_sizes: list[int], depths: list[int], feature_dim: int, stride: int = 16
    ) -> None:
        super().__init__()
        levels = ["stage2", "stage3", "stage4"] if stride == 8 else ["stage3", "stage4"]
        config = ResNetConfig(
            num_channels=1,
            embedding_size=hidden_sizes[0],
            hidden_sizes=hidden_sizes,
            depths=depths,
            layer_type="basic",
            out_features=levels,
        )
        self.backbone = ResNetBackbone(config)
        self.lateral16 = nn.Conv2d(hidden_sizes[2], feature_dim, 1)
        self.lateral32 = nn.Conv2d(hidden_sizes[3], feature_dim, 1)
        self.lateral8 = nn.Conv2d(hidden_sizes[1], feature_dim, 1) if stride == 8 else None
        if self.lateral8 is not None:  # starts as the upsampled stride-16 map: a warm start
            nn.init.zeros_(self.lateral8.weight)  # from a stride-16 model begins where it was
            nn.init.zeros_(self.lateral8.bias)
        self.smooth = nn.Sequential(
            nn.Conv2d(feature_dim, feature_dim, 3, padding=1), nn.GroupNorm(8, feature_dim)
        )

    def forward(self, pixels: Tensor) -> Tensor:
        """pixels (B, 1, S, S) in [0, 1] -> (B, C, S/stride, S/stride)."""
        *finer, stride16, stride32 = self.backbone((pixels - GREY_MEAN) / GREY_STD).feature_maps
        top = F.interpolate(self.lateral32(stride32), size=stride16.shape[-2:], mode="nearest")
        top = self.lateral16(stride16) + top
        if self.lateral8 is not None:
            (stride8,) = finer
            top = self.lateral8(stride8) + F.interpolate(
                top, size=stride8.shape[-2:], mode="nearest"
            )
        return self.smooth(top)


class SamGroundingEncoder(nn.Module):
    """SAM/MedSAM ViT image encoder (transformers SamVisionModel), 3-channel input."""

    def __init__(self, vision: SamVisionModel, feature_dim: int) -> None:
        super().__init__()
        self.vision = vision
        channels = vision.config.output_channels
        self.project = (
            nn.Identity() if channels == feature_dim else nn.Conv2d(channels, feature_dim, 1)
        )
        self.register_buffer("mean", torch.tensor(SAM_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(SAM_STD).view(1, 3, 1, 1), persistent=False)

    def forward(self, pixels: Tensor) -> Tensor:
        rgb = (pixels.expand(-1, 3, -1, -1) - self.mean) / self.std
        features = self.vision(pixel_values=rgb.to(self.vision.dtype)).last_hidden_state
        return self.project(features.to(self.mean.dtype))


def build_grounding_encoder(config: KnowMVGConfig, *, load_pretrained: bool) -> nn.Module:
    if config.grounding_encoder == "resnet":
        return ResNetGroundingEncoder(
            config.resnet_hidden_sizes,
            config.resnet_depths,
            config.feature_dim,
            config.feature_stride,
        )
    if load_pretrained and config.grounding_encoder_path:
        vision = from_local_pretrained(SamVisionModel, config.grounding_encoder_path)
    else:
        sam_kwargs = {"image_size": config.image_size, **config.sam_vision}
        vision = SamVisionModel(SamVisionConfig(**sam_kwargs))
    if vision.config.image_size != config.image_size:
        raise ValueError(
            f"SAM encoder expects {vision.config.image_size} px, config.image_size is "
            f"{config.image_size}"
        )
    return SamGroundingEncoder(vision, config.feature_dim)
