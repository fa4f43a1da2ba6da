"""The KnowMVG network: shapes, gradients, switches, checkpoints, the base (LLaVA + SAM) path."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import torch

from model_core.inputs import GroundingInputs, PhraseInputs
from model_core.modeling.configuration import KnowMVGConfig
from model_core.modeling.criterion import GroundingCriterion, GroundingTargets
from model_core.modeling.knowmvg import WEIGHTS_NAME, KnowMVGModel
from model_core.text.tokenizer import ReportTokenizer

from .conftest import TINY_TEST_ARCHITECTURE

REGIONS = [
    [0.10, 0.10, 0.47, 0.80],
    [0.53, 0.10, 0.90, 0.80],
    [0.38, 0.45, 0.72, 0.78],
    [0.10, 0.55, 0.47, 0.80],
    [0.53, 0.55, 0.90, 0.80],
]
CORPUS = [
    "FINDINGS: There is a small left pleural effusion. No pneumothorax. Heart size is normal.",
    "Patchy airspace opacity in the right lower lobe, concerning for pneumonia.",
    "A 1.5 cm nodule projects over the left upper zone. The heart is enlarged.",
] * 20


@pytest.fixture(scope="module")
def tokenizer() -> ReportTokenizer:
    return ReportTokenizer.train(CORPUS, vocab_size=200)


def tiny_config(tokenizer: ReportTokenizer, **overrides) -> KnowMVGConfig:
    base = dict(
        TINY_TEST_ARCHITECTURE,
        vocab_size=tokenizer.vocab_size,
        region_ids=[f"region_{i}" for i in range(len(REGIONS))],
        region_boxes=REGIONS,
        top_k=3,
    )
    base.update(overrides)
    return KnowMVGConfig.named("tiny", **base)


def batch(config: KnowMVGConfig, tokenizer: ReportTokenizer, seed: int = 0) -> GroundingInputs:
    generator = torch.Generator().manual_seed(seed)
    text_ids = torch.randint(6, tokenizer.vocab_size, (2, 30), generator=generator)
    return GroundingInputs(
        pixels=torch.rand(2, 1, config.image_size, config.image_size, generator=generator),
        text_ids=text_ids,
        text_mask=torch.ones(2, 30),
        text_image=torch.arange(2),
        box_positions=torch.tensor([[0, 12], [0, 20], [1, 15]]),
        bos_id=tokenizer.bos_id,
        phrases=PhraseInputs(
            image_index=torch.tensor([0, 0, 1]),
            knowledge_ids=torch.randint(6, tokenizer.vocab_size, (3, 9), generator=generator),
            knowledge_mask=torch.ones(3, 9),
            prior_boxes=torch.tensor([[0.1, 0.5, 0.4, 0.8]] * 3),
        ),
    )


def targets(inputs: GroundingInputs) -> GroundingTargets:
    labels = inputs.text_ids.clone()
    labels[:, :10] = -100
    gt = [
        torch.tensor([[0.3, 0.6, 0.2, 0.2]]),
        torch.tensor([[0.7, 0.3, 0.1, 0.1], [0.3, 0.3, 0.1, 0.1]]),
        torch.tensor([[0.5, 0.6, 0.3, 0.3]]),
    ]
    return GroundingTargets(labels, gt)


@pytest.mark.parametrize(
    ("knowledge_prompts", "global_local"),
    [(True, True), (True, False), (False, True), (False, False)],
)
def test_shapes_and_every_parameter_gets_a_gradient(tokenizer, knowledge_prompts, global_local):
    config = tiny_config(tokenizer, knowledge_prompts=knowledge_prompts, global_local=global_local)
    model = KnowMVGModel(config)
    inputs = batch(config, tokenizer)
    output = model(inputs)
    assert output.boxes.shape == (3, 4) and output.hypotheses.shape == (2, 3, 3, 4)
    grid = config.image_size // config.feature_stride  # 128 px at stride 8
    assert config.feature_stride == 8 and output.attention.shape == (3, grid, grid)
    assert torch.allclose(output.attention.flatten(1).sum(-1), torch.ones(3), atol=1e-4)
    assert output.lm_logits.shape == (2, 30, tokenizer.vocab_size)
    assert ((output.boxes >= 0) & (output.boxes <= 1)).all()
    losses = GroundingCriterion(config.loss_weights, torch.tensor(REGIONS))(output, targets(inputs))
    expected = {"l1", "l1_relative", "giou", "wta", "lm", "confidence", "loss"}
    expected |= {"mask"} if global_local else set()
    expected |= {"location"} if knowledge_prompts else set()
    assert set(losses) == expected
    losses["loss"].backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert missing == []


def test_relative_l1_weighs_a_nodule_box_like_a_lung_box():
    # Both boxes are drawn 20 % too wide and high: IoU 0.69 each. The plain L1 on normalised
    # coordinates barely sees the nodule's; the relative L1 gives them the same cost.
    criterion = GroundingCriterion({})
    nodule, lung = torch.tensor([[0.5, 0.5, 0.03, 0.03]]), torch.tensor([[0.5, 0.5, 0.3, 0.3]])
    grown = torch.tensor([1.0, 1.0, 1.2, 1.2])
    small = criterion.loss_l1(nodule * grown, nodule).item()
    large = criterion.loss_l1(lung * grown, lung).item()
    assert small == pytest.approx(large / 10)
    assert criterion.loss_l1_relative(nodule * grown, nodule).item() == pytest.approx(
        criterion.loss_l1_relative(lung * grown, lung).item()
    )
    assert criterion.loss_l1_relative(nodule * grown, nodule).item() == pytest.approx(0.1)
    degenerate = torch.zeros((1, 4))  # a zero-size ground truth: a bounded loss, not inf
    assert torch.isfinite(criterion.loss_l1_relative(nodule, degenerate))


def test_switches_remove_their_components(tokenizer):
    full = KnowMVGModel(tiny_config(tokenizer))
    baseline = KnowMVGModel(tiny_config(tokenizer, knowledge_prompts=False, global_local=False))
    full_names = {n for n, _ in full.named_modules()}
    base_names = {n for n, _ in baseline.named_modules()}
    assert {"knowledge_encoder", "prompt_bank", "box_decoder.mask_embed"} <= full_names
    assert not any(n.startswith(("knowledge_encoder", "prompt_bank")) for n in base_names)
    assert not any(n.endswith((".gate", "mask_embed")) for n in base_names)
    assert any(n.endswith("cross_attention.gate") for n in full_names)
    assert sum(p.numel() for p in baseline.parameters()) < sum(p.numel() for p in full.parameters())
    inputs = batch(baseline.config, tokenizer)
    output = baseline(replace(inputs, phrases=replace(inputs.phrases, knowledge_ids=None)))
    assert output.mask_logits is None and output.region_scores is None


def test_selected_priors_are_top_k_with_normalised_weights(tokenizer):
    model = KnowMVGModel(tiny_config(tokenizer)).eval()
    output = model(batch(model.config, tokenizer))
    assert output.region_indices.shape == (3, 3)
    assert torch.allclose(output.region_weights.sum(-1), torch.ones(3), atol=1e-5)
    top = output.region_scores.topk(3, dim=-1).indices
    assert torch.equal(top, output.region_indices)


def test_save_load_round_trip_gives_identical_outputs(tokenizer, tmp_path):
    torch.manual_seed(0)
    model = KnowMVGModel(tiny_config(tokenizer)).eval()
    model.save_pretrained(tmp_path, tokenizer)
    loaded = KnowMVGModel.from_pretrained(tmp_path)
    inputs = batch(model.config, tokenizer, seed=3)
    with torch.no_grad():
        a, b = model(inputs), loaded(inputs)
    assert torch.equal(a.boxes, b.boxes) and torch.equal(a.lm_logits, b.lm_logits)
    assert ReportTokenizer.load(tmp_path).vocab_size == tokenizer.vocab_size


def test_the_first_box_starts_at_the_knowledge_cue_and_the_query_can_move_it(tokenizer):
    torch.manual_seed(0)
    model = KnowMVGModel(tiny_config(tokenizer, global_local=False))
    decoder = model.box_decoder
    query, features = torch.randn(2, 32), torch.randn(2, 32, 4, 4)
    image_index = torch.arange(2)
    cue = torch.tensor([[0.3, 0.6, 0.2, 0.2], [0.7, 0.3, 0.1, 0.1]])
    offsets = decoder.hypothesis_offsets.detach()
    expected = torch.sigmoid(torch.logit(cue)[:, None, :] + offsets)
    first = decoder.layers[0]
    with torch.no_grad():  # with no refinement, the first layer's boxes are the start
        first.box_delta[-1].weight.zero_()
        assert torch.allclose(
            decoder(query, features, image_index, None, cue).boxes[0], expected, atol=1e-6
        )
        decoder.initial_box[-1].bias.fill_(0.5)  # a learnt correction moves the start
        moved = decoder(query, features, image_index, None, cue).boxes[0]
    assert torch.allclose(
        moved, torch.sigmoid(torch.logit(cue)[:, None] + 0.5 + offsets), atol=1e-6
    )


@pytest.mark.parametrize("global_local", [True, False])
def test_phrases_of_one_image_share_its_keys_as_if_each_had_its_own_copy(tokenizer, global_local):
    """The decoder projects keys and values once per image; that must be the same model as
    giving every phrase its own copy of the image's features."""
    torch.manual_seed(0)
    decoder = KnowMVGModel(tiny_config(tokenizer, global_local=global_local)).box_decoder
    query, features = torch.randn(3, 32), torch.randn(2, 32, 4, 4)
    image_index, cue = torch.tensor([1, 0, 1]), torch.rand(3, 4) * 0.5 + 0.25
    shared = decoder(query, features, image_index, None, cue)
    copied = decoder(query, features[image_index], torch.arange(3), None, cue)
    assert torch.allclose(shared.boxes, copied.boxes, atol=1e-6)
    assert torch.allclose(shared.attention, copied.attention, atol=1e-6)
    assert torch.allclose(shared.confidence_logits, copied.confidence_logits, atol=1e-6)
    other = decoder(query, features, torch.tensor([0, 0, 1]), None, cue)
    # the index is honoured: phrase 0 looks at image 1 (boxes ignore the image at init)
    assert not torch.allclose(shared.attention[0], other.attention[0], atol=1e-4)


def test_a_knowledge_checkpoint_saved_before_the_cue_correction_loads_unchanged(
    tokenizer, tmp_path
):
    from safetensors.torch import load_file, save_file

    from model_core.modeling.knowmvg import KNOWLEDGE_CUE_CORRECTION, WEIGHTS_NAME

    torch.manual_seed(0)
    model = KnowMVGModel(tiny_config(tokenizer)).eval()
    model.save_pretrained(tmp_path, tokenizer)
    weights = tmp_path / WEIGHTS_NAME
    old = {k: v for k, v in load_file(str(weights)).items() if KNOWLEDGE_CUE_CORRECTION not in k}
    save_file(old, str(weights))
    inputs = batch(model.config, tokenizer, seed=3)
    with torch.no_grad():
        assert torch.equal(
            model(inputs).boxes, KnowMVGModel.from_pretrained(tmp_path)(inputs).boxes
        )
    baseline = KnowMVGModel(tiny_config(tokenizer, knowledge_prompts=False))
    baseline.save_pretrained(tmp_path, tokenizer)  # without a cue, the first box is all it has
    trained = load_file(str(weights))
    save_file({k: v for k, v in trained.items() if KNOWLEDGE_CUE_CORRECTION not in k}, str(weights))
    with pytest.raises(ValueError, match="weights missing"):
        KnowMVGModel.from_pretrained(tmp_path)


def test_config_round_trips_and_rejects_unknown_fields(tokenizer, tmp_path):
    config = tiny_config(tokenizer)
    assert KnowMVGConfig.from_dict(config.to_dict()) == config
    config.save(tmp_path)
    assert KnowMVGConfig.load(tmp_path) == config
    data = json.loads((tmp_path / "config.json").read_text())
    data["mystery"] = 1
    (tmp_path / "config.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="unknown config fields: \\['mystery'\\]"):
        KnowMVGConfig.load(tmp_path)
    with pytest.raises(ValueError, match="feature_dim \\(30\\) must be divisible"):
        tiny_config(tokenizer, feature_dim=30)


def test_bad_checkpoints_give_one_clear_message(tokenizer, tmp_path):
    with pytest.raises(ValueError, match="model directory not found"):
        KnowMVGModel.from_pretrained(tmp_path / "absent")
    KnowMVGModel(tiny_config(tokenizer)).save_pretrained(tmp_path, tokenizer)
    weights = tmp_path / WEIGHTS_NAME
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="unreadable safetensors"):
        KnowMVGModel.from_pretrained(tmp_path)
    weights.write_bytes(data)
    config = json.loads((tmp_path / "config.json").read_text())
    config["feature_dim"] = 64
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="does not match the weights"):
        KnowMVGModel.from_pretrained(tmp_path)


def _tiny_llava_and_sam(tmp_path):
    from transformers import (
        CLIPVisionConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        SamVisionConfig,
        SamVisionModel,
    )

    torch.manual_seed(0)
    llava_config = LlavaConfig(
        vision_config=CLIPVisionConfig(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=56,
            patch_size=14,
            projection_dim=32,
        ),
        text_config=LlamaConfig(
            vocab_size=120,
            hidden_size=48,
            intermediate_size=96,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=4,
            max_position_embeddings=256,
        ),
        image_token_id=119,
        vision_feature_layer=-2,
    )
    LlavaForConditionalGeneration(llava_config).save_pretrained(tmp_path / "llava")
    sam = SamVisionModel(
        SamVisionConfig(
            hidden_size=32,
            output_channels=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=128,
            patch_size=16,
            window_size=2,
            global_attn_indexes=[1],
            mlp_dim=64,
        )
    )
    sam.save_pretrained(tmp_path / "sam")
    return tmp_path / "llava", tmp_path / "sam"


@pytest.mark.slow
def toy_base_config(llava_dir, sam_dir, tokenizer, **overrides) -> KnowMVGConfig:
    """The `base` architecture (LoRA on a local LLaVA, a local SAM) at toy shapes."""
    settings = dict(
        mllm_path=str(llava_dir),
        grounding_encoder_path=str(sam_dir),
        image_size=128,
        feature_dim=32,
        decoder_heads=4,
        top_k=3,
        knowledge_tokens=2,
        lora_rank=4,
        dtype="float32",
        vocab_size=tokenizer.vocab_size,
        region_ids=[f"region_{i}" for i in range(len(REGIONS))],
        region_boxes=REGIONS,
    )
    return KnowMVGConfig.named("base", **{**settings, **overrides})


def test_base_path_loads_llava_and_sam_from_local_directories(tokenizer, tmp_path):
    llava_dir, sam_dir = _tiny_llava_and_sam(tmp_path)
    config = toy_base_config(llava_dir, sam_dir, tokenizer)
    model = KnowMVGModel(config, load_pretrained=True)
    # LoRA: the LM's own weights are frozen, adapters and the new heads train
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert any("lora_" in n for n in trainable)
    assert not any("q_proj.base_layer" in n for n in trainable)
    sam_weight = next(iter(model.grounding_encoder.vision.state_dict().values()))
    from transformers import SamVisionModel

    reference = next(iter(SamVisionModel.from_pretrained(sam_dir).state_dict().values()))
    assert torch.equal(sam_weight, reference)  # the user's SAM weights, not random ones
    inputs = batch(config, tokenizer)
    output = model(inputs)
    assert output.boxes.shape == (3, 4) and output.attention.shape == (3, 8, 8)
    GroundingCriterion(config.loss_weights, torch.tensor(REGIONS))(output, targets(inputs))[
        "loss"
    ].backward()
    # a checkpoint holds only what was trained; it reloads on top of the local bases
    model.eval().save_pretrained(tmp_path / "ckpt", tokenizer)
    size = (tmp_path / "ckpt" / WEIGHTS_NAME).stat().st_size
    full = sum(t.numel() * t.element_size() for t in model.state_dict().values())
    assert size < full
    reloaded = KnowMVGModel.from_pretrained(tmp_path / "ckpt")
    with torch.no_grad():
        assert torch.allclose(model(inputs).boxes, reloaded(inputs).boxes, atol=1e-5)


def test_base_path_missing_directory_is_a_clear_error(tokenizer, tmp_path):
    config = KnowMVGConfig.named(
        "base",
        mllm_path=str(tmp_path / "nope"),
        vocab_size=tokenizer.vocab_size,
        region_ids=["a", "b", "c", "d", "e", "f"],
        region_boxes=[[0, 0, 1, 1]] * 6,
    )
    with pytest.raises(ValueError, match="not found \\(nothing is fetched\\)"):
        KnowMVGModel(config, load_pretrained=True)


def test_inconsistent_inputs_are_value_errors_with_the_numbers(tokenizer):
    model = KnowMVGModel(tiny_config(tokenizer))
    inputs = batch(model.config, tokenizer)
    short = replace(inputs, phrases=replace(inputs.phrases, image_index=torch.tensor([0, 1])))
    with pytest.raises(ValueError, match="\\[BOX\\] positions: 3, phrases: 2"):
        model(short)
    with pytest.raises(ValueError, match="text rows: 2, text_image entries: 1"):
        model(replace(inputs, text_image=torch.tensor([0])))
    with pytest.raises(ValueError, match="text_image names image 2 of 2"):
        model(replace(inputs, text_image=torch.tensor([0, 2])))
