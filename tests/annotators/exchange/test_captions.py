"""Caption files (SRT, WebVTT with YouTube word timing) read as transcripts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from annotators.errors import ExportError, StoryframeError
from annotators.exchange import detect_format, import_file
from annotators.exchange.captions import caption_format, read_captions
from annotators.export import ExportFilter, export
from annotators.jobs import run_job
from annotators.project import Project
from annotators.store.models import Transcript, Video
from annotators.transcribe import current_transcript, transcript_versions, transcript_words

from .conftest import FORMATS, Coded, digest

SUBS = FORMATS / "subs"
SRT, VTT = SUBS / "webvttpy_sample.srt", SUBS / "webvttpy_youtube_dl.vtt"


def test_srt_cues_become_segments_with_words_spread_inside_each_cue() -> None:
    result = read_captions(SRT)
    assert [(s.start, s.end, s.text) for s in result.segments][:2] == [
        (0.5, 7.0, " Caption text #1"),
        (7.0, 11.89, " Caption text #2"),
    ]
    assert len(result.segments) == 5
    for segment in result.segments:
        words = segment.words
        assert [w.text for w in words] == [" Caption", " text", f" #{words[-1].text[-1]}"]
        assert words[0].start == segment.start and words[-1].end == pytest.approx(segment.end)
        assert all(a.end == pytest.approx(b.start) for a, b in zip(words, words[1:], strict=False))
        # longer words get more of the cue
        assert words[0].end - words[0].start > words[1].end - words[1].start


def test_provenance_names_the_file_its_format_and_hash() -> None:
    result = read_captions(SRT)
    assert result.provenance.engine == "imported"
    assert result.provenance.settings == {
        "source_file": "webvttpy_sample.srt",
        "format": "subrip",
        "sha256": hashlib.sha256(SRT.read_bytes()).hexdigest(),
    }
    assert result.status == "ok" and result.audio_s == 23.88


def test_youtube_word_timed_cues_give_word_times_and_no_repeats() -> None:
    result = read_captions(VTT)
    assert result.language == "en"
    assert result.text == "yeah what this will happen is I'm telling"
    words = {w.text.strip(): (w.start, w.end) for w in result.words}
    assert words["this"] == (304.08, 304.199)  # first word: from the cue start
    assert words["will"] == (304.199, 304.379)
    assert words["I'm"] == (304.86, 305.069)
    assert words["telling"] == (305.069, 305.069)  # its timestamp is the cue end


def test_styling_tags_and_voice_spans_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "styled.vtt"
    path.write_text(
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ana><i>Hello</i> <b>there</b></v>\n",
        encoding="utf-8",
    )
    assert read_captions(path).text == "Hello there"


def test_format_detection() -> None:
    assert caption_format(SRT) == "srt" and caption_format(VTT) == "vtt"
    assert caption_format(Path("/work/shared/formats/boris/boris_test.boris")) is None


@pytest.mark.parametrize(
    "text",
    [
        "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nbackwards\n",
        "WEBVTT\n\n00:00:61.000 --> 00:00:62.000\nbad seconds\n",
        "not a caption file at all",
    ],
)
def test_bad_timestamps_raise_export_error_naming_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.vtt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExportError, match="bad.vtt"):
        read_captions(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.builds(
            lambda head, body: (head + body).encode("utf-8", "surrogatepass"),
            st.sampled_from(["WEBVTT\n\n", "1\n", ""]),
            st.text(alphabet="0123456789:.,-> \nabc<>/", max_size=200),
        ),
        st.sampled_from([VTT.read_bytes(), SRT.read_bytes()]).flatmap(
            lambda full: st.integers(0, len(full)).map(lambda n: full[:n])
        ),
    ),
    suffix=st.sampled_from([".srt", ".vtt"]),
)
def test_hostile_caption_files_give_export_error_or_a_transcript(
    tmp_path: Path, data: bytes, suffix: str
) -> None:
    path = tmp_path / f"x{suffix}"
    path.write_bytes(data)
    try:
        result = read_captions(path)
    except ExportError as error:
        assert "x" + suffix in str(error)
        return
    for word in result.words:
        assert word.start <= word.end


# --- imported into a project as the clip's current transcript ------------------------------


def _transcripts(project: Project, name: str) -> tuple[Transcript | None, list[Transcript]]:
    with project.session() as session:
        video = session.exec(select(Video).where(Video.file_name == name)).one()
        return current_transcript(session, video.id), transcript_versions(session, video.id)


def test_caption_becomes_the_current_transcript_and_the_old_one_is_kept(
    coded: Coded, tmp_path: Path
) -> None:
    named = tmp_path / "a.mp4.srt"  # names its clip
    named.write_bytes(SRT.read_bytes())
    assert detect_format(named).name == "srt"
    result = run_job(import_file(coded.project, named))
    assert result.transcripts == 1
    current, versions = _transcripts(coded.project, "a.mp4")
    assert current is not None and current.engine == "imported"
    assert current.settings["sha256"] == hashlib.sha256(SRT.read_bytes()).hexdigest()
    assert current.text.startswith("Caption text #1")
    assert [v.engine for v in versions] == ["imported", "test"]  # the Whisper-like one kept
    with coded.project.session() as session:
        words = transcript_words(session, current.id)
    assert len(words) == 15 and words[0].text == " Caption" and words[0].start_s == 0.5


def test_video_option_and_dry_run(coded: Coded) -> None:
    before = digest(coded.project)
    preview = run_job(import_file(coded.project, VTT, video="b.mp4", dry_run=True))
    assert preview.transcripts == 1 and digest(coded.project) == before
    run_job(import_file(coded.project, VTT, video="b.mp4"))
    current, _versions = _transcripts(coded.project, "b.mp4")
    assert current is not None and current.language == "en"


def test_unmatched_caption_is_reported_and_changes_nothing(coded: Coded) -> None:
    before = digest(coded.project)
    result = run_job(import_file(coded.project, SRT))  # "webvttpy_sample" is no clip
    assert result.transcripts == 0
    assert any("webvttpy_sample" in p and "--video" in p for p in result.problems)
    assert digest(coded.project) == before


def test_storyframes_own_vtt_export_reads_back(coded: Coded, tmp_path: Path) -> None:
    out = tmp_path / "a.mp4.vtt"
    export(coded.project, "vtt", out, ExportFilter(videos=["a.mp4"]))
    result = read_captions(out)
    assert result.text.replace(",", "") == "I lost my mum"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_hostile_caption_import_leaves_the_project_unchanged(
    coded: Coded, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "a.mp4.vtt"
    path.write_bytes(b"WEBVTT\n\n" + data)
    before = digest(coded.project)
    try:
        run_job(import_file(coded.project, path))
    except StoryframeError:
        assert digest(coded.project) == before


def test_cli_imports_a_caption_and_refuses_a_broken_one(coded: Coded, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from annotators.cli import main

    project = str(coded.project.path)
    coded.project.close()
    broken = tmp_path / "broken.vtt"
    broken.write_text("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nbackwards\n", encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(_app(), ["exchange", "import", project, str(VTT), "--video", "a.mp4"])
    assert ok.exit_code == 0, ok.output
    assert "1 transcript(s)" in ok.output
    with pytest.raises(SystemExit) as exit_info:
        main(["exchange", "import", project, str(broken)])
    assert exit_info.value.code == 1


def _app():  # noqa: ANN202
    from annotators.cli import _load_commands
    from annotators.cli.app import app

    _load_commands()
    return app


def test_escapes_and_subrip_overrides_are_resolved(tmp_path: Path) -> None:
    vtt = tmp_path / "x.vtt"
    vtt.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\nfish &amp; chips &lt;3\n", encoding="utf-8")
    assert read_captions(vtt).text == "fish & chips <3"
    srt = tmp_path / "x.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:02,000\n{\\an8}top line\n", encoding="utf-8")
    assert read_captions(srt).text == "top line"
