#!/usr/bin/env python3
"""Check this evidence bundle offline, with nothing but Python's standard library.

Usage: python3 verify.py        (run it inside the unpacked bundle; exit 0 when everything matches)

It checks:
1. every file listed in SHA256SUMS has exactly that SHA-256, and no file was added;
2. every original in manifest.json has the SHA-256 and size written there;
3. the custody log (custody.jsonl) is an unbroken hash chain: each row's hash covers its
   content and the previous row's hash, so no row can be edited, removed or reordered unseen;
4. each original's SHA-256 equals the one recorded in the custody log when it was first taken in,
   and every intake entry of the log has its original in the bundle (none was removed);
5. the log ends with this bundle's export entry, whose manifest_sha256 is manifest.json's SHA-256
   and whose count of originals matches, and the chain head recorded in manifest.json is in the log.

It prints the custody chain's head (rows:hash of the last row), and the head on the report's
cover (the chain before this export, from manifest.json). A chain checks only against itself:
compare the head with the one the sender kept elsewhere (`recorder verify` prints it).
"""

import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GENESIS = "0" * 64
HASHED_FIELDS = ("at", "actor", "action", "evidence_id", "details", "prev_hash")


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inside(relative):
    """The bundle path for a listed name, or None when the name would leave the bundle."""
    if relative.startswith(("/", "\\")) or ".." in relative.replace("\\", "/").split("/"):
        return None
    return os.path.join(HERE, *relative.split("/"))


def check_sums(problems):
    listed = set()
    with open(os.path.join(HERE, "SHA256SUMS"), encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            line = line.rstrip("\n")
            if not line:
                continue
            expected, _, name = line.partition("  ")
            path = inside(name)
            listed.add(name)
            if path is None:
                problems.append("SHA256SUMS line %d names a path outside the bundle: %s" % (number, name))
            elif not os.path.isfile(path):
                problems.append("missing: %s" % name)
            elif sha256_of(path) != expected:
                problems.append("CHANGED: %s (its SHA-256 is no longer %s)" % (name, expected))
    for folder, _, files in os.walk(HERE):
        for file_name in files:
            relative = os.path.relpath(os.path.join(folder, file_name), HERE).replace(os.sep, "/")
            if relative not in listed and relative != "SHA256SUMS" and not relative.endswith(".pyc"):
                problems.append("not listed in SHA256SUMS (added later?): %s" % relative)
    return len(listed)


def check_manifest(problems):
    with open(os.path.join(HERE, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    for entry in manifest["files"]:
        path = inside(entry["path"])
        if path is None or not os.path.isfile(path):
            problems.append("manifest names a missing file: %s" % entry["path"])
            continue
        if os.path.getsize(path) != entry["size"]:
            problems.append("CHANGED: %s (size is not %d bytes)" % (entry["path"], entry["size"]))
        elif sha256_of(path) != entry["sha256"]:
            problems.append("CHANGED: %s (SHA-256 is not %s)" % (entry["path"], entry["sha256"]))
    return manifest


def row_hash(row):
    fields = {key: row[key] for key in HASHED_FIELDS}
    text = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_custody():
    rows = []
    with open(os.path.join(HERE, "custody.jsonl"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def check_chain(problems, rows):
    previous = GENESIS
    for row in rows:
        if row["prev_hash"] != previous:
            problems.append("custody row %s does not link to the row before it" % row["id"])
        if not row.get("omitted") and row_hash(row) != row["hash"]:
            problems.append("custody row %s: its content does not match its hash" % row["id"])
        previous = row["hash"]
    return previous


def check_intake(problems, rows, manifest):
    """Each original against its intake entry, and each intake entry against an original."""
    ingested = {}
    for row in rows:
        if not row.get("omitted") and row["action"] == "ingest":
            ingested[row["evidence_id"]] = (row, json.loads(row["details"]))
    listed = {}
    for entry in manifest["files"]:
        listed[entry["evidence_id"]] = entry
        logged = ingested.get(entry["evidence_id"])
        if logged is None:
            problems.append("custody log has no intake entry for %s" % entry["path"])
        elif logged[1].get("sha256") != entry["sha256"]:
            problems.append("%s: SHA-256 differs from the one logged at intake" % entry["path"])
    for evidence_id, (row, details) in sorted(ingested.items(), key=lambda item: item[1][0]["id"]):
        entry = listed.get(evidence_id)
        if entry is None:
            problems.append("custody row %s logs the intake of %s (SHA-256 %s), but its original is not in the"
                            " bundle" % (row["id"], details.get("original_name"), details.get("sha256")))
        elif inside(entry["path"]) is None or not os.path.isfile(inside(entry["path"])):
            problems.append("custody row %s logs the intake of %s, but its original %s is missing"
                            % (row["id"], details.get("original_name"), entry["path"]))


def check_export(problems, rows, manifest):
    """The log must end with this bundle's export entry, which pins manifest.json."""
    last = rows[-1] if rows else None
    if last is None or last.get("omitted") or last.get("action") != "export":
        problems.append("the custody log does not end with this bundle's export entry (it was removed?)")
        return
    details = json.loads(last["details"])
    manifest_sha = sha256_of(os.path.join(HERE, "manifest.json"))
    if details.get("manifest_sha256") != manifest_sha:
        problems.append("the export entry (custody row %s) was written for another manifest.json (SHA-256 %s,"
                        " this one is %s)" % (last["id"], details.get("manifest_sha256"), manifest_sha))
    if details.get("originals") is not None and details["originals"] != len(manifest["files"]):
        problems.append("the export entry counts %s original(s), manifest.json lists %d"
                        % (details["originals"], len(manifest["files"])))
    head = manifest.get("chain_head")
    if head is not None:
        if details.get("chain_head") is not None and details["chain_head"] != head:
            problems.append("the chain head in manifest.json differs from the one in the export entry")
        at = rows[head["rows"] - 1]["hash"] if 0 < head["rows"] <= len(rows) else GENESIS
        if head["rows"] > len(rows) or at != head["hash"]:
            problems.append("the custody log does not hold the chain head %d:%s recorded in manifest.json"
                            % (head["rows"], head["hash"]))


def check_custody(problems, manifest):
    rows = read_custody()
    head = check_chain(problems, rows)
    check_intake(problems, rows, manifest)
    check_export(problems, rows, manifest)
    return len(rows), head


def main():
    problems = []
    listed = check_sums(problems)
    manifest = check_manifest(problems)
    rows, head = check_custody(problems, manifest)
    for problem in problems:
        print("MISMATCH " + problem)
    if problems:
        print("FAILED: %d problem(s); this bundle is not as it was exported." % len(problems))
        return 1
    print("OK: %d file(s) match SHA256SUMS, %d original(s) match manifest.json, custody chain of %d row(s) intact."
          % (listed, len(manifest["files"]), rows))
    print("custody head: %d:%s  (compare it with the one the sender kept; `recorder verify --against"
          " THIS.zip` checks it against the home)" % (rows, head))
    before = manifest.get("chain_head")
    if before is not None:
        print("report head:  %d:%s  (on the report's cover: the chain before this export, held by the log)"
              % (before["rows"], before["hash"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
