"""Import of csv-long: round trip, per-line reports, and files that change nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import func, select

from annotators.errors import ExportError
from annotators.export import export_long, import_long_csv
from annotators.project import Project
from annotators.store.models import Annotation, ClipValue

from .conftest import Coded, add_codebook, add_story_transcript, add_video

# A round trip (export, import into a fresh project with the same videos and codebook, export
# again) gives the same rows in the same order, except in these columns: ids are local to a
# project file, and created_at/updated_at are when the rows were made in that project.
LOCAL_COLUMNS = [
    "annotation_id", "video_id", "coder_id", "code_id", "created_at", "updated_at"
]  # fmt: skip


def fresh_project(tmp_path: Path, name: str = "second", database: str | None = None) -> Project:
    """A new project with the same codebook and videos (same content hashes), no coding."""
    project = Project.create(
        tmp_path / f"{name}.storyframe", default_codebook=False, database=database
    )
    with project.session() as session:
        add_codebook(session)
        add_video(session, "b.mp4")  # a different import order: ids differ
        a = add_video(session, "a.mp4", playCount=1200, author={"name": "=cmd"})
        add_story_transcript(session, a)
        session.commit()
    return project


def export_table(project: Project, path: Path) -> pd.DataFrame:
    with project.session() as session:
        export_long(session, path)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def counts(project: Project) -> tuple[int, int]:
    with project.session() as session:
        annotations = session.exec(select(func.count()).select_from(Annotation)).one()
        clips = session.exec(select(func.count()).select_from(ClipValue)).one()
    return annotations, clips


def test_round_trip_gives_the_same_rows(coded: Coded, tmp_path: Path, new_database) -> None:
    first = export_table(coded.project, tmp_path / "first.csv")
    with fresh_project(tmp_path, database=new_database()) as second:
        report = import_long_csv(second, tmp_path / "first.csv")
        assert (report.annotations, report.clip_values, report.skipped) == (6, 3, [])
        again = export_table(second, tmp_path / "again.csv")
    pd.testing.assert_frame_equal(
        first.drop(columns=LOCAL_COLUMNS), again.drop(columns=LOCAL_COLUMNS)
    )
    assert not first["video_id"].equals(again["video_id"])  # the ids really are local
    assert (again["created_at"] > first["created_at"]).all()


def test_importing_twice_adds_nothing(coded: Coded, tmp_path: Path, new_database) -> None:
    table = export_table(coded.project, tmp_path / "first.csv")
    # the same span marked twice by one coder is two annotations, not a duplicate
    table = pd.concat([table.iloc[:1], table]).reset_index(drop=True)
    table.to_csv(tmp_path / "twice.csv", index=False)
    with fresh_project(tmp_path, database=new_database()) as second:
        assert import_long_csv(second, tmp_path / "twice.csv").annotations == 7
        report = import_long_csv(second, tmp_path / "twice.csv")
        assert (report.imported, report.duplicates) == (0, 10)
        assert counts(second) == (7, 3)


def test_coder_override_and_source(coded: Coded, tmp_path: Path, new_database) -> None:
    table = export_table(coded.project, tmp_path / "first.csv")
    table.loc[0, "source"] = ""  # no source in the file: marked imported
    table.to_csv(tmp_path / "edited.csv", index=False)
    with fresh_project(tmp_path, database=new_database()) as second:
        import_long_csv(second, tmp_path / "edited.csv", coder="carol")
        again = export_table(second, tmp_path / "again.csv")
    assert set(again["coder"]) == {"carol"}
    assert sorted(again["source"]) == sorted(
        ["imported", "manual", "manual", "manual", "imported", "manual", "", "", ""]
    )


def test_unknown_videos_and_codes_are_reported_by_line(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    sha = export_table(coded.project, tmp_path / "first.csv")["video_sha256"][0]
    text = (tmp_path / "first.csv").read_text(encoding="utf-8")
    # line 1 is the header; record 1 spans lines 2-3 (its note holds a newline)
    text = text.replace(f",a.mp4,{sha},", f",gone.mp4,{'0' * 64},", 1)
    lines = text.split("\n")
    assert lines[3].startswith("4,")  # second record (annotation 4) starts on line 4
    lines[3] = lines[3].replace(",donate,", ",no_such_code,")
    (tmp_path / "edited.csv").write_text("\n".join(lines), encoding="utf-8")
    with fresh_project(tmp_path, database=new_database()) as second:
        report = import_long_csv(second, tmp_path / "edited.csv")
        assert [str(s) for s in report.skipped] == [
            "line 2: unknown video 'gone.mp4'",
            "line 4: unknown code 'no_such_code'",
        ]
        assert counts(second) == (4, 3)


def test_invalid_rows_are_skipped_with_reasons(coded: Coded, tmp_path: Path, new_database) -> None:
    table = export_table(coded.project, tmp_path / "first.csv")
    table.loc[1, ["end_frame", "end_s"]] = ["999", "39.960"]
    table.loc[2, "value"] = "joy"  # not an option of emotion
    table.loc[6, "code_key"] = "testimony"  # an interval code given as a clip-level row
    table.to_csv(tmp_path / "edited.csv", index=False)
    with fresh_project(tmp_path, database=new_database()) as second:
        report = import_long_csv(second, tmp_path / "edited.csv")
    reasons = [str(s) for s in report.skipped]
    assert reasons[0] == "line 4: frame 999 is outside a.mp4 (frames 0-249)"
    assert reasons[1] == "line 5: 'joy' is not a value of 'Emotional appeal' (one of sadness, hope)"
    assert reasons[2] == "line 9: code 'testimony' is interval, but the row is clip"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"a,b\n1,2\n", r"missing column\(s\): code_key"),
    ],
)
def test_unreadable_files_change_nothing(
    coded: Coded, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = counts(coded.project)
    with pytest.raises(ExportError, match=message) as caught:
        import_long_csv(coded.project, path)
    assert str(path) in str(caught.value)
    assert counts(coded.project) == before


def test_a_malformed_row_late_in_the_file_changes_nothing(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    table = export_table(coded.project, tmp_path / "first.csv")
    table.loc[5, "start_frame"] = "twelve"
    table.to_csv(tmp_path / "edited.csv", index=False)
    with fresh_project(tmp_path, database=new_database()) as second:
        with pytest.raises(ExportError, match=r"edited.csv:8: start_frame 'twelve' is not a whole"):
            import_long_csv(second, tmp_path / "edited.csv")
        assert counts(second) == (0, 0)
        with second.session() as session:
            assert session.exec(select(func.count()).select_from(Annotation)).one() == 0


def test_missing_file_is_a_clear_error(tmp_path: Path, coded: Coded) -> None:
    with pytest.raises(ExportError, match="no such file"):
        import_long_csv(coded.project, tmp_path / "nope.csv")


def test_reimport_after_an_edit_is_recognised_by_row_uid(
    coded: Coded, tmp_path: Path, new_database
) -> None:
    table = export_table(coded.project, tmp_path / "first.csv")
    assert table["row_uid"].str.fullmatch(r"[0-9a-f]{32}").all()
    with coded.project.session() as session:  # the coder edits a note after the export
        row = session.exec(select(Annotation)).first()
        row.note = "edited after the export"
        session.add(row)
        session.commit()
    before = counts(coded.project)
    report = import_long_csv(coded.project, tmp_path / "first.csv")
    assert report.imported == 0 and counts(coded.project) == before
    with fresh_project(
        tmp_path, database=new_database()
    ) as second:  # a copy keeps the identity of every row
        import_long_csv(second, tmp_path / "first.csv")
        again = export_table(second, tmp_path / "again.csv")
    assert sorted(again["row_uid"]) == sorted(table["row_uid"])


def test_malformed_row_uid_refuses_the_file(coded: Coded, tmp_path: Path) -> None:
    table = export_table(coded.project, tmp_path / "first.csv")
    table.loc[0, "row_uid"] = "not-a-uid"
    table.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ExportError, match="bad.csv:2: row_uid 'not-a-uid'"):
        import_long_csv(coded.project, tmp_path / "bad.csv")
