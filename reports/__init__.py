"""Timeline report, promise ledger, evidence list and evidence bundle exports."""
