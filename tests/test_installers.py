"""The packaging (installers/, .github/workflows/windows.yml) agrees with the program, checked
without building: what the spec leaves out is never imported, the version comes from
pyproject.toml, catalogs compile for a built program, the desktop entry is valid, the NSIS script
installs per user, keeps the data folder and compiles (when makensis is installed), and the
launcher's ``--self-test`` catches a broken page. The build itself: installers/build-linux.sh."""
from __future__ import annotations

import configparser
import gettext
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.installers

ROOT = Path(__file__).resolve().parent.parent
INSTALLERS = ROOT / "installers"
sys.path.insert(0, str(INSTALLERS))
import bundle  # noqa: E402

NSIS = (INSTALLERS / "villagedesk.nsi").read_text(encoding="utf-8-sig")
WORKFLOW = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
SMOKE = (INSTALLERS / "smoke-test.sh").read_text(encoding="utf-8")


def pyproject_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]["version"]


# What a running program imports: the launcher, the command line with every area's commands,
# every page, the printing engine, and a picture attached in each format a phone or scanner gives.
# The spec's excluded modules are blocked as they are absent from the built program (no numpy,
# pyqtgraph or QtOpenGL; Pillow without its text, colour-management and AVIF extensions).
IMPORT_EVERYTHING = """
import importlib.abc, sys
EXCLUDED = set(sys.argv[1:])
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if any(name == ex or name.startswith(ex + ".") for ex in EXCLUDED):
            raise ImportError("excluded from the built program: " + name)
sys.meta_path.insert(0, Block())
from ui.launcher import main
from app.cli import build_parser
build_parser()
import importlib
from ui.pages import PAGES
for target in PAGES.values():
    importlib.import_module(target.split(":")[0])
import ui.main_window, ui.self_test, app.printing, app.backup, app.sync, app.demo, app.store, db.engine
import pypdfium2, pyrage, argon2, python_calamine, reportlab
import io
from PIL import Image
from app.attachments.files import prepare
for kind in ("JPEG", "PNG", "WEBP", "TIFF", "BMP", "GIF"):
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(picture, kind)
    prepared = prepare(picture.getvalue())
    assert (prepared.kind, prepared.width, prepared.height) == ("image", 40, 30), kind
    assert Image.open(io.BytesIO(prepared.data)).getpixel((20, 15))[0] > 150, kind
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QPixmap
app = QApplication([])
assert QPixmap().loadFromData(prepared.data)
print("\\n".join(sorted(sys.modules)))
"""


def test_excluded_modules_are_not_imported_by_the_program():
    done = subprocess.run([sys.executable, "-c", IMPORT_EVERYTHING, *bundle.EXCLUDED], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
                          timeout=300)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "PySide6.QtWidgets" in loaded and "app.attachments.files" in loaded  # the import really ran
    wrongly = sorted(m for m in loaded for ex in bundle.EXCLUDED if m == ex or m.startswith(ex + "."))
    assert wrongly == [], f"the spec excludes modules the program imports: {wrongly}"


def test_excluded_check_is_not_vacuous():
    assert "PySide6.QtQml" in bundle.EXCLUDED and "PySide6.QtWebEngineCore" in bundle.EXCLUDED
    loaded = {"PySide6.QtQml", "PySide6.QtWidgets"}
    assert sorted(m for m in loaded for ex in bundle.EXCLUDED if m == ex or m.startswith(ex + ".")) == ["PySide6.QtQml"]


def test_hidden_imports_exist():
    import importlib.util

    for name in bundle.HIDDEN_IMPORTS + bundle.HIDDEN_PACKAGES:
        assert importlib.util.find_spec(name) is not None, name


def test_version_comes_from_pyproject(tmp_path, monkeypatch):
    import datetime as dt

    from app import version

    assert bundle.version() == pyproject_version()
    assert version.version_info() == {"version": pyproject_version(), "build_date": ""}
    datas = bundle.write_generated(tmp_path, build_date=dt.date(2026, 11, 30))
    info = json.loads((tmp_path / "build.json").read_text(encoding="utf-8"))
    assert info == {"version": pyproject_version(), "build_date": "2026-11-30"}
    assert (str(tmp_path / "build.json"), "resources") in datas
    monkeypatch.setattr(version, "BUILD_INFO", tmp_path / "build.json")
    assert version.version_line() == f"VillageDesk {pyproject_version()} (built 2026-11-30)"
    assert bundle.windows_version("0.1.0") == "0.1.0.0" and bundle.windows_version("1.2.3rc1") == "1.2.3.0"


def test_version_flag(monkeypatch, capsys):
    from ui.launcher import main

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"VillageDesk {pyproject_version()} (source checkout)"


def test_a_built_program_reads_the_compiled_catalogs(tmp_path, monkeypatch):
    """The bundle ships no .po files: the catalog compiled by the build is read instead."""
    from app import i18n

    bundle.write_generated(tmp_path)
    zh_mo = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES" / "villagedesk.mo"
    expected = i18n.read_catalog("zh_CN")["Dashboard"]
    assert gettext.GNUTranslations(zh_mo.open("rb")).gettext("Dashboard") == expected != "Dashboard"
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    monkeypatch.setattr(i18n, "_catalogs", {})
    assert i18n.po_files("zh_CN") == []
    assert i18n.translations("zh_CN").gettext("Dashboard") == expected
    zh_mo.unlink()  # no catalog at all: untranslated, not a crash
    monkeypatch.setattr(i18n, "_catalogs", {})
    assert i18n.translations("zh_CN").gettext("Dashboard") == "Dashboard"


def test_data_filters_keep_what_the_program_needs():
    assert bundle.keep_data("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert not bundle.keep_data("PySide6/Qt/translations/qtbase_de.qm")
    assert bundle.keep_data("babel/locale-data/zh_Hans_CN.dat") and bundle.keep_data("babel/locale-data/root.dat")
    assert not bundle.keep_data("babel/locale-data/fr.dat")
    assert bundle.keep_data("PySide6/Qt/plugins/platforms/libqxcb.so")
    assert bundle.keep_data("PySide6/Qt/plugins/platforms/qwindows.dll")
    assert bundle.keep_data("PySide6/Qt/plugins/platforms/libqoffscreen.so")
    assert not bundle.keep_data("PySide6/Qt/plugins/platformthemes/libqgtk3.so")
    assert not bundle.keep_data("PySide6/Qt/plugins/qmltooling/libqmldbg_debugger.so")
    # no Wayland platform: Qt falls back to xcb (XWayland) on a Wayland session
    assert not bundle.keep_data("PySide6/Qt/plugins/platforms/libqwayland.so")
    assert not bundle.keep_data("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so")
    assert not bundle.keep_data("PySide6/Qt/plugins/wayland-decoration-client/libadwaita.so")
    assert any(part in "libQt6WaylandClient.so.6" for part in bundle.QT_EXCLUDED_LIBRARIES)
    assert not any(part in "libQt6XcbQpa.so.6" for part in bundle.QT_EXCLUDED_LIBRARIES)
    assert bundle.keep_data("resources/fonts/wqy-microhei.ttc")
    assert not bundle.keep_data("opengl32sw.dll") and not bundle.keep_data("PySide6/opengl32sw.dll")
    # image formats: what Qt shows (JPEG attachments and thumbnails, SVG arrow, icon), not the rest
    for kept in ("libqjpeg.so", "qjpeg.dll", "libqsvg.so", "qsvg.dll", "libqico.so"):
        assert bundle.keep_data(f"PySide6/Qt/plugins/imageformats/{kept}"), kept
    for dropped in ("libqtiff.so", "qtiff.dll", "libqwebp.so", "libqgif.so", "libqpdf.so", "libqicns.so"):
        assert not bundle.keep_data(f"PySide6/Qt/plugins/imageformats/{dropped}"), dropped
    # Babel's locales the app speaks, and what they inherit, are all kept
    from babel import Locale

    for language in bundle.LANGUAGES:
        locale = Locale.parse(language)
        chain = [str(locale)]
        while "_" in chain[-1]:
            chain.append(chain[-1].rsplit("_", 1)[0])
        assert all(name in bundle.BABEL_LOCALES for name in chain), chain


def test_pruning_keeps_what_is_linked():
    binaries = [("PySide6/QtCore.abi3.so", "/x/QtCore.abi3.so", "EXTENSION"),
                ("_cffi_backend.cpython-311-x86_64-linux-gnu.so", "/x/_cffi.so", "EXTENSION"),
                ("libglib-2.0.so.0", "/x/libglib-2.0.so.0", "BINARY"),
                ("libgtk-3.so.0", "/x/libgtk-3.so.0", "BINARY"),
                ("libpcre2-8.so.0", "/x/libpcre2-8.so.0", "BINARY")]
    links = {"/x/QtCore.abi3.so": ["libglib-2.0.so.0"], "/x/libglib-2.0.so.0": ["libpcre2-8.so.0"],
             "/x/libgtk-3.so.0": ["libglib-2.0.so.0"]}
    kept, dropped = bundle.prune_unneeded(binaries, lambda src: links.get(src, []))
    assert dropped == ["libgtk-3.so.0"]
    assert [e[0] for e in kept] == [e[0] for e in binaries if e[0] != "libgtk-3.so.0"]


def test_elf_needed_reads_the_direct_dependencies():
    import PySide6

    qt_lib = Path(PySide6.__file__).parent / "Qt" / "lib"
    core = bundle.elf_needed(qt_lib / "libQt6Core.so.6")
    assert "libicuuc.so.73" in core or any(n.startswith("libicuuc.so.") for n in core)
    assert "libc.so.6" in core
    # direct only: libicuuc needs libicudata, QtCore names it too, but not libicuuc's libstdc++ twice
    plugin = bundle.elf_needed(qt_lib.parent / "plugins" / "printsupport" / "libcupsprintersupport.so")
    assert "libcups.so.2" in plugin and "libgnutls.so.30" not in plugin  # (ldd would list it)
    assert bundle.elf_needed(INSTALLERS / "bundle.py") == []


def test_system_libraries_follow_the_reference_and_each_has_a_package():
    assert "libstdc++.so.6" in bundle.APPIMAGE_EXCLUDELIST and "libGL.so.1" in bundle.APPIMAGE_EXCLUDELIST
    assert "libc.so.6" in bundle.GLIBC and "libstdc++.so.6" not in bundle.GLIBC
    # what AppImage's list says must be bundled is never left out (GLib, OpenSSL, NSS)
    for bundled in ("libglib-2.0.so.0", "libssl.so.3", "libcrypto.so.3", "libnss3.so"):
        assert bundled not in bundle.SYSTEM_LIBRARIES
    # every library left to the system that the program's binaries link is glibc or has its package
    import PySide6

    binaries = [p for p in Path(PySide6.__file__).parent.rglob("*.so*") if p.is_file()]
    linked = {name for path in binaries for name in bundle.elf_needed(path)}
    left = linked & bundle.SYSTEM_LIBRARIES
    assert {"libcups.so.2", "libdbus-1.so.3", "libstdc++.so.6", "libfontconfig.so.1"} <= left  # not vacuous
    assert sorted(name for name in left if name not in bundle.GLIBC and name not in bundle.DEBIAN_PACKAGES) == []
    depends = bundle.debian_depends_fallback(left)
    for name in left:
        assert bundle.DEBIAN_PACKAGES.get(name, "libc6") in depends, name
    with pytest.raises(SystemExit):
        bundle.debian_depends_fallback(left | {"libnot-known.so.1"})
    if shutil.which("dpkg"):  # the hand-kept packages are the ones dpkg says own these libraries
        owners = bundle._owners(set(bundle.DEBIAN_PACKAGES))
        assert owners, "dpkg -S found none of the libraries"
        wrong = {name: (owner, bundle.DEBIAN_PACKAGES[name]) for name, owner in owners.items()
                 if owner != bundle.DEBIAN_PACKAGES[name]}
        assert wrong == {}


def test_dangling_links_are_dropped():
    binaries = [("PySide6/Qt/lib/libQt6Core.so.6", "/x/libQt6Core.so.6", "BINARY")]
    datas = [("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
             ("libQt6OpenGL.so.6", "PySide6/Qt/lib/libQt6OpenGL.so.6", "SYMLINK"),
             ("libalias.so", "libQt6Core.so.6", "SYMLINK"),
             ("resources/x.txt", "/x/x.txt", "DATA")]
    kept = bundle.drop_dangling_links(datas, binaries)
    assert [e[0] for e in kept] == ["libQt6Core.so.6", "libalias.so", "resources/x.txt"]


def test_icu_filter_keeps_the_two_languages():
    sys.path.insert(0, str(INSTALLERS))
    import icu_data

    items = ["root.res", "zh.res", "zh_Hans_CN.res", "zh_Hant_TW.res", "en_US.res", "de.res", "coll/zh.res",
             "coll/de_.res", "coll/ucadata.icu", "brkitr/cjdict.dict", "zone/fr_CA.res", "pool.res",
             "coll/pool.res", "res_index.res", "supplementalData.res", "zoneinfo64.res", "gb18030.cnv",
             "translit/root.res", "curr/zh_Hans.res", "lang/ja.res", "cnvalias.icu"]
    # other languages go in every tree, the trees of ICU services Qt never calls go whole, and the
    # legacy converters (the app never asks Qt for GBK or Big5)
    assert icu_data.removed_items(items) == ["zh_Hant_TW.res", "de.res", "coll/de_.res", "brkitr/cjdict.dict",
                                             "zone/fr_CA.res", "gb18030.cnv", "translit/root.res", "lang/ja.res",
                                             "cnvalias.icu"]


def test_qt_calls_only_the_icu_services_the_filter_keeps_data_for():
    import PySide6

    sys.path.insert(0, str(INSTALLERS))
    import icu_data

    calls = icu_data.qt_icu_calls(Path(PySide6.__file__).parent / "Qt" / "lib")
    assert "ucol_open" in calls and "ucal_getTimeZoneDisplayName" in calls  # read, not vacuous
    assert sorted(c for c in calls if not c.startswith(icu_data.QT_ICU_FAMILIES)) == []
    assert not any(c.startswith(("ubrk_", "utrans_", "unum_", "u_charName")) for c in calls)


@pytest.mark.skipif(not (shutil.which("icupkg") and shutil.which("cc")), reason="icupkg (icu-devtools) or cc missing")
def test_icu_filter_builds_a_smaller_library_and_its_check_can_fail(tmp_path, monkeypatch):
    import PySide6

    sys.path.insert(0, str(INSTALLERS))
    import icu_data

    original = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    target = tmp_path / original.name
    shutil.copy2(original, target)
    assert icu_data.main([str(target)]) == 0
    assert target.stat().st_size < original.stat().st_size * 0.6
    symbol, data = icu_data.read_symbol(target)
    assert symbol.startswith("icudt") and len(data) > 3_000_000
    # …and the check catches a filter that takes Chinese away (collation, zone names differ)
    shutil.copy2(original, target)
    monkeypatch.setattr(icu_data, "KEEP_LOCALES", {"root", "en", "en_US"})
    assert icu_data.main([str(target)]) == 1
    assert target.read_bytes() == original.read_bytes()  # the full data stays


def test_desktop_entry_is_valid():
    entry = configparser.ConfigParser(interpolation=None, strict=True)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(INSTALLERS / "linux" / "villagedesk.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"].split()[0] == bundle.NAME  # /usr/bin/villagedesk from the .deb
    assert desktop["Icon"] == bundle.ICON_PNG.stem and bundle.ICON_PNG.is_file() and bundle.ICON_ICO.is_file()
    assert desktop["Name[zh_CN]"] == "村务台" and desktop["Terminal"] == "false"
    assert desktop["Categories"].endswith(";")
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(INSTALLERS / "linux" / "villagedesk.desktop")],
                              capture_output=True, text=True)
        assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr
    script = (INSTALLERS / "build-linux.sh").read_text(encoding="utf-8")
    assert "ln -s /opt/villagedesk/villagedesk \"$root/usr/bin/villagedesk\"" in script
    assert "hicolor/256x256/apps/villagedesk.png" in script


def nsis_section(name: str) -> str:
    match = re.search(rf'^Section "{re.escape(name)}".*?^SectionEnd', NSIS, re.S | re.M)
    assert match, name
    return match.group(0)


def test_nsis_installs_per_user_in_chinese_and_keeps_the_data():
    from app.paths import APP_NAME

    assert re.search(r"^RequestExecutionLevel user$", NSIS, re.M)
    assert re.search(r"^Unicode true$", NSIS, re.M)
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in NSIS and '!include "MUI2.nsh"' in NSIS
    assert re.search(r'^InstallDir "\$LOCALAPPDATA\\Programs\\\$\{APP\}"$', NSIS, re.M)
    assert f'!define APP "{APP_NAME}"' in NSIS
    # the program keeps its data where platformdirs puts it on Windows: %LOCALAPPDATA%\VillageDesk
    assert '!define DATA_DIR "$LOCALAPPDATA\\${APP}"' in NSIS
    for program in (f"{bundle.NAME}.exe", f"{bundle.GUI_NAME}.exe"):
        assert f"$INSTDIR\\{program}" in NSIS
    main = nsis_section("村务台")
    assert "$SMPROGRAMS" in main and "$DESKTOP" in main and "Call RemoveOlderVersion" in main
    uninstall = nsis_section("Uninstall")
    assert "DATA_DIR" not in uninstall.replace("${DATA_DIR}$\\r", "")  # only named in the closing message
    for line in uninstall.splitlines():
        if re.match(r"\s*(RMDir|Delete)", line):
            assert "DATA_DIR" not in line and "$LOCALAPPDATA" not in line, line
            assert not re.match(r'\s*RMDir /r "\$INSTDIR"\s*$', line), "removes the whole install folder"
    upgrade = re.search(r"Function RemoveOlderVersion.*?FunctionEnd", NSIS, re.S).group(0)
    assert "ExecWait" in upgrade and "/S _?=" in upgrade


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis not installed (apt-get install nsis)")
def test_nsis_script_compiles(tmp_path):
    done = subprocess.run([str(INSTALLERS / "check-nsis.sh")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "NSIS script compiles" in done.stdout
    # …and the check does fail on a broken script (a file that is not there)
    broken = tmp_path / "broken.nsi"
    broken.write_text(NSIS.replace('File /r "${DIST}\\*.*"', 'File "${DIST}\\no-such-file.exe"'), encoding="utf-8-sig")
    dist = tmp_path / "dist"
    dist.mkdir()
    failed = subprocess.run(["makensis", "-V2", "-WX", f"-DVERSION={pyproject_version()}", f"-DDIST={dist}",
                             f"-DOUTFILE={tmp_path / 'x.exe'}", f"-DICON={bundle.ICON_ICO}", str(broken)],
                            capture_output=True, text=True, timeout=300)
    assert failed.returncode != 0


def test_workflow_builds_and_smoke_tests_the_same_way():
    assert "runs-on: windows" in WORKFLOW
    assert "installers/villagedesk.spec" in WORKFLOW and "installers/villagedesk.nsi" in WORKFLOW
    assert WORKFLOW.count("installers/smoke-test.sh") >= 2  # the built folder and the installed program
    assert "-r requirements.lock" in WORKFLOW
    python = re.search(r'python-version: "([\d.]+)"', WORKFLOW).group(1)
    with (ROOT / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)
    assert project["project"]["requires-python"] == f">={python}"
    assert any(dep.startswith("pyinstaller") for dep in project["project"]["optional-dependencies"]["build"])
    assert '"/S"' in WORKFLOW and "uninstall removed the data" in WORKFLOW


def test_smoke_test_runs_every_command_in_a_clean_environment():
    assert "env -i" in SMOKE and '"PATH=/usr/bin:/bin"' in SMOKE and "QT_QPA_PLATFORM=offscreen" in SMOKE
    for command in ('step "--version" --version', "init --db", "demo --size small",
                    "print notice --id latest --out", "check --db", "--self-test"):
        assert command in SMOKE, command


@pytest.mark.gui
def test_self_test_opens_every_page_and_fails_on_a_broken_one(qapp, monkeypatch, capsys):
    from ui import self_test
    from ui.pages import PAGES

    monkeypatch.setenv("VILLAGEDESK_HOME", "")  # restored afterwards (the self-test sets its own)
    assert self_test.run() == 0
    out = capsys.readouterr().out
    assert f"OK, {len(PAGES)} pages" in out and all(f"page {key} " in out for key in PAGES)

    monkeypatch.setitem(PAGES, "awards", "ui.pages.awards:NoSuchPage")
    assert self_test.run() == 1
    captured = capsys.readouterr()
    assert "self-test FAILED" in captured.err and "NoSuchPage" in captured.err


def test_only_the_chinese_and_unicode_codecs_of_python_are_bundled():
    codecs = [m for m in bundle.EXCLUDED if m.startswith("_codecs_")]
    assert sorted(codecs) == ["_codecs_hk", "_codecs_iso2022", "_codecs_jp", "_codecs_kr", "_codecs_tw"]
    # GBK and GB18030 stay; the encodings the app names anywhere are UTF-8, UTF-16 or ASCII
    assert "_codecs_cn" not in bundle.EXCLUDED and "_multibytecodec" not in bundle.EXCLUDED
    import re

    named = set()
    for folder in ("app", "ui", "db"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            named |= {m.lower().replace("_", "-") for m in re.findall(r"""(?:encoding=|\.decode\(|\.encode\()\s*["']([\w-]+)["']""", text)}
    assert named and named <= {"utf-8", "utf8", "utf-8-sig", "utf-16", "ascii", "latin-1", "gbk", "gb18030"}, named


def test_pillows_padded_libxau_is_taken_from_the_system(tmp_path):
    system = tmp_path / "libXau.so.6"
    system.write_bytes(b"\x7fELF")
    binaries = [("pillow.libs/libXau-154567c4.so.6.0.0", "/wheel/libXau-154567c4.so.6.0.0", "BINARY"),
                ("pillow.libs/libxcb-9065bb12.so.1.1.0", "/wheel/libxcb-9065bb12.so.1.1.0", "BINARY"),
                ("libXau-other.so.6", "/x/libXau-other.so.6", "BINARY")]
    out, used = bundle.unpadded_libxau(binaries, candidates=(str(tmp_path / "missing"), str(system)))
    assert used == str(system)
    assert out == [("pillow.libs/libXau-154567c4.so.6.0.0", str(system), "BINARY")] + binaries[1:]
    assert bundle.unpadded_libxau(binaries, candidates=(str(tmp_path / "missing"),)) == (binaries, None)
    # the functions Pillow's libxcb calls are the system library's (when this machine has one)
    found = next((c for c in bundle.SYSTEM_LIBXAU if Path(c).is_file()), None)
    if found:
        import ctypes

        library = ctypes.CDLL(found)
        assert library.XauGetBestAuthByAddr and library.XauDisposeAuth


def test_qt_opens_no_network_connection_so_its_tls_plugins_stay_out():
    """``tls`` is not among the bundled plugin folders: that holds only while nothing in the
    program asks Qt for a socket other than the one-instance local socket."""
    import re

    assert "tls" not in bundle.QT_PLUGIN_DIRS
    pattern = re.compile(r"\b(QSsl\w*|QTcpSocket|QUdpSocket|QNetworkAccessManager|QNetworkRequest|QDtls\w*)\b")
    used = {f"{path.relative_to(ROOT)}: {match}" for folder in ("app", "ui", "db") for path in (ROOT / folder).rglob("*.py")
            for match in pattern.findall(path.read_text(encoding="utf-8"))}
    assert not used
