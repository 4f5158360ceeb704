"""Write ELAN EAF 3.0 with lxml (valid against ``EAFv3.0.xsd``), one file per clip.

One tier per code and coder (``key`` when one coder coded the code, else ``key@coder``, with
``ANNOTATOR``), one linguistic type per code, a controlled vocabulary per nominal/ordinal
code, the media descriptor with the clip's content hash as a property, times in ms. A point
event is written as the one-frame interval it covers. Notes go into a symbolic child tier
``<tier> note`` (linguistic type ``storyframe-note``); see ``docs/exchange.md``.
"""

from __future__ import annotations

import mimetypes
import os
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from lxml import etree

from annotators.export.catalog import CodeInfo, VideoInfo

from .eaf_read import CODE_PROPERTY, HASH_PROPERTY, NOTE_TYPE
from .source import ExportData
from .writing import FrameEnds

XSI = "http://www.w3.org/2001/XMLSchema-instance"
LANG = "eng"
LANG_DEF = "http://cdb.iso.org/lg/CDB-00138502-001"
SYMBOLIC = "Symbolic_Association"


def eaf_bytes(
    data: ExportData, video: VideoInfo, media_path: Path, out: Path, ends: FrameEnds
) -> tuple[bytes, int]:
    """The EAF document of ``video`` and the number of annotations in it."""
    codes = [c for c in data.codebook_codes() if c.kind in ("point", "interval")]
    rows = [r for r in data.annotations if r["video_id"] == video.id]
    root = etree.Element(
        "ANNOTATION_DOCUMENT",
        {"AUTHOR": "Storyframe", "DATE": datetime.now(UTC).isoformat(timespec="seconds"),
         "FORMAT": "3.0", "VERSION": "3.0",
         f"{{{XSI}}}noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"},
        nsmap={"xsi": XSI},
    )  # fmt: skip
    _header(root, video, media_path, out, len(rows), codes)
    spans = [_span(row, ends) for row in rows]
    slot_ids = _time_order(root, spans)
    tiers = _tiers(codes, rows, spans, data.coders)
    number = 0
    has_notes = False
    for key, tier_rows in tiers.items():
        code = key[0]
        attributes = _tier_attributes(key, tiers)
        tier = etree.SubElement(root, "TIER", attributes)
        ids = []
        for index in tier_rows:
            number += 1
            ids.append(_annotation(tier, code, rows[index], slot_ids[index], number))
        noted = [(ident, rows[i]["note"]) for ident, i in zip(ids, tier_rows, strict=True)]
        if any(note for _ident, note in noted):
            number = _note_tier(root, attributes, noted, number)
            has_notes = True
    for code in codes:
        _linguistic_type(root, code)
    if has_notes:
        etree.SubElement(root, "LINGUISTIC_TYPE", LINGUISTIC_TYPE_ID=NOTE_TYPE,
                         TIME_ALIGNABLE="false", CONSTRAINTS=SYMBOLIC)  # fmt: skip
    etree.SubElement(root, "LANGUAGE", LANG_ID=LANG, LANG_DEF=LANG_DEF, LANG_LABEL="English")
    if has_notes:
        etree.SubElement(root, "CONSTRAINT", STEREOTYPE=SYMBOLIC,
                         DESCRIPTION="1-1 association with a parent annotation")  # fmt: skip
    for code in codes:
        if code.options:
            _vocabulary(root, code)
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return text, len(rows)


def _header(
    root: Any, video: VideoInfo, media: Path, out: Path, count: int, codes: list[CodeInfo]
) -> None:
    header = etree.SubElement(root, "HEADER", MEDIA_FILE="", TIME_UNITS="milliseconds")
    relative = os.path.relpath(media, out.parent).replace(os.sep, "/")
    mime = mimetypes.guess_type(video.file_name)[0] or "video/mp4"
    etree.SubElement(
        header,
        "MEDIA_DESCRIPTOR",
        MEDIA_URL=media.resolve().as_uri(),
        RELATIVE_MEDIA_URL=quote(relative if relative.startswith(".") else f"./{relative}"),
        MIME_TYPE=mime,
    )
    etree.SubElement(header, "PROPERTY", NAME=HASH_PROPERTY).text = video.content_hash
    etree.SubElement(header, "PROPERTY", NAME="lastUsedAnnotationId").text = str(count)
    for code in codes:  # what a tier cannot say: point or interval code, its label
        etree.SubElement(
            header, "PROPERTY", NAME=CODE_PROPERTY
        ).text = f"key={code.key}; kind={code.kind}; type={code.value_type}; label={code.label}"


def _span(row: dict[str, Any], ends: FrameEnds) -> tuple[int, int]:
    start = row["start_s"]
    end = row["end_s"]
    if end is None:
        end = ends.end_of(row["video_id"], row["start_frame"], start)
    return round(start * 1000), round(end * 1000)


def _time_order(root: Any, spans: list[tuple[int, int]]) -> list[tuple[str, str]]:
    """Two time slots per annotation, numbered in time order; the ids of each pair."""
    order = etree.SubElement(root, "TIME_ORDER")
    slots = sorted(
        (ms, index, side) for index, span in enumerate(spans) for side, ms in enumerate(span)
    )
    ids: list[list[str]] = [["", ""] for _ in spans]
    for number, (ms, index, side) in enumerate(slots, start=1):
        ids[index][side] = f"ts{number}"
        etree.SubElement(order, "TIME_SLOT", TIME_SLOT_ID=f"ts{number}", TIME_VALUE=str(ms))
    return [(a, b) for a, b in ids]


Tier = tuple[CodeInfo, str | None, int]  # code, coder name (None: empty tier), lane


def _tiers(
    codes: list[CodeInfo],
    rows: list[dict[str, Any]],
    spans: list[tuple[int, int]],
    coders: dict[int, str],
) -> dict[Tier, list[int]]:
    """Row indexes per tier; codes without rows get one empty tier.

    ELAN tiers cannot hold overlapping annotations, so overlapping rows of one code and
    coder go to extra "lanes" (tiers named ``... (2)``, ``... (3)``).
    """
    by_id = {code.id: code for code in codes}
    tiers: dict[Tier, list[int]] = defaultdict(list)
    lane_ends: dict[tuple[CodeInfo, str], list[int]] = defaultdict(list)
    for index in sorted(range(len(rows)), key=lambda i: spans[i]):
        code = by_id.get(rows[index]["code_id"])
        if code is None:
            continue
        coder = coders.get(rows[index]["coder_id"], "")
        ends = lane_ends[(code, coder)]
        lane = next((n for n, end in enumerate(ends) if end <= spans[index][0]), len(ends))
        if lane == len(ends):
            ends.append(0)
        ends[lane] = spans[index][1]
        tiers[(code, coder, lane)].append(index)
    ordered: dict[Tier, list[int]] = {}
    for code in codes:
        own = sorted((t for t in tiers if t[0] == code), key=lambda t: (t[1] or "", t[2]))
        for tier in own:
            ordered[tier] = tiers[tier]
        if not own:
            ordered[(code, None, 0)] = []
    return ordered


def _tier_attributes(tier: Tier, tiers: dict[Tier, list[int]]) -> dict[str, str]:
    code, coder, lane = tier
    shared = len({other[1] for other in tiers if other[0] == code}) > 1
    name = f"{code.key}@{coder}" if shared else code.key
    attributes = {"TIER_ID": f"{name} ({lane + 1})" if lane else name}
    if coder is not None:
        attributes["ANNOTATOR"] = coder
    attributes["LINGUISTIC_TYPE_REF"] = code.key
    return attributes


def _note_tier(root: Any, parent: dict[str, str], noted: list[tuple[str, str]], number: int) -> int:
    """A symbolic child tier ``<parent> note`` holding the notes of the parent's annotations."""
    attributes = {"TIER_ID": f"{parent['TIER_ID']} note", "LINGUISTIC_TYPE_REF": NOTE_TYPE,
                  "PARENT_REF": parent["TIER_ID"]}  # fmt: skip
    if "ANNOTATOR" in parent:
        attributes["ANNOTATOR"] = parent["ANNOTATOR"]
    tier = etree.SubElement(root, "TIER", attributes)
    for ident, note in noted:
        if note:
            number += 1
            ref = etree.SubElement(etree.SubElement(tier, "ANNOTATION"), "REF_ANNOTATION")
            ref.set("ANNOTATION_ID", f"a{number}")
            ref.set("ANNOTATION_REF", ident)
            etree.SubElement(ref, "ANNOTATION_VALUE").text = note
    return number


def _annotation(
    tier: Any, code: CodeInfo, row: dict[str, Any], slots: tuple[str, str], number: int
) -> str:
    annotation = etree.SubElement(etree.SubElement(tier, "ANNOTATION"), "ALIGNABLE_ANNOTATION")
    annotation.set("ANNOTATION_ID", f"a{number}")
    value = row["value"] or ""
    values = [v for v, _label in code.options]
    if value in values:
        annotation.set("CVE_REF", _cve_id(code, values.index(value)))
    annotation.set("TIME_SLOT_REF1", slots[0])
    annotation.set("TIME_SLOT_REF2", slots[1])
    etree.SubElement(annotation, "ANNOTATION_VALUE").text = value
    return f"a{number}"


def _linguistic_type(root: Any, code: CodeInfo) -> None:
    attributes = {
        "LINGUISTIC_TYPE_ID": code.key,
        "TIME_ALIGNABLE": "true",
        "GRAPHIC_REFERENCES": "false",
    }
    if code.options:
        attributes["CONTROLLED_VOCABULARY_REF"] = code.key
    etree.SubElement(root, "LINGUISTIC_TYPE", attributes)


def _vocabulary(root: Any, code: CodeInfo) -> None:
    vocabulary = etree.SubElement(root, "CONTROLLED_VOCABULARY", CV_ID=code.key)
    etree.SubElement(vocabulary, "DESCRIPTION", LANG_REF=LANG).text = code.label
    for index, (value, label) in enumerate(code.options):
        entry = etree.SubElement(vocabulary, "CV_ENTRY_ML", CVE_ID=_cve_id(code, index))
        etree.SubElement(entry, "CVE_VALUE", LANG_REF=LANG, DESCRIPTION=label).text = value


def _cve_id(code: CodeInfo, index: int) -> str:
    return f"cveid_{code.key}_{index}"
