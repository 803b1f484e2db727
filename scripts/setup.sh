#!/usr/bin/env bash
# Set up PromoDesk on this machine: system packages (Debian/Ubuntu, when run as root), a virtual
# environment in .venv, and the package. Usage: scripts/setup.sh run|test
#   run   the app and its built-in engines
#   test  also the model-engine libraries (CPU torch), Ray (the farm extra) and the test tools
# Safe to run again: it skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-run}"

# System libraries: PortAudio (audio playback; its headers build PyAudio, which tinysoundfont
# needs), the libraries Qt's xcb/offscreen platforms load, Xvfb for screenshots in tests, and
# FriBiDi, which Pillow's raqm text layout loads at run time to draw Arabic and Hebrew captions.
SYSTEM_PACKAGES="python3-venv portaudio19-dev libportaudio2 libxcb-cursor0 libegl1 libgl1
  libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 xvfb libxcb-icccm4 libxcb-keysyms1
  libfribidi0"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  for p in $SYSTEM_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing system packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "setup: please install these system packages by hand, then run this again:" >&2
    echo "  sudo apt-get install$missing" >&2
    exit 1
  fi
fi

PY="${PYTHON:-python3}"
"$PY" -c 'import sys; assert sys.version_info >= (3, 11), "PromoDesk needs Python 3.11 or newer"'
[ -x .venv/bin/python ] || "$PY" -m venv .venv

extras="."
[ "$what" = test ] && extras=".[dev,gpu,farm]"
stamp=".venv/.installed-$what"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing PromoDesk ($what) into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  # torch first, pinned: an unpinned model library would otherwise pull a newer CUDA build.
  [ "$what" = test ] && .venv/bin/python -m pip install -q -c constraints.txt "torch==2.13.0"
  .venv/bin/python -m pip install -q -c constraints.txt -e "$extras"
  echo "$want" > "$stamp"
fi
