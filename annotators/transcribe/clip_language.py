"""Which language each clip is transcribed in: the clip's own setting, the project's default,
or detection among the project's languages.

Stored in the project: ``video.language`` (a coder's per-clip override) and the project
settings ``default_language`` and ``languages`` (comma-separated codes the sample holds,
which limit detection). The order of precedence is documented in ``docs/multilingual.md``:
a language given for the batch (``--language``) > the clip's > the project's default >
detection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlmodel import col, select

from annotators.errors import ProjectError
from annotators.store.models import Video

from .settings import TranscribeSettings
from .transcribe import check_language_code

if TYPE_CHECKING:
    from annotators.project import Project

DEFAULT_KEY = "default_language"
LANGUAGES_KEY = "languages"


@dataclass(frozen=True)
class ProjectLanguages:
    """The project's default language (None: detect) and the languages detection picks from."""

    default: str | None = None
    languages: tuple[str, ...] | None = None


def project_languages(project: Project) -> ProjectLanguages:
    """The project's language settings (unset ones are None)."""
    default = project.get_meta(DEFAULT_KEY) or None
    listed = project.get_meta(LANGUAGES_KEY) or ""
    languages = tuple(code for code in listed.split(",") if code) or None
    return ProjectLanguages(default, languages)


def set_project_languages(
    project: Project, *, default: str | None = None, languages: Sequence[str] | None = None
) -> ProjectLanguages:
    """Set the default language ("auto" or "" clears it) and/or the study's languages."""
    if default is not None:
        default = _code(default)
        project.set_meta(DEFAULT_KEY, default or "")
    if languages is not None:
        codes = [_code(code) or "" for code in languages]
        project.set_meta(LANGUAGES_KEY, ",".join(code for code in codes if code))
    return project_languages(project)


def set_clip_language(project: Project, video_ids: Iterable[int], language: str | None) -> int:
    """Set (or with None / "auto", clear) the spoken language of clips; returns how many."""
    code = _code(language)
    ids = list(video_ids)
    with project.write_session() as session:
        videos = list(session.exec(select(Video).where(col(Video.id).in_(ids))))
        missing = set(ids) - {video.id for video in videos}
        if missing:
            raise ProjectError(f"no video with id {sorted(missing)[0]} in this project")
        for video in videos:
            video.language = code
            session.add(video)
        session.commit()
    return len(videos)


def clip_settings(
    settings: TranscribeSettings, video: Video, languages: ProjectLanguages, forced: str | None
) -> TranscribeSettings:
    """``settings`` for one clip, with its language decided by the order of precedence."""
    language = forced or video.language or languages.default
    return replace(settings, language=language, languages=languages.languages)


def _code(language: str | None) -> str | None:
    """A checked language code; None for "auto" or empty (detect from the speech)."""
    if language is None or language.strip().lower() in ("", "auto"):
        return None
    code = language.strip().lower()
    check_language_code(code)
    return code
