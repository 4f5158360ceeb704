"""csv-wide column names never collide: every value of generated, hostile key sets keeps its
own column, and codebook.csv names the columns of each variable."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from annotators.export import export
from annotators.project import Project
from annotators.store.models import Annotation, ClipValue, Code, Codebook, Coder, Video

# pieces that meet after snake_case or as generated names (x -> x_present, x_count...)
KEYS = ["x", "x_present", "x_count", "x_2", "x_2_present", "coder", "coder_2", "video_id",
        "video_fps", "meta_author_name", "aB", "a_b", "a.b", "present",
        "total_duration_s"]  # fmt: skip
META_KEYS = ["authorName", "author_name", "author.name", "author", "a", "A", "play-count"]

_TEMPLATE_DIR = tempfile.TemporaryDirectory()
TEMPLATE = Path(_TEMPLATE_DIR.name) / "template.storyframe"
Project.create(TEMPLATE, default_codebook=False).close()

codes_strategy = st.lists(
    st.tuples(st.sampled_from(KEYS), st.sampled_from(["interval", "point", "clip"])),
    min_size=1,
    max_size=7,
    unique_by=lambda pair: pair[0],
)
meta_strategy = st.recursive(
    st.just(None),
    lambda inner: st.dictionaries(st.sampled_from(META_KEYS), inner, min_size=1, max_size=4),
    max_leaves=8,
).filter(lambda meta: isinstance(meta, dict))


def _leaves(meta: dict, counter: list[int]) -> dict:
    """``meta`` with every leaf replaced by a unique string, so each can be found again."""
    out = {}
    for key, value in meta.items():
        if isinstance(value, dict):
            out[key] = _leaves(value, counter)
        else:
            counter[0] += 1
            out[key] = f"leaf{counter[0]}"
    return out


def _build(folder: Path, codes: list[tuple[str, str]], meta: dict) -> Project:
    shutil.copyfile(TEMPLATE, folder / "p.storyframe")  # an empty current project: no migration
    project = Project.open(folder / "p.storyframe")
    with project.session() as session:
        book = Codebook(name="t")
        video = Video(path="v.mp4", file_name="v.mp4", content_hash="a" * 64, size_bytes=1,
                      duration_s=10.0, frame_count=250, fps=25.0, width=1, height=1,
                      platform_meta=meta)  # fmt: skip
        coder = Coder(name="ana")
        session.add_all([book, video, coder])
        session.flush()
        for index, (key, kind) in enumerate(codes):
            code = Code(codebook_id=book.id, key=key, label=key, kind=kind, sort_order=index,
                        value_type="text" if kind == "clip" else "presence")  # fmt: skip
            session.add(code)
            session.flush()
            if kind == "clip":
                session.add(ClipValue(video_id=video.id, code_id=code.id, coder_id=coder.id,
                                      value=f"v{index}"))  # fmt: skip
            for _ in range(0 if kind == "clip" else index + 1):  # count tells codes apart
                end = 5 if kind == "interval" else None
                session.add(Annotation(video_id=video.id, code_id=code.id, coder_id=coder.id,
                                       start_frame=0, end_frame=end, start_s=0.0,
                                       end_s=None if end is None else 0.2))  # fmt: skip
        session.commit()
    return project


@settings(max_examples=30, deadline=None)
@given(codes=codes_strategy, raw_meta=meta_strategy)
def test_every_value_keeps_its_own_column(codes: list[tuple[str, str]], raw_meta: dict) -> None:
    counter = [0]
    meta = _leaves(raw_meta, counter)
    with tempfile.TemporaryDirectory() as folder:
        project = _build(Path(folder), codes, meta)
        with project:
            export(project, "csv-wide", Path(folder) / "wide.csv")
        with open(Path(folder) / "wide.csv", newline="", encoding="utf-8") as handle:
            header, row = list(csv.reader(handle))
        with open(Path(folder) / "codebook.csv", newline="", encoding="utf-8") as handle:
            dictionary = {r["variable"]: r["wide_columns"].split() for r in csv.DictReader(handle)}
    assert len(set(header)) == len(header), "duplicate column names"
    cells = dict(zip(header, row, strict=True))
    assert cells["coder"] == "ana" and cells["video_id"] == "1"
    for index, (key, kind) in enumerate(codes):
        columns = dictionary[key]
        assert set(columns) <= set(header)
        if kind == "clip":
            assert cells[columns[0]] == f"v{index}"
        else:
            count = next(c for c in columns if c.endswith("_count"))
            assert cells[count] == str(index + 1)
    code_columns = {column for columns in dictionary.values() for column in columns}
    meta_columns = [
        name for name in header if name.startswith("meta_") and name not in code_columns
    ]
    leaves = sorted(f"leaf{i}" for i in range(1, counter[0] + 1))
    assert sorted(cells[name] for name in meta_columns) == leaves  # one column per leaf
