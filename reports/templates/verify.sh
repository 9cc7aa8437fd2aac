#!/bin/sh
# Check this evidence bundle offline: every file against SHA256SUMS, then (when python3 is there)
# verify.py's checks of the manifest, the custody chain and the export entry.
# Usage: sh verify.sh   (exit 0 when everything matches)
cd "$(dirname "$0")" || exit 1
if command -v sha256sum >/dev/null 2>&1; then
  check() { sha256sum --strict -c SHA256SUMS; }
else
  check() { shasum -a 256 -c SHA256SUMS; }  # macOS
fi
if check; then
  echo "OK: every file matches SHA256SUMS"
else
  echo "FAILED: a file does not match SHA256SUMS; this bundle is not as it was exported" >&2
  exit 1
fi
if command -v python3 >/dev/null 2>&1; then
  python3 -I verify.py || exit 1
else
  echo "python3 is not installed: the custody chain and the manifest were not checked (run verify.py elsewhere)" >&2
fi
