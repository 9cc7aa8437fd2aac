#!/bin/sh
# Check every file of this evidence bundle against SHA256SUMS, offline.
# Usage: sh verify.sh   (exit 0 when every file matches; python3 verify.py also checks the custody chain)
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
