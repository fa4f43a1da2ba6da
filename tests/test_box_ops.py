"""Box conversions and the letterbox mapping, against values computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model_core.box_ops import (
    Letterbox,
    box_cxcywh_to_xyxy,
    box_iou_np,
    box_xywh_to_xyxy_np,
    box_xyxy_to_cxcywh,
    generalized_box_iou_pairwise,
    hypothesis_spread,
)


def test_format_round_trip():
    boxes = torch.tensor([[0.2, 0.3, 0.6, 0.9]])
    assert torch.allclose(box_xyxy_to_cxcywh(boxes), torch.tensor([[0.4, 0.6, 0.4, 0.6]]))
    assert torch.allclose(box_cxcywh_to_xyxy(box_xyxy_to_cxcywh(boxes)), boxes)
    assert box_xywh_to_xyxy_np([10, 20, 30, 40]).tolist() == [10, 20, 40, 60]


@pytest.mark.parametrize(
    ("a", "b", "iou"),
    [
        ([0, 0, 10, 10], [0, 0, 10, 10], 1.0),
        ([0, 0, 10, 10], [5, 0, 15, 10], 50 / 150),
        ([0, 0, 10, 10], [10, 0, 20, 10], 0.0),  # touching: no overlap, no +1
        ([0, 0, 10, 10], [0, 0, 5, 10], 0.5),
        ([0, 0, 0, 0], [0, 0, 0, 0], 0.0),
    ],
)
def test_iou_continuous_coordinates(a, b, iou):
    assert box_iou_np(np.array(a), np.array(b)) == pytest.approx(iou)


def test_giou_penalises_distance():
    a = torch.tensor([0.0, 0.0, 1.0, 1.0])
    near, far = torch.tensor([1.0, 0.0, 2.0, 1.0]), torch.tensor([3.0, 0.0, 4.0, 1.0])
    assert generalized_box_iou_pairwise(a, near) == pytest.approx(0.0)
    assert generalized_box_iou_pairwise(a, far) == pytest.approx(-0.5)


def test_hypothesis_spread_is_in_units_of_the_box_size():
    # Two hypotheses of a 0.1 x 0.4 box (size 0.2) whose centres differ by 0.04 in x: the
    # x coordinate's std is 0.02, the mean over the four coordinates 0.005, so 0.025 boxes.
    hypotheses = torch.tensor([[[0.48, 0.5, 0.1, 0.4], [0.52, 0.5, 0.1, 0.4]]])
    assert hypothesis_spread(hypotheses).item() == pytest.approx(0.025)
    # the same wobble scaled with the box (a film drawn larger) is the same spread
    assert hypothesis_spread(hypotheses * 0.5).item() == pytest.approx(0.025)
    # collapsed hypotheses have none; a degenerate box gives a large, finite number
    assert hypothesis_spread(hypotheses[:, :1].repeat(1, 3, 1)).item() == 0.0
    flat = torch.tensor([[[0.5, 0.5, 0.0, 0.0], [0.6, 0.5, 0.0, 0.0]]])
    assert torch.isfinite(hypothesis_spread(flat)).all()


def test_letterbox_round_trip_on_a_tall_image():
    box = Letterbox(height=2000, width=1000, size=256)
    assert box.scale == pytest.approx(0.128) and box.pad_x == pytest.approx(64.0)
    assert box.pad_y == 0
    pixels = np.array([100.0, 200.0, 700.0, 1800.0])
    model = box.image_to_model_xyxy(pixels)
    assert model[0] == pytest.approx((100 * 0.128 + 64) / 256)
    assert np.allclose(box.model_to_image_xyxy(model), pixels)
    # a model box in the padding is clipped to the image
    assert box.model_to_image_xyxy(np.array([0.0, 0.0, 0.1, 0.1]))[0] == 0.0


def test_frame_maps_image_normalised_boxes_like_the_pixel_mapping():
    from model_core.box_ops import image_to_model_cxcywh

    box = Letterbox(height=1800, width=1200, size=256)
    image_xyxy = np.array([0.1, 0.2, 0.5, 0.9])
    expected = box.image_to_model_xyxy(image_xyxy * [1200, 1800, 1200, 1800])
    cxcywh = box_xyxy_to_cxcywh(torch.tensor([image_xyxy]))
    mapped = image_to_model_cxcywh(cxcywh, torch.tensor([box.frame()]))
    assert np.allclose(box_cxcywh_to_xyxy(mapped)[0].numpy(), expected, atol=1e-6)
