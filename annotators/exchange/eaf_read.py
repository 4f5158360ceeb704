"""Read ELAN EAF 2.7-3.0 into an :class:`ImportPlan`.

Mapping (see ``docs/exchange.md``): each tier becomes a code (its name with an ``@annotator``
suffix removed, matched against project keys later; new codes go into a category named
after the file), controlled-vocabulary entries become options, annotation values become
values, ``ANNOTATOR`` the coder (else the document ``AUTHOR``), the first media descriptor
the clip. ``TIME_ORIGIN`` shifts times onto the clip; unaligned time slots are interpolated
between their aligned neighbours; symbolic (reference) annotations take their parent's span.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlparse

from lxml import etree

from annotators.errors import ExportError

from .keys import is_key, key_from_name
from .plan import AnnotationDraft, CodeDraft, ImportPlan, VideoRef
from .safexml import parse_xml_file

HASH_PROPERTY = "storyframe:content_sha256"
CODE_PROPERTY = "storyframe:code"  # "key=...; kind=...; type=...; label=..." per code
NOTE_TYPE = "storyframe-note"  # symbolic child tiers holding the notes of their parent tier
_LANE = re.compile(r" \(\d+\)$")
MAX_REF_DEPTH = 20


@dataclass
class _Vocabulary:
    entries: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (value, label)
    external: str | None = None


def read_eaf(path: Path, *, coder: str | None = None) -> ImportPlan:
    """The plan of the EAF file ``path``; :class:`ExportError` when it is not valid EAF."""
    root = parse_xml_file(path)
    if root.tag != "ANNOTATION_DOCUMENT":
        raise ExportError(f"{path}: line {root.sourceline}: <{root.tag}> is not an EAF document")
    plan = ImportPlan(source=path, format="eaf")
    header = _one(path, root, "HEADER")
    units = header.get("TIME_UNITS", "milliseconds")
    if units != "milliseconds":
        raise ExportError(f"{path}: line {header.sourceline}: TIME_UNITS {units!r} not supported")
    video, origin_s = _media(path, header, plan)
    slots = _time_slots(path, _one(path, root, "TIME_ORDER"), plan)
    vocabularies = _vocabularies(path, root, plan)
    types = {
        lt.get("LINGUISTIC_TYPE_ID", ""): lt.get("CONTROLLED_VOCABULARY_REF")
        for lt in root.iterfind("LINGUISTIC_TYPE")
    }
    reader = _TierReader(path, plan, video, origin_s, slots, coder or root.get("AUTHOR") or "")
    reader.described = _described_codes(header)
    reader.index(root)
    note_tiers = []
    for tier in root.iterfind("TIER"):
        if tier.get("LINGUISTIC_TYPE_REF") == NOTE_TYPE:
            note_tiers.append(tier)
            continue
        reader.tier(tier, vocabularies.get(types.get(tier.get("LINGUISTIC_TYPE_REF", "")) or ""))
    for tier in note_tiers:
        reader.notes(tier)
    return plan


def _described_codes(header: etree._Element) -> dict[str, dict[str, str]]:
    """Storyframe's code properties (written by its EAF export) by code key."""
    found: dict[str, dict[str, str]] = {}
    for prop in header.iterfind("PROPERTY"):
        if prop.get("NAME") == CODE_PROPERTY and prop.text:
            fields = dict(p.split("=", 1) for p in prop.text.split("; ") if "=" in p)
            found[fields.get("key", "")] = fields
    return found


def _one(path: Path, parent: etree._Element, tag: str) -> etree._Element:
    found = parent.find(tag)
    if found is None:
        raise ExportError(f"{path}: line {parent.sourceline}: <{parent.tag}> has no <{tag}>")
    return found


def _media(path: Path, header: etree._Element, plan: ImportPlan) -> tuple[VideoRef, float]:
    """The clip named by the first media descriptor (video preferred) and its TIME_ORIGIN."""
    descriptors = list(header.iterfind("MEDIA_DESCRIPTOR"))
    videos = [d for d in descriptors if d.get("MIME_TYPE", "").startswith("video")]
    chosen = (videos or descriptors or [None])[0]
    content_hash = next(
        (p.text for p in header.iterfind("PROPERTY") if p.get("NAME") == HASH_PROPERTY), None
    )
    if chosen is None:
        name = header.get("MEDIA_FILE") or None
        return plan.add_video(VideoRef(name and posixpath.basename(name), content_hash)), 0.0
    url = chosen.get("MEDIA_URL") or chosen.get("RELATIVE_MEDIA_URL") or ""
    name = posixpath.basename(unquote(urlparse(url).path)) or None
    try:
        origin_s = int(chosen.get("TIME_ORIGIN", "0")) / 1000
    except ValueError:
        plan.problems.append(f"{path}: line {chosen.sourceline}: TIME_ORIGIN is not a number")
        origin_s = 0.0
    return plan.add_video(VideoRef(name, content_hash and content_hash.strip())), origin_s


def _time_slots(path: Path, order: etree._Element, plan: ImportPlan) -> dict[str, float | None]:
    """Seconds of every time slot; unaligned ones interpolated between aligned neighbours."""
    ids: list[str] = []
    values: list[float | None] = []
    for slot in order.iterfind("TIME_SLOT"):
        ids.append(slot.get("TIME_SLOT_ID", ""))
        raw = slot.get("TIME_VALUE")
        try:
            values.append(None if raw is None else int(raw) / 1000)
        except ValueError:
            plan.problems.append(f"{path}: line {slot.sourceline}: TIME_VALUE {raw!r} ignored")
            values.append(None)
    return dict(zip(ids, _interpolate(values), strict=True))


def _interpolate(values: list[float | None]) -> list[float | None]:
    """Fill runs of ``None`` linearly between the aligned values around them."""
    filled = list(values)
    known = [i for i, v in enumerate(values) if v is not None]
    for left, right in zip(known, known[1:], strict=False):
        a, b = values[left], values[right]
        for k in range(left + 1, right):
            filled[k] = a + (b - a) * (k - left) / (right - left)  # type: ignore[operator]
    return filled


def _vocabularies(path: Path, root: etree._Element, plan: ImportPlan) -> dict[str, _Vocabulary]:
    vocabularies: dict[str, _Vocabulary] = {}
    external_refs = {
        ref.get("EXT_REF_ID"): ref.get("VALUE", "") for ref in root.iterfind("EXTERNAL_REF")
    }
    for cv in root.iterfind("CONTROLLED_VOCABULARY"):
        vocabulary = _Vocabulary()
        cv_id = cv.get("CV_ID", "")
        for entry in cv.iterfind("CV_ENTRY_ML"):  # EAF 2.8+
            value = entry.find("CVE_VALUE")
            if value is not None and value.text:
                label = value.get("DESCRIPTION") or value.text
                vocabulary.entries[entry.get("CVE_ID", value.text)] = (value.text, label)
        for entry in cv.iterfind("CV_ENTRY"):  # EAF 2.7
            if entry.text:
                label = entry.get("DESCRIPTION") or entry.text
                vocabulary.entries[entry.get("CVE_ID", entry.text)] = (entry.text, label)
        if cv.get("EXT_REF") and not vocabulary.entries:
            vocabulary.external = external_refs.get(cv.get("EXT_REF"), cv.get("EXT_REF"))
            plan.problems.append(
                f"{path}: line {cv.sourceline}: external controlled vocabulary {cv_id!r} "
                f"({vocabulary.external}) is not read (offline); its tiers keep text values"
            )
        vocabularies[cv_id] = vocabulary
    return vocabularies


class _TierReader:
    """Turns tiers into code drafts and annotation drafts."""

    def __init__(
        self,
        path: Path,
        plan: ImportPlan,
        video: VideoRef,
        origin_s: float,
        slots: dict[str, float | None],
        default_coder: str,
    ) -> None:
        self.path, self.plan, self.video = path, plan, video
        self.origin_s, self.slots, self.default_coder = origin_s, slots, default_coder
        self.spans: dict[str, tuple[str, str]] = {}  # annotation id -> slot refs
        self.refs: dict[str, str] = {}  # reference annotation id -> parent id
        self.taken: set[str] = set()
        self.category = key_from_name(f"elan {path.stem}", self.taken)
        self.category_added = False
        self.described: dict[str, dict[str, str]] = {}
        self.positions: dict[str, int] = {}  # annotation id -> index in plan.annotations

    def index(self, root: etree._Element) -> None:
        """Remember every annotation's slots or parent first (parents may come later)."""
        for inner in root.iterfind("TIER/ANNOTATION/*"):
            ident = inner.get("ANNOTATION_ID", "")
            if inner.tag == "ALIGNABLE_ANNOTATION":
                self.spans[ident] = (
                    inner.get("TIME_SLOT_REF1", ""),
                    inner.get("TIME_SLOT_REF2", ""),
                )
            elif inner.tag == "REF_ANNOTATION":
                self.refs[ident] = inner.get("ANNOTATION_REF", "")

    def tier(self, tier: etree._Element, vocabulary: _Vocabulary | None) -> None:
        name = tier.get("TIER_ID", "")
        annotator = (tier.get("ANNOTATOR") or "").strip()
        base = _LANE.sub("", name)  # "key@coder (2)": an extra lane of overlapping rows
        base = base[: -len(annotator) - 1] if annotator and base.endswith(f"@{annotator}") else base
        key = base if is_key(base) else key_from_name(base, set(self.taken))
        coder = self.plan.add_coder(annotator or self.default_coder or "imported")
        drafts = []
        for element in tier:
            draft = self._annotation(element, key, coder, vocabulary, name)
            if draft is not None:
                self.positions[element[0].get("ANNOTATION_ID", "")] = len(self.plan.annotations)
                self.plan.annotations.append(draft)
                drafts.append(draft)
        if not drafts:
            return
        if key not in {code.key for code in self.plan.codes}:
            self._code(key, base, drafts, vocabulary)

    def notes(self, tier: etree._Element) -> None:
        """Attach the values of a Storyframe note tier to the annotations they refer to."""
        for ref in tier.iterfind("ANNOTATION/REF_ANNOTATION"):
            position = self.positions.get(ref.get("ANNOTATION_REF", ""))
            note = (ref.findtext("ANNOTATION_VALUE") or "").strip()
            if position is None:
                self.plan.problems.append(
                    f"{self.path}: line {ref.sourceline}: note of an unknown annotation, skipped"
                )
            elif note:
                draft = self.plan.annotations[position]
                self.plan.annotations[position] = replace(draft, note=note)

    def _code(
        self, key: str, label: str, drafts: list[AnnotationDraft], vocabulary: _Vocabulary | None
    ) -> None:
        self.taken.add(key)
        if not self.category_added:
            self.plan.codes.append(CodeDraft(self.category, f"ELAN: {self.path.name}", "category"))
            self.category_added = True
        options = tuple(vocabulary.entries.values()) if vocabulary else ()
        has_values = any(d.value for d in drafts)
        value_type = "nominal" if options else ("text" if has_values else "presence")
        described = self.described.get(key, {})
        kind = described.get("kind") if described.get("kind") in ("point", "interval") else None
        given = described.get("type", "")
        if (given in ("nominal", "ordinal")) == bool(options) and given:
            value_type = given
        self.plan.codes.append(
            CodeDraft(key, described.get("label") or label or key, kind or "interval",
                      value_type, options, self.category)
        )  # fmt: skip

    def _annotation(
        self,
        element: etree._Element,
        key: str,
        coder: str,
        vocabulary: _Vocabulary | None,
        tier_name: str,
    ) -> AnnotationDraft | None:
        inner = next(iter(element), None)
        if inner is None:
            return None
        ident = inner.get("ANNOTATION_ID", "")
        origin = f"{self.path}: line {inner.sourceline}: tier {tier_name!r} annotation {ident}"
        span = self._span(ident)
        if span is None:
            self.plan.problems.append(f"{origin}: no aligned time (unaligned slots), skipped")
            return None
        text_element = inner.find("ANNOTATION_VALUE")
        value = (text_element.text or "").strip() if text_element is not None else ""
        cve = inner.get("CVE_REF")
        if vocabulary and cve in vocabulary.entries:
            value = vocabulary.entries[cve][0]
        start, end = span
        return AnnotationDraft(
            self.video, key, coder, start + self.origin_s, end + self.origin_s,
            value or None, origin=origin,
        )  # fmt: skip

    def _span(self, ident: str) -> tuple[float, float] | None:
        for _depth in range(MAX_REF_DEPTH):
            if ident in self.spans:
                first, second = self.spans[ident]
                start, end = self.slots.get(first), self.slots.get(second)
                if start is None or end is None:
                    return None
                return (start, end) if start <= end else (end, start)
            if ident not in self.refs:
                return None
            ident = self.refs[ident]
        return None


def looks_like_eaf(head: bytes) -> bool:
    """Whether the start of a file is an ELAN annotation document."""
    return b"<ANNOTATION_DOCUMENT" in head
