"""Read a CTranslate2 ``model.bin`` (format version 6) into numpy arrays.

Layout (CTranslate2 ``python/ctranslate2/specs/model_spec.py``): u32 version; string spec
name; u32 revision; u32 variable count; per variable: string name, u8 rank, u32 dims, u8 dtype,
u32 byte count, raw bytes; then u32 alias count and (alias, target) string pairs. A string is a
u16 length (including a trailing NUL), the bytes and the NUL. Little-endian throughout.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from annotators.errors import TranscriptionError

SUPPORTED_VERSION = 6
# dtype codes of model_spec.py; bfloat16 has no numpy type and is widened on read.
_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}
_BFLOAT16 = 5


@dataclass
class CT2Model:
    """The variables of a CTranslate2 model, by name, with aliases resolved."""

    spec: str
    revision: int
    variables: dict[str, np.ndarray] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.variables[self.aliases.get(name, name)]


def read_ct2_model(path: str | Path) -> CT2Model:
    """Parse ``path`` (a ``model.bin``); raise :class:`TranscriptionError` if it is not one."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            return _read(stream)
    except (OSError, struct.error, UnicodeDecodeError, ValueError) as error:
        raise TranscriptionError(f"{path}: not a readable CTranslate2 model ({error})") from error


def _read(stream: BinaryIO) -> CT2Model:
    (version,) = _unpack(stream, "<I")
    if version != SUPPORTED_VERSION:
        raise ValueError(f"model format version {version}, expected {SUPPORTED_VERSION}")
    model = CT2Model(spec=_string(stream), revision=_unpack(stream, "<I")[0])
    (count,) = _unpack(stream, "<I")
    for _ in range(count):
        name = _string(stream)
        model.variables[name] = _array(stream)
    (alias_count,) = _unpack(stream, "<I")
    for _ in range(alias_count):
        alias = _string(stream)
        model.aliases[alias] = _string(stream)
    return model


def _array(stream: BinaryIO) -> np.ndarray:
    (rank,) = _unpack(stream, "<B")
    shape = _unpack(stream, f"<{rank}I") if rank else ()
    dtype_code, nbytes = _unpack(stream, "<BI")
    raw = stream.read(nbytes)
    if len(raw) != nbytes:
        raise ValueError("file ends inside a variable")
    if dtype_code == _BFLOAT16:
        # bfloat16 is the upper half of a float32
        bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        return bits.view(np.float32).reshape(shape)
    if dtype_code not in _DTYPES:
        raise ValueError(f"unknown dtype code {dtype_code}")
    return np.frombuffer(raw, dtype=np.dtype(_DTYPES[dtype_code]).newbyteorder("<")).reshape(shape)


def _string(stream: BinaryIO) -> str:
    (length,) = _unpack(stream, "<H")
    data = stream.read(length)
    if len(data) != length:
        raise ValueError("file ends inside a name")
    return data[:-1].decode("utf-8")


def _unpack(stream: BinaryIO, fmt: str) -> tuple:
    size = struct.calcsize(fmt)
    data = stream.read(size)
    if len(data) != size:
        raise ValueError("file ends early")
    return struct.unpack(fmt, data)
