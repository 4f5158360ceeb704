"""Study design: who codes which clip, blind coding, coder files, the consensus layer.

- :func:`coded_video_ids`: the clips a coder coded (the rule every agreement figure uses);
  :data:`CONSENSUS_CODER`: the coder name of the adjudicated consensus layer;
- :func:`draw_sample`, :func:`assign`, :func:`split_rest` (``sample.py``): the reliability
  sample and plain assignments;
- :func:`mark_done`, :func:`reopen`, :func:`my_clips` (``done.py``): done marks;
- :func:`blind_mode`, :func:`set_blind_mode`, :func:`visible_coder_ids` (``blind.py``): whose
  work a coder may see;
- :func:`pack` (``pack.py``) and :func:`merge` (``merge.py``): coder files out and back in;
- :func:`take`, :func:`edit_consensus`, :func:`add_consensus_annotation`,
  :func:`set_consensus_value`, :func:`drop_consensus`, :func:`consensus_provenance`
  (``consensus.py``): adjudication.
"""

from .blind import BLIND_MODE_KEY, blind_mode, may_see, set_blind_mode, visible_coder_ids
from .coded import CONSENSUS_CODER, coded_video_ids, uses_assignments
from .consensus import (
    Provenance,
    add_consensus_annotation,
    consensus_provenance,
    drop_consensus,
    edit_consensus,
    set_consensus_value,
    take,
)
from .done import MyClip, mark_done, my_clips, reopen
from .merge import MergeReport, merge
from .pack import PackReport, pack
from .sample import AssignReport, SampleReport, allocate, assign, draw_sample, split_rest

__all__ = [
    "BLIND_MODE_KEY",
    "CONSENSUS_CODER",
    "AssignReport",
    "MergeReport",
    "MyClip",
    "PackReport",
    "Provenance",
    "SampleReport",
    "add_consensus_annotation",
    "allocate",
    "assign",
    "blind_mode",
    "coded_video_ids",
    "consensus_provenance",
    "draw_sample",
    "drop_consensus",
    "edit_consensus",
    "mark_done",
    "may_see",
    "merge",
    "my_clips",
    "pack",
    "reopen",
    "set_blind_mode",
    "set_consensus_value",
    "split_rest",
    "take",
    "uses_assignments",
    "visible_coder_ids",
]
