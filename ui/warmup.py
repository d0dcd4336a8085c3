"""Loading code while the clerk is busy elsewhere, so that what they wait for only does its own work.

- While the login form is shown (the store is open, the clerk types the password): the database
  worker imports what the 工作台 reads right after signing in (every area's to-do items and
  figures). A sign-in submitted meanwhile simply queues behind it: nothing is done twice.
- After signing in, once the 工作台 has its figures (the worker is idle): the modules of the pages
  not opened yet are imported on the GUI thread, then those pages are built, hidden (widgets
  made, styled and laid out at the window's size, no data read), one per turn of the event loop
  with a pause between them, so input is handled in between; then, each time the database worker
  is idle, one page that reads only on its first show reads it (``Page.preload``: reads only, and
  never the mediation cases); and each page is painted once into a picture nobody sees (Qt lays
  out its rows and draws its glyphs). A page's first open then costs what a later one does.

Nothing here touches the data or decides anything: a module that fails to import is left for the
page to report when it is opened.
"""
from __future__ import annotations

import functools
import importlib
import logging
import sys
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

# What app.workbench.todo and app.first_steps import on their first call (app.areas, which
# app.stats.collect imports, is loaded after the password check: ui/main_window.py, issue 16).
SIGN_IN_MODULES = ("app.auth", "app.workbench", "app.workbench.items", "app.stats", "app.first_steps")
STEP_PAUSE_MS = 15  # between two steps: the event loop handles input meanwhile


# Qt widget classes the pages build. PySide6 makes a class's Python type, with a batch of ~100
# enums, the first time one is constructed: 50–100 ms that fell on the first page opened after
# sign-in. One of each is made (never shown) and dropped in the first pause instead.
WIDGET_TYPES = ("QTabWidget", "QTableView", "QHeaderView", "QSplitter", "QComboBox", "QCheckBox", "QLineEdit",
                "QPushButton", "QToolButton", "QRadioButton", "QPlainTextEdit", "QTextEdit", "QDateEdit",
                "QSpinBox", "QGroupBox", "QListWidget", "QScrollArea", "QProgressBar", "QFrame", "QLabel",
                "QStackedWidget", "QFormLayout", "QGridLayout", "QDialogButtonBox")


def make_widget_types() -> None:
    from PySide6 import QtCore, QtWidgets

    for name in WIDGET_TYPES:
        try:
            cls = getattr(QtWidgets, name)
            made = cls(QtCore.Qt.Orientation.Horizontal) if name == "QHeaderView" else cls()
        except Exception:  # noqa: BLE001 - a warm-up only: the page builds its own
            log.exception("warming up %s", name)
            continue
        if isinstance(made, QtWidgets.QWidget):
            made.deleteLater()


# Enum types PySide6 made the first time a page was opened by a click (2–3 ms of its CPU), by the
# classes that have them: the print preview's modes (its module's types set up as the first page's
# widgets were wrapped), the PDF classes' and the text layout's the tables' painting uses.
ENUM_TYPES = (("QtPrintSupport", "QPrintPreviewWidget", ("ViewMode", "ZoomMode")),
              ("QtPdf", "QPdfDocument", ("Status", "Error", "PageModelRole")),
              ("QtPdf", "QPdfBookmarkModel", ("Role",)), ("QtPdf", "QPdfSearchModel", ("Role",)),
              ("QtPdf", "QPdfLinkModel", ("Role",)), ("QtPdf", "QPdfPageRenderer", ("RenderMode",)),
              ("QtPdf", "QPdfDocumentRenderOptions", ("Rotation", "RenderFlag")),
              ("QtGui", "QTextLine", ("Edge", "CursorPosition")))


def make_enum_types() -> None:
    for module_name, class_name, names in ENUM_TYPES:
        try:
            cls = getattr(importlib.import_module(f"PySide6.{module_name}"), class_name)
            for name in names:
                getattr(cls, name)
        except Exception:  # noqa: BLE001 - a warm-up only: made when first used instead
            log.debug("warming up %s.%s", class_name, names, exc_info=True)


# The characters of the interface's texts (the current language's catalogue), drawn once each in
# the interface's font, regular and bold (tables, labels, buttons; headers), into a picture nobody
# sees, a chunk per pause (each 3–10 ms on the 2-core machine): Qt rasterises a glyph the first
# time it is drawn at a place within a pixel (draw_glyphs), and the first page a click built before
# the warm-up did drew a few hundred of them in its first paint.
GLYPHS_PER_STEP = 60
def interface_characters(language: str | None = None) -> str:
    """Every character of the language's translated texts, the most used first (no spaces or
    control characters)."""
    from collections import Counter

    from app import i18n

    catalog = getattr(i18n.translations(language), "_catalog", {}) or {}
    counts = Counter("".join(text for text in catalog.values() if isinstance(text, str)))  # counted in C
    return "".join(char for char, _count in counts.most_common() if not char.isspace() and char.isprintable())


def glyph_steps(text: str | None = None, per_step: int = GLYPHS_PER_STEP) -> list[Callable[[], None]]:
    """Steps that each draw ``per_step`` characters of ``text`` (:func:`interface_characters`) in
    the application's font, regular and bold."""
    text = interface_characters() if text is None else text
    return [functools.partial(draw_glyphs, text[start:start + per_step]) for start in range(0, len(text), per_step)]


# Where a glyph is drawn within a pixel: Qt keeps a glyph's picture for each of these quarter-pixel
# positions it was drawn at (FreeType's, with subpixel positioning).
SUBPIXEL_OFFSETS = (0.0, 0.25, 0.5, 0.75)
DRAWN: dict[bool, set[str]] = {False: set(), True: set()}  # the characters drawn so far, regular and bold


def draw_glyphs(text: str, weights: tuple[bool, ...] = (False, True)) -> None:
    """Draw each character of ``text`` once in the interface's font, regular and bold (``weights``:
    bold or not), where it will be drawn: a Chinese character (a whole number of pixels wide) on a
    pixel's edge, as a label or a cell starts; a letter, digit or mark (a fraction of a pixel wide,
    placed anywhere within a pixel after one another) at each quarter of a pixel. Drawn as one
    line, the characters after the first letter sat between pixels: their pictures were not the
    ones the pages drew."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QFont, QGlyphRun, QImage, QPainter, QTextLayout
    from PySide6.QtWidgets import QApplication

    picture = QImage(8, 8, QImage.Format.Format_ARGB32_Premultiplied)  # what is drawn outside is dropped
    painter = QPainter(picture)
    try:
        for bold in weights:
            font = QFont(QApplication.font())
            font.setBold(bold)
            layout = QTextLayout(text, font)  # shaped as the pages shape it: each character's font (fallbacks too)
            layout.beginLayout()
            layout.createLine()
            layout.endLayout()
            for run in layout.glyphRuns():
                raw, glyphs = run.rawFont(), run.glyphIndexes()
                advances = raw.advancesForGlyphIndexes(glyphs)
                fractional = [glyph for glyph, advance in zip(glyphs, advances) if advance.x() != int(advance.x())]
                for offset in SUBPIXEL_OFFSETS:
                    drawn = glyphs if offset == 0.0 else fractional
                    if not drawn:
                        continue
                    placed = QGlyphRun()
                    placed.setRawFont(raw)
                    placed.setGlyphIndexes(drawn)
                    placed.setPositions([QPointF(offset, 6.0)] * len(drawn))
                    painter.drawGlyphRun(QPointF(0.0, 0.0), placed)
            DRAWN[bold].update(text)
    finally:
        painter.end()


# A page's warm read (ui.main_window.Workspace.warm_reads) holds the names and titles its first
# screen shows: once it arrives, in a pause, their characters are drawn and the texts measured
# (ui.table_model.measure_texts), so that the page a click builds draws no character for the first
# time and fits its columns from known widths (a page of names and places drew ~200 characters and
# measured ~450 texts: a third of its first open). Only the first rows of a list are looked at (a
# screenful; a list's columns are fitted to all its rows, the rest measured then), and short texts.
ROWS_LOOKED_AT = 100
LONGEST_TEXT = 80
_NESTING = 6


def texts_of(value: object) -> set[str]:
    """The texts in ``value``: a page's warm read, of dataclasses, lists, tuples and dicts (their
    values) as deep as a row's fields; the first :data:`ROWS_LOOKED_AT` items of each list and
    texts up to :data:`LONGEST_TEXT` long (a description is not on a list's screen)."""
    import dataclasses
    from collections.abc import Mapping, Sequence

    found: set[str] = set()
    todo: list[tuple[object, int]] = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, str):
            if len(item) <= LONGEST_TEXT:
                found.add(item)
        elif depth >= _NESTING or isinstance(item, (bytes, bytearray)):
            continue
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            todo += [(getattr(item, field.name, None), depth + 1) for field in dataclasses.fields(item)]
        elif isinstance(item, Mapping):
            todo += [(inner, depth + 1) for inner in list(item.values())[:ROWS_LOOKED_AT]]
        elif isinstance(item, Sequence):
            todo += [(inner, depth + 1) for inner in item[:ROWS_LOOKED_AT]]
    return found


def characters_of(value: object) -> set[str]:
    """The characters of :func:`texts_of` ``value`` (no spaces or control characters)."""
    return {char for char in "".join(texts_of(value)) if not char.isspace() and char.isprintable()}


def warm_data(value: object) -> None:
    """For a page's warm read ``value``: draw the characters of its texts not drawn yet, in the
    interface's regular font (a list's cells), and measure the texts in it."""
    from PySide6.QtWidgets import QApplication

    from ui.table_model import measure_texts

    texts = texts_of(value)
    new = {char for char in "".join(texts) if not char.isspace() and char.isprintable()} - DRAWN[False]
    if new:
        draw_glyphs("".join(sorted(new)), weights=(False,))
    measure_texts(texts, QApplication.font())


def import_quietly(name: str) -> None:
    try:
        importlib.import_module(name)
    except Exception:  # noqa: BLE001 - the page says what is wrong when it is opened
        log.exception("warming up %s", name)


def preload_for_sign_in(submit: Callable[..., object]) -> None:
    """Queue the imports of the first screen after sign-in on the database worker (``submit`` is
    :meth:`ui.ops.DatabaseWorker.submit`)."""
    def job(_worker: object) -> None:
        for name in SIGN_IN_MODULES:
            import_quietly(name)

    submit(job, mode="call", writes=False)


class PageWarmup(QObject):
    """Imports ``modules`` one at a time on the GUI thread, then runs ``builds`` (each builds one
    page, hidden) one at a time; ``finished`` when all are done."""

    finished = Signal()

    def __init__(self, modules: Iterable[str], parent: QObject | None = None,
                 builds: Iterable[Callable[[], object]] = ()):
        super().__init__(parent)
        self._todo: list[str | Callable[[], object]] = [make_widget_types, make_enum_types, *glyph_steps()]
        self._todo += [name for name in dict.fromkeys(modules) if name not in sys.modules]
        self._todo += list(builds)
        self.done = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(STEP_PAUSE_MS)
        self._timer.timeout.connect(self._step)

    def start(self) -> None:
        if not self.done and not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _step(self) -> None:
        while self._todo and isinstance(self._todo[0], str) and self._todo[0] in sys.modules:
            self._todo.pop(0)  # a page opened meanwhile loaded it
        if self._todo:
            step = self._todo.pop(0)
            if isinstance(step, str):
                import_quietly(step)
            else:
                try:
                    if step() is False:  # not now (the database worker is busy): in the next pause
                        self._todo.insert(0, step)
                except Exception:  # noqa: BLE001 - the page says what is wrong when it is opened
                    log.exception("warming up %s", getattr(step, "__name__", step))
        else:
            self.done = True
            self.finished.emit()
            return
        self._timer.start()


# Modules a page loads when it is built, not with its own module: its part for this kind of store
# (数据报送), the administration box (设置) and what reads the backups' dates there. A page a click
# builds before the warm-up did loaded them then (5–10 ms).
BUILT_WITH: dict[str, dict[str, tuple[str, ...]]] = {
    "sync": {"village": ("ui.pages.sync.village",), "township": ("ui.pages.sync.township",)},
    "settings": {"village": ("ui.pages.admin", "_strptime"), "township": ("ui.pages.admin", "_strptime")},
}


def page_modules(keys: Iterable[str], pages: dict[str, str], store_kind: str = "village") -> list[str]:
    """The modules of ``pages`` (``"ui.pages.x:Class"``) for these area keys, in that order, each
    followed by those it loads when built (:data:`BUILT_WITH`, for this kind of store)."""
    found = []
    for key in keys:
        if key in pages:
            found.append(pages[key].split(":")[0])
            found += BUILT_WITH.get(key, {}).get(store_kind, ())
    return found
