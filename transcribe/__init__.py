"""Speech and images to text: Whisper engines for audio, OCR for screenshots.

This package is a leaf: it imports nothing else of the project (but `recorder.errors`, the one
error base, which imports nothing), and returns the
project's own frozen `Segment` type so that every caller sees one shape whatever
engine produced the text.
"""

from transcribe.segment import Segment

__all__ = ["Segment"]
