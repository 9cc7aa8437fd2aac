"""Importers of written evidence: SMS backups and call logs, emails, PDFs, chat logs.

Each module exposes one reader, `read_x(path, ctx) -> ReadResult`, registered by
kind in `transcribe/registry.py`. Chat screenshots are read by
`transcribe.screenshot` (OCR lives in `transcribe`, a leaf package).
"""
