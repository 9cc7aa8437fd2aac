"""The sound-alike repair the promise rules read, shared with the displayed transcript.

The one implementation lives in `transcribe.soundalike` (the transcript is made there and the
display repairs the same words); this name stays so the grammar's imports do not change.
"""

from transcribe.soundalike import DOMAIN_WORDS, repair

__all__ = ["DOMAIN_WORDS", "repair"]
