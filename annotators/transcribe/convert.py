"""Convert a CTranslate2 Whisper model into an openai-whisper checkpoint (GUIDE section 6).

The result is a dict ``{"dims": ..., "model_state_dict": ...}`` exactly like openai-whisper's
own ``.pt`` files, plus the alignment heads from the CT2 ``config.json`` (openai-whisper sets
none for a checkpoint loaded from a path, and word timestamps degrade without them).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import torch

from annotators.errors import TranscriptionError
from annotators.transcribe.ct2_model import CT2Model, read_ct2_model

# Per-layer renames (CT2 suffix -> openai-whisper suffix) that need no splitting.
_LAYER_RENAMES = {
    "self_attention/linear_1": "attn.out",
    "self_attention/layer_norm": "attn_ln",
    "attention/linear_0": "cross_attn.query",
    "attention/linear_2": "cross_attn.out",
    "attention/layer_norm": "cross_attn_ln",
    "ffn/linear_0": "mlp.0",
    "ffn/linear_1": "mlp.2",
    "ffn/layer_norm": "mlp_ln",
}
_TOP_RENAMES = {
    "encoder/conv1": "encoder.conv1",
    "encoder/conv2": "encoder.conv2",
    "encoder/layer_norm": "encoder.ln_post",
    "decoder/layer_norm": "decoder.ln",
}
_PARAM = {"weight": "weight", "bias": "bias", "gamma": "weight", "beta": "bias"}
_LAYER = re.compile(r"^(encoder|decoder)/layer_(\d+)/(.+)/(weight|bias|gamma|beta)$")


def convert_ct2_dir(model_dir: Path) -> dict:
    """Read ``model_dir`` (``model.bin`` + ``config.json``) and return an openai checkpoint.

    Raises :class:`TranscriptionError` naming the folder when it is not a CT2 Whisper model.
    """
    model = read_ct2_model(model_dir / "model.bin")
    if model.spec != "WhisperSpec":
        raise TranscriptionError(f"{model_dir}: a {model.spec} model, not a Whisper model")
    state = {name: torch.from_numpy(np.array(array)) for name, array in _state_items(model)}
    return {
        "dims": _dims(model),
        "model_state_dict": state,
        "alignment_heads": _alignment_heads(model_dir / "config.json"),
    }


def alignment_mask(heads: list[list[int]], n_layer: int, n_head: int) -> torch.Tensor:
    """A (layers x heads) boolean mask with the given [layer, head] pairs set."""
    mask = torch.zeros(n_layer, n_head, dtype=torch.bool)
    for layer, head in heads:
        mask[layer, head] = True
    return mask


def _state_items(model: CT2Model):
    """Yield (openai name, array) for every weight of ``model``."""
    for name, array in model.variables.items():
        if array.ndim == 0:  # scalars such as num_heads are options, not weights
            continue
        yield from _map_variable(name, array, model)
    yield "decoder.token_embedding.weight", model["decoder/embeddings/weight"]


def _map_variable(name: str, array: np.ndarray, model: CT2Model):
    if name.endswith("position_encodings/encodings"):
        yield f"{name.split('/')[0]}.positional_embedding", array
        return
    if name == "decoder/embeddings/weight":
        return  # emitted once by _state_items (the output projection is an alias of it)
    match = _LAYER.match(name)
    if match is None:
        base, param = name.rsplit("/", 1)
        if base not in _TOP_RENAMES:
            raise TranscriptionError(f"unexpected CTranslate2 variable {name!r}")
        yield f"{_TOP_RENAMES[base]}.{_PARAM[param]}", array
        return
    side, index, module, param = match.groups()
    prefix = f"{side}.blocks.{index}"
    if module == "self_attention/linear_0":
        yield from _split_qkv(f"{prefix}.attn", param, array)
    elif module == "attention/linear_1":
        yield from _split_kv(f"{prefix}.cross_attn", param, array)
    else:
        yield f"{prefix}.{_LAYER_RENAMES[module]}.{_PARAM[param]}", array


def _split_qkv(prefix: str, param: str, array: np.ndarray):
    query, key, value = np.split(array, 3, axis=0)
    yield f"{prefix}.query.{param}", query
    if param == "weight":  # openai-whisper's key projection has no bias (CT2 stores zeros)
        yield f"{prefix}.key.weight", key
    yield f"{prefix}.value.{param}", value


def _split_kv(prefix: str, param: str, array: np.ndarray):
    key, value = np.split(array, 2, axis=0)
    if param == "weight":
        yield f"{prefix}.key.weight", key
    yield f"{prefix}.value.{param}", value


def _dims(model: CT2Model) -> dict[str, int]:
    def layers(side: str) -> int:
        return len({m.group(2) for n in model.variables if (m := _LAYER.match(n)) and m[1] == side})

    audio_pos = model["encoder/position_encodings/encodings"]
    text_pos = model["decoder/position_encodings/encodings"]
    return {
        "n_mels": int(model["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(audio_pos.shape[0]),
        "n_audio_state": int(audio_pos.shape[1]),
        "n_audio_head": int(model["encoder/num_heads"]),
        "n_audio_layer": layers("encoder"),
        "n_vocab": int(model["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(text_pos.shape[0]),
        "n_text_state": int(text_pos.shape[1]),
        "n_text_head": int(model["decoder/num_heads"]),
        "n_text_layer": layers("decoder"),
    }


def _alignment_heads(config_path: Path) -> list[list[int]]:
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise TranscriptionError(
            f"{config_path}: cannot read the model config ({error})"
        ) from error
    return [[int(layer), int(head)] for layer, head in config.get("alignment_heads", [])]
