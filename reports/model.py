"""The report as typed data: cover, ledger, timeline, evidence list, appendix.

Design decisions:
- One `Report` is built (`reports.data.build_report`) and every format renders it
  (`reports.render.render`: HTML, PDF, JSON, CSV), so the four cannot disagree. The
  templates read these attributes; JSON is `Report.to_dict()`, whose keys are the field
  names (stable: fields are added, never renamed).
- Each coded value travels with its label in the report's language (`kind` and
  `kind_label`, `state` and `state_label`): tools read the code, people the label.
- Text the program generates (labels, sentences) and text from the evidence (quotes,
  names, file names, the user's notes) are separate fields, so a template can mark the
  evidence's words as such and a test can check that every generated word is in the
  report's language.
- Numbering is the store's: a promise is `P<id>` (its group's lowest mention id, as in
  `recorder promises`), an evidence `#<id>` (as in `recorder list` and the custody log).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Flag:
    """Something the reader or the follow-up check noticed; `detail` is a sentence from the catalogue."""

    kind: str
    label: str
    detail: str = ""
    quote: str = ""  # the evidence's words, as said
    reason: str | None = None  # contradiction: contact_after_stop, fee_after_waiver, credit_report_after_promise
    promise_id: int | None = None
    promise_ref: str = ""
    evidence_id: int | None = None  # where it was found (the later evidence, for a contradiction)
    at: str | None = None
    segment_id: int | None = None


@dataclass
class MessageImage:
    """A screenshot message as the image shows it: its box cut from the original (`reports.crops`).

    `src` is a PNG `data:` URI (the report fetches nothing); `box` the pixels cut (margin included);
    `display_width` the width to show it at, in CSS pixels (the screen's scale, `reports.crops`).
    """

    src: str
    width: int
    height: int
    box: list[int]
    display_width: int


@dataclass
class Listen:
    """A link to a recording at an offset: where a promise was said (in a bundle, or originals beside)."""

    ref: str
    offset_text: str
    href: str


@dataclass
class LedgerEntry:
    """One promise (mentions grouped) with its state, where it was said, notes and contradictions."""

    ref: str
    id: int
    party: str | None
    party_label: str  # "对方（客服）": label and name together, for JSON and CSV
    party_kind_label: str  # the party's label alone (generated)
    party_name: str  # the speaker's name as written (evidence)
    kind: str | None
    kind_label: str
    text: str
    amount: float | None
    currency: str | None
    amount_text: str
    due: str | None
    due_text: str
    condition: str
    status: str  # the stored status, `overdue` when open past its date (kept for tools)
    status_label: str
    state: str  # what the ledger shows: store.promises.STATES
    state_label: str
    said_at: str | None
    said_at_text: str
    evidence_id: int | None
    evidence_no: int | None
    evidence_name: str
    segment_id: int | None
    offset: float | None
    position_text: str
    audio: bool
    href: str
    notes: list[str]
    flags: list[Flag]
    source_evidence: list[int] = field(default_factory=list)  # every source's evidence id (said again there)
    image: MessageImage | None = None  # said in a screenshot: the message as it shows there


@dataclass
class Call:
    """A call-log entry: what (generated), the number and contact (as written), how long (generated)."""

    what: str
    number: str
    contact: str
    how_long: str


@dataclass
class TimelineEvent:
    """One contact: a recording, a call, a chat message, an SMS, an email or a document."""

    seq: int
    evidence_id: int
    evidence_no: int
    evidence_name: str
    at: str | None
    at_text: str
    time_meaning: str
    time_meaning_label: str
    kind: str
    kind_label: str
    party: str | None
    party_label: str
    who: str
    who_label: str
    who_name: str
    text: str
    verbatim: bool  # text is the evidence's words (else generated, e.g. a call-log entry)
    call: Call | None
    note: str
    duration: float | None
    duration_text: str
    position_text: str
    href: str
    flags: list[Flag] = field(default_factory=list)
    promises: list[str] = field(default_factory=list)
    image: MessageImage | None = None  # a screenshot message: the message as it shows there
    audio: bool = False  # a recording whose original the report links to (`href`)
    listen: list[Listen] = field(default_factory=list)  # a recording's promises, each at its offset


@dataclass
class EvidenceEntry:
    """One row of the 证据目录."""

    no: int
    id: int
    name: str
    kind: str
    source_label: str
    formed_at_text: str
    formed_meaning_label: str
    recorded_at: str | None
    recorded_at_source: str | None
    purpose: str
    purpose_by_user: bool
    position_text: str
    sha256: str
    size: int | None
    state: str | None
    note: str
    href: str
    audio: bool
    promises: list[str]


@dataclass
class SegmentLine:
    """One line of a file's full text in the appendix."""

    position_text: str
    at_text: str
    who: str
    who_label: str
    who_name: str
    text: str
    flags: list[Flag]


@dataclass
class Transcript:
    """A file's full text; `in_timeline`: every message of it is already a timeline row."""

    no: int
    id: int
    name: str
    sha256: str
    reader: str
    reader_label: str
    flags: list[Flag]
    segments: list[SegmentLine]
    in_timeline: bool
    timeline_seqs: list[int]


@dataclass
class ActionCount:
    action: str
    label: str
    n: int


@dataclass
class CustodySummary:
    rows: int
    rows_total: int
    first: str
    last: str
    head_hash: str
    chain_ok: bool
    chain_problems: list[str]
    by_action: dict[str, int]
    actions: list[ActionCount]


@dataclass
class Appendix:
    transcripts: list[Transcript]
    custody: CustodySummary


@dataclass
class Counterparty:
    names: list[str]
    numbers: list[str]


@dataclass
class KindCount:
    kind: str
    label: str
    n: int


@dataclass
class StatusCount:
    status: str
    label: str
    n: int


@dataclass
class StateCount:
    state: str
    label: str
    n: int


@dataclass
class CustodyHead:
    """The custody chain's head when the report was made (`store.custody.chain_head`): `text` is
    `ROWS:HASH`, the form `recorder verify` prints and its `--head` reads."""

    rows: int
    hash: str
    text: str


@dataclass
class Cover:
    counterparty: Counterparty
    counts: list[KindCount]
    evidence_files: int
    promises: int
    statuses: list[StatusCount]
    states: list[StateCount]
    verify: dict[str, Any] | None
    custody_head: CustodyHead | None = None


@dataclass
class Meta:
    title: str
    case: str | None
    lang: str
    tz: str
    tz_label: str
    generated_at: str
    generated_at_text: str
    generator: str
    redacted: bool
    bundle: bool
    period: dict[str, str]


@dataclass
class Report:
    meta: Meta
    cover: Cover
    ledger: list[LedgerEntry]
    timeline: list[TimelineEvent]
    evidence: list[EvidenceEntry]
    appendix: Appendix

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the `--format json` output)."""
        return asdict(self)
