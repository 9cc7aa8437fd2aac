"""The pure text analysis that the store indexes: dates, amounts, holidays, the promise grammar.

Nothing in this package touches the database: every function takes text (and the moment it was
said) and returns spans into that text. `store.extract_job` runs it over an evidence's segments
and stores what it finds.
"""

from store.extract.money import AmountMatch, find_amounts, fold
from store.extract.dialogue import Found, extract_segments
from store.extract.promises import Promise, extract_text, find_promises
from store.extract.timex import DateMatch, find_dates

__all__ = ["AmountMatch", "DateMatch", "Found", "Promise", "extract_segments", "extract_text",
           "find_amounts", "find_dates", "find_promises", "fold"]
