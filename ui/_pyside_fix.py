"""Work around a reference-count bug of shiboken6 6.12 on Python 3.11.

shiboken6 6.12 returns *borrowed* references to ``None`` (every void method: ``setText``,
``setEnabled``, ``processEvents`` …) and to ``True`` (``Signal.emit``), as if these singletons were
immortal — which they are only from Python 3.12 on. On 3.11 each such call takes one reference
away; after a few thousand calls Python aborts with "Fatal Python error: none_dealloc" (or
``bool_dealloc``) — in a GUI session within minutes. Measured here: PySide6 6.11.3 does not leak,
6.12.0 loses exactly one reference per call.

The singletons are never freed while the interpreter runs, so giving them a very large reference
count makes them as good as immortal, which is exactly the behaviour shiboken expects. Only done
on Python < 3.12 with shiboken6 ≥ 6.12; a no-op everywhere else.
"""
from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40  # far more calls than any session makes


def _shiboken_version() -> str | None:
    """shiboken6's version, read without importing it (importing it costs ~0.15 s, which the
    command line, importing ``ui.launcher``, must not pay): from the package's ``_config.py``, and
    from the import itself only where there is no such file (a frozen build)."""
    import importlib.util
    import re

    try:
        spec = importlib.util.find_spec("shiboken6")
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    for folder in spec.submodule_search_locations or ():
        try:
            text = open(f"{folder}/_config.py", encoding="utf-8").read()
        except OSError:
            continue
        found = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
        if found:
            return found.group(1)
    try:
        import shiboken6
    except ImportError:
        return None
    return shiboken6.__version__


def _affected() -> bool:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    found = _shiboken_version()
    if found is None:
        return False
    version = tuple(int(part) for part in found.split(".")[:2] if part.isdigit())
    return version >= (6, 12)


def make_singletons_immortal() -> bool:
    if not _affected():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every PyObject in a release build of CPython 3.11.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    return True


APPLIED = make_singletons_immortal()


def answer_feature_scans_from_namespaces() -> bool:
    """shiboken6 asks of every module imported after it whether the module uses PySide6 (for its
    ``__feature__`` switches, which this program never turns on), by reading the module's whole
    source with ``inspect.getsource``. That keeps every line of every module in ``linecache``:
    31 MB of this program's memory, and a file read per import. The same question is answered here
    from the module's names (a module that uses PySide6 holds something of it); an installed build,
    which has no sources to read, got "no" for every module anyway. Call once PySide6 is imported.
    """
    import linecache
    import types

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False

    def uses_pyside(module: types.ModuleType) -> bool:
        for value in list(vars(module).values()):
            name = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
            if isinstance(name, str) and name.startswith("PySide6"):
                return True
        return False

    feature._mod_uses_pyside = uses_pyside
    linecache.clearcache()  # what was read before (a cache: a traceback reads its lines again)
    return True
