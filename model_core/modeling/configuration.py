"""KnowMVGConfig: every field that decides the architecture; saved as config.json.

The model is built from this config alone, so `config.json` + `model.safetensors`
(+ `tokenizer.json`) fully describe a checkpoint.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

CONFIG_NAME = "config.json"
GROUNDING_ENCODERS = ("resnet", "sam")
MLLM_KINDS = ("llama", "llava")

FEATURE_STRIDES = (8, 16)
DEFAULT_LOSS_WEIGHTS = {
    "lm": 1.0,
    "l1": 5.0,
    "giou": 2.0,
    "mask": 1.0,
    "location": 0.5,
    "confidence": 1.0,
    "wta": 2.0,
}


def _tiny_lm() -> dict:
    return {
        "hidden_size": 128,
        "intermediate_size": 352,
        "num_hidden_layers": 3,
        "num_attention_heads": 4,
        "num_key_value_heads": 4,
        "max_position_embeddings": 640,
    }


@dataclass
class KnowMVGConfig:
    size_name: str = "tiny"
    # grounding encoder: dense features F (feature_dim x h x w) of the letterboxed image
    image_size: int = 256
    grounding_encoder: str = "resnet"
    grounding_encoder_path: str | None = None  # local SAM/MedSAM vision checkpoint (base)
    resnet_hidden_sizes: list[int] = field(default_factory=lambda: [24, 48, 96, 160])
    resnet_depths: list[int] = field(default_factory=lambda: [1, 1, 2, 1])
    sam_vision: dict = field(default_factory=dict)  # SamVisionConfig kwargs when built from scratch
    feature_dim: int = 128
    # 16: the first models; 8 adds a finer FPN level (resnet only), so a 1.5 cm nodule at the
    # 256 px input covers a feature cell instead of falling between them
    feature_stride: int = 16
    # multimodal LM
    mllm: str = "llama"
    mllm_path: str | None = None  # local llava-hf checkpoint directory (base)
    lm: dict = field(default_factory=_tiny_lm)  # LlamaConfig kwargs for mllm="llama"
    vocab_size: int = 0  # set from the tokenizer when the model is built
    image_token_grid: int = 8  # mllm="llama": grid x grid pooled feature tokens
    max_report_tokens: int = 384
    max_phrases: int = 16
    lora_rank: int = 0
    lora_alpha: int = 16
    lora_targets: list[str] = field(default_factory=lambda: ["q_proj", "v_proj"])
    dtype: str = "float32"
    # knowledge-enhanced prompting
    knowledge_prompts: bool = True
    knowledge_tokens: int = 4
    max_knowledge_text_tokens: int = 96
    top_k: int = 4
    region_ids: list[str] = field(default_factory=list)
    region_boxes: list[list[float]] = field(default_factory=list)  # normalised xyxy
    # BOX decoder with global-local attention
    global_local: bool = True
    decoder_layers: int = 3
    decoder_heads: int = 4
    num_hypotheses: int = 4
    local_margin: float = 0.08
    dropout: float = 0.0
    loss_weights: dict = field(default_factory=lambda: dict(DEFAULT_LOSS_WEIGHTS))

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if self.grounding_encoder not in GROUNDING_ENCODERS:
            raise ValueError(
                f"grounding_encoder must be one of {GROUNDING_ENCODERS}, "
                f"got {self.grounding_encoder!r}"
            )
        if self.mllm not in MLLM_KINDS:
            raise ValueError(f"mllm must be one of {MLLM_KINDS}, got {self.mllm!r}")
        if self.feature_stride not in FEATURE_STRIDES or (
            self.feature_stride != 16 and self.grounding_encoder != "resnet"
        ):
            raise ValueError(
                f"feature_stride must be one of {FEATURE_STRIDES} (8 only with the resnet "
                f"encoder), got {self.feature_stride} with {self.grounding_encoder!r}"
            )
        if self.feature_dim % self.decoder_heads:
            raise ValueError(
                f"feature_dim ({self.feature_dim}) must be divisible by decoder_heads "
                f"({self.decoder_heads})"
            )
        if len(self.region_ids) != len(self.region_boxes):
            raise ValueError(
                f"region_ids ({len(self.region_ids)}) and region_boxes "
                f"({len(self.region_boxes)}) differ in length"
            )
        if (
            self.knowledge_prompts
            and self.region_ids
            and not 1 <= self.top_k <= len(self.region_ids)
        ):
            raise ValueError(f"top_k ({self.top_k}) must be in [1, {len(self.region_ids)}]")
        if self.num_hypotheses < 1 or self.decoder_layers < 1:
            raise ValueError(
                f"num_hypotheses ({self.num_hypotheses}) and decoder_layers "
                f"({self.decoder_layers}) must be >= 1"
            )
        unknown = set(self.loss_weights) - set(DEFAULT_LOSS_WEIGHTS)
        if unknown:
            raise ValueError(f"unknown loss weights: {sorted(unknown)}")

    # -- serialisation -----------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"model_type": "knowmvg", **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict) -> KnowMVGConfig:
        data = dict(data)
        model_type = data.pop("model_type", "knowmvg")
        if model_type != "knowmvg":
            raise ValueError(f"model_type is {model_type!r}, expected 'knowmvg'")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown config fields: {unknown}")
        return cls(**data)

    def save(self, directory: Path) -> Path:
        path = Path(directory) / CONFIG_NAME
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        return path

    @classmethod
    def load(cls, directory: Path) -> KnowMVGConfig:
        path = Path(directory) / CONFIG_NAME
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise ValueError(f"{path}: missing (not a KnowMVG model directory)") from None
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: invalid JSON ({exc})") from None
        try:
            return cls.from_dict(data)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{path}: {exc}") from None

    # -- named sizes ---------------------------------------------------------------------
    @classmethod
    def named(cls, name: str, **overrides) -> KnowMVGConfig:
        """`tiny` (embedded default, CPU) or `base` (LLaVA-1.5 + SAM ViT-B at 1024 px)."""
        if name == "tiny":
            return cls(**{"size_name": "tiny", "feature_stride": 8, **overrides})
        if name == "base":
            base = {
                "size_name": "base",
                "image_size": 1024,
                "grounding_encoder": "sam",
                "feature_dim": 256,
                "mllm": "llava",
                "lm": {},
                "max_report_tokens": 512,
                "lora_rank": 16,
                "lora_alpha": 32,
                "dtype": "bfloat16",
                "decoder_heads": 8,
                "top_k": 6,
                "knowledge_tokens": 8,
            }
            base.update(overrides)
            return cls(**base)
        raise ValueError(f"unknown model size {name!r}; choose 'tiny' or 'base'")
