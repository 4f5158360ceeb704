"""The default engine: faster-whisper (CTranslate2), int8 on CPU, float16 on CUDA.

On CPU the model runs as one single-threaded replica per core, and a clip is cut at pauses
into that many parts transcribed side by side (:mod:`annotators.transcribe.parts`). Why:
CTranslate2's int8 decoding steps are too small to gain from a second thread (on 2 cores a
2-thread model decoded 1.5x slower than a 1-thread one), while separate parts use every core.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

import ctranslate2
import faster_whisper
import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.vad import VadOptions

from annotators.errors import TranscriptionError
from annotators.media.audio import WHISPER_SAMPLE_RATE
from annotators.transcribe.engines.base import ProgressCallback
from annotators.transcribe.models import ModelRef, download_refused
from annotators.transcribe.parts import cut_points
from annotators.transcribe.result import Provenance, SegmentResult, TranscriptResult, WordResult
from annotators.transcribe.settings import TranscribeSettings

NAME = "faster-whisper"


def pick_device(device: str | None = None) -> tuple[str, str]:
    """(device, compute type): float16 on a CUDA GPU (when present, or when ``device`` is
    ``cuda``), else int8 on CPU. :class:`TranscriptionError` for ``cuda`` without a GPU."""
    cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "cuda" and not cuda:
        raise TranscriptionError("--device cuda: no CUDA GPU is usable on this machine")
    if device != "cpu" and cuda:
        return "cuda", "float16"
    return "cpu", "int8"


@dataclass
class FasterWhisperEngine:
    """A loaded faster-whisper model (see :class:`annotators.transcribe.engines.base.Engine`).

    ``workers`` is the model's replicas: how many parts of a clip (or clips of a batch) are
    transcribed at once.
    """

    model: WhisperModel
    model_name: str
    device: str
    compute_type: str
    workers: int = 1
    name: str = NAME
    version: str = faster_whisper.__version__

    @property
    def is_multilingual(self) -> bool:
        return bool(self.model.model.is_multilingual)

    def transcribe(
        self,
        audio: np.ndarray,
        settings: TranscribeSettings,
        on_progress: ProgressCallback | None = None,
    ) -> TranscriptResult:
        started = time.perf_counter()
        kwargs = _kwargs(settings)
        cuts = cut_points(audio, self.workers, settings.vad_threshold)
        if cuts and kwargs["language"] is None and self.is_multilingual:
            # One language for the whole clip, detected as an uncut transcription would.
            kwargs["language"] = self.model.detect_language(
                audio, vad_filter=settings.vad_filter, vad_parameters=kwargs["vad_parameters"]
            )[0]
        bounds = [0, *cuts, len(audio)]
        done = PartsDone(len(bounds) - 1, on_progress)
        with ThreadPoolExecutor(len(bounds) - 1) as pool:
            work = partial(self._part, audio, kwargs=kwargs, done=done)
            parts = list(pool.map(work, range(len(bounds) - 1), bounds, bounds[1:]))
        language = parts[0][1]
        return TranscriptResult(
            segments=tuple(segment for segments, _ in parts for segment in segments),
            language=language,
            provenance=self._provenance(settings, language, cuts),
            audio_s=len(audio) / WHISPER_SAMPLE_RATE,
            processing_s=time.perf_counter() - started,
        )

    def language_probabilities(
        self, audio: np.ndarray, settings: TranscribeSettings
    ) -> list[tuple[str, float]]:
        """(language, probability) for the clip's speech after VAD (multilingual models)."""
        return self.model.detect_language(
            audio, vad_filter=settings.vad_filter, vad_parameters=vad_options(settings)
        )[2]

    def _part(
        self,
        audio: np.ndarray,
        index: int,
        start: int,
        end: int,
        *,
        kwargs: dict,
        done: PartsDone,
    ) -> tuple[tuple[SegmentResult, ...], str]:
        """Transcribe ``audio[start:end]``; times are from the start of ``audio``."""
        segments, info = self.model.transcribe(audio[start:end], **kwargs)
        offset = start / WHISPER_SAMPLE_RATE
        results = []
        # ``segments`` is lazy: decoding happens while it is consumed, here in the worker.
        for segment in segments:
            results.append(_segment(segment, offset))
            done.report(index, float(segment.end))
        done.report(index, (end - start) / WHISPER_SAMPLE_RATE)
        return tuple(results), info.language

    def _provenance(
        self, settings: TranscribeSettings, language: str | None, cuts: list[int]
    ) -> Provenance:
        extra = {
            "device": self.device,
            "compute_type": self.compute_type,
            "ctranslate2_version": ctranslate2.__version__,
            "workers": self.workers,
            "cuts_s": [round(cut / WHISPER_SAMPLE_RATE, 3) for cut in cuts],
        }
        return Provenance(NAME, self.version, self.model_name, language, settings.to_dict() | extra)


class PartsDone:
    """Seconds transcribed in each part of a clip, summed for ``on_progress`` (thread-safe)."""

    def __init__(self, parts: int, on_progress: ProgressCallback | None) -> None:
        self._seconds = [0.0] * parts
        self._lock = threading.Lock()
        self._on_progress = on_progress

    def report(self, part: int, seconds: float) -> None:
        if self._on_progress is None:
            return
        with self._lock:
            self._seconds[part] = max(self._seconds[part], seconds)
            total = sum(self._seconds)
        self._on_progress(total)


def load_faster_whisper(
    ref: ModelRef, *, allow_download: bool = False, cpu_threads: int = 0, device: str | None = None
) -> FasterWhisperEngine:
    """Load ``ref`` with faster-whisper; a named model is fetched only if ``allow_download``.

    On CPU, ``cpu_threads`` cores (0 = all) each get a single-threaded replica; replicas share
    the weights. On CUDA there is one replica.
    """
    device, compute_type = pick_device(device)
    workers = 1 if device == "cuda" else cpu_threads or os.cpu_count() or 1
    source = str(ref.path) if ref.path is not None else str(ref.name)
    try:
        model = WhisperModel(
            source,
            device=device,
            compute_type=compute_type,
            cpu_threads=1,
            num_workers=workers,
            local_files_only=not allow_download,
        )
    except (RuntimeError, ValueError, OSError) as error:
        if ref.name is not None and not allow_download:
            raise download_refused(ref.name) from error
        raise TranscriptionError(f"{ref.label}: cannot load the model ({error})") from error
    return FasterWhisperEngine(model, ref.label, device, compute_type, workers)


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
        "task": settings.task,
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


def _segment(segment: faster_whisper.transcribe.Segment, offset: float) -> SegmentResult:
    """``segment`` as a result, its times moved ``offset`` seconds later."""

    def at(seconds: float) -> float:
        return round(float(seconds) + offset, 3)

    words = tuple(
        WordResult(at(w.start), at(w.end), w.word.strip(), float(w.probability))
        for w in segment.words or ()
    )
    return SegmentResult(
        start=at(segment.start),
        end=at(segment.end),
        text=segment.text.strip(),
        avg_logprob=float(segment.avg_logprob),
        no_speech_prob=float(segment.no_speech_prob),
        compression_ratio=float(segment.compression_ratio),
        words=words,
    )
