"""Read REFI-QDA projects (``.qdpx`` zips, bare ``.qde``) and codebooks (``.qdc``).

Read tolerantly: any ``*.qde`` member (case-insensitive) of the zip, ``Sources/`` or
``sources/``, GUIDs in any case with or without braces, a UTF-8 BOM, any namespace
prefix. Video and audio sources become clips; text, PDF and picture sources cannot be
coded in Storyframe and are reported with the number of codings they hold.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from annotators.errors import ExportError
from annotators.transcribe.result import Provenance, SegmentResult, TranscriptResult

from .plan import AnnotationDraft, ClipValueDraft, CodeDraft, ImportPlan, TranscriptDraft, VideoRef
from .refi_codes import CodeTree, norm_guid, read_codes, read_marker
from .safexml import local, parse_xml_bytes, parse_xml_file
from .safezip import open_zip, read_member

TIME_SOURCES = ("VideoSource", "AudioSource")
OTHER_SOURCES = ("TextSource", "PDFSource", "PictureSource")


def read_qdpx(path: Path, *, coder: str | None = None) -> ImportPlan:
    """The plan of the ``.qdpx`` zip ``path`` (see the module docstring)."""
    with open_zip(path) as archive:
        names = [n for n in archive.namelist() if n.lower().endswith(".qde")]
        if not names:
            raise ExportError(f"{path}: no project (.qde) inside the archive")
        root = parse_xml_bytes(read_member(path, archive, sorted(names)[0]), f"{path}:{names[0]}")
    return read_project(path, root, coder=coder)


def read_qde(path: Path, *, coder: str | None = None) -> ImportPlan:
    """The plan of a bare REFI-QDA project document."""
    return read_project(path, parse_xml_file(path), coder=coder)


def read_qdc(path: Path, *, coder: str | None = None) -> ImportPlan:
    """The plan of a REFI-QDA codebook: codes only."""
    root = parse_xml_file(path)
    if local(root.tag) != "CodeBook":
        raise ExportError(f"{path}: line {root.sourceline}: <{local(root.tag)}> is not a CodeBook")
    plan = ImportPlan(source=path, format="qdc")
    codes = root.find("{*}Codes")
    if codes is None:
        raise ExportError(f"{path}: line {root.sourceline}: <CodeBook> has no <Codes>")
    plan.codes.extend(read_codes(codes, set()).drafts)
    return plan


def read_project(path: Path, root: etree._Element, *, coder: str | None = None) -> ImportPlan:
    """The plan of a parsed ``<Project>`` element."""
    if local(root.tag) != "Project":
        raise ExportError(f"{path}: line {root.sourceline}: <{local(root.tag)}> is not a Project")
    plan = ImportPlan(source=path, format="qdpx")
    users = {
        norm_guid(u.get("guid")): (u.get("name") or u.get("id") or "").strip()
        for u in root.iterfind("{*}Users/{*}User")
    }
    points = {
        norm_guid(ref.get("targetGUID"))
        for selection in root.iterfind("{*}Sources/*/{*}VideoSelection")
        if selection.get("begin") == selection.get("end")
        for ref in selection.iterfind("{*}Coding/{*}CodeRef")
    }
    tree = read_codes(root.find("{*}CodeBook/{*}Codes"), points)
    plan.codes.extend(tree.drafts)
    variables = _variables(root, tree, plan)
    reader = _SourceReader(path, plan, tree, users, variables, coder)
    for source in root.iterfind("{*}Sources/*"):
        reader.source(source)
    return plan


def _variables(
    root: etree._Element, tree: CodeTree, plan: ImportPlan
) -> dict[str, tuple[str, str | None]]:
    """Clip-level codes for the variables: guid -> (code key, coder named by the variable)."""
    found: dict[str, tuple[str, str | None]] = {}
    for variable in root.iterfind("{*}Variables/{*}Variable"):
        name = variable.get("name") or "variable"
        label, fields = read_marker(variable.findtext("{*}Description"))
        base, _at, coder = name.rpartition("@") if "@" in name else (name, "", "")
        key = fields.get("key") or ""
        existing = next((d for d in plan.codes if d.key == key and d.kind == "clip"), None)
        if existing is None:
            from .keys import is_key, key_from_name

            key = key if is_key(key) and key not in tree.taken else key_from_name(base, tree.taken)
            tree.taken.add(key)
            value_type = fields.get("type") or _type_of(variable.get("typeOfVariable", "Text"))
            if value_type in ("nominal", "ordinal"):
                value_type = "text"  # a variable carries no option list
            plan.codes.append(CodeDraft(key, label or base, "clip", value_type))
        found[norm_guid(variable.get("guid"))] = (key, fields.get("coder") or coder or None)
    return found


def _file_name(path: str, name: str) -> str:
    """The clip's file name: the path's last part, except for media stored inside the
    archive (``internal://<guid>.mp4``), where the source's name is the file's name."""
    if not path or path.lower().startswith("internal://"):
        return name
    return posixpath.basename(unquote(path).replace("\\", "/")) or name


def _type_of(kind: str) -> str:
    return {"Boolean": "presence", "Integer": "number", "Float": "number"}.get(kind, "text")


class _SourceReader:
    def __init__(
        self,
        path: Path,
        plan: ImportPlan,
        tree: CodeTree,
        users: dict[str, str],
        variables: dict[str, tuple[str, str | None]],
        coder: str | None,
    ) -> None:
        self.path, self.plan, self.tree = path, plan, tree
        self.users, self.variables, self.coder = users, variables, coder
        self.value_types = {d.key: d.value_type for d in plan.codes}

    def where(self, element: etree._Element, what: str) -> str:
        return f"{self.path}: line {element.sourceline}: {what}"

    def source(self, source: etree._Element) -> None:
        kind = local(source.tag)
        name = source.get("name") or ""
        if kind not in TIME_SOURCES:
            codings = len(source.findall(".//{*}Coding"))
            self.plan.problems.append(
                self.where(
                    source, f"{kind} {name!r} is not a video ({codings} coding(s) not mapped)"
                )
            )
            return
        _text, fields = read_marker(source.findtext("{*}Description"))
        file_name = _file_name(source.get("path") or "", name)
        video = self.plan.add_video(VideoRef(file_name or None, fields.get("sha256")))
        for selection in source.iterfind("{*}VideoSelection"):
            self.selection(selection, video)
        for selection in source.iterfind("{*}AudioSelection"):
            self.selection(selection, video)
        for value in source.iterfind("{*}VariableValue"):
            self.variable_value(value, video)
        for transcript in source.iterfind("{*}Transcript"):
            self.transcript(transcript, video)
        whole = source.findall("{*}Coding")
        if whole:
            self.plan.problems.append(
                self.where(
                    source, f"{len(whole)} coding(s) of the whole source {name!r} not mapped"
                )
            )

    def coder_of(self, *elements: etree._Element) -> str:
        if self.coder:
            return self.plan.add_coder(self.coder)
        for element in elements:
            name = self.users.get(norm_guid(element.get("creatingUser")))
            if name:
                return self.plan.add_coder(name)
        return self.plan.add_coder("imported")

    def selection(self, selection: etree._Element, video: VideoRef) -> None:
        ident = selection.get("guid", "")
        try:
            begin, end = int(selection.get("begin", "")), int(selection.get("end", ""))
        except ValueError:
            self.plan.problems.append(
                self.where(selection, f"selection {ident}: begin/end not integers")
            )
            return
        note = (selection.findtext("{*}Description") or "").strip()
        for coding in selection.iterfind("{*}Coding"):
            ref = coding.find("{*}CodeRef")
            target = self.tree.targets.get(
                norm_guid(ref.get("targetGUID") if ref is not None else "")
            )
            origin = self.where(coding, f"selection {ident}")
            if target is None:
                self.plan.problems.append(f"{origin}: coded with an unknown code, skipped")
                continue
            key, value = target
            if value is None and self.value_types.get(key) in ("number", "text"):
                name = selection.get("name") or ""
                value = name or None
            self.plan.annotations.append(
                AnnotationDraft(
                    video,
                    key,
                    self.coder_of(coding, selection),
                    min(begin, end) / 1000,
                    None if begin == end else max(begin, end) / 1000,
                    value,
                    note,
                    origin,
                )  # fmt: skip
            )

    def variable_value(self, element: etree._Element, video: VideoRef) -> None:
        ref = element.find("{*}VariableRef")
        target = self.variables.get(norm_guid(ref.get("targetGUID") if ref is not None else ""))
        origin = self.where(element, "variable value")
        if target is None:
            self.plan.problems.append(f"{origin}: unknown variable, skipped")
            return
        key, named_coder = target
        values = [child for child in element if local(child.tag) != "VariableRef"]
        text = (values[0].text or "").strip() if values else ""
        if values and local(values[0].tag) == "BooleanValue":
            text = "1" if text in ("true", "1") else "0"
        coder = self.plan.add_coder(self.coder or named_coder or "imported")
        self.plan.clip_values.append(ClipValueDraft(video, key, coder, text or None, origin))

    def transcript(self, element: etree._Element, video: VideoRef) -> None:
        text = element.findtext("{*}PlainTextContent") or ""
        points = []
        for sync in element.iterfind("{*}SyncPoint"):
            try:
                points.append(
                    (int(sync.get("position", "")), int(sync.get("timeStamp", "")) / 1000)
                )
            except ValueError:
                continue
        points.sort()
        segments = [
            SegmentResult(start, end, text[a:b].strip())
            for (a, start), (b, end) in zip(points, points[1:], strict=False)
            if text[a:b].strip() and end >= start
        ]
        if not segments:
            self.plan.problems.append(
                self.where(element, "transcript without timed SyncPoints, skipped")
            )
            return
        provenance = Provenance(
            engine="imported", engine_version="REFI-QDA 1.0",
            model=element.get("name") or self.path.name, language=None,
            settings={"source": str(self.path)},
        )  # fmt: skip
        result = TranscriptResult(tuple(segments), None, provenance, segments[-1].end, 0.0)
        self.plan.transcripts.append(
            TranscriptDraft(video, result, self.where(element, "transcript"))
        )
