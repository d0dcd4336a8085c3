#!/usr/bin/env bash
# Build VillageDesk for Linux: the one-folder program and its packages.
#
#     installers/build-linux.sh            build, then pack
#     installers/build-linux.sh --pack     pack an existing dist/villagedesk/ only
#
# PYTHON (default: .venv/bin/python, else python3) must have the project's dependencies and the
# `build` extra (PyInstaller). Writes:
#   dist/villagedesk/                                 the one-folder program (run dist/villagedesk/villagedesk)
#   dist/villagedesk_<version>_<arch>.deb             /opt/villagedesk + /usr/bin/villagedesk + menu entry + icon
#   dist/villagedesk-<version>-linux-<arch>.tar.gz    the same folder, with the menu entry and icon inside
# Any failure stops the script with a non-zero exit (set -e): a broken build is never silent.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-}
if [ -z "$PYTHON" ]; then
  if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)
[ -n "$version" ] || { echo "no version in pyproject.toml" >&2; exit 1; }
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)

if [ "${1:-}" != "--pack" ]; then
  echo "== PyInstaller (one folder), VillageDesk $version"
  started=$SECONDS
  "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller installers/villagedesk.spec
  echo "   built in $((SECONDS - started)) s"
  # ICU's data for the app's two languages only (32 → 4 MB), checked against Qt before it replaces
  # the full one (installers/icu_data.py); needs icupkg (icu-devtools) and cc, else it is skipped
  # with a message. VILLAGEDESK_FULL_ICU=1 keeps the full data.
  if [ "${VILLAGEDESK_FULL_ICU:-0}" != 1 ]; then
    for icu in dist/villagedesk/_internal/PySide6/Qt/lib/libicudata.so.*; do
      if [ -f "$icu" ]; then "$PYTHON" installers/icu_data.py "$icu"; fi
    done
  fi
fi
[ -x dist/villagedesk/villagedesk ] || { echo "dist/villagedesk/villagedesk is missing" >&2; exit 1; }
echo "installed size of dist/villagedesk: $(du -sm dist/villagedesk | cut -f1) MB"

# --- .deb: /opt/villagedesk, /usr/bin/villagedesk → /opt/villagedesk/villagedesk ---------------
root=build/deb/villagedesk
rm -rf build/deb
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
         "$root/usr/share/icons/hicolor/256x256/apps"
cp -a dist/villagedesk "$root/opt/villagedesk"
ln -s /opt/villagedesk/villagedesk "$root/usr/bin/villagedesk"
install -m 644 installers/linux/villagedesk.desktop "$root/usr/share/applications/villagedesk.desktop"
install -m 644 resources/icons/villagedesk.png "$root/usr/share/icons/hicolor/256x256/apps/villagedesk.png"
size_kb=$(du -sk "$root" | cut -f1)
# Depends: the system libraries the program links and does not carry (AppImage's excludelist,
# libcups, libdbus, libgssapi: installers/bundle.py), computed by dpkg-shlibdeps when installed.
depends=$("$PYTHON" installers/bundle.py depends dist/villagedesk)
cat >"$root/DEBIAN/control" <<CONTROL
Package: villagedesk
Version: $version
Section: misc
Priority: optional
Architecture: $arch
Installed-Size: $size_kb
Depends: $depends
Maintainer: VillageDesk <villagedesk@localhost>
Description: VillageDesk 村务台 — offline office for village committees
 Registers, meetings, concerns, mediation, notices and reports to the township,
 on one PC without a network. Each user's data stays in ~/.local/share/VillageDesk.
CONTROL
# Removing the package never touches the users' data folders (they are in their homes). gzip: readable
# by the older dpkg of UOS/Kylin, and minutes faster than xz on 280 MB.
dpkg-deb --root-owner-group -Zgzip --build "$root" "dist/villagedesk_${version}_${arch}.deb" >/dev/null
echo "Depends: $depends"
echo "wrote dist/villagedesk_${version}_${arch}.deb ($(du -m "dist/villagedesk_${version}_${arch}.deb" | cut -f1) MB)"

# --- tarball: the folder itself; unpack anywhere and run villagedesk/villagedesk ----------------
cp installers/linux/villagedesk.desktop resources/icons/villagedesk.png dist/villagedesk/
tar -C dist -czf "dist/villagedesk-${version}-linux-${arch}.tar.gz" villagedesk
rm dist/villagedesk/villagedesk.desktop dist/villagedesk/villagedesk.png
echo "wrote dist/villagedesk-${version}-linux-${arch}.tar.gz ($(du -m "dist/villagedesk-${version}-linux-${arch}.tar.gz" | cut -f1) MB)"

# --- the Windows installer script compiles (Debian's makensis) against a stand-in folder --------
if command -v makensis >/dev/null; then
  installers/check-nsis.sh
else
  echo "makensis not installed: the NSIS script was not compile-checked (apt-get install nsis)"
fi
