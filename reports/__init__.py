"""Timeline report, promise ledger, evidence list (证据目录) and the evidence bundle.

Public entry points (the CLI in `recorder/cli/report.py` calls these):
- `reports.data.build_report(ReportSource, ReportOptions) -> reports.model.Report`: everything the
  report shows, as dataclasses (`Report.to_dict()` is the JSON);
- `reports.render.render(report, "html" | "pdf" | "json" | "csv") -> bytes`;
- `reports.export.write_report(source, options, fmt, path)`: render, write, log in the custody log;
- `reports.bundle.export_bundle(source, path, case=..., lang=...)`: the zip with originals and verify scripts;
- `reports.purposes.set_purpose(db, evidence_id, text)`: the user's 证明目的 (stored by `store.purposes`);
- `reports.redact.redact_text(text)`: masking personal numbers.
Every word comes from the catalogue (`reports.i18n`). This package reads the database through
`store` only (`store.report_reads`: no SQL here) and never imports click, nor `recorder` but for `recorder.errors`.
"""
