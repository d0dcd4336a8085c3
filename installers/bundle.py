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
# (QtOpenGL stays: pyqtgraph's curves import it unconditionally; QtTest it imports only if present.)
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
]
OTHER_EXCLUDED = [
    "tkinter", "PyQt5", "PyQt6", "PySide2", "matplotlib", "IPython", "jupyter_client", "ipykernel",
    "pytest", "_pytest", "pytestqt", "hypothesis", "pypdf", "pyqtgraph.opengl", "pyqtgraph.examples",
    "pyqtgraph.jupyter", "OpenGL", "scipy", "pandas", "cupy", "numba", "h5py", "colorcet",
    # PostgreSQL is the optional ``postgres`` extra (a county server), not part of the desktop program.
    "psycopg", "psycopg_binary", "psycopg_c", "psycopg_pool", "psycopg2",
    # Pillow's AVIF codec (5 MB) and Tk bridge: photos are JPEG/PNG, there is no Tk.
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._imagingtk", "PIL.ImageTk",
]
EXCLUDED = QT_EXCLUDED + OTHER_EXCLUDED

# Imported by name at run time (pages of ui.pages.PAGES, area registries) or lazily inside
# functions: listed so that the analysis cannot miss them.
HIDDEN_PACKAGES = ["app", "ui", "db"]  # every submodule (not db.migrations: shipped as files)
HIDDEN_IMPORTS = ["pyqtgraph", "numpy", "pypdfium2", "pyrage", "argon2", "python_calamine",
                  "cryptography", "reportlab", "PIL.Image", "PySide6.QtPdf", "PySide6.QtPdfWidgets",
                  "PySide6.QtSvg", "sqlalchemy.dialects.sqlite"]

# Qt plugins the app needs (platform, images incl. the SVG arrow, print support); the rest go.
QT_PLUGIN_DIRS = ["platforms", "imageformats", "iconengines", "printsupport", "platformthemes",
                  "platforminputcontexts", "styles", "tls", "wayland-shell-integration",
                  "wayland-decoration-client"]
# …and within those folders, plugins for devices and desktops a village office does not have:
# framebuffer/EGL/VNC/Vulkan screens, and the GTK theme (it alone drags in ~25 MB of GTK).
QT_PLUGINS_EXCLUDED = ["qeglfs", "qlinuxfb", "qvnc", "qvkkhrdisplay", "qminimalegl", "qgtk3"]
# Qt's own translations: Chinese only (English is Qt's own language).
QT_TRANSLATIONS = {"qtbase_zh_CN.qm", "qt_zh_CN.qm"}
# Babel locale data: the two languages the app speaks and what they inherit from.
BABEL_LOCALES = ("root", "en", "en_US", "en_001", "zh", "zh_Hans", "zh_Hans_CN")

# Resources shipped as files (``resources/…`` in the bundle); .po catalogs are compiled instead.
RESOURCE_DIRS = ["fonts", "help", "ui", "icons"]
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
    if "translations" in parts and name.endswith(".qm") and ("PySide6" in parts):
        return name in QT_TRANSLATIONS
    if len(parts) >= 2 and parts[-2] == "locale-data" and "babel" in parts:
        return name.removesuffix(".dat") in BABEL_LOCALES
    if "PySide6" in parts and "plugins" in parts:
        plugin_dir = parts[parts.index("plugins") + 1] if parts.index("plugins") + 1 < len(parts) else ""
        return plugin_dir in QT_PLUGIN_DIRS and not any(name.startswith(("lib" + p, p)) for p in QT_PLUGINS_EXCLUDED)
    return True


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

# Qt shared libraries that belong to excluded modules (a plugin may drag them in).
QT_EXCLUDED_LIBRARIES = ["Qt6Qml", "Qt6Quick", "Qt6WebEngine", "Qt6Multimedia", "Qt63D", "Qt6Designer",
                         "Qt6VirtualKeyboard", "Qt6Sql", "Qt6Test", "Qt6Charts", "Qt6Graphs"]
