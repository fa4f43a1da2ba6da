"""Box and coordinate conversions on tensors, for the model and its losses.

Formats are in the names: `xyxy` corners, `cxcywh` centre/size, `xywh` top-left/size.
Functions take `(..., 4)` tensors. The numpy twins and the letterbox, which the viewer and
the exporters need without torch, live in `box_geometry` and are re-exported here.
"""

from __future__ import annotations

import torch
from torch import Tensor

from .box_geometry import Letterbox, box_iou_np, box_xywh_to_xyxy_np

__all__ = [
    "Letterbox",
    "box_area",
    "box_cxcywh_to_xyxy",
    "box_iou_matrix",
    "box_iou_np",
    "box_iou_pairwise",
    "box_size",
    "box_xywh_to_xyxy_np",
    "box_xyxy_to_cxcywh",
    "generalized_box_iou_pairwise",
    "hypothesis_spread",
    "image_to_model_cxcywh",
]


def box_cxcywh_to_xyxy(boxes: Tensor) -> Tensor:
    cx, cy, w, h = boxes.unbind(-1)
    return torch.stack((cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h), dim=-1)


def box_xyxy_to_cxcywh(boxes: Tensor) -> Tensor:
    x0, y0, x1, y1 = boxes.unbind(-1)
    return torch.stack(((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0), dim=-1)


def box_area(boxes: Tensor) -> Tensor:
    """Area of xyxy boxes; degenerate boxes count 0."""
    return (boxes[..., 2] - boxes[..., 0]).clamp(min=0) * (boxes[..., 3] - boxes[..., 1]).clamp(
        min=0
    )


def box_iou_pairwise(boxes1: Tensor, boxes2: Tensor) -> tuple[Tensor, Tensor]:
    """IoU and union of matching xyxy boxes, shapes (..., 4) -> (...)."""
    top_left = torch.maximum(boxes1[..., :2], boxes2[..., :2])
    bottom_right = torch.minimum(boxes1[..., 2:], boxes2[..., 2:])
    inter = (bottom_right - top_left).clamp(min=0).prod(-1)
    union = box_area(boxes1) + box_area(boxes2) - inter
    return inter / union.clamp(min=1e-9), union


def generalized_box_iou_pairwise(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """GIoU of matching xyxy boxes (..., 4) -> (...), in [-1, 1]."""
    iou, union = box_iou_pairwise(boxes1, boxes2)
    top_left = torch.minimum(boxes1[..., :2], boxes2[..., :2])
    bottom_right = torch.maximum(boxes1[..., 2:], boxes2[..., 2:])
    hull = (bottom_right - top_left).clamp(min=0).prod(-1)
    return iou - (hull - union) / hull.clamp(min=1e-9)


def box_iou_matrix(boxes1: Tensor, boxes2: Tensor) -> Tensor:
    """IoU of every pair: (N, 4) x (M, 4) -> (N, M)."""
    iou, _ = box_iou_pairwise(boxes1[:, None, :], boxes2[None, :, :])
    return iou


def box_size(boxes: Tensor) -> Tensor:
    """The size of cxcywh boxes, (..., 4) -> (...): the square root of their area, the one
    length that scales with the box (degenerate boxes count 0)."""
    return (boxes[..., 2].clamp(min=0) * boxes[..., 3].clamp(min=0)).sqrt()


def hypothesis_spread(hypotheses: Tensor) -> Tensor:
    """Spread of H cxcywh box hypotheses, (..., H, 4) -> (...): the coordinates' standard
    deviation over H, averaged, in units of the mean box's size (the square root of its
    area). It is scale-free like IoU: a 3 px wobble is nothing on a lung and everything on a
    nodule, and only the relative spread ranks boxes by the error IoU sees."""
    spread = hypotheses.std(dim=-2, unbiased=False).mean(dim=-1)
    return spread / box_size(hypotheses.mean(dim=-2)).clamp(min=1e-6)


def image_to_model_cxcywh(boxes: Tensor, frames: Tensor) -> Tensor:
    """Image-normalised cxcywh (N, 4) -> model-frame cxcywh, per-row frames (N, 4) as
    returned by Letterbox.frame()."""
    ax, bx, ay, by = frames.unbind(-1)
    cx, cy, w, h = boxes.unbind(-1)
    return torch.stack((cx * ax + bx, cy * ay + by, w * ax, h * ay), dim=-1)
