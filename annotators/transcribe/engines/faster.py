"""The default engine: faster-whisper (CTranslate2), int8 on CPU, float16 on CUDA."""

from __future__ import annotations

import time
from dataclasses import dataclass

import ctranslate2
import faster_whisper
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.vad import VadOptions

from annotators.errors import TranscriptionError
from annotators.media.audio import WHISPER_SAMPLE_RATE
from annotators.transcribe.models import ModelRef, download_refused
from annotators.transcribe.result import Provenance, SegmentResult, TranscriptResult, WordResult
from annotators.transcribe.settings import TranscribeSettings

NAME = "faster-whisper"


def pick_device() -> tuple[str, str]:
    """(device, compute type): float16 on a CUDA GPU when present, else int8 on CPU."""
    if ctranslate2.get_cuda_device_count() > 0:
        return "cuda", "float16"
    return "cpu", "int8"


@dataclass
class FasterWhisperEngine:
    """A loaded faster-whisper model (see :class:`annotators.transcribe.engines.base.Engine`)."""

    model: WhisperModel
    model_name: str
    device: str
    compute_type: str
    name: str = NAME
    version: str = faster_whisper.__version__

    @property
    def is_multilingual(self) -> bool:
        return bool(self.model.model.is_multilingual)

    def transcribe(self, audio: np.ndarray, settings: TranscribeSettings) -> TranscriptResult:
        started = time.perf_counter()
        segments, info = self.model.transcribe(audio, **_kwargs(settings))
        # ``segments`` is lazy: decoding happens while it is consumed.
        results = tuple(_segment(segment) for segment in segments)
        return TranscriptResult(
            segments=results,
            language=info.language,
            provenance=self._provenance(settings, info.language),
            audio_s=len(audio) / WHISPER_SAMPLE_RATE,
            processing_s=time.perf_counter() - started,
        )

    def _provenance(self, settings: TranscribeSettings, language: str | None) -> Provenance:
        extra = {
            "device": self.device,
            "compute_type": self.compute_type,
            "ctranslate2_version": ctranslate2.__version__,
        }
        return Provenance(NAME, self.version, self.model_name, language, settings.to_dict() | extra)


def load_faster_whisper(
    ref: ModelRef, *, allow_download: bool = False, cpu_threads: int = 0
) -> FasterWhisperEngine:
    """Load ``ref`` with faster-whisper; a named model is fetched only if ``allow_download``."""
    device, compute_type = pick_device()
    source = str(ref.path) if ref.path is not None else str(ref.name)
    try:
        model = WhisperModel(
            source,
            device=device,
            compute_type=compute_type,
            cpu_threads=cpu_threads,
            local_files_only=not allow_download,
        )
    except (RuntimeError, ValueError, OSError) as error:
        if ref.name is not None and not allow_download:
            raise download_refused(ref.name) from error
        raise TranscriptionError(f"{ref.label}: cannot load the model ({error})") from error
    return FasterWhisperEngine(model, ref.label, device, compute_type)


def vad_options(settings: TranscribeSettings) -> VadOptions:
    """Silero VAD options from ``settings`` (shared with the openai-whisper engine)."""
    return VadOptions(
        threshold=settings.vad_threshold,
        min_speech_duration_ms=settings.vad_min_speech_ms,
        min_silence_duration_ms=settings.vad_min_silence_ms,
    )


def _kwargs(settings: TranscribeSettings) -> dict:
    return {
        "language": settings.language,
        "beam_size": settings.beam_size,
        "word_timestamps": settings.word_timestamps,
        "vad_filter": settings.vad_filter,
        "vad_parameters": vad_options(settings),
        "condition_on_previous_text": settings.condition_on_previous_text,
        "temperature": list(settings.temperature),
        "no_speech_threshold": settings.no_speech_threshold,
        "compression_ratio_threshold": settings.compression_ratio_threshold,
        "log_prob_threshold": settings.log_prob_threshold,
        "hallucination_silence_threshold": settings.hallucination_silence_threshold,
    }


def _segment(segment: faster_whisper.transcribe.Segment) -> SegmentResult:
    words = tuple(
        WordResult(float(w.start), float(w.end), w.word.strip(), float(w.probability))
        for w in segment.words or ()
    )
    return SegmentResult(
        start=float(segment.start),
        end=float(segment.end),
        text=segment.text.strip(),
        avg_logprob=float(segment.avg_logprob),
        no_speech_prob=float(segment.no_speech_prob),
        compression_ratio=float(segment.compression_ratio),
        words=words,
    )
