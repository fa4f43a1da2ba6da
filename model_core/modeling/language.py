"""The multimodal LM: image tokens + report -> `phrase [BOX]` items, hidden state at [BOX].

Two kinds behind one interface:
- "llama": a transformers LlamaForCausalLM on our own tokenizer; image tokens are the
  grounding features pooled to a grid and projected (the tiny model shares one encoder).
- "llava": a local llava-hf checkpoint (LlavaForConditionalGeneration); image tokens from
  its own vision tower and projector; LoRA adapters on the LM through peft.
"""

from __future__ import annotations

import logging

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from transformers import LlamaConfig, LlamaForCausalLM

from .configuration import KnowMVGConfig
from .local_checkpoint import from_local_pretrained

log = logging.getLogger(__name__)

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


class MultimodalLM(nn.Module):
    """Wraps a causal LM: `embed`, `image_tokens`, and a cached forward over embeddings."""

    def __init__(self, causal_lm: nn.Module, image_adapter: nn.Module, kind: str) -> None:
        super().__init__()
        self.causal_lm = causal_lm
        self.image_adapter = image_adapter
        self.kind = kind

    @property
    def hidden_size(self) -> int:
        return self.causal_lm.get_input_embeddings().embedding_dim

    def embed(self, ids: Tensor) -> Tensor:
        return self.causal_lm.get_input_embeddings()(ids)

    def image_tokens(self, pixels: Tensor, features: Tensor) -> Tensor:
        """(B, N_img, D) image embeddings for the LM."""
        return self.image_adapter(pixels, features)

    def forward(
        self,
        embeds: Tensor,
        attention_mask: Tensor | None = None,
        cache=None,
        position_ids: Tensor | None = None,
    ) -> tuple[Tensor, Tensor, object]:
        """Returns (logits, last hidden states, cache); `cache` enables incremental decoding."""
        backbone = _decoder_backbone(self.causal_lm)
        output = backbone(
            inputs_embeds=embeds,
            attention_mask=attention_mask,
            position_ids=position_ids,
            cache=cache,
            use_cache=cache is not None,
        )
        hidden = output.last_hidden_state
        logits = self.causal_lm.get_output_embeddings()(hidden)
        return logits, hidden, output.get("cache")


def _decoder_backbone(causal_lm: nn.Module) -> nn.Module:
    """The decoder stack under a CausalLM (through a peft wrapper if there is one)."""
    model = causal_lm
    if hasattr(model, "get_base_model"):
        model = model.get_base_model()
    inner = model.model
    return getattr(inner, "language_model", inner)


class PooledFeatureTokens(nn.Module):
    """Grounding features pooled to grid x grid, projected into the LM (tiny model)."""

    def __init__(self, feature_dim: int, hidden_size: int, grid: int) -> None:
        super().__init__()
        self.grid = grid
        self.project = nn.Sequential(
            nn.Linear(feature_dim, hidden_size), nn.GELU(), nn.Linear(hidden_size, hidden_size)
        )
        self.position = nn.Parameter(torch.zeros(grid * grid, hidden_size))
        nn.init.normal_(self.position, std=0.02)

    def forward(self, pixels: Tensor, features: Tensor) -> Tensor:
        pooled = F.adaptive_avg_pool2d(features, self.grid).flatten(2).transpose(1, 2)
        return self.project(pooled) + self.position


class LlavaImageTokens(nn.Module):
    """LLaVA's own vision tower + projector at its input size (CLIP normalisation)."""

    def __init__(self, llava: nn.Module) -> None:
        super().__init__()
        self._llava = [llava]  # not a submodule: its weights belong to causal_lm
        size = llava.config.vision_config.image_size
        self.size = size
        self.register_buffer("mean", torch.tensor(CLIP_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(CLIP_STD).view(1, 3, 1, 1), persistent=False)

    def forward(self, pixels: Tensor, features: Tensor) -> Tensor:
        llava = self._llava[0]
        resized = F.interpolate(
            pixels, size=(self.size, self.size), mode="bilinear", align_corners=False
        )
        rgb = (resized.expand(-1, 3, -1, -1) - self.mean) / self.std
        output = llava.get_image_features(pixel_values=rgb.to(llava.dtype))
        tokens = getattr(output, "pooler_output", output)
        if isinstance(tokens, (list, tuple)):
            tokens = torch.stack(list(tokens))
        return tokens.reshape(pixels.shape[0], -1, tokens.shape[-1])


def build_multimodal_lm(config: KnowMVGConfig, *, load_pretrained: bool) -> MultimodalLM:
    if config.vocab_size <= 0:
        raise ValueError(
            f"config.vocab_size must be set from the tokenizer, got {config.vocab_size}"
        )
    if config.mllm == "llama":
        lm = LlamaForCausalLM(LlamaConfig(vocab_size=config.vocab_size, **config.lm))
        adapter = PooledFeatureTokens(
            config.feature_dim, lm.config.hidden_size, config.image_token_grid
        )
        return MultimodalLM(lm, adapter, "llama")
    return _build_llava(config, load_pretrained=load_pretrained)


def _build_llava(config: KnowMVGConfig, *, load_pretrained: bool) -> MultimodalLM:
    from transformers import LlavaConfig, LlavaForConditionalGeneration

    if not config.mllm_path:
        raise ValueError("mllm='llava' needs mllm_path: a local llava-hf checkpoint directory")
    dtype = getattr(torch, config.dtype)
    if load_pretrained:
        llava = from_local_pretrained(LlavaForConditionalGeneration, config.mllm_path, dtype=dtype)
    else:  # the architecture only; weights come from our checkpoint
        llava_config = from_local_pretrained(LlavaConfig, config.mllm_path)
        llava = LlavaForConditionalGeneration(llava_config).to(dtype)
    if llava.get_input_embeddings().num_embeddings < config.vocab_size:
        llava.resize_token_embeddings(config.vocab_size)
    adapter = LlavaImageTokens(llava)
    if config.lora_rank > 0:
        llava = _with_lora(llava, config)
    return MultimodalLM(llava, adapter, "llava")


def _with_lora(llava: nn.Module, config: KnowMVGConfig) -> nn.Module:
    """LoRA on the language model's attention; the new token rows stay trainable."""
    try:
        from peft import LoraConfig, get_peft_model
    except ImportError as exc:
        raise ValueError(
            "LoRA needs the 'train' extra: pip install 'knowmvg-viewer[train]'"
        ) from exc
    lora = LoraConfig(
        r=config.lora_rank,
        lora_alpha=config.lora_alpha,
        target_modules=rf".*language_model.*\.({'|'.join(config.lora_targets)})",
        modules_to_save=["embed_tokens", "lm_head"],
        lora_dropout=0.05,
    )
    return get_peft_model(llava, lora)
