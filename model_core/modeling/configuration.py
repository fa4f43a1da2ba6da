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
    "l1_relative": 1.0,
    "giou": 2.0,
    "mask": 1.0,
    "location": 0.5,
    "confidence": 1.0,
    "wta": 2.0,
}

DTYPES = ("float32", "bfloat16", "float16")
# Bounds that no sane checkpoint exceeds (the base model uses 1024 px, 256 features, 8
# heads); they keep a tampered config.json from building a model of hundreds of gigabytes.
SIZE_LIMITS: dict[str, tuple[int, int]] = {
    "image_size": (64, 2048),
    "resnet_hidden_sizes": (1, 2048),
    "resnet_depths": (1, 32),
    "feature_dim": (8, 2048),
    "vocab_size": (0, 1_000_000),
    "image_token_grid": (1, 64),
    "max_report_tokens": (16, 8192),
    "max_phrases": (1, 256),
    "lora_rank": (0, 1024),
    "knowledge_tokens": (1, 64),
    "max_knowledge_text_tokens": (1, 2048),
    "top_k": (1, 64),
    "decoder_layers": (1, 32),
    "decoder_heads": (1, 64),
    "num_hypotheses": (1, 64),
}
# The same for the sizes inside `lm` (LlamaConfig) and `sam_vision` (SamVisionConfig).
NESTED_LIMITS: dict[str, tuple[int, int]] = {
    "hidden_size": (8, 16384),
    "intermediate_size": (8, 65536),
    "mlp_dim": (8, 65536),
    "output_channels": (8, 4096),
    "num_hidden_layers": (1, 128),
    "num_attention_heads": (1, 256),
    "num_key_value_heads": (1, 256),
    "max_position_embeddings": (16, 131072),
    "image_size": (64, 2048),
    "patch_size": (1, 64),
}
# The Python type each annotation of KnowMVGConfig stands for (annotations are strings).
_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "str": str,
    "str | None": str,
    "int": int,
    "float": (int, float),
    "bool": bool,
    "dict": dict,
    "list[int]": list,
    "list[str]": list,
    "list[list[float]]": list,
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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
    # a last stage that corrects each box from the film's pixels around it (fine_box.py):
    # small findings are placed to a pixel, not to a stride-8 cell
    fine_box: bool = False
    dropout: float = 0.0
    loss_weights: dict = field(default_factory=lambda: dict(DEFAULT_LOSS_WEIGHTS))

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """ValueError naming the field for a config that cannot build a sane model: a
        tampered config.json must fail here, not allocate gigabytes or crash in torch."""
        self._validate_types()
        self._validate_sizes()
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

    def _validate_types(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            expected = _FIELD_TYPES[item.type]
            if isinstance(value, bool) and expected is not bool:
                bad = expected in (int, float)
            else:
                bad = not isinstance(value, expected)
            if bad and not (value is None and "None" in item.type):
                raise ValueError(
                    f"{item.name} must be {item.type}, got {type(value).__name__} {value!r:.40}"
                )
        for name in ("resnet_hidden_sizes", "resnet_depths"):
            values = getattr(self, name)
            if len(values) != 4 or not all(_is_int(v) for v in values):
                raise ValueError(f"{name} must be 4 integers, got {values!r:.60}")

    def _validate_sizes(self) -> None:
        checks = [(name, getattr(self, name), bounds) for name, bounds in SIZE_LIMITS.items()]
        for group in ("lm", "sam_vision"):
            nested = getattr(self, group)
            checks += [
                (f"{group}.{k}", nested[k], b) for k, b in NESTED_LIMITS.items() if k in nested
            ]
        for name, value, (low, high) in checks:
            for v in value if isinstance(value, list) else [value]:
                if not _is_int(v) or not low <= v <= high:
                    raise ValueError(f"{name} must be an integer in [{low}, {high}], got {v!r}")
        if self.image_size % 32:
            raise ValueError(f"image_size must be a multiple of 32, got {self.image_size}")
        if not 0.0 <= self.dropout < 1.0 or not 0.0 <= self.local_margin <= 0.5:
            raise ValueError(
                f"dropout must be in [0, 1) and local_margin in [0, 0.5], got "
                f"{self.dropout} and {self.local_margin}"
            )
        if self.dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {DTYPES}, got {self.dtype!r}")

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
