"""KnowMVG losses: one method per loss, one weight dict applied in one place."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from ..box_ops import (
    box_cxcywh_to_xyxy,
    box_iou_matrix,
    box_size,
    generalized_box_iou_pairwise,
)
from .knowmvg import KnowMVGOutput

IGNORE_INDEX = -100
WTA_EPSILON = 0.05
# The smallest box size (sqrt of the normalised area) loss_l1_relative divides by: a 4 mm
# nodule on a 35 cm film, so a degenerate ground truth cannot blow the loss up.
MIN_RELATIVE_SIZE = 0.01


@dataclass
class GroundingTargets:
    """lm_labels (B, T) with IGNORE_INDEX off-target; gt_boxes: per phrase (n_i, 4)
    normalised cxcywh (several boxes for a multi-box phrase)."""

    lm_labels: Tensor | None
    gt_boxes: list[Tensor]
    image_frames: Tensor | None = None  # (N, 4) per phrase; atlas boxes are image-normalised


class GroundingCriterion:
    def __init__(self, weights: dict[str, float], region_boxes_xyxy: Tensor | None = None) -> None:
        self.weights = dict(weights)
        self.region_boxes = region_boxes_xyxy

    def __call__(self, output: KnowMVGOutput, targets: GroundingTargets) -> dict[str, Tensor]:
        """All losses by name plus `loss`, their weighted sum (the only thing backpropagated)."""
        if not targets.gt_boxes:
            losses = {"lm": self.loss_lm(output, targets)}
            losses["loss"] = self.weights.get("lm", 0.0) * losses["lm"]
            return losses
        matched = self._matched_targets(output.hypotheses, targets.gt_boxes)  # (L, N, H, 4)
        mean_boxes = output.hypotheses.mean(dim=2, keepdim=True)  # (L, N, 1, 4): the box
        mean_matched = self._matched_targets(mean_boxes, targets.gt_boxes)
        losses = {
            "l1": self.loss_l1(mean_boxes, mean_matched),
            "l1_relative": self.loss_l1_relative(mean_boxes, mean_matched),
            "giou": self.loss_giou(mean_boxes, mean_matched),
            "wta": self.loss_wta(output, matched),
        }
        if output.lm_logits is not None and targets.lm_labels is not None:
            losses["lm"] = self.loss_lm(output, targets)
        if output.mask_logits is not None:
            losses["mask"] = self.loss_mask(output, targets)
        if output.region_scores is not None and self.region_boxes is not None:
            losses["location"] = self.loss_location(output, targets)
        losses["confidence"] = self.loss_confidence(output, targets)
        losses["loss"] = sum(self.weights.get(name, 0.0) * value for name, value in losses.items())
        return losses

    # -- one method per loss -------------------------------------------------------
    def loss_lm(self, output: KnowMVGOutput, targets: GroundingTargets) -> Tensor:
        logits = output.lm_logits
        return F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]).float(),
            targets.lm_labels.reshape(-1),
            ignore_index=IGNORE_INDEX,
        )

    def loss_l1(self, boxes: Tensor, matched: Tensor) -> Tensor:
        """The predicted box (the hypotheses' mean, every layer) against its GT box."""
        return F.l1_loss(boxes.float(), matched, reduction="mean")

    def loss_l1_relative(self, boxes: Tensor, matched: Tensor) -> Tensor:
        """The predicted box's L1 in units of its GT box's size (sqrt of its area). On
        normalised coordinates a nodule's box drawn 20 % too large costs the plain L1 next to
        nothing, while its IoU falls under 0.5; this term weighs every box by its own scale."""
        size = box_size(matched).clamp(min=MIN_RELATIVE_SIZE)
        error = (boxes.float() - matched).abs() / size[..., None]
        return error.mean()

    def loss_giou(self, boxes: Tensor, matched: Tensor) -> Tensor:
        giou = generalized_box_iou_pairwise(
            box_cxcywh_to_xyxy(boxes.float()), box_cxcywh_to_xyxy(matched)
        )
        return (1 - giou).mean()

    def loss_wta(self, output: KnowMVGOutput, matched: Tensor) -> Tensor:
        """Relaxed winner-takes-all over the H hypotheses (Rupprecht et al., ICCV 2017): the
        closest hypothesis takes 1 - WTA_EPSILON of the L1 + GIoU cost, the others share the
        rest. Hypotheses then stay apart where the box is ambiguous, so their spread (the
        reported uncertainty) follows the error instead of collapsing to 0."""
        hypotheses = output.hypotheses.float()
        giou = generalized_box_iou_pairwise(
            box_cxcywh_to_xyxy(hypotheses), box_cxcywh_to_xyxy(matched)
        )
        cost = (hypotheses - matched).abs().sum(-1) + (1 - giou)  # (L, N, H)
        count = cost.shape[-1]
        if count == 1:
            return cost.mean()
        winner = F.one_hot(cost.detach().argmin(-1), count).float()
        weights = winner * (1 - WTA_EPSILON) + (1 - winner) * WTA_EPSILON / (count - 1)
        return (weights * cost).sum(-1).mean()

    def loss_mask(self, output: KnowMVGOutput, targets: GroundingTargets) -> Tensor:
        """BCE + dice of the semantic mask against the ground-truth box region."""
        logits = output.mask_logits.float()
        target = torch.stack([box_region(boxes, logits.shape[-2:]) for boxes in targets.gt_boxes])
        bce = F.binary_cross_entropy_with_logits(logits, target)
        probs = torch.sigmoid(logits).flatten(1)
        flat = target.flatten(1)
        dice = 1 - (2 * (probs * flat).sum(1) + 1) / (probs.sum(1) + flat.sum(1) + 1)
        return bce + dice.mean()

    def loss_location(self, output: KnowMVGOutput, targets: GroundingTargets) -> Tensor:
        """Soft cross-entropy pushing prompt selection toward regions overlapping the GT box."""
        region = self.region_boxes.to(output.region_scores.device)
        target = torch.stack(
            [
                box_iou_matrix(box_cxcywh_to_xyxy(b.float()), region).amax(0)
                for b in targets.gt_boxes
            ]
        )
        total = target.sum(-1, keepdim=True)
        valid = total.squeeze(-1) > 0
        if not valid.any():
            return output.region_scores.sum() * 0.0
        distribution = target[valid] / total[valid]
        log_probs = output.region_scores[valid].float().log_softmax(-1)
        return -(distribution * log_probs).sum(-1).mean()

    def loss_confidence(self, output: KnowMVGOutput, targets: GroundingTargets) -> Tensor:
        """The confidence head predicts the IoU of the mean box with its best GT box."""
        with torch.no_grad():
            ious = torch.stack(
                [
                    box_iou_matrix(
                        box_cxcywh_to_xyxy(box[None].float()), box_cxcywh_to_xyxy(gt.float())
                    ).amax()
                    for box, gt in zip(output.boxes, targets.gt_boxes, strict=True)
                ]
            )
        return F.binary_cross_entropy_with_logits(output.confidence_logits.float(), ious)

    # -- helpers -------------------------------------------------------------------
    @staticmethod
    def _matched_targets(hypotheses: Tensor, gt_boxes: list[Tensor]) -> Tensor:
        """Each hypothesis of each layer is matched to its nearest GT box (L1 + GIoU cost)."""
        matched = []
        for index, gt in enumerate(gt_boxes):
            preds = hypotheses[:, index].detach().float()  # (L, H, 4)
            gt = gt.float().to(preds.device)
            cost = torch.cdist(preds.reshape(-1, 4), gt, p=1)
            giou = generalized_box_iou_pairwise(
                box_cxcywh_to_xyxy(preds.reshape(-1, 1, 4)), box_cxcywh_to_xyxy(gt[None])
            )
            choice = (cost - giou).argmin(-1)
            matched.append(gt[choice].view(preds.shape))
        return torch.stack(matched, dim=1)


def box_region(boxes_cxcywh: Tensor, grid: tuple[int, int]) -> Tensor:
    """(h, w) mask: 1 for cells whose centre lies in any of the boxes."""
    height, width = grid
    device = boxes_cxcywh.device
    ys = (torch.arange(height, device=device, dtype=torch.float32) + 0.5) / height
    xs = (torch.arange(width, device=device, dtype=torch.float32) + 0.5) / width
    x0, y0, x1, y1 = box_cxcywh_to_xyxy(boxes_cxcywh.float()).unbind(-1)
    inside_y = (ys >= y0[:, None]) & (ys <= y1[:, None])
    inside_x = (xs >= x0[:, None]) & (xs <= x1[:, None])
    region = (inside_y[:, :, None] & inside_x[:, None, :]).any(0)
    return region.float()
