"""The openai-whisper engine: the reference implementation, offline on the bundled model.

The bundled model ships as CTranslate2 weights; they are converted once into an openai-whisper
checkpoint cached in the user cache folder. Standard checkpoints already in the whisper cache
folder are used by name. Audio arrives as a PyAV-decoded array, so no ffmpeg binary is needed.
The same Silero VAD as faster-whisper cuts non-speech out first, so both engines see the
same audio and clips without speech give an empty transcript instead of hallucinated text.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import whisper
from faster_whisper.vad import SpeechTimestampsMap, collect_chunks, get_speech_timestamps

from annotators.errors import TranscriptionError
from annotators.media.audio import WHISPER_SAMPLE_RATE
from annotators.transcribe.convert import alignment_mask, convert_ct2_dir
from annotators.transcribe.engines.base import ProgressCallback
from annotators.transcribe.engines.faster import vad_options
from annotators.transcribe.models import ModelRef, cache_root, download_refused
from annotators.transcribe.result import Provenance, SegmentResult, TranscriptResult, WordResult
from annotators.transcribe.settings import TranscribeSettings

NAME = "openai-whisper"


@dataclass
class OpenAIWhisperEngine:
    """A loaded openai-whisper model (see :class:`annotators.transcribe.engines.base.Engine`)."""

    model: whisper.Whisper
    model_name: str
    # torch already spreads one transcription over every core
    workers: int = 1
    name: str = NAME
    version: str = whisper.__version__

    @property
    def is_multilingual(self) -> bool:
        return bool(self.model.is_multilingual)

    def transcribe(
        self,
        audio: np.ndarray,
        settings: TranscribeSettings,
        on_progress: ProgressCallback | None = None,
    ) -> TranscriptResult:
        started = time.perf_counter()
        speech, ts_map = _speech_only(audio, settings)
        segments: tuple[SegmentResult, ...] = ()
        language = settings.language
        if speech.size:
            with torch.inference_mode():
                raw = whisper.transcribe(self.model, speech, **_kwargs(settings, self.model))
            language = raw.get("language") or language
            segments = tuple(_segment(s, ts_map) for s in raw["segments"] if s["text"].strip())
        if on_progress is not None:  # whisper.transcribe reports nothing on the way
            on_progress(len(audio) / WHISPER_SAMPLE_RATE)
        return TranscriptResult(
            segments=segments,
            language=language,
            provenance=self._provenance(settings, language),
            audio_s=len(audio) / WHISPER_SAMPLE_RATE,
            processing_s=time.perf_counter() - started,
        )

    def language_probabilities(
        self, audio: np.ndarray, settings: TranscribeSettings
    ) -> list[tuple[str, float]]:
        """(language, probability) for the clip's speech after VAD (multilingual models)."""
        speech, _ = _speech_only(audio, settings)
        if not speech.size:
            return [("en", 1.0)]
        mel = whisper.log_mel_spectrogram(
            whisper.pad_or_trim(torch.from_numpy(speech)), self.model.dims.n_mels
        ).to(self.model.device)
        with torch.inference_mode():
            _, probabilities = self.model.detect_language(mel)
        return list(probabilities.items())

    def _provenance(self, settings: TranscribeSettings, language: str | None) -> Provenance:
        extra = {"device": str(self.model.device), "torch_version": torch.__version__}
        return Provenance(NAME, self.version, self.model_name, language, settings.to_dict() | extra)


def load_openai_whisper(
    ref: ModelRef, *, allow_download: bool = False, cpu_threads: int = 0, device: str | None = None
) -> OpenAIWhisperEngine:
    """Load ``ref`` with openai-whisper; a named model is fetched only if ``allow_download``."""
    torch.set_num_threads(cpu_threads or os.cpu_count() or 1)
    if device == "cuda" and not torch.cuda.is_available():
        raise TranscriptionError("--device cuda: no CUDA GPU is usable on this machine")
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    if ref.path is not None:
        model = _load_path(ref.path, device)
    else:
        model = _load_named(str(ref.name), device, allow_download)
    return OpenAIWhisperEngine(model.eval(), ref.label)


def converted_checkpoint(model_dir: Path) -> Path:
    """The cached openai-whisper checkpoint of the CT2 model in ``model_dir``, made on first use.

    The cache key covers the weights file's path, size and modification time, so an updated
    model is converted again.
    """
    weights = model_dir / "model.bin"
    stat = weights.stat()
    key = hashlib.sha256(f"{weights.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    target = cache_dir() / f"{model_dir.name}-{key.hexdigest()[:16]}.pt"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        # per-process name: two processes converting at once must not share a half-written file
        partial = target.with_suffix(f".{os.getpid()}.partial")
        torch.save(convert_ct2_dir(model_dir), partial)
        os.replace(partial, target)  # atomic: a killed conversion never leaves a broken cache
    return target


def cache_dir() -> Path:
    """Folder of converted checkpoints (inside :func:`cache_root`)."""
    return cache_root() / "openai-whisper"


def whisper_cache_dir() -> Path:
    """openai-whisper's own download folder (``$XDG_CACHE_HOME/whisper``)."""
    default = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(os.getenv("XDG_CACHE_HOME", default)) / "whisper"


def _load_path(path: Path, device: str) -> whisper.Whisper:
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise TranscriptionError(f"{path}: no model.bin (not a CTranslate2 Whisper model)")
        return _load_checkpoint(converted_checkpoint(path), device)
    return _load_checkpoint(path, device, heads=whisper._ALIGNMENT_HEADS.get(path.stem))


def _load_named(name: str, device: str, allow_download: bool) -> whisper.Whisper:
    if name not in whisper._MODELS:
        raise TranscriptionError(f"unknown openai-whisper model {name!r}")
    cached = whisper_cache_dir() / os.path.basename(whisper._MODELS[name])
    if cached.is_file():
        return _load_checkpoint(cached, device, heads=whisper._ALIGNMENT_HEADS[name])
    if not allow_download:
        raise download_refused(name)
    return whisper.load_model(name, device=device, download_root=str(whisper_cache_dir()))


def _load_checkpoint(path: Path, device: str, heads: bytes | None = None) -> whisper.Whisper:
    """Build a model from a checkpoint file and set its alignment heads."""
    try:
        checkpoint = torch.load(path, map_location=device, weights_only=True)
        dims = whisper.model.ModelDimensions(**checkpoint["dims"])
        model = whisper.Whisper(dims)
        model.load_state_dict(checkpoint["model_state_dict"])
    except (OSError, RuntimeError, KeyError, TypeError) as error:
        raise TranscriptionError(
            f"{path}: not a usable openai-whisper checkpoint ({error})"
        ) from error
    if "alignment_heads" in checkpoint:
        heads = _heads_dump(checkpoint["alignment_heads"], dims)
    if heads is not None:
        model.set_alignment_heads(heads)
    return model.to(device)


def _heads_dump(pairs: list[list[int]], dims: whisper.model.ModelDimensions) -> bytes:
    """Encode [layer, head] pairs the way ``Whisper.set_alignment_heads`` expects them."""
    mask = alignment_mask(pairs, dims.n_text_layer, dims.n_text_head).numpy()
    return base64.b85encode(gzip.compress(mask.tobytes()))


def _speech_only(
    audio: np.ndarray, settings: TranscribeSettings
) -> tuple[np.ndarray, SpeechTimestampsMap | None]:
    """Audio with non-speech cut out by Silero VAD, plus the map back to clip times."""
    if not settings.vad_filter:
        return audio, None
    chunks = get_speech_timestamps(audio, vad_options(settings))
    if not chunks:
        return np.zeros(0, dtype=np.float32), None
    pieces, _ = collect_chunks(audio, chunks)
    ts_map = SpeechTimestampsMap(chunks, WHISPER_SAMPLE_RATE)
    return np.concatenate(pieces).astype(np.float32), ts_map


def _kwargs(settings: TranscribeSettings, model: whisper.Whisper) -> dict:
    return {
        "language": settings.language,
        "task": settings.task,
        "beam_size": settings.beam_size,
        "best_of": settings.beam_size,
        "word_timestamps": settings.word_timestamps,
        "condition_on_previous_text": settings.condition_on_previous_text,
        "temperature": settings.temperature,
        "no_speech_threshold": settings.no_speech_threshold,
        "compression_ratio_threshold": settings.compression_ratio_threshold,
        "logprob_threshold": settings.log_prob_threshold,
        "hallucination_silence_threshold": settings.hallucination_silence_threshold,
        "fp16": model.device.type == "cuda",
        "verbose": None,
    }


def _segment(raw: dict, ts_map: SpeechTimestampsMap | None) -> SegmentResult:
    words = tuple(_word(w, ts_map) for w in raw.get("words", ()))
    return SegmentResult(
        start=_restore(raw["start"], ts_map),
        end=_restore(raw["end"], ts_map, is_end=True),
        text=raw["text"].strip(),
        avg_logprob=float(raw["avg_logprob"]),
        no_speech_prob=float(raw["no_speech_prob"]),
        compression_ratio=float(raw["compression_ratio"]),
        words=words,
    )


def _word(raw: dict, ts_map: SpeechTimestampsMap | None) -> WordResult:
    start, end = float(raw["start"]), float(raw["end"])
    if ts_map is not None:
        # both ends in the chunk of the word's middle, as faster-whisper does
        chunk = ts_map.get_chunk_index((start + end) / 2)
        start = ts_map.get_original_time(start, chunk)
        end = ts_map.get_original_time(end, chunk)
    return WordResult(start, end, raw["word"].strip(), float(raw["probability"]))


def _restore(seconds: float, ts_map: SpeechTimestampsMap | None, is_end: bool = False) -> float:
    seconds = float(seconds)
    return seconds if ts_map is None else ts_map.get_original_time(seconds, is_end=is_end)
