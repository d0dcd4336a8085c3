#!/usr/bin/env bash
# Compile installers/villagedesk.nsi with makensis against a stand-in one-folder program (empty
# files with the real names), to prove the script builds; the real installer is built on Windows
# (.github/workflows/windows.yml). Exit 0 with a message when makensis is not installed.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v makensis >/dev/null; then
  echo "makensis not installed (apt-get install nsis): NSIS script not compile-checked"
  exit 0
fi
version=$(sed -n 's/^version = "\(.*\)"/\1/p' ../pyproject.toml | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/villagedesk/_internal/resources"
for name in villagedesk.exe villagedesk-gui.exe _internal/python311.dll _internal/resources/build.json; do
  printf 'stand-in\n' >"$work/villagedesk/$name"
done
makensis -V2 -WX -DVERSION="$version" -DVIVERSION="$version.0" -DDIST="$work/villagedesk" \
  -DOUTFILE="$work/VillageDesk-$version-setup.exe" villagedesk.nsi
[ -s "$work/VillageDesk-$version-setup.exe" ] || { echo "makensis wrote no installer" >&2; exit 1; }
echo "NSIS script compiles: VillageDesk-$version-setup.exe ($(wc -c <"$work/VillageDesk-$version-setup.exe") bytes, stand-in files)"
