"""Study design: who codes which clip, which clips count as coded, the consensus layer.

- :func:`coded_video_ids`: the clips a coder coded (the rule every agreement figure uses);
- :data:`CONSENSUS_CODER`: the coder name of the adjudicated consensus layer.
"""

from .coded import CONSENSUS_CODER, coded_video_ids, uses_assignments

__all__ = ["CONSENSUS_CODER", "coded_video_ids", "uses_assignments"]
