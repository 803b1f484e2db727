#!/usr/bin/env bash
# Set up (first time) and run PromoDesk's main job on the example brief.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
exec .venv/bin/promodesk brief check resources/examples/briefs/espresso-zh.toml "$@"
