"""Import speed of a large ELAN file: the exchange importer against naive alternatives.

Usage: ``python benchmarks/bench_exchange.py [--annotations N]``

Writes a ~2 MB EAF 3.0 file (8 tiers, two of them with a controlled vocabulary, ``N``
annotations, default 6,000) for a 10-minute 30 fps clip, then measures in the same run:
- storyframe: ``read_file`` + ``apply_plan`` into a real SQLite project (codes created in a
  new codebook version, frames through the clip's frame table, one transaction);
- naive 1: parsing the same file with pympi-ling (``pympi.Elan.Eaf``), parse only, nothing
  stored (skipped when pympi is not installed);
- naive 2: one ``Coding.add_annotation`` per row (one commit each) on a 300-row sample,
  scaled linearly to ``N``.
The video file does not exist; its frame table is a list of presentation times (the same
type the media layer returns). Target: <= 3 s for the storyframe import.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lxml import etree  # noqa: E402
from sqlmodel import select  # noqa: E402

from annotators.coding import Coding  # noqa: E402
from annotators.exchange import apply_plan, read_file  # noqa: E402
from annotators.project import Project  # noqa: E402
from annotators.store.models import Code, Video  # noqa: E402

FPS, SECONDS, TIERS, TARGET_S, SAMPLE = 30.0, 600.0, 8, 3.0, 300
TABLE = [i / FPS for i in range(int(FPS * SECONDS))]


def write_eaf(path: Path, count: int) -> None:
    """A realistic EAF: ``count`` annotations over ``TIERS`` tiers, sorted time slots."""
    rng = random.Random(7)
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    root = etree.Element("ANNOTATION_DOCUMENT", {
        "AUTHOR": "bench", "DATE": "2026-01-01T00:00:00Z", "FORMAT": "3.0", "VERSION": "3.0",
        f"{{{xsi}}}noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
    }, nsmap={"xsi": xsi})  # fmt: skip
    header = etree.SubElement(root, "HEADER", MEDIA_FILE="", TIME_UNITS="milliseconds")
    etree.SubElement(header, "MEDIA_DESCRIPTOR", MEDIA_URL="file:///data/bench.mp4",
                     MIME_TYPE="video/mp4")  # fmt: skip
    order = etree.SubElement(root, "TIME_ORDER")
    spans = []
    for index in range(count):
        start = rng.randrange(0, int(SECONDS * 1000) - 3000)
        spans.append((index % TIERS, start, start + rng.randrange(100, 3000)))
    slots = sorted(
        (ms, i, side) for i, (_t, a, b) in enumerate(spans) for side, ms in enumerate((a, b))
    )
    ids = [["", ""] for _ in spans]
    for number, (ms, i, side) in enumerate(slots, 1):
        ids[i][side] = f"ts{number}"
        etree.SubElement(order, "TIME_SLOT", TIME_SLOT_ID=f"ts{number}", TIME_VALUE=str(ms))
    for tier in range(TIERS):
        lt = "gesture" if tier < 2 else "default-lt"
        element = etree.SubElement(root, "TIER", TIER_ID=f"Speaker {tier} words")
        element.set("ANNOTATOR", f"coder{tier % 3}")
        element.set("LINGUISTIC_TYPE_REF", lt)
        for i, (t, _a, _b) in enumerate(spans):
            if t != tier:
                continue
            holder = etree.SubElement(element, "ANNOTATION")
            annotation = etree.SubElement(holder, "ALIGNABLE_ANNOTATION", ANNOTATION_ID=f"a{i + 1}")
            annotation.set("TIME_SLOT_REF1", ids[i][0])
            annotation.set("TIME_SLOT_REF2", ids[i][1])
            value = ["wave", "point", "nod"][i % 3] if tier < 2 else f"utterance number {i} here"
            if tier < 2:
                annotation.set("CVE_REF", f"cve_{value}")
            etree.SubElement(annotation, "ANNOTATION_VALUE").text = value
    etree.SubElement(
        root, "LINGUISTIC_TYPE", LINGUISTIC_TYPE_ID="default-lt", TIME_ALIGNABLE="true"
    )
    etree.SubElement(root, "LINGUISTIC_TYPE", LINGUISTIC_TYPE_ID="gesture", TIME_ALIGNABLE="true",
                     CONTROLLED_VOCABULARY_REF="gestures")  # fmt: skip
    etree.SubElement(root, "LANGUAGE", LANG_ID="eng")
    cv = etree.SubElement(root, "CONTROLLED_VOCABULARY", CV_ID="gestures")
    for value in ("wave", "point", "nod"):
        entry = etree.SubElement(cv, "CV_ENTRY_ML", CVE_ID=f"cve_{value}")
        etree.SubElement(entry, "CVE_VALUE", LANG_REF="eng").text = value
    path.write_bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def new_project(folder: Path, name: str) -> Project:
    project = Project.create(folder / f"{name}.storyframe")
    with project.session() as session:
        session.add(Video(path="bench.mp4", file_name="bench.mp4", content_hash="b" * 64,
                          size_bytes=1, duration_s=SECONDS, frame_count=len(TABLE), fps=FPS,
                          width=1080, height=1920))  # fmt: skip
        session.commit()
    return project


def bench_storyframe(folder: Path, path: Path) -> tuple[float, int]:
    project = new_project(folder, "fast")
    start = time.perf_counter()
    result = apply_plan(project, read_file(path), times=lambda video: TABLE)
    elapsed = time.perf_counter() - start
    project.close()
    return elapsed, result.annotations


def bench_pympi(path: Path) -> float | None:
    try:
        from pympi.Elan import Eaf
    except ImportError:
        return None
    start = time.perf_counter()
    Eaf(str(path))
    return time.perf_counter() - start


def bench_per_row(folder: Path, count: int) -> float:
    """One committed ``add_annotation`` per row on a sample, scaled to ``count`` rows."""
    project = new_project(folder, "naive")
    coding = Coding(project.session, lambda video: TABLE)
    with project.session() as session:
        code = session.exec(select(Code).where(Code.kind == "interval")).first()
        code_id, video_id = code.id, session.exec(select(Video)).one().id
    coder_id = project.coder("naive").id
    rng = random.Random(3)
    start = time.perf_counter()
    for _ in range(SAMPLE):
        frame = rng.randrange(0, len(TABLE) - 100)
        coding.add_annotation(video_id, code_id, coder_id, frame, frame + 50)
    elapsed = time.perf_counter() - start
    project.close()
    return elapsed * count / SAMPLE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=6_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bench.eaf"
        write_eaf(path, args.annotations)
        size_mb = path.stat().st_size / 1e6
        fast, stored = bench_storyframe(folder, path)
        pympi = bench_pympi(path)
        naive = bench_per_row(folder, args.annotations)
    print(f"EAF file: {size_mb:.2f} MB, {args.annotations} annotations, {TIERS} tiers")
    verdict = "ok" if fast <= TARGET_S else "MISSED"
    print(f"storyframe import (parse + match + store):   {fast:6.2f} s  ({stored} stored; "
          f"target <= {TARGET_S} s: {verdict})")  # fmt: skip
    if pympi is None:
        print("pympi-ling parse only:                       not installed")
    else:
        print(f"pympi-ling parse only (nothing stored):      {pympi:6.2f} s  ({pympi / fast:.1f}x)")
    print(f"per-row add_annotation (scaled from {SAMPLE}):   {naive:6.2f} s  ({naive / fast:.0f}x)")


if __name__ == "__main__":
    main()
