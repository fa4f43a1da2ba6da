"""Warm start across tokenizers: every fitting tensor copied, token rows mapped by text."""

from __future__ import annotations

import dataclasses

import torch

from model_core.modeling.knowmvg import KnowMVGModel
from model_core.text.tokenizer import SPECIAL_TOKENS, ReportTokenizer
from model_core.warm_start import token_rows, warm_start


def test_warm_start_copies_weights_and_maps_token_rows(model_dir):
    source = KnowMVGModel.from_pretrained(model_dir)
    old = ReportTokenizer.load(model_dir)
    new = ReportTokenizer.train(["Small L PTX. RLL opacity, likely atelectasis."] * 10, 120)
    assert new.vocab_size != old.vocab_size
    config = dataclasses.replace(source.config, vocab_size=new.vocab_size)
    torch.manual_seed(1)
    target = KnowMVGModel(config)
    counts = warm_start(target, new, model_dir)
    assert counts["remapped"] >= 1 and counts["copied"] > 100 and counts["skipped"] == 0
    embed_old = source.mllm.causal_lm.get_input_embeddings().weight
    embed_new = target.mllm.causal_lm.get_input_embeddings().weight
    rows = token_rows(old, new)
    for token in SPECIAL_TOKENS:  # specials map by name
        new_id, old_id = new.tokenizer.token_to_id(token), old.tokenizer.token_to_id(token)
        assert rows[new_id] == [old_id]
        assert torch.equal(embed_new[new_id], embed_old[old_id])
    for token_id, ids in enumerate(rows):  # each row is the mean of its pieces' old rows
        assert torch.allclose(embed_new[token_id], embed_old[ids].mean(dim=0), atol=1e-6)
    name = next(n for n, _ in source.named_parameters() if "box" in n or "decoder" in n)
    assert torch.equal(dict(target.named_parameters())[name], dict(source.named_parameters())[name])
