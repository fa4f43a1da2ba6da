"""KnowMVGModel: grounding encoder + multimodal LM with [BOX] + knowledge prompts + BOX decoder."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import Tensor, nn

from ..box_ops import box_xyxy_to_cxcywh, hypothesis_spread, image_to_model_cxcywh
from ..inputs import GroundingInputs, PhraseInputs
from .box_decoder import BoxDecoder, mlp
from .configuration import KnowMVGConfig
from .fine_box import FineBoxStage
from .knowledge_prompts import KnowledgeEncoder, LocationPromptBank, PromptSelection
from .language import build_multimodal_lm
from .position import BoxEncoding
from .vision import build_grounding_encoder

log = logging.getLogger(__name__)

WEIGHTS_NAME = "model.safetensors"
EXTERNAL_PREFIXES = ("mllm.causal_lm.", "grounding_encoder.vision.")
# A knowledge-prompted model's correction of its first box cue; it starts at zero, which is
# the cue alone: exactly what checkpoints saved before it existed do, so they load without it.
KNOWLEDGE_CUE_CORRECTION = "box_decoder.initial_box."


@dataclass
class KnowMVGOutput:
    """Shapes: N phrases, L decoder layers, H hypotheses, R regions, k selected, h x w grid.

    lm_logits (B, T, V): lm_logits[:, i] predicts text token i (None in box-only calls).
    boxes (N, 4) cxcywh mean of the last layer's hypotheses; hypotheses (L, N, H, 4), with
    the fine box stage's correction as one more layer after the decoder's;
    confidence (N,) predicted IoU; uncertainty (N,) the hypotheses' spread relative to the
    box's size (`box_ops.hypothesis_spread`);
    mask_logits (N, h, w) or None; attention (N, h, w) softmax cross-attention;
    region_scores (N, R), region_indices / region_weights (N, k), or None.
    """

    boxes: Tensor
    hypotheses: Tensor
    confidence_logits: Tensor
    uncertainty: Tensor
    attention: Tensor
    mask_logits: Tensor | None = None
    lm_logits: Tensor | None = None
    region_scores: Tensor | None = None
    region_indices: Tensor | None = None
    region_weights: Tensor | None = None

    @property
    def confidence(self) -> Tensor:
        return torch.sigmoid(self.confidence_logits)

    @classmethod
    def empty(cls, features: Tensor, config: KnowMVGConfig, lm_logits: Tensor) -> KnowMVGOutput:
        """No phrases: zero-length box fields, the LM logits kept."""
        grid = features.shape[-2:]
        zeros = features.new_zeros
        return cls(
            boxes=zeros((0, 4)),
            hypotheses=zeros((box_layers(config), 0, config.num_hypotheses, 4)),
            confidence_logits=zeros((0,)),
            uncertainty=zeros((0,)),
            attention=zeros((0, *grid)),
            lm_logits=lm_logits,
        )


class KnowMVGModel(nn.Module):
    def __init__(self, config: KnowMVGConfig, *, load_pretrained: bool = False) -> None:
        super().__init__()
        config.validate()
        self.config = config
        dim = config.feature_dim
        self.grounding_encoder = build_grounding_encoder(config, load_pretrained=load_pretrained)
        self.mllm = build_multimodal_lm(config, load_pretrained=load_pretrained)
        embed_dim = self.mllm.hidden_size
        self.box_query = mlp(embed_dim, embed_dim, dim)
        if config.knowledge_prompts:
            if not config.region_ids:
                raise ValueError("knowledge_prompts needs region_ids/region_boxes from the atlas")
            self.knowledge_encoder = KnowledgeEncoder(
                embed_dim, dim, config.knowledge_tokens, config.decoder_heads
            )
            self.prompt_bank = LocationPromptBank(
                torch.tensor(config.region_boxes, dtype=torch.float32), dim, config.top_k
            )
            self.prior_encoding = BoxEncoding(dim)
            # the first box cue mixes the phrase's knowledge prior and the selected regions
            self.cue_mix = nn.Parameter(torch.zeros(()))
        self.box_decoder = BoxDecoder(
            dim,
            config.decoder_heads,
            config.decoder_layers,
            config.num_hypotheses,
            config.global_local,
            config.local_margin,
            uses_box_cue=config.knowledge_prompts,
        )
        self.fine_box = FineBoxStage(dim) if config.fine_box else None

    # -- the two halves ------------------------------------------------------------
    def encode_image(self, pixels: Tensor) -> Tensor:
        """pixels (B, 1, S, S) letterboxed, [0, 1] -> features (B, C, S/stride, S/stride)."""
        return self.grounding_encoder(pixels)

    def prefix_embeddings(self, pixels: Tensor, features: Tensor, bos_id: int) -> Tensor:
        """[BOS] + image tokens, (B, 1 + N_img, D)."""
        batch = pixels.shape[0]
        bos = self.mllm.embed(torch.full((batch, 1), bos_id, device=pixels.device))
        image = self.mllm.image_tokens(pixels, features).to(bos.dtype)
        return torch.cat((bos, image), dim=1)

    def forward(self, inputs: GroundingInputs) -> KnowMVGOutput:
        """Teacher-forced pass over every text row: report [SEP] phrase [BOX] ... [EOS]."""
        _check_inputs(inputs)
        features = self.encode_image(inputs.pixels)
        prefix = self.prefix_embeddings(inputs.pixels, features, inputs.bos_id)
        prefix = prefix[inputs.text_image]
        embeds = torch.cat((prefix, self.mllm.embed(inputs.text_ids)), dim=1)
        mask = torch.cat((torch.ones(prefix.shape[:2], device=prefix.device), inputs.text_mask), 1)
        logits, hidden, _ = self.mllm(embeds, attention_mask=mask.long())
        offset = prefix.shape[1]
        if inputs.num_phrases == 0:  # reports with no phrase to ground: LM targets only
            return KnowMVGOutput.empty(features, self.config, logits[:, offset - 1 : -1])
        row, text_index = inputs.box_positions.unbind(-1)
        output = self.decode_boxes(
            features, hidden[row, offset + text_index], inputs.phrases, inputs.pixels
        )
        output.lm_logits = logits[:, offset - 1 : -1]
        return output

    def decode_boxes(
        self, features: Tensor, box_hidden: Tensor, phrases: PhraseInputs, pixels: Tensor
    ) -> KnowMVGOutput:
        """The BOX decoder, batched over all phrases (of one or several images), then the
        fine box stage where the config has it.

        features (B, C, h, w); box_hidden (N, D_lm), the LM state at each phrase's [BOX];
        pixels (B, 1, S, S) the letterboxed images the features came from.
        """
        if box_hidden.shape[0] != phrases.image_index.shape[0]:
            raise ValueError(
                f"[BOX] states: {box_hidden.shape[0]}, phrases: {phrases.image_index.shape[0]}"
            )
        query = self.box_query(box_hidden.to(features.dtype))
        context, box_cue, selection = None, None, None
        if self.config.knowledge_prompts:
            selection, context = self._knowledge_context(query, phrases)
            box_cue = selection.box_cue
        decoded = self.box_decoder(query, features, phrases.image_index, context, box_cue)
        hypotheses = decoded.boxes
        if self.fine_box is not None:
            fine = self.fine_box(pixels, phrases.image_index, query, hypotheses[-1])
            hypotheses = torch.cat((hypotheses, fine[None]))
        last = hypotheses[-1]  # (N, H, 4)
        grid = features.shape[-2:]
        return KnowMVGOutput(
            boxes=last.mean(dim=1),
            hypotheses=hypotheses,
            confidence_logits=decoded.confidence_logits,
            uncertainty=hypothesis_spread(last),
            attention=decoded.attention.view(-1, *grid),
            mask_logits=None
            if decoded.mask_logits is None
            else decoded.mask_logits.view(-1, *grid),
            region_scores=None if selection is None else selection.scores,
            region_indices=None if selection is None else selection.indices,
            region_weights=None if selection is None else selection.weights,
        )

    def _knowledge_context(
        self, query: Tensor, phrases: PhraseInputs
    ) -> tuple[PromptSelection, Tensor]:
        if phrases.knowledge_ids is None or phrases.prior_boxes is None:
            raise ValueError("knowledge_prompts is on: knowledge_ids and prior_boxes are required")
        frames = phrases.image_frames
        if frames is None:  # a square image: the two frames coincide
            frames = query.new_tensor([1.0, 0.0, 1.0, 0.0]).expand(query.shape[0], 4)
        frames = frames.to(query.dtype)
        token_embeds = self.mllm.embed(phrases.knowledge_ids).to(query.dtype)
        knowledge = self.knowledge_encoder(token_embeds, phrases.knowledge_mask)
        selection = self.prompt_bank(query, knowledge)
        prior_image = box_xyxy_to_cxcywh(phrases.prior_boxes.to(query.dtype))
        prior_model = image_to_model_cxcywh(prior_image, frames)
        mix = torch.sigmoid(self.cue_mix)
        selection.box_cue = mix * prior_model + (1 - mix) * image_to_model_cxcywh(
            selection.box_cue, frames
        )
        prior = self.prior_encoding(prior_model)
        context = torch.cat((selection.tokens, knowledge, prior.unsqueeze(1)), dim=1)
        return selection, context

    # -- checkpoints ---------------------------------------------------------------
    def has_external_weights(self) -> bool:
        """True when base weights come from local pretrained directories (base config)."""
        return self.config.mllm == "llava" or bool(self.config.grounding_encoder_path)

    def checkpoint_state(self) -> dict[str, Tensor]:
        """What we save: everything, or for external bases only what was trained/added."""
        state = self.state_dict()
        if not self.has_external_weights():
            return {k: v.contiguous() for k, v in state.items()}
        trainable = {name for name, p in self.named_parameters() if p.requires_grad}
        return {
            k: v.contiguous()
            for k, v in state.items()
            if not k.startswith(EXTERNAL_PREFIXES) or k in trainable or "lora_" in k
        }

    def save_pretrained(self, directory: Path, tokenizer=None) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.config.save(directory)
        state = _untie(self.checkpoint_state())
        external = "yes" if self.has_external_weights() else "no"
        save_file(state, str(directory / WEIGHTS_NAME), metadata={"external_base": external})
        if tokenizer is not None:
            tokenizer.save(directory)

    @classmethod
    def from_pretrained(cls, directory: Path) -> KnowMVGModel:
        """Build from config.json, load model.safetensors; ValueError naming what is wrong.
        The caller's global RNG is left as it was."""
        directory = Path(directory)
        if not directory.is_dir():
            raise ValueError(f"{directory}: model directory not found")
        config = KnowMVGConfig.load(directory)
        weights = directory / WEIGHTS_NAME
        if not weights.is_file():
            raise ValueError(f"{weights}: missing")
        try:
            state = load_file(str(weights))
        except (SafetensorError, OSError, ValueError) as exc:
            raise ValueError(f"{weights}: unreadable safetensors file ({exc})") from None
        with torch.random.fork_rng(devices=[]):  # the random init is overwritten below
            model = cls(config, load_pretrained=True)
        model.load_checkpoint_state(state, weights)
        return model.eval()

    def load_checkpoint_state(self, state: dict[str, Tensor], source: Path) -> None:
        missing, unexpected = self.load_state_dict_checked(state, source)
        if self.config.knowledge_prompts:  # saved before the first-box correction existed
            missing = [k for k in missing if not k.startswith(KNOWLEDGE_CUE_CORRECTION)]
        if not self.has_external_weights() and missing:
            raise ValueError(
                f"{source}: weights missing for {len(missing)} tensors, e.g. {missing[:3]}"
            )
        external_missing = [k for k in missing if not k.startswith(EXTERNAL_PREFIXES)]
        if external_missing:
            raise ValueError(f"{source}: weights missing for {external_missing[:3]}")
        if unexpected:
            raise ValueError(f"{source}: unexpected tensors {unexpected[:3]} (config mismatch?)")

    def load_state_dict_checked(self, state: dict[str, Tensor], source: Path):
        own = self.state_dict()
        for key, tensor in state.items():
            if key in own and own[key].shape != tensor.shape:
                raise ValueError(
                    f"{source}: tensor {key} has shape {tuple(tensor.shape)}, the config "
                    f"builds {tuple(own[key].shape)} (config.json does not match the weights)"
                )
        result = self.load_state_dict(state, strict=False)
        return list(result.missing_keys), list(result.unexpected_keys)


def _untie(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """safetensors refuses shared storage; clone tensors that share it."""
    seen: set[int] = set()
    out = {}
    for key, tensor in state.items():
        pointer = tensor.untyped_storage().data_ptr()
        out[key] = tensor.clone() if pointer in seen else tensor
        seen.add(pointer)
    return out


def _check_inputs(inputs: GroundingInputs) -> None:
    rows, images = inputs.text_ids.shape[0], inputs.pixels.shape[0]
    if inputs.text_image.shape[0] != rows:
        raise ValueError(f"text rows: {rows}, text_image entries: {inputs.text_image.shape[0]}")
    if rows and int(inputs.text_image.max()) >= images:
        raise ValueError(f"text_image names image {int(inputs.text_image.max())} of {images}")
    phrases = inputs.phrases.image_index.shape[0]
    if inputs.num_phrases != phrases:
        raise ValueError(f"[BOX] positions: {inputs.num_phrases}, phrases: {phrases}")


def box_layers(config: KnowMVGConfig) -> int:
    """How many layers of box hypotheses a model outputs: the decoder's, and the fine box
    stage's."""
    return config.decoder_layers + int(config.fine_box)


def build_model(config: KnowMVGConfig, *, load_pretrained: bool = True) -> KnowMVGModel:
    return KnowMVGModel(config, load_pretrained=load_pretrained)
