"""The fine box stage: its crops, its correction, and a warm start that begins unchanged."""

from __future__ import annotations

import pytest
import torch

from model_core.box_ops import hypothesis_spread
from model_core.modeling import fine_box
from model_core.modeling.criterion import GroundingCriterion
from model_core.modeling.fine_box import (
    MIN_CROP,
    PATCH,
    FineBoxStage,
    apply_correction,
    crop_windows,
    sample_patches,
)
from model_core.modeling.knowmvg import KnowMVGModel, box_layers

from .test_model import REGIONS, batch, targets, tiny_config, tokenizer  # noqa: F401


def test_a_crop_is_a_square_twice_the_longer_side_never_under_the_floor():
    boxes = torch.tensor([[0.5, 0.4, 0.2, 0.1], [0.3, 0.3, 0.01, 0.02]])
    windows = crop_windows(boxes)
    assert torch.allclose(windows[0], torch.tensor([0.5, 0.4, 0.4, 0.4]))
    assert torch.allclose(windows[1], torch.tensor([0.3, 0.3, MIN_CROP, MIN_CROP]))


def test_patches_read_the_window_of_their_own_image_with_x_across_and_y_down():
    pixels = torch.zeros(2, 1, 64, 64)
    pixels[1, 0, 48, 16] = 1.0  # image 1: a dot at x = 0.26, y = 0.76 (pixel centres)
    dot = torch.tensor([(16 + 0.5) / 64, (48 + 0.5) / 64])
    centred = torch.tensor([[dot[0], dot[1], 0.25, 0.25]])
    patch = sample_patches(pixels, torch.tensor([1]), centred, 17)
    assert patch.shape == (1, 1, 17, 17)
    assert divmod(int(patch.flatten().argmax()), 17) == (8, 8)
    whole = sample_patches(pixels, torch.tensor([1]), torch.tensor([[0.5, 0.5, 1.0, 1.0]]), 64)
    assert torch.allclose(whole, pixels[1:], atol=1e-5)  # the whole image reads as itself
    assert sample_patches(pixels, torch.tensor([0]), centred, 17).abs().max() == 0


def test_the_correction_moves_the_hypotheses_together_and_keeps_their_relative_spread():
    hypotheses = torch.tensor(
        [[[0.50, 0.50, 0.04, 0.04], [0.52, 0.49, 0.05, 0.04], [0.49, 0.51, 0.04, 0.05]]]
    )
    windows = crop_windows(hypotheses.mean(dim=1))
    delta = torch.tensor([[0.1, -0.2, 0.0, 0.0]])
    moved = apply_correction(hypotheses, windows, delta)
    shift = moved.mean(dim=1) - hypotheses.mean(dim=1)
    side = float(windows[0, 2])
    assert torch.allclose(shift[0], torch.tensor([0.1 * side, -0.2 * side, 0.0, 0.0]), atol=1e-6)
    grown = apply_correction(hypotheses, windows, torch.tensor([[0.0, 0.0, 0.5, 0.5]]))
    assert torch.allclose(grown[..., 2:], hypotheses[..., 2:] * torch.e**0.5, atol=1e-6)
    assert torch.allclose(hypothesis_spread(grown), hypothesis_spread(hypotheses), atol=1e-5)
    assert torch.equal(apply_correction(hypotheses, windows, torch.zeros(1, 4)), hypotheses)


def test_a_model_given_the_stage_starts_where_the_model_without_it_was(tokenizer):  # noqa: F811
    torch.manual_seed(0)
    plain = KnowMVGModel(tiny_config(tokenizer)).eval()
    torch.manual_seed(1)
    fine = KnowMVGModel(tiny_config(tokenizer, fine_box=True)).eval()
    missing, unexpected = fine.load_state_dict(plain.state_dict(), strict=False)
    assert unexpected == [] and missing and all(k.startswith("fine_box.") for k in missing)
    inputs = batch(plain.config, tokenizer, seed=2)
    with torch.no_grad():
        before, after = plain(inputs), fine(inputs)
    assert after.hypotheses.shape[0] == box_layers(fine.config) == before.hypotheses.shape[0] + 1
    assert torch.allclose(after.boxes, before.boxes, atol=1e-6)
    assert torch.allclose(after.uncertainty, before.uncertainty, atol=1e-5)


def test_the_stage_learns_from_its_own_layer_and_leaves_the_decoder_to_its_own(
    tokenizer,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(fine_box, "SMALL_BOX", 1.0)  # every box of the random model is small
    torch.manual_seed(0)
    model = KnowMVGModel(tiny_config(tokenizer, fine_box=True))
    with torch.no_grad():  # a stage that already corrects, so every layer of it is reached
        for layer in (model.fine_box.heatmap, model.fine_box.log_scale[-1]):
            layer.weight.normal_(std=0.01)
    inputs = batch(model.config, tokenizer)
    output = model(inputs)
    losses = GroundingCriterion(model.config.loss_weights, torch.tensor(REGIONS))(
        output, targets(inputs)
    )
    losses["loss"].backward()
    stage = [n for n, p in model.fine_box.named_parameters() if p.grad is None or not p.grad.any()]
    assert stage == []
    model.zero_grad(set_to_none=True)
    output = model(inputs)
    output.hypotheses[-1].sum().backward()  # the stage's layer alone
    decoder = [p.grad for p in model.box_decoder.layers.parameters() if p.grad is not None]
    assert all(not g.any() for g in decoder)  # it reads the decoder's boxes, detached


class OneHotHeatmap(torch.nn.Module):
    """A heatmap that is sure of one cell (row, column) of the crop."""

    def __init__(self, row: int, column: int) -> None:
        super().__init__()
        self.row, self.column = row, column

    def forward(self, maps):
        logits = torch.zeros(maps.shape[0], 1, *maps.shape[-2:])
        logits[:, :, self.row, self.column] = 50.0
        return logits


def test_a_small_box_moves_to_the_heatmap_peak_and_a_large_box_stays():
    torch.manual_seed(0)
    stage = FineBoxStage(8).eval()
    stage.heatmap = OneHotHeatmap(row=12, column=4)  # left of centre, below it
    small = torch.tensor([[0.5, 0.5, 0.03, 0.03]])
    large = torch.tensor([[0.5, 0.5, 0.30, 0.20]])
    hypotheses = torch.stack((small, large)).expand(2, 3, 4).clone()
    with torch.no_grad():
        moved = stage(torch.rand(1, 1, 64, 64), torch.tensor([0, 0]), torch.zeros(2, 8), hypotheses)
    cells = PATCH // 2
    side = float(crop_windows(small)[0, 2])
    expected_x = 0.5 + ((4 + 0.5) / cells - 0.5) * side
    expected_y = 0.5 + ((12 + 0.5) / cells - 0.5) * side
    assert moved[0, :, 0] == pytest.approx([expected_x] * 3, abs=1e-5)
    assert moved[0, :, 1] == pytest.approx([expected_y] * 3, abs=1e-5)
    assert torch.allclose(moved[0, :, 2:], hypotheses[0, :, 2:])  # the scale head is at zero
    assert torch.equal(moved[1], hypotheses[1])


def test_the_fine_box_switch_reaches_the_config_and_old_configs_load_without_it(tmp_path):
    from model_core.modeling.configuration import KnowMVGConfig
    from model_core.train import build_parser
    from model_core.train_config import TrainConfig

    args = ["--train-data", "t", "--val-data", "v", "--out", str(tmp_path)]
    assert TrainConfig.from_args(build_parser().parse_args([*args, "--fine-box"])).fine_box
    assert not TrainConfig.from_args(build_parser().parse_args(args)).fine_box
    saved = KnowMVGConfig.named("tiny").to_dict()
    del saved["fine_box"]  # a config.json written before the stage existed
    assert KnowMVGConfig.from_dict(saved).fine_box is False


@pytest.mark.parametrize("fine_box", [False, True])
def test_a_model_without_phrases_reports_its_box_layers(tokenizer, fine_box):  # noqa: F811
    from dataclasses import replace

    from model_core.inputs import PhraseInputs

    model = KnowMVGModel(tiny_config(tokenizer, fine_box=fine_box)).eval()
    inputs = batch(model.config, tokenizer)
    empty = replace(
        inputs,
        box_positions=torch.zeros((0, 2), dtype=torch.long),
        phrases=PhraseInputs(image_index=torch.zeros(0, dtype=torch.long)),
    )
    with torch.no_grad():
        output = model(empty)
    assert output.hypotheses.shape[:2] == (box_layers(model.config), 0)
