"""The CTranslate2 -> openai-whisper conversion reproduces the bundled model exactly."""

from __future__ import annotations

import json
from pathlib import Path

import ctranslate2
import numpy as np
import pytest
import torch
import whisper

from annotators.errors import TranscriptionError
from annotators.transcribe.ct2_model import read_ct2_model
from annotators.transcribe.engines.openai import converted_checkpoint
from annotators.transcribe.models import bundled_model_path


@pytest.fixture(scope="module")
def ct2_float32() -> ctranslate2.models.Whisper:
    """The bundled model run by CTranslate2 in float32, as the reference."""
    return ctranslate2.models.Whisper(str(bundled_model_path()), compute_type="float32")


@pytest.fixture(scope="module")
def mel(speech_audio: np.ndarray) -> torch.Tensor:
    return whisper.log_mel_spectrogram(whisper.pad_or_trim(speech_audio))[None]


def test_converted_model_reproduces_ctranslate2_logits(openai_engine, ct2_float32, mel) -> None:
    features = ct2_float32.encode(ctranslate2.StorageView.from_array(mel.numpy()))
    prompt = list(whisper.tokenizer.get_tokenizer(False).sot_sequence_including_notimestamps)
    generated = ct2_float32.generate(
        features, [prompt], beam_size=1, max_length=20, return_logits_vocab=True
    )[0]
    reference = np.stack([np.array(step) for step in generated.logits[0]])
    with torch.inference_mode():
        encoded = openai_engine.model.encoder(mel)
        tokens = torch.tensor([prompt + generated.sequences_ids[0]])
        logits = openai_engine.model.logits(tokens, encoded).numpy()[0]
    np.testing.assert_allclose(encoded.numpy(), np.array(features), atol=5e-3)
    ours = logits[len(prompt) - 1 :][: len(reference)]
    finite = reference > -1e30  # CTranslate2 reports suppressed tokens as -inf
    assert len(reference) >= 8 and finite.mean() > 0.99
    np.testing.assert_allclose(ours[finite], reference[finite], atol=5e-3)
    assert (ours.argmax(axis=1) == reference.argmax(axis=1)).all()


def test_alignment_heads_come_from_the_ct2_config(openai_engine) -> None:
    config = json.loads((bundled_model_path() / "config.json").read_text())
    mask = openai_engine.model.alignment_heads.to_dense()
    assert sorted(map(list, mask.nonzero().tolist())) == sorted(config["alignment_heads"])


def test_conversion_is_cached_once(openai_engine, storyframe_cache: Path) -> None:
    first = converted_checkpoint(bundled_model_path())
    assert first.parent == storyframe_cache / "openai-whisper"
    written = first.stat().st_mtime_ns
    assert converted_checkpoint(bundled_model_path()) == first
    assert first.stat().st_mtime_ns == written
    assert list(first.parent.glob("*.partial")) == []


def test_every_weight_is_used_and_dims_match_tiny_en(openai_engine) -> None:
    dims = openai_engine.model.dims
    assert (dims.n_audio_layer, dims.n_text_layer, dims.n_text_head) == (4, 4, 6)
    assert dims.n_vocab == 51864 and not openai_engine.is_multilingual
    ct2 = read_ct2_model(bundled_model_path() / "model.bin")
    ct2_weights = sum(a.size for a in ct2.variables.values() if a.ndim > 0)
    # CT2 stores a zero key bias per attention that openai-whisper does not have
    key_biases = (dims.n_audio_layer + 2 * dims.n_text_layer) * dims.n_text_state
    ours = sum(t.numel() for t in openai_engine.model.state_dict().values())
    assert ours == ct2_weights - key_biases


def test_not_a_ct2_model_is_refused_by_name(tmp_path: Path) -> None:
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"\x01\x00\x00\x00garbage")
    with pytest.raises(TranscriptionError, match=r"model\.bin.*version 1"):
        read_ct2_model(bogus)
