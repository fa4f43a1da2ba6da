"""Hostile model and split files (hardening issue, items 10 and 11): one ValueError line
naming what is wrong, no traceback, no gigabytes allocated, nothing unpickled."""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile

import pytest

from model_core.data.readers import restricted_pickle
from model_core.data.readers.restricted_pickle import load_restricted
from model_core.engine import GroundingEngine
from model_core.engine import default_model_dir as bundled_model_dir
from model_core.modeling.configuration import CONFIG_NAME, KnowMVGConfig
from model_core.modeling.local_checkpoint import from_local_pretrained


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"feature_dim": 0}, r"feature_dim must be an integer in \[8, 2048\], got 0"),
        ({"feature_dim": 10**9}, "feature_dim must be an integer"),
        ({"image_size": 0}, "image_size must be an integer in"),
        ({"image_size": -5}, "image_size must be an integer in"),
        ({"image_size": 200000}, "image_size must be an integer in"),
        ({"image_size": 250}, "image_size must be a multiple of 32"),
        ({"image_size": "256"}, "image_size must be int, got str"),
        ({"decoder_layers": 100000}, "decoder_layers must be an integer"),
        ({"lm": {"hidden_size": 10**9}}, "lm.hidden_size must be an integer"),
        ({"lm": {"num_hidden_layers": 100000}}, "lm.num_hidden_layers must be an integer"),
        ({"resnet_hidden_sizes": [24, 48, 96]}, "resnet_hidden_sizes must be 4 integers"),
        ({"resnet_hidden_sizes": [24, 48, 96, "x"]}, "resnet_hidden_sizes must be 4 integers"),
        ({"num_hypotheses": True}, "num_hypotheses must be int, got bool"),
        ({"dropout": 2.0}, "dropout must be in"),
        ({"dtype": "float8"}, "dtype must be one of"),
        ({"knowledge_prompts": "yes"}, "knowledge_prompts must be bool"),
        ({"region_ids": "abc"}, "region_ids must be list"),
    ],
)
def test_a_tampered_config_is_refused_by_field_before_anything_is_built(tmp_path, change, message):
    model = tmp_path / "model"
    model.mkdir()
    data = json.loads((bundled_model_dir() / CONFIG_NAME).read_text())
    data.update(change)
    (model / CONFIG_NAME).write_text(json.dumps(data))
    with pytest.raises(ValueError, match=message) as caught:
        KnowMVGConfig.load(model)
    assert str(caught.value).startswith(str(model / CONFIG_NAME))
    assert "\n" not in str(caught.value)


def test_the_bundled_and_named_configs_pass_validation():
    KnowMVGConfig.load(bundled_model_dir())
    KnowMVGConfig.named("tiny")
    KnowMVGConfig.named("base", mllm_path="llava")


def test_an_engine_on_a_tampered_config_fails_with_one_line(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    for entry in bundled_model_dir().iterdir():
        if entry.is_file():
            os.symlink(entry, model / entry.name)
    (model / CONFIG_NAME).unlink()
    data = json.loads((bundled_model_dir() / CONFIG_NAME).read_text())
    (model / CONFIG_NAME).write_text(json.dumps({**data, "lm": {**data["lm"], "hidden_size": 0}}))
    with pytest.raises(ValueError, match="lm.hidden_size must be an integer"):
        GroundingEngine.load(model)


class _Exploit:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_a_pickled_base_checkpoint_is_refused_unread(tmp_path, monkeypatch):
    """A base checkpoint holding only pytorch_model.bin (a pickle) is not unpickled."""
    from transformers import LlamaConfig, LlavaConfig, LlavaForConditionalGeneration

    monkeypatch.chdir(tmp_path)
    llava = tmp_path / "llava"
    LlavaConfig(
        text_config=LlamaConfig(hidden_size=16, num_attention_heads=2, num_key_value_heads=2)
    ).save_pretrained(llava)
    (llava / "pytorch_model.bin").write_bytes(pickle.dumps(_Exploit()))
    with pytest.raises(ValueError, match="llava: not a loadable checkpoint") as caught:
        from_local_pretrained(LlavaForConditionalGeneration, llava)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "pwned").exists()


def test_a_missing_or_damaged_base_directory_is_one_line(tmp_path):
    from transformers import LlavaConfig

    with pytest.raises(ValueError, match="local checkpoint directory not found"):
        from_local_pretrained(LlavaConfig, tmp_path / "absent")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "config.json").write_text("{not json")
    with pytest.raises(ValueError, match="broken: not a loadable checkpoint"):
        from_local_pretrained(LlavaConfig, tmp_path / "broken")
    (tmp_path / "broken" / "config.json").write_text(
        json.dumps({"model_type": "llava", "text_config": {"hidden_size": 16}})
    )  # 16 is not a multiple of the default 32 heads: transformers' own validation refuses it
    with pytest.raises(ValueError, match="broken: not a loadable checkpoint"):
        from_local_pretrained(LlavaConfig, tmp_path / "broken")


def _zip_with(payload_size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("archive/data.pkl", "w", force_zip64=True) as member:
            chunk = b"\0" * 2**20
            for _ in range(payload_size // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_split_file_is_refused_while_inflating(tmp_path, monkeypatch):
    monkeypatch.setattr(restricted_pickle, "MAX_PICKLE_BYTES", 4 * 2**20)
    bomb = tmp_path / "bomb_test.pth"
    bomb.write_bytes(_zip_with(16 * 2**20))
    assert bomb.stat().st_size < 100_000  # 16 MB of zeros deflate to almost nothing
    with pytest.raises(ValueError, match="bomb_test.pth: not loadable: data.pkl is larger"):
        load_restricted(bomb)


def test_a_zip_member_that_lies_about_its_size_stops_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(restricted_pickle, "MAX_PICKLE_BYTES", 4 * 2**20)
    data = bytearray(_zip_with(16 * 2**20))
    # make both headers declare 1 KB; inflation must still stop at the limit
    declared = (16 * 2**20).to_bytes(8, "little")
    data = data.replace(declared, (1024).to_bytes(8, "little"))
    liar = tmp_path / "liar_test.pth"
    liar.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="liar_test.pth: not loadable"):
        load_restricted(liar)


def test_an_oversized_split_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(restricted_pickle, "MAX_PICKLE_BYTES", 1024)
    big = tmp_path / "big_test.pkl"
    big.write_bytes(pickle.dumps(list(range(10_000))))
    with pytest.raises(ValueError, match="big_test.pkl: not loadable: larger than"):
        load_restricted(big)
