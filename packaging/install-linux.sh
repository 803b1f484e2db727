#!/bin/sh
# Install PromoDesk from this unpacked archive.
#
#   ./install.sh                 # for you: ~/.local/opt/PromoDesk, menu entry, `PromoDesk` in ~/.local/bin
#   sudo ./install.sh            # for everyone: /opt/PromoDesk, /usr/local/bin, /usr/share/applications
#   ./install.sh --prefix DIR    # app in DIR/opt/PromoDesk, links in DIR/bin, menu entry in DIR/share
#   ./install.sh --uninstall     # remove what the same command installed
#
# PromoDesk needs these system libraries (Debian/Ubuntu names), which most desktops already have:
#   libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
#   libfontconfig1 libdbus-1-3
set -eu
here="$(cd "$(dirname "$0")" && pwd)"

if [ "$(id -u)" = 0 ]; then
  prefix="/usr/local"; app_root="/opt"; share="/usr/share"
else
  prefix="$HOME/.local"; app_root="$HOME/.local/opt"; share="${XDG_DATA_HOME:-$HOME/.local/share}"
fi
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; app_root="$2/opt"; share="$2/share"; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    *) echo "install.sh: unknown option $1 (see the top of this file)" >&2; exit 2 ;;
  esac
done

app="$app_root/PromoDesk"
desktop="$share/applications/promodesk.desktop"
icon="$share/icons/hicolor/256x256/apps/promodesk.png"
link="$prefix/bin/PromoDesk"

if [ "$uninstall" = 1 ]; then
  rm -rf "$app"
  rm -f "$desktop" "$icon" "$link" "$prefix/bin/promodesk"
  echo "PromoDesk removed from $app"
  exit 0
fi

mkdir -p "$app_root" "$prefix/bin" "$share/applications" "$(dirname "$icon")"
# Copy next to the target, then swap: a stopped copy never replaces a working install.
rm -rf "$app.new"
cp -a "$here/PromoDesk" "$app.new"
rm -rf "$app"
mv "$app.new" "$app"
ln -sf "$app/PromoDesk" "$link"
ln -sf "$app/PromoDesk" "$prefix/bin/promodesk"
cp "$here/promodesk.png" "$icon"
sed "s|^Exec=.*|Exec=\"$app/PromoDesk\"|" "$here/promodesk.desktop" > "$desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
echo "PromoDesk installed in $app"
echo "  start it from the applications menu, or run: $link (promodesk --help for the commands)"
