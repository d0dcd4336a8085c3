"""What goes into the one-folder program, in one place: read by ``villagedesk.spec`` when it
builds and by ``tests/test_installers.py`` (which checks it without building).

Plain Python with no PyInstaller import, so the test can read it anywhere.
"""
from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "villagedesk"  # dist/villagedesk/villagedesk(.exe)
GUI_NAME = "villagedesk-gui"  # Windows only: the same program without a console window
ICON_PNG = ROOT / "resources" / "icons" / "villagedesk.png"
ICON_ICO = ROOT / "resources" / "icons" / "villagedesk.ico"

# Modules the app never imports (tests/test_installers.py checks that it does not): Qt's big
# optional parts, other Qt bindings, test and notebook tools. PySide6 Essentials ships them all.
# (QtOpenGL and QtOpenGLWidgets go too, now that the 工作台's charts are drawn with QPainter.)
QT_EXCLUDED = [
    "PySide6.QtQml", "PySide6.QtQmlFeatures", "PySide6.QtQmlModels", "PySide6.QtQmlWorkerScript",
    "PySide6.QtQuick", "PySide6.QtQuickControls2", "PySide6.QtQuickTest", "PySide6.QtQuickWidgets",
    "PySide6.QtQuick3D", "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.Qt3DInput",
    "PySide6.Qt3DLogic", "PySide6.Qt3DAnimation", "PySide6.Qt3DExtras",
    "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets", "PySide6.QtSpatialAudio",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel", "PySide6.QtWebSockets", "PySide6.QtWebView",
    "PySide6.QtDesigner", "PySide6.QtUiTools", "PySide6.QtHelp", "PySide6.QtTest",
    "PySide6.QtSql", "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtDBus",
    "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "PySide6.QtGraphs", "PySide6.QtBluetooth", "PySide6.QtNfc", "PySide6.QtPositioning",
    "PySide6.QtLocation", "PySide6.QtSensors", "PySide6.QtSerialPort", "PySide6.QtSerialBus",
    "PySide6.QtRemoteObjects", "PySide6.QtScxml", "PySide6.QtStateMachine", "PySide6.QtTextToSpeech",
    "PySide6.QtHttpServer", "PySide6.QtNetworkAuth", "PySide6.QtLabsStyleKit", "PySide6.QtAxContainer",
    "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
]
OTHER_EXCLUDED = [
    "tkinter", "PyQt5", "PyQt6", "PySide2", "matplotlib", "IPython", "jupyter_client", "ipykernel",
    "pytest", "_pytest", "pytestqt", "hypothesis", "pypdf", "OpenGL", "scipy", "pandas", "cupy", "numba",
    "h5py", "colorcet",
    # The charts are QPainter: no pyqtgraph, and so no numpy (and its OpenBLAS, 39 MB).
    "pyqtgraph", "numpy",
    # Build and console tools nothing in the program imports (PyInstaller's setuptools runtime hook
    # also went with them, run at every start): packaging (babel needs pkg_resources only to extract
    # messages), Pygments (Mako and ReportLab import it in a try, for HTML error pages and code
    # listings), pydoc's topics, GNU readline (interactive prompts). 3.5 MB.
    "setuptools", "pkg_resources", "distutils", "pygments", "pydoc_data", "readline",
    # PostgreSQL is the optional ``postgres`` extra (a county server), not part of the desktop program.
    "psycopg", "psycopg_binary", "psycopg_c", "psycopg_pool", "psycopg2",
    # Pillow's parts the app never uses: attachments are stored as JPEG or PNG (app.attachments: any
    # picture Pillow reads comes in, so the readers stay, WebP from phones and chats included) and
    # ReportLab draws text itself, so no AVIF (5 MB), text drawing (_imagingft: FreeType + HarfBuzz,
    # 3 MB), colour management (_imagingcms: lcms2) or Tk bridge. Only the C extensions go: Pillow
    # imports them in a try and says "not supported" if one is used (tests/test_installers.py checks
    # the app's picture path without them).
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._imagingtk", "PIL.ImageTk", "PIL._imagingcms", "PIL._imagingft",
    # Python's codecs for Japanese, Korean, traditional-Chinese (Big5, HKSCS) and ISO-2022 text: the
    # app reads and writes UTF-8 only (its files, .xlsx, CSV pasted from a spreadsheet; no encoding
    # can be chosen anywhere). _codecs_cn (GBK, GB18030) stays. Such an encoding is then "unknown"
    # (LookupError), as for any codec Python lacks. 0.7 MB.
    "_codecs_jp", "_codecs_kr", "_codecs_tw", "_codecs_hk", "_codecs_iso2022",
]
EXCLUDED = QT_EXCLUDED + OTHER_EXCLUDED

# Imported by name at run time (pages of ui.pages.PAGES, area registries) or lazily inside
# functions: listed so that the analysis cannot miss them.
HIDDEN_PACKAGES = ["app", "ui", "db"]  # every submodule (not db.migrations: shipped as files)
HIDDEN_IMPORTS = ["pypdfium2", "pyrage", "argon2", "python_calamine",
                  "nacl.signing", "reportlab", "PIL.Image", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
                  "PySide6.QtSvg", "sqlalchemy.dialects.sqlite"]

# Qt plugins the app needs (platform, images incl. the SVG arrow, print support); the rest go.
# (No Wayland: the program runs through XWayland there, see QT_PLUGINS_EXCLUDED. No ``tls``:
# Qt opens no network connection — QtNetwork serves only the one-instance local socket; the push
# to the township goes through Python's own ssl.)
QT_PLUGIN_DIRS = ["platforms", "imageformats", "iconengines", "printsupport", "platformthemes",
                  "platforminputcontexts", "styles"]
# …and within those folders, plugins for devices and desktops a village office does not have:
# framebuffer/EGL/VNC/Vulkan screens, and the GTK theme (it alone drags in ~25 MB of GTK). And the
# Wayland platform (qwayland, with libQt6WaylandClient and its shell and decoration plugins, 1.8 MB):
# on a Wayland session Qt asks for "wayland;xcb", finds no wayland plugin and takes xcb, which the
# session's XWayland serves (every Wayland desktop — GNOME, KDE, deepin, UKUI — starts it for X11
# programs); on GNOME Qt takes xcb anyway. QT_QPA_PLATFORM=wayland then fails with Qt's own message.
QT_PLUGINS_EXCLUDED = ["qeglfs", "qlinuxfb", "qvnc", "qvkkhrdisplay", "qminimalegl", "qgtk3", "qwayland"]
# Image formats Qt itself reads: the pictures it shows are the stored attachments and their
# thumbnails (JPEG or PNG, app.attachments makes them so; PNG is built into QtGui), the icons (PNG)
# and the combo-box arrow (SVG). TIFF, WebP, GIF, ICNS, TGA, WBMP and PDF-as-image go (2 MB);
# Pillow, not Qt, reads what a user attaches. (On Windows the .ico is the .exe's own resource.)
QT_IMAGE_FORMATS = ["qjpeg", "qsvg", "qico"]
# Windows: Mesa's software OpenGL (opengl32sw.dll, ~20 MB), which Qt loads only to create an OpenGL
# context on a PC without a GPU driver: the program draws with QPainter (raster) and has no OpenGL
# or Quick module left. (Linux has no counterpart; untested here, the Windows workflow's smoke test
# and --self-test run on the built folder.)
QT_WINDOWS_EXCLUDED = {"opengl32sw.dll"}
# Qt's own translations: Chinese only (English is Qt's own language).
QT_TRANSLATIONS = {"qtbase_zh_CN.qm", "qt_zh_CN.qm"}
# Babel locale data: the two languages the app speaks and what they inherit from.
BABEL_LOCALES = ("root", "en", "en_US", "en_001", "zh", "zh_Hans", "zh_Hans_CN")

# Linux: system libraries a desktop always has, which the built program therefore does not carry
# (a bundled copy of these is what breaks on a newer system: the graphics driver loaded from the
# system then finds an older libstdc++ or libxcb beside the program). The reference is AppImage's
# excludelist (github.com/AppImageCommunity/pkg2appimage, file `excludelist`, as of 2025): these
# are its entries, in its order, comments shortened.
APPIMAGE_EXCLUDELIST = [
    # "part of the GNU C Library which should never be bundled"
    "ld-linux.so.2", "ld-linux-x86-64.so.2", "libanl.so.1", "libBrokenLocale.so.1", "libcidn.so.1",
    "libc.so.6", "libdl.so.2", "libm.so.6", "libmvec.so.1", "libnss_compat.so.2", "libnss_dns.so.2",
    "libnss_files.so.2", "libnss_hesiod.so.2", "libnss_nisplus.so.2", "libnss_nis.so.2",
    "libpthread.so.0", "libresolv.so.2", "librt.so.1", "libthread_db.so.1", "libutil.so.1",
    "libstdc++.so.6",  # "version `GLIBCXX_3.4.21' not found" when the system's is newer
    # the graphics driver's (OpenGL, EGL, Mesa): "known to cause issues if it's bundled"
    "libGL.so.1", "libEGL.so.1", "libGLdispatch.so.0", "libGLX.so.0", "libOpenGL.so.0", "libdrm.so.2",
    "libglapi.so.0", "libgbm.so.1",
    "libxcb.so.1", "libX11.so.6", "libX11-xcb.so.1",  # symbol lookup errors against the system's xcb
    "libwayland-client.so.0",  # Mesa's dependency issues with a bundled one
    "libasound.so.2",
    "libfontconfig.so.1", "libfreetype.so.6", "libharfbuzz.so.0",  # the system's font stack
    # "assumed to be part of the base system"
    "libcom_err.so.2", "libexpat.so.1", "libgcc_s.so.1", "libgpg-error.so.0", "libICE.so.6",
    "libSM.so.6", "libusb-1.0.so.0", "libuuid.so.1", "libz.so.1",
    "libjack.so.0", "libpipewire-0.3.so.0",  # must match the system's server
    "libxcb-dri3.so.0", "libxcb-dri2.so.0", "libfribidi.so.0",
    "libgmp.so.10",  # coreutils depends on it
]
GLIBC = set(APPIMAGE_EXCLUDELIST[:APPIMAGE_EXCLUDELIST.index("libstdc++.so.6")])
# …and three more, each a library of the desktop session that the .deb names in Depends (its
# Debian package beside it). Each drags in a chain the program no longer carries either (libcups:
# GnuTLS, Kerberos, Avahi, p11-kit, libunistring …; libdbus: libsystemd, libgcrypt, lz4): 12 MB.
DESKTOP_LIBRARIES = {
    "libcups.so.2": "libcups2",  # only Qt's print plugin (loaded when printing; without it: PDF only)
    "libdbus-1.so.3": "libdbus-1-3",  # QtGui and QtDBus: every desktop session runs on D-Bus
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",  # QtNetwork; libcups2 itself depends on it
}
SYSTEM_LIBRARIES = set(APPIMAGE_EXCLUDELIST) | set(DESKTOP_LIBRARIES)
# The Debian package of each system library the program links (read with `dpkg -S`), for the
# .deb's Depends when dpkg-shlibdeps is not there to compute it (build-linux.sh prefers it).
DEBIAN_PACKAGES = {
    "libc.so.6": "libc6", "libm.so.6": "libc6", "libdl.so.2": "libc6", "libpthread.so.0": "libc6",
    "librt.so.1": "libc6", "libutil.so.1": "libc6", "ld-linux-x86-64.so.2": "libc6",
    "libstdc++.so.6": "libstdc++6", "libgcc_s.so.1": "libgcc-s1", "libz.so.1": "zlib1g",
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libxcb.so.1": "libxcb1", "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1", "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6", "libexpat.so.1": "libexpat1",
    "libuuid.so.1": "libuuid1", "libcom_err.so.2": "libcom-err2", "libgpg-error.so.0": "libgpg-error0",
    "libgmp.so.10": "libgmp10", "libharfbuzz.so.0": "libharfbuzz0b", "libdrm.so.2": "libdrm2", "libgbm.so.1": "libgbm1",
    **DESKTOP_LIBRARIES,
}


def debian_depends_fallback(linked: set[str]) -> str:
    """The .deb's Depends from the system libraries the program links (``linked``: sonames), when
    dpkg-shlibdeps is not there: every one either is glibc or has its package in DEBIAN_PACKAGES."""
    missing = sorted(name for name in linked if name not in DEBIAN_PACKAGES and name not in GLIBC)
    if missing:
        raise SystemExit(f"no Debian package known for {' '.join(missing)}: add it to bundle.DEBIAN_PACKAGES")
    packages = {DEBIAN_PACKAGES[name] for name in linked if name in DEBIAN_PACKAGES} - {"libc6"}
    # the binaries need at most the glibc they were built against (dpkg-shlibdeps finds the least)
    import os

    glibc = (os.confstr("CS_GNU_LIBC_VERSION") or "glibc 2.31").split()[-1]
    return ", ".join([f"libc6 (>= {glibc})"] + sorted(packages))


def _elf_files(folder: Path) -> list[Path]:
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def _owners(names: set[str]) -> dict[str, str]:
    """soname → Debian package that ships it (``dpkg -S``), for the names found."""
    import subprocess

    if not names:
        return {}
    done = subprocess.run(["dpkg", "-S", *sorted(names)], capture_output=True, text=True)
    owners = {}
    for line in done.stdout.splitlines():
        package, _, path = line.partition(": ")
        name = Path(path.strip()).name
        if name in names and "/" in path:
            owners.setdefault(name, package.split(":")[0].split(",")[0].strip())
    return owners


def debian_depends(folder: Path) -> tuple[str, str]:
    """``(Depends, how)`` for the .deb of the built program in ``folder``: dpkg-shlibdeps over every
    ELF file when it is installed (versions included: the glibc the build needs), less the packages
    of libraries the program carries itself; else the hand-kept DEBIAN_PACKAGES."""
    import shutil
    import subprocess
    import tempfile

    elves = _elf_files(Path(folder).resolve())
    bundled = {path.name for path in elves}
    linked = {name for path in elves for name in elf_needed(path)} - bundled
    if shutil.which("dpkg-shlibdeps") is None or shutil.which("dpkg") is None:
        return debian_depends_fallback(linked), "by hand (installers/bundle.py DEBIAN_PACKAGES)"
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "debian").mkdir()
        (Path(tmp) / "debian" / "control").write_text(
            "Source: villagedesk\n\nPackage: villagedesk\nArchitecture: any\n", encoding="utf-8")
        dirs = sorted({f"-l{path.parent}" for path in elves})
        done = subprocess.run(["dpkg-shlibdeps", "-O", "--ignore-missing-info", *dirs, *map(str, elves)],
                              cwd=tmp, capture_output=True, text=True)
    line = next((l for l in done.stdout.splitlines() if l.startswith("shlibs:Depends=")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"dpkg-shlibdeps failed: {done.stderr[-2000:]}")
    depends = [d.strip() for d in line.removeprefix("shlibs:Depends=").split(",") if d.strip()]
    # dpkg-shlibdeps also names the system packages of the libraries the program carries (a copy
    # it finds in the system too): those are not needed.
    carried = _owners({name for name in bundled if ".so" in name})
    needed = _owners(linked)
    unused = set(carried.values()) - set(needed.values())
    depends = [d for d in depends if d.split()[0] not in unused]
    names = {d.split()[0] for d in depends}
    lost = sorted(f"{lib} ({pkg})" for lib, pkg in needed.items() if pkg not in names)
    if lost:
        raise SystemExit(f"Depends would miss the packages of {' '.join(lost)}")
    return ", ".join(depends), "dpkg-shlibdeps"


# Resources shipped as files (``resources/…`` in the bundle); .po catalogs are compiled instead.
RESOURCE_DIRS = ["fonts", "help", "icons"]
LANGUAGES = ("zh_CN", "en")


def project() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["project"]


def version() -> str:
    """The one version: ``[project] version`` of pyproject.toml."""
    return str(project()["version"])


def windows_version(value: str | None = None) -> str:
    """``0.1.0`` → ``0.1.0.0`` (NSIS VIProductVersion wants four numbers)."""
    import re

    numbers = [str(int(re.match(r"\d*", p).group() or 0)) for p in (value or version()).split(".")[:4]]
    return ".".join(numbers + ["0"] * (4 - len(numbers)))


def write_generated(target: Path, build_date: dt.date | None = None) -> list[tuple[str, str]]:
    """Write what the build generates into ``target`` and return it as PyInstaller ``datas``:
    ``resources/build.json`` (version and build date) and the compiled ``.mo`` catalogs."""
    from app.i18n import bundled_catalog, compile_catalog
    from app.paths import LOCALE_DIR

    target.mkdir(parents=True, exist_ok=True)
    info = {"version": version(), "build_date": (build_date or dt.date.today()).isoformat()}
    (target / "build.json").write_text(json.dumps(info), encoding="utf-8")
    datas = [(str(target / "build.json"), "resources")]
    for language in LANGUAGES:
        relative = bundled_catalog(language).relative_to(LOCALE_DIR)
        mo = target / "locale" / relative
        mo.parent.mkdir(parents=True, exist_ok=True)
        compile_catalog(language, mo)
        datas.append((str(mo), str(Path("resources/locale") / relative.parent)))
    return datas


def keep_data(dest: str) -> bool:
    """Whether a data file found by PyInstaller's hooks goes into the bundle (``dest`` is its path
    inside the bundle): other languages' Qt translations and Babel locales do not."""
    parts = Path(dest).parts
    name = parts[-1]
    if name.lower() in QT_WINDOWS_EXCLUDED:
        return False
    if "translations" in parts and name.endswith(".qm") and ("PySide6" in parts):
        return name in QT_TRANSLATIONS
    if len(parts) >= 2 and parts[-2] == "locale-data" and "babel" in parts:
        return name.removesuffix(".dat") in BABEL_LOCALES
    if "PySide6" in parts and "plugins" in parts:
        plugin_dir = parts[parts.index("plugins") + 1] if parts.index("plugins") + 1 < len(parts) else ""
        if plugin_dir == "imageformats":
            return any(name.startswith(("lib" + p + ".", p + ".")) for p in QT_IMAGE_FORMATS)
        return plugin_dir in QT_PLUGIN_DIRS and not any(name.startswith(("lib" + p, p)) for p in QT_PLUGINS_EXCLUDED)
    return True


def elf_needed(path) -> list[str]:
    """The libraries an ELF file names as its own direct dependencies (``DT_NEEDED``), read from the
    file. (PyInstaller's ``get_imports`` asks ``ldd``, which lists the whole closure as resolved on
    this machine: a library left to the system would then keep everything it links in the bundle.)"""
    import struct

    blob = Path(path).read_bytes()
    if blob[:4] != b"\x7fELF":
        return []
    wide, order = blob[4] == 2, "<" if blob[5] == 1 else ">"
    if wide:
        shoff, = struct.unpack_from(order + "Q", blob, 0x28)
        shentsize, shnum = struct.unpack_from(order + "HH", blob, 0x3A)
        header, entry = order + "IIQQQQIIQQ", order + "qQ"
    else:
        shoff, = struct.unpack_from(order + "I", blob, 0x20)
        shentsize, shnum = struct.unpack_from(order + "HH", blob, 0x2E)
        header, entry = order + "IIIIIIIIII", order + "iI"
    sections = [struct.unpack_from(header, blob, shoff + i * shentsize) for i in range(shnum)]
    names = []
    for section in sections:
        if section[1] != 6:  # SHT_DYNAMIC
            continue
        strings = sections[section[6]][4]  # sh_link → .dynstr, its sh_offset
        step = struct.calcsize(entry)
        for at in range(section[4], section[4] + section[5], step):
            tag, value = struct.unpack_from(entry, blob, at)
            if tag == 0:  # DT_NULL
                break
            if tag == 1:  # DT_NEEDED
                names.append(blob[strings + value:blob.index(b"\0", strings + value)].decode())
    return names


def prune_unneeded(binaries: list, needed) -> tuple[list, list[str]]:
    """Drop the top-level shared libraries (system libraries PyInstaller copied beside the program)
    that nothing left in the bundle links to, once unwanted plugins are gone (the GTK theme's GTK).

    ``binaries`` are PyInstaller's ``(dest, src, typecode)``; ``needed(src)`` lists the sonames a
    binary links to. Returns the kept entries and the names dropped."""
    extensions = {dest for dest, src, kind in binaries if kind == "EXTENSION"}

    def top_level(dest: str) -> bool:  # a shared library beside the program, not a Python module
        name = Path(dest).name
        return (Path(dest).parent == Path(".") and dest not in extensions and not name.startswith("libpython")
                and ".cpython-" not in name and not name.endswith((".pyd", ".abi3.so")))

    by_name = {Path(dest).name: (dest, src, kind) for dest, src, kind in binaries}
    queue = [src for dest, src, kind in binaries if not top_level(dest) and kind != "SYMLINK"]
    reached: set[str] = set()
    seen: set[str] = set()
    while queue:
        src = queue.pop()
        if src in seen:
            continue
        seen.add(src)
        for name in needed(src):
            base = Path(name).name
            if base in by_name and base not in reached:
                reached.add(base)
                dest, target, kind = by_name[base]
                if kind == "SYMLINK":  # libfoo.so.1 → libfoo.so.1.2.3: keep the file too
                    reached.add(Path(target).name)
                    if Path(target).name in by_name:
                        queue.append(by_name[Path(target).name][1])
                else:
                    queue.append(target)
    kept = [e for e in binaries if not top_level(e[0]) or Path(e[0]).name in reached]
    dropped = sorted(Path(e[0]).name for e in binaries if top_level(e[0]) and Path(e[0]).name not in reached)
    return kept, dropped

def drop_dangling_links(datas: list, binaries: list) -> list:
    """PyInstaller's ``datas`` without the symbolic links (``SYMLINK`` entries: ``(dest, relative
    target, "SYMLINK")``, e.g. ``libQt6OpenGL.so.6 → PySide6/Qt/lib/libQt6OpenGL.so.6``) whose target
    was left out of the bundle."""
    import os

    links = {dest: os.path.normpath(os.path.join(os.path.dirname(dest), src))
             for dest, src, kind in datas if kind == "SYMLINK"}
    present = {os.path.normpath(dest) for dest, _src, _kind in binaries}
    present |= {os.path.normpath(dest) for dest, _src, kind in datas if kind != "SYMLINK"}
    alive: set[str] = set()
    changed = True
    while changed:  # a link to a link lives when the last target does
        changed = False
        for dest, target in links.items():
            if dest not in alive and (target in present or target in {os.path.normpath(a) for a in alive}):
                alive.add(dest)
                changed = True
    return [entry for entry in datas if entry[2] != "SYMLINK" or entry[0] in alive]


# Pillow's wheel carries libXau (for its libxcb, for ImageGrab on X11) as a 2 MB file that is 14 KB of
# library and a 2 MB hole of zeros (the wheel's patchelf aligned a segment to 2 MB). libXau has not
# changed its interface in twenty years and Pillow's libxcb calls two of its functions
# (XauGetBestAuthByAddr, XauDisposeAuth): the build's own libXau.so.6 (Debian libxau6, which libxcb1,
# a Depends of the .deb, depends on) is copied under the wheel's file name instead. Linux only;
# nothing changes when the system has no libXau.
SYSTEM_LIBXAU = ("/usr/lib/x86_64-linux-gnu/libXau.so.6", "/usr/lib64/libXau.so.6", "/usr/lib/libXau.so.6")


def unpadded_libxau(binaries: list, candidates=SYSTEM_LIBXAU) -> tuple[list, str | None]:
    """``binaries`` with Pillow's padded ``pillow.libs/libXau-<hash>.so.6*`` taken from the system's
    libXau.so.6 (same file name in the bundle); and the system file used, or None."""
    import os

    system = next((c for c in candidates if os.path.isfile(c)), None)
    if system is None:
        return binaries, None
    system = os.path.realpath(system)
    out = []
    for dest, src, kind in binaries:
        parts = Path(dest).parts
        if len(parts) == 2 and parts[0] == "pillow.libs" and parts[1].startswith("libXau-") and ".so.6" in parts[1]:
            src = system
        out.append((dest, src, kind))
    return out, system


# Qt shared libraries that belong to excluded modules (a plugin may drag them in).
# (Qt6OpenGL also covers Qt6OpenGLWidgets; Qt6EglF the EGLFS device libraries of the excluded qeglfs.)
QT_EXCLUDED_LIBRARIES = ["Qt6Qml", "Qt6Quick", "Qt6WebEngine", "Qt6Multimedia", "Qt63D", "Qt6Designer",
                         "Qt6VirtualKeyboard", "Qt6Sql", "Qt6Test", "Qt6Charts", "Qt6Graphs", "Qt6OpenGL",
                         "Qt6EglF", "Qt6WaylandClient", "Qt6WlShellIntegration"]


if __name__ == "__main__":  # python installers/bundle.py depends dist/villagedesk  (build-linux.sh)
    import sys

    if sys.argv[1:2] == ["depends"] and len(sys.argv) == 3:
        value, how = debian_depends(Path(sys.argv[2]))
        print(value)
        print(f"Depends computed {how}", file=sys.stderr)
    else:
        sys.exit("usage: bundle.py depends FOLDER")
