"""The base architecture at real shapes on a GPU: LLaVA-1.5-7B-class LM + CLIP ViT-L/336
tower, SAM ViT-B grounding encoder at 1024 px, random bf16 weights, LoRA r=16.

Built through the same code a user with real local checkpoints runs (configs written to
local folders, KnowMVGModel built from them), then: latency per report (generation and
query mode) and peak GPU memory for inference and for one LoRA training step.
`--dry-run` shrinks every dimension so the script itself can be checked on a CPU.
Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from transformers import CLIPVisionConfig, LlamaConfig, LlavaConfig, SamVisionConfig

from model_core.engine import GroundingEngine
from model_core.inputs import GroundingInputs, PhraseInputs, knowledge_inputs
from model_core.knowledge import KnowledgeBase
from model_core.modeling.configuration import KnowMVGConfig
from model_core.modeling.criterion import GroundingCriterion, GroundingTargets
from model_core.modeling.knowmvg import KnowMVGModel
from model_core.text.sequences import training_sequence
from model_core.text.tokenizer import ReportTokenizer

REPORT = (
    "FINDINGS: There is patchy airspace consolidation in the right lower lobe. A small left "
    "pleural effusion is present. The heart is enlarged. No pneumothorax."
)
PHRASES = ["patchy airspace consolidation in the right lower lobe", "small left pleural effusion"]


def shapes(dry_run: bool) -> tuple[LlavaConfig, SamVisionConfig, int]:
    if dry_run:
        text = LlamaConfig(
            vocab_size=32064,
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=4,
        )
        vision = CLIPVisionConfig(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=56,
            patch_size=14,
        )
        sam = SamVisionConfig(
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
        return LlavaConfig(vision_config=vision, text_config=text, image_token_id=32000), sam, 128
    text = LlamaConfig(
        vocab_size=32064,
        hidden_size=4096,
        intermediate_size=11008,
        num_hidden_layers=32,
        num_attention_heads=32,
        num_key_value_heads=32,
        max_position_embeddings=4096,
    )
    vision = CLIPVisionConfig(
        hidden_size=1024,
        intermediate_size=4096,
        num_hidden_layers=24,
        num_attention_heads=16,
        image_size=336,
        patch_size=14,
        projection_dim=768,
    )
    sam = SamVisionConfig()  # ViT-B: 768 wide, 12 layers, 1024 px, 256 output channels
    llava = LlavaConfig(
        vision_config=vision, text_config=text, image_token_id=32000, vision_feature_layer=-2
    )
    return llava, sam, 1024


def build(dry_run: bool, device: torch.device, folder: Path):
    llava_config, sam_config, image_size = shapes(dry_run)
    llava_config.save_pretrained(folder / "llava")
    sam_config.save_pretrained(folder / "sam")
    knowledge = KnowledgeBase.load()
    tokenizer = ReportTokenizer.train([REPORT] * 50, vocab_size=400)
    config = KnowMVGConfig.named(
        "base",
        mllm_path=str(folder / "llava"),
        grounding_encoder_path=None,
        sam_vision=sam_config.to_dict()
        if not dry_run
        else {
            k: getattr(sam_config, k)
            for k in (
                "hidden_size",
                "output_channels",
                "num_hidden_layers",
                "num_attention_heads",
                "patch_size",
                "window_size",
                "global_attn_indexes",
                "mlp_dim",
            )
        },
        image_size=image_size,
        vocab_size=32064,
        feature_dim=256 if not dry_run else 32,
        decoder_heads=8 if not dry_run else 4,
        dtype="bfloat16" if device.type == "cuda" else "float32",
        region_ids=list(knowledge.region_ids),
        region_boxes=[list(r.box) for r in knowledge.regions],
    )
    config.sam_vision.pop("image_size", None)
    config.sam_vision.pop("model_type", None)
    with torch.device(device):
        model = KnowMVGModel(config, load_pretrained=False)  # random weights, real shapes
    if device.type == "cuda":
        model = model.to(torch.bfloat16)
    return model, tokenizer, knowledge


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    device = torch.device("cuda" if torch.cuda.is_available() and not args.dry_run else "cpu")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        model, tokenizer, knowledge = build(args.dry_run, device, Path(tmp))
    build_s = time.perf_counter() - started
    model.config.max_phrases = 6  # before the engine: its input processor reads it once
    engine = GroundingEngine(model, tokenizer, knowledge, device, "base-random", trained=False)
    image = np.random.default_rng(0).uniform(0, 1, (2048, 1700)).astype(np.float32)
    _reset_peak(device)
    engine.ground_phrase(image, REPORT, PHRASES)  # warm-up
    query_ms = _median_ms(lambda: engine.ground_phrase(image, REPORT, PHRASES), 5, device)
    generate_ms = _median_ms(lambda: engine.ground(image, REPORT), 3, device)
    passes = engine.ground(image, REPORT).lm_forward_passes
    inference_peak = _peak_gb(device)
    step_ms, train_peak = _training_step(model, tokenizer, knowledge, device)
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {
        "device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu (dry run)",
        "dry_run": args.dry_run,
        "parameters_b": round(params / 1e9, 3),
        "trainable_m": round(trainable / 1e6, 2),
        "build_s": round(build_s, 1),
        "query_2_phrases_ms": query_ms,
        "generate_report_ms": generate_ms,
        "lm_forward_passes_generate": passes,
        "inference_peak_gb": inference_peak,
        "train_step_ms": step_ms,
        "train_step_peak_gb": train_peak,
    }


def _training_step(model, tokenizer, knowledge, device) -> tuple[float, float]:
    """One LoRA step on a batch of 2 reports with gradient checkpointing on the LM."""
    model.train()
    if hasattr(model.mllm.causal_lm, "gradient_checkpointing_enable"):
        model.mllm.causal_lm.gradient_checkpointing_enable()
    sequence = training_sequence(
        tokenizer, REPORT, [(REPORT.index(p), REPORT.index(p) + len(p)) for p in PHRASES], 512
    )
    ids = torch.tensor([sequence.ids] * 2, device=device)
    pairs = [(b, i) for b in range(2) for i in sequence.box_indices]
    positions = torch.tensor(pairs, device=device)
    k_ids, k_mask, priors = knowledge_inputs(tokenizer, knowledge, PHRASES * 2, 96)
    size = model.config.image_size
    dtype = next(model.parameters()).dtype
    pixels = torch.rand(2, 1, size, size, device=device, dtype=dtype)
    labels = torch.tensor([sequence.labels] * 2, device=device)
    gt = [torch.tensor([[0.3, 0.6, 0.2, 0.2]], device=device)] * len(positions)
    regions = torch.tensor(model.config.region_boxes)
    criterion = GroundingCriterion(model.config.loss_weights, regions)
    _reset_peak(device)
    start = time.perf_counter()
    output = model(
        GroundingInputs(
            pixels=pixels,
            text_ids=ids,
            text_mask=torch.ones_like(ids),
            text_image=torch.arange(2, device=device),
            box_positions=positions,
            bos_id=tokenizer.bos_id,
            phrases=PhraseInputs(
                image_index=positions[:, 0],
                knowledge_ids=k_ids.to(device),
                knowledge_mask=k_mask.to(device),
                prior_boxes=priors.to(device),
            ),
        )
    )
    criterion(output, GroundingTargets(labels, gt))["loss"].backward()
    _sync(device)
    return round((time.perf_counter() - start) * 1000, 1), _peak_gb(device)


def _median_ms(fn, runs: int, device) -> float:
    times = []
    for _ in range(runs):
        _sync(device)
        start = time.perf_counter()
        fn()
        _sync(device)
        times.append((time.perf_counter() - start) * 1000)
    return round(float(np.median(times)), 1)


def _sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _reset_peak(device) -> None:
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()


def _peak_gb(device) -> float | None:
    return round(torch.cuda.max_memory_allocated() / 2**30, 2) if device.type == "cuda" else None


if __name__ == "__main__":
    print(json.dumps(main()))
