"""Timeline report, promise ledger, evidence list (证据目录) and the evidence bundle.

Public entry points (the CLI in `recorder/cli_report.py` calls these):
- `reports.data.build_report(ReportSource, ReportOptions) -> dict`: everything the report shows;
- `reports.render.render(data, "html" | "pdf" | "json" | "csv") -> bytes`;
- `reports.export.write_report(source, options, fmt, path)`: render, write, log in the custody log;
- `reports.bundle.export_bundle(source, path, case=..., lang=...)`: the zip with originals and verify scripts;
- `reports.purposes.set_purpose(db, evidence_id, text)`: the user's 证明目的;
- `reports.redact.redact_text(text)`: masking personal numbers.
This package reads the database through `store` only and never imports `recorder` or click.
"""
