"""Write REFI-QDA: a codebook ``.qdc`` (Codebook.xsd) and a project ``.qdpx`` (Project.xsd).

The ``.qdpx`` is a zip with ``project.qde`` and an empty ``Sources/`` folder (the videos stay
where they are: each VideoSource points at its file with an ``absolute://`` path). Users are
the coders; each clip is a VideoSource with its current transcript (SyncPoints at segment
boundaries), one VideoSelection per annotation (ms; a point event has begin = end) coded
with the code (or the option child of a nominal code), and clip-level values as variables
``key@coder``. A selection's description is the annotation's note; the value of a number or
text code is the selection's name.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree
from sqlmodel import Session

from annotators.export.catalog import CodeInfo, VideoInfo
from annotators.transcribe.storage import current_transcript, transcript_segments

from .refi_codes import describe, guid, marker, option_guid, write_codes
from .source import ExportData

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "Storyframe"


def qdc_bytes(data: ExportData) -> bytes:
    """The codebook as a REFI-QDA ``.qdc`` document."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin=ORIGIN, nsmap={None: CODEBOOK_NS})
    write_codes(root, CODEBOOK_NS, data.codebook_codes(), data.colors)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def qde_bytes(session: Session, data: ExportData, name: str, paths: dict[int, Path]) -> bytes:
    """The ``project.qde`` document of the selection (``paths``: absolute video paths)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    ns = PROJECT_NS
    root = etree.Element(
        f"{{{ns}}}Project", name=name, origin=ORIGIN, creationDateTime=now, nsmap={None: ns}
    )
    coders = sorted({data.coders[r["coder_id"]] for r in (*data.annotations, *data.clip_values)})
    if coders:
        users = etree.SubElement(root, f"{{{ns}}}Users")
        for coder in coders:
            etree.SubElement(users, f"{{{ns}}}User", guid=guid("coder", coder), name=coder)
    codes = data.codebook_codes()
    etree.SubElement(root, f"{{{ns}}}CodeBook")
    write_codes(root[-1], ns, codes, data.colors)
    variables = _variables(root, data)
    videos = data.selected_videos()
    if videos:
        sources = etree.SubElement(root, f"{{{ns}}}Sources")
        for video in videos:
            _video_source(session, sources, data, video, paths[video.id], variables)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def qdpx_bytes(qde: bytes) -> bytes:
    """The ``.qdpx`` zip holding ``qde`` as ``project.qde`` and an empty ``Sources/``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(zipfile.ZipInfo("Sources/"), b"")
    return buffer.getvalue()


Variables = dict[tuple[int, str], str]  # (code id, coder) -> variable guid


def _variables(root: Any, data: ExportData) -> Variables:
    pairs = sorted(
        {(r["code_id"], data.coders[r["coder_id"]]) for r in data.clip_values},
        key=lambda p: (data.codes[p[0]].sort_order, p[1]),
    )
    if not pairs:
        return {}
    holder = etree.SubElement(root, f"{{{PROJECT_NS}}}Variables")
    found: Variables = {}
    for code_id, coder in pairs:
        code = data.codes[code_id]
        ident = guid("variable", f"{code.key}@{coder}")
        variable = etree.SubElement(
            holder, f"{{{PROJECT_NS}}}Variable", guid=ident, name=f"{code.key}@{coder}",
            typeOfVariable=_variable_type(code),
        )  # fmt: skip
        etree.SubElement(variable, f"{{{PROJECT_NS}}}Description").text = describe(
            code.label, key=code.key, kind="clip", type=code.value_type, coder=coder
        )
        found[(code_id, coder)] = ident
    return found


def _variable_type(code: CodeInfo) -> str:
    if code.value_type == "number":
        return "Float"
    if code.value_type == "presence":
        return "Boolean"
    return "Text"


def _video_source(
    session: Session,
    sources: Any,
    data: ExportData,
    video: VideoInfo,
    path: Path,
    variables: Variables,
) -> None:
    ns = PROJECT_NS
    source = etree.SubElement(
        sources, f"{{{ns}}}VideoSource", guid=guid("video", video.content_hash),
        name=video.file_name, path=f"absolute://{path.resolve().as_posix()}",
    )  # fmt: skip
    etree.SubElement(source, f"{{{ns}}}Description").text = marker(sha256=video.content_hash)
    _transcript(session, source, video)
    rows = [r for r in data.annotations if r["video_id"] == video.id]
    for row in rows:
        _selection(source, data, row)
    for row in (r for r in data.clip_values if r["video_id"] == video.id):
        coder = data.coders[row["coder_id"]]
        _variable_value(
            source, data.codes[row["code_id"]], row["value"], variables[(row["code_id"], coder)]
        )


def _transcript(session: Session, source: Any, video: VideoInfo) -> None:
    transcript = current_transcript(session, video.id)
    if transcript is None:
        return
    segments = transcript_segments(session, transcript.id)
    ns = PROJECT_NS
    element = etree.SubElement(
        source, f"{{{ns}}}Transcript", guid=guid("transcript", str(transcript.id)),
        name=f"{transcript.engine} {transcript.model}",
    )  # fmt: skip
    texts = [segment.text.strip() for segment in segments]
    etree.SubElement(element, f"{{{ns}}}PlainTextContent").text = "\n".join(texts)
    position = 0
    for index, (segment, text) in enumerate(zip(segments, texts, strict=True)):
        _sync(element, f"{transcript.id}:{index}", segment.start_s, position)
        position += len(text)
        if index + 1 == len(segments) or abs(segments[index + 1].start_s - segment.end_s) > 0.0005:
            _sync(element, f"{transcript.id}:{index}:end", segment.end_s, position)
        position += 1  # the newline


def _sync(element: Any, name: str, seconds: float, position: int) -> None:
    etree.SubElement(
        element, f"{{{PROJECT_NS}}}SyncPoint", guid=guid("sync", name),
        timeStamp=str(round(seconds * 1000)), position=str(position),
    )  # fmt: skip


def _selection(source: Any, data: ExportData, row: dict[str, Any]) -> None:
    ns = PROJECT_NS
    code = data.codes[row["code_id"]]
    coder = guid("coder", data.coders[row["coder_id"]])
    end_s = row["end_s"] if row["end_s"] is not None else row["start_s"]
    free_value = code.value_type in ("number", "text") and row["value"]
    selection = etree.SubElement(
        source, f"{{{ns}}}VideoSelection", guid=_uuid(row["uid"]),
        name=row["value"] if free_value else code.label,
        begin=str(round(row["start_s"] * 1000)), end=str(round(end_s * 1000)),
        creatingUser=coder, creationDateTime=_when(row["created_at"]),
    )  # fmt: skip
    if row["note"]:
        etree.SubElement(selection, f"{{{ns}}}Description").text = row["note"]
    values = [v for v, _label in code.options]
    target = (
        option_guid(code.key, row["value"]) if row["value"] in values else guid("code", code.key)
    )
    coding = etree.SubElement(
        selection, f"{{{ns}}}Coding", guid=guid("coding", row["uid"]), creatingUser=coder
    )
    etree.SubElement(coding, f"{{{ns}}}CodeRef", targetGUID=target)


def _variable_value(source: Any, code: CodeInfo, value: str | None, ident: str) -> None:
    ns = PROJECT_NS
    element = etree.SubElement(source, f"{{{ns}}}VariableValue")
    etree.SubElement(element, f"{{{ns}}}VariableRef", targetGUID=ident)
    kind = _variable_type(code)
    if kind == "Boolean":
        etree.SubElement(element, f"{{{ns}}}BooleanValue").text = (
            "true" if value == "1" else "false"
        )
    elif kind == "Float":
        etree.SubElement(element, f"{{{ns}}}FloatValue").text = format(Decimal(value or "0"), "f")
    else:
        etree.SubElement(element, f"{{{ns}}}TextValue").text = value or ""


def _uuid(hex_uid: str) -> str:
    """A row's 32-hex ``uid`` in GUID form."""
    return str(uuid.UUID(hex=hex_uid))


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=UTC)
        return stamp.astimezone(UTC).isoformat(timespec="seconds")
    return str(value)
