#!/usr/bin/env python3
"""Check this evidence bundle offline, with nothing but Python's standard library.

Usage: python3 verify.py        (run it inside the unpacked bundle; exit 0 when everything matches)

It checks:
1. every file listed in SHA256SUMS has exactly that SHA-256, and no file was added;
2. every original in manifest.json has the SHA-256 and size written there;
3. the custody log (custody.jsonl) is an unbroken hash chain: each row's hash covers its
   content and the previous row's hash, so no row can be edited, removed or reordered unseen;
4. each original's SHA-256 equals the one recorded in the custody log when it was first taken in.
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


def check_custody(problems, manifest):
    previous = GENESIS
    ingested = {}
    rows = 0
    with open(os.path.join(HERE, "custody.jsonl"), encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            rows += 1
            if row["prev_hash"] != previous:
                problems.append("custody row %s does not link to the row before it" % row["id"])
            if not row.get("omitted") and row_hash(row) != row["hash"]:
                problems.append("custody row %s: its content does not match its hash" % row["id"])
            if not row.get("omitted") and row["action"] == "ingest":
                ingested[row["evidence_id"]] = json.loads(row["details"]).get("sha256")
            previous = row["hash"]
    for entry in manifest["files"]:
        logged = ingested.get(entry["evidence_id"])
        if logged is None:
            problems.append("custody log has no intake entry for %s" % entry["path"])
        elif logged != entry["sha256"]:
            problems.append("%s: SHA-256 differs from the one logged at intake" % entry["path"])
    return rows


def main():
    problems = []
    listed = check_sums(problems)
    manifest = check_manifest(problems)
    rows = check_custody(problems, manifest)
    for problem in problems:
        print("MISMATCH " + problem)
    if problems:
        print("FAILED: %d problem(s); this bundle is not as it was exported." % len(problems))
        return 1
    print("OK: %d file(s) match SHA256SUMS, %d original(s) match manifest.json, custody chain of %d row(s) intact."
          % (listed, len(manifest["files"]), rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
