#!/usr/bin/env bash
# Set up everything the tests need (system packages, .venv with the test and openai-whisper
# extras), then run the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "test,openai"
exec .venv/bin/python -m pytest "$@"
