"""The promise ledger as a spreadsheet: UTF-8 with a byte-order mark, so Excel and WPS open the
Chinese right, one row per commitment with the state after the user's edits.

Every text cell goes through `reports.csv_safe` (a quote that begins with = + - @ is not a
formula). Column names come from the message catalogue, in the report's language.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from reports.csv_safe import safe_row
from reports.i18n import label, translator

BOM = "\ufeff"
COLUMNS = ("promise", "state", "party", "kind", "amount", "currency", "due", "quote", "evidence", "said_at",
           "condition", "sources", "case")


def promises_csv(rows: list[dict[str, Any]], lang: str) -> str:
    """`recorder promises --json` rows as CSV text (with its BOM)."""
    t = translator(lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([t(f"csv_{c}") for c in COLUMNS])
    for r in rows:
        writer.writerow(safe_row([
            f"P{r['id']}", label(lang, "state", r["state"]), label(lang, "party", r["party"]),
            label(lang, "kind", r["kind"]), r["amount"], r.get("currency"), r.get("due"), r.get("text"),
            f"#{r['evidence_id']}", r.get("said_at"), r.get("condition"), len(r.get("sources") or [r]),
            r.get("case"),
        ]))
    return BOM + out.getvalue()
