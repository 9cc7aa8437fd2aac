"""What `recorder watch` says as the ledger changes: each new promise once, and each lender
promise once when its due date passes.

A borrower who leaves the watcher running in a terminal sees "新承诺 P12 …" the moment a file
yields a promise, and "已逾期 P7 …" the moment the lender's deadline passes, without asking.

Design decisions:
- The ledger is read as `recorder promises` reads it (commitments, with the user's edits), so
  the ids and words are the ones every other command uses.
- What was there when the watcher started is not announced again; a restarted watcher says
  only what changed since.
- The borrower's own payments are never announced as overdue: they stay 待确认 until the user
  marks them (see `store.promises.promise_state`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from reports.fmt import amount_text
from reports.i18n import label, translator
from store.promises import list_promises


class LedgerNotices:
    """Remembers which promises and overdue states were already announced."""

    def __init__(self, db: sqlite_utils.Database, lang: str, now: datetime):
        self.db, self.lang = db, lang
        rows = list_promises(db, which="all", now=now)
        self.seen = {r["id"] for r in rows}
        self.overdue = {r["id"] for r in rows if r["state"] == "overdue"}

    def poll(self, now: datetime) -> list[str]:
        """The lines to print for what changed since the last poll."""
        lines = []
        for row in list_promises(self.db, which="all", now=now):
            if row["id"] not in self.seen:
                self.seen.add(row["id"])
                lines.append(self._line("watch_new_promise", row))
            if row["state"] == "overdue" and row["id"] not in self.overdue:
                self.overdue.add(row["id"])
                lines.append(self._line("watch_overdue", row))
        return lines

    def _line(self, key: str, row: dict[str, Any]) -> str:
        t = translator(self.lang)
        amount = amount_text(row["amount"], row.get("currency"), self.lang) if row.get("amount") is not None else ""
        due = (row.get("due") or t("cli_no_date"))[:16].replace("T", " ")
        return t(key, id=row["id"], party=label(self.lang, "party", row["party"]),
                 kind=label(self.lang, "kind", row["kind"]), amount=amount, due=due, evidence=row["evidence_id"])
