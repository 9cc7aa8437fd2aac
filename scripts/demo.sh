#!/usr/bin/env bash
# The main job on the bundled sample data: drop the samples into an inbox, transcribe and read
# them, find the promises, print them, and write the timeline report (HTML and PDF).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export RECORDER_HOME="${RECORDER_HOME:-$PWD/demo-home}"
recorder=.venv/bin/recorder

$recorder init >/dev/null
cp -r samples/网商贷 "$RECORDER_HOME/inbox/"
# The copies are complete: a short settle time; progress (files, seconds of audio) shows on stderr.
$recorder watch --once --settle 1
$recorder status
echo
$recorder promises --all
echo
echo "reports (each path is printed by the command that wrote it):"
$recorder report --case 网商贷 --format html -o "$RECORDER_HOME/exports/report.html"
$recorder report --case 网商贷 --format pdf -o "$RECORDER_HOME/exports/report.pdf"
