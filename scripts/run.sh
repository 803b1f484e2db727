#!/usr/bin/env bash
# Set up (first time) and run PromoDesk's main job: make the example brief's promo video.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
mkdir -p out
exec .venv/bin/promodesk make resources/examples/briefs/espresso-zh.toml -o out/espresso.mp4 "$@"
