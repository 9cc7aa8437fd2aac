"""The evidence bundle: one zip a regulator, mediator or court can check offline.

Layout, under one top folder named after the zip:
  report.html, report.pdf   the report, linking each promise to its original (audio at the offset)
  originals/                the vault's bytes, unchanged, under their original (cleaned) names
  manifest.json             every original's SHA-256, size, recorded-at (and its source), where it came from
                            (relative to the inbox: case/file name), and the custody chain's head
  custody.jsonl             the custody log, up to and including this export's row
  SHA256SUMS                every file above; `sha256sum -c` reads it
  verify.sh, verify.py      the checks, offline (verify.py: standard library only)

Design decisions:
- Originals are hashed while they are copied into the zip; a vault file that no
  longer matches its recorded SHA-256 stops the export, because a bundle must
  never carry a changed original under the original's hash.
- Names inside the zip come from the user's file names, cleaned: no folders, no
  `..`, no control or reserved characters, Chinese kept, duplicates numbered.
- The custody log is a hash chain over the whole home. For a one-case bundle the
  rows of other cases (their evidence, and reports or bundles made for them) are
  written as stubs (id, hash, prev_hash only): the chain still checks end to end,
  without handing over the names of other disputes.
- The bundle anchors the chain: manifest.json and the export row record the head
  (rows and last hash) before the export, and the log ends with the export row,
  whose `manifest_sha256` pins the manifest. `recorder verify --against` later
  proves the home's chain still extends the bundle's (`bundle_head`).
- No absolute path of the user's machine goes into the bundle: sources are shown
  relative to the inbox (`custody.public_path`). Ingest rows written before
  Recorder logged relative sources still hold absolute ones; they are hashed
  into the chain and go in unchanged.
- The zip is written beside the target and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from recorder.errors import RecorderError
from reports.data import ReportOptions, ReportSource, build_report, load_evidence
from reports.render import RenderError, render_html, render_pdf
from store import custody
from store.report_reads import custody_log, source_paths

CHUNK = 1 << 20
MAX_NAME_BYTES = 150
RESERVED = re.compile(r'[<>:"/\\|?*]')
STORED_KINDS = ("audio", "image", "pdf")


class BundleError(RecorderError):
    """The bundle could not be made; the message says what to do."""


@dataclass(frozen=True)
class BundleResult:
    path: Path
    originals: int
    files: int
    manifest_sha256: str
    chain_head: custody.ChainHead  # the head the bundle holds: its export row (what `--against` checks)
    pdf_skipped: str | None = None  # why report.pdf is not in the bundle (no PDF renderer here); None when it is


def safe_name(name: str, fallback: str) -> str:
    """A file name that stays inside its folder on every system; Chinese and other letters kept."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").split("/")[-1])
    name = "".join(c for c in name if not unicodedata.category(c).startswith("C"))
    name = RESERVED.sub("_", name).strip(" .")
    if not name:
        return fallback
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = name, ""
    while len((stem + "." + suffix).encode("utf-8")) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    return f"{stem}.{suffix}" if suffix else stem


def unique_names(evidence: list[dict[str, Any]]) -> dict[int, str]:
    """`originals/<name>` per evidence id, numbered `name (2).ext` where names collide."""
    taken: set[str] = set()
    out = {}
    for ev in evidence:
        base = safe_name(ev["original_name"], f"evidence-{ev['id']}")
        candidate, n = base, 1
        while candidate.casefold() in taken:
            n += 1
            stem, dot, suffix = base.rpartition(".")
            candidate = f"{stem} ({n}).{suffix}" if dot and stem else f"{base} ({n})"
        taken.add(candidate.casefold())
        out[ev["id"]] = f"originals/{candidate}"
    return out


def _folder_name(out: Path) -> str:
    return safe_name(out.stem, "bundle") or "bundle"


class _ZipWriter:
    """Adds entries under the top folder and remembers each one's SHA-256 for SHA256SUMS."""

    def __init__(self, zf: zipfile.ZipFile, top: str, when: datetime):
        self.zf, self.top, self.sums = zf, top, {}
        self.date_time = when.timetuple()[:6]

    def _info(self, name: str, compress: bool, mode: int = 0o644) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(str(PurePosixPath(self.top, name)), date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = (0o100000 | mode) << 16
        return info

    def add_bytes(self, name: str, data: bytes, mode: int = 0o644, listed: bool = True) -> None:
        self.zf.writestr(self._info(name, True, mode), data)
        if listed:
            self.sums[name] = hashlib.sha256(data).hexdigest()

    def add_file(self, name: str, path: Path, compress: bool) -> str:
        digest = hashlib.sha256()
        with open(path, "rb") as src, self.zf.open(self._info(name, compress, 0o444), "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
        self.sums[name] = digest.hexdigest()
        return self.sums[name]


def _vault_file(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if root.resolve() not in path.parents:
        raise BundleError(f"The vault path {relative} points outside the home; run `recorder verify`.")
    return path


def _inbox(source: ReportSource) -> Path:
    return source.root / "inbox"  # recorder.home.Home.inbox; reports never import the CLI's package


def _manifest_entry(source: ReportSource, ev: dict[str, Any], path: str) -> dict[str, Any]:
    inbox = _inbox(source)
    return {
        "path": path,
        "evidence_id": ev["id"],
        "original_name": ev["original_name"],
        "kind": ev["kind"],
        "sha256": ev["sha256"],
        "size": ev["size"],
        "recorded_at": ev.get("recorded_at"),
        "recorded_at_source": ev.get("recorded_at_source"),
        "tz": ev.get("tz"),
        "ingested_at": ev.get("ingested_at"),
        "source": custody.public_path(ev.get("source") or "", inbox),
        "sources": [custody.public_path(p, inbox) for p in source_paths(source.db, ev["id"])],
        "case": ev.get("case_name"),
        "parent_evidence_id": ev.get("parent_id"),
    }


def _shown_in_full(row: dict[str, Any], evidence_ids: set[int], case: str | None) -> bool:
    """Is this custody row about the bundle's own case (else it goes in as a stub)?"""
    if case is None:
        return True
    if row["evidence_id"] is not None:
        return row["evidence_id"] in evidence_ids
    row_case = json.loads(row["details"] or "{}").get("case")
    return row_case is None or row_case == case


def _custody_lines(source: ReportSource, evidence_ids: set[int], case: str | None,
                   last_id: int) -> tuple[bytes, custody.ChainHead]:
    """The log up to and including the export row `last_id` (other cases' rows as stubs), and its head."""
    lines, last = [], custody.GENESIS
    for row in custody_log(source.db, up_to=last_id):
        if _shown_in_full(row, evidence_ids, case):
            out = row
        else:
            out = {"id": row["id"], "prev_hash": row["prev_hash"], "hash": row["hash"], "omitted": True}
        lines.append(json.dumps(out, ensure_ascii=False, sort_keys=True))
        last = row["hash"]
    return ("\n".join(lines) + "\n").encode("utf-8"), custody.ChainHead(len(lines), last)


def bundle_head(path: Path) -> custody.ChainHead:
    """The chain head a bundle holds: the rows of its custody.jsonl and the last one's hash (its export row).

    The rows must link to one another; a bundle whose log does not is reported
    as such rather than blamed on the home (its own verify.py says what changed).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if PurePosixPath(n).name == "custody.jsonl"
                     and len(PurePosixPath(n).parts) <= 2]
            if len(names) != 1:
                raise BundleError(f"{path} holds no custody.jsonl; is it a bundle made by `recorder export`?")
            lines = zf.read(names[0]).decode("utf-8").splitlines()
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError) as e:
        raise BundleError(f"{path} cannot be read as an evidence bundle ({e}).") from e
    previous, rows = custody.GENESIS, 0
    for line in filter(str.strip, lines):
        row = json.loads(line)
        if row.get("prev_hash") != previous:
            raise BundleError(f"The custody log in {path} is broken at row {row.get('id')}; unpack the bundle"
                              " and run its verify.py to see what changed.")
        previous, rows = row["hash"], rows + 1
    return custody.ChainHead(rows, previous)


def _template_bytes(name: str) -> bytes:
    return resources.files("reports").joinpath("templates", name).read_bytes()


def export_bundle(source: ReportSource, out: Path, *, case: str | None = None, lang: str = "zh",
                  redact: bool = False, now: datetime | None = None) -> BundleResult:
    """Write the evidence bundle for one case (or everything) to `out` (a .zip) and log it.

    `redact` masks personal numbers in report.html and report.pdf only: the
    originals are the evidence and go in unchanged.
    """
    now = now or datetime.now(ZoneInfo(source.tz))
    evidence = load_evidence(source.db, case)
    if not evidence:
        where = f"in case {case!r}" if case else "in this home"
        raise BundleError(f"There is no evidence {where}; check the name with `recorder list`.")
    paths = unique_names(evidence)
    data = build_report(source, ReportOptions(case=case, lang=lang, redact=redact, bundle_paths=paths, now=now))
    head = custody.chain_head(source.db)
    manifest = {
        "format": "recorder-evidence-bundle/1",
        "generator": source.generator,
        "created_at": now.isoformat(),
        "case": case,
        "tz": source.tz,
        "chain_head": head.as_dict(),
        "files": [_manifest_entry(source, ev, paths[ev["id"]]) for ev in evidence],
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:
            writer = _ZipWriter(zf, _folder_name(out), now)
            _add_originals(source, writer, evidence, paths)
            writer.add_bytes("report.html", render_html(data).encode("utf-8"))
            pdf_skipped = _add_pdf(writer, data)
            writer.add_bytes("manifest.json", manifest_bytes)
            manifest_sha = writer.sums["manifest.json"]
            row = custody.append(source.db, "export", actor=source.generator,
                                 details={"bundle": out.name, "case": case, "originals": len(evidence),
                                          "redacted": redact, "manifest_sha256": manifest_sha,
                                          "pdf": pdf_skipped is None,
                                          "chain_head": head.as_dict()})
            log, bundle_chain = _custody_lines(source, {ev["id"] for ev in evidence}, case, row["id"])
            writer.add_bytes("custody.jsonl", log)
            writer.add_bytes("verify.py", _template_bytes("verify.py"), mode=0o755)
            writer.add_bytes("verify.sh", _template_bytes("verify.sh"), mode=0o755)
            sums = "".join(f"{h}  {name}\n" for name, h in sorted(writer.sums.items()))
            writer.add_bytes("SHA256SUMS", sums.encode("utf-8"), listed=False)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return BundleResult(out, len(evidence), len(writer.sums) + 1, manifest_sha, bundle_chain, pdf_skipped)


def _add_pdf(writer: _ZipWriter, data: Any) -> str | None:
    """Add report.pdf; when this machine has no PDF renderer, leave it out and say why.

    The originals, report.html and the checks are the evidence; a machine without WeasyPrint's
    system libraries (Windows, macOS without Pango) still gets a complete, verifiable bundle.
    """
    try:
        writer.add_bytes("report.pdf", render_pdf(data))
    except RenderError as e:
        if e.code != "pdf_unavailable":
            raise
        return str(e)
    return None


def _add_originals(source: ReportSource, writer: _ZipWriter, evidence: list[dict[str, Any]],
                   paths: dict[int, str]) -> None:
    for ev in evidence:
        vault = _vault_file(source.root, ev["vault_path"])
        if not vault.exists():
            raise BundleError(f"The vault file of evidence {ev['id']} ({ev['original_name']}) is missing;"
                              " run `recorder verify` to see what changed.")
        actual = writer.add_file(paths[ev["id"]], vault, compress=ev["kind"] not in STORED_KINDS)
        if actual != ev["sha256"]:
            raise BundleError(f"The vault file of evidence {ev['id']} ({ev['original_name']}) no longer matches"
                              " its SHA-256; run `recorder verify` before exporting.")
