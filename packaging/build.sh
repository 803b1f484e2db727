#!/usr/bin/env bash
# Build PromoDesk's desktop installer (CPU edition) on this machine, then smoke-test it.
#
#   packaging/build.sh            # build dist/PromoDesk/, smoke test, dist/PromoDesk-VERSION-linux-ARCH.tar.gz
#   packaging/build.sh --no-test  # build and archive only
#
# Needs .venv (scripts/setup.sh run). Installs PyInstaller into it when missing. Work files go to
# build/pyinstaller/, the app to dist/PromoDesk/ (both git-ignored). The build runs at the lowest
# CPU priority (nice 19) so it does not disturb other work on a shared machine.
#
# On Windows/macOS the same spec builds dist/PromoDesk/ (and PromoDesk.app on macOS); the
# installer there is packaging/promodesk.iss (Inno Setup) or the .app. Neither is built or tested
# by this script.
set -euo pipefail
cd "$(dirname "$0")/.."

run_test=1
[ "${1:-}" = "--no-test" ] && run_test=0

if [ ! -x .venv/bin/python ]; then
  echo "build: no .venv here; run scripts/setup.sh run first" >&2
  exit 1
fi
if ! .venv/bin/python -c "import PyInstaller" 2>/dev/null; then
  echo "build: installing PyInstaller into .venv"
  .venv/bin/python -m pip install -q -c constraints.txt pyinstaller
fi

version="$(.venv/bin/python -c 'import promodesk; print(promodesk.__version__)')"
arch="$(uname -m)"
echo "build: PromoDesk $version with PyInstaller $(.venv/bin/python -c 'import PyInstaller; print(PyInstaller.__version__)')"

start=$(date +%s)
nice -n 19 .venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/promodesk.spec
end=$(date +%s)
echo "build: dist/PromoDesk built in $((end - start)) s ($(du -sh dist/PromoDesk | cut -f1))"

if [ "$run_test" = 1 ]; then
  nice -n 19 .venv/bin/python packaging/smoke_test.py dist/PromoDesk --compare-source
fi

# Linux installer: the app folder, a .desktop entry and the icon, with an install script.
stage="build/linux-archive/PromoDesk-$version"
rm -rf build/linux-archive
mkdir -p "$stage"
cp -a dist/PromoDesk "$stage/PromoDesk"
cp packaging/promodesk.desktop "$stage/promodesk.desktop"
cp packaging/promodesk.png "$stage/promodesk.png"
cp packaging/install-linux.sh "$stage/install.sh"
archive="dist/PromoDesk-$version-linux-$arch.tar.gz"
nice -n 19 tar -C build/linux-archive -czf "$archive" "PromoDesk-$version"
echo "build: wrote $archive ($(du -h "$archive" | cut -f1))"
