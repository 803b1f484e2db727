#!/usr/bin/env bash
# Set up (first time) and run PromoDesk's main job: the editor, on the example project (made from
# the Chinese example brief on first start). Arguments go to `promodesk`, e.g.
#   scripts/run.sh make resources/examples/briefs/launch-en.toml -o out/launch.mp4
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
exec .venv/bin/promodesk "$@"
