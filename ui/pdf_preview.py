"""In-app PDF preview and printing (QtPdf): no external viewer needed.

:class:`PdfPreview` shows PDF bytes in a ``QPdfView`` (all pages, scrolled); :func:`print_pdf`
sends them through the system print dialog (``QPrintDialog`` / ``QPrinter``) by rendering each
page at the printer's resolution. Under the pages a line says which fonts the document used
(``RenderedPDF.font_names``), so a clerk sees at once whether the official fonts were found.
"""
from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.i18n import _


class PdfPreview(QWidget):
    """A read-only view of one PDF given as bytes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.fonts_label = QLabel(self)
        self.fonts_label.setObjectName("pdfFonts")
        self.fonts_label.setWordWrap(True)
        self.fonts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fonts_label.hide()
        layout.addWidget(self.fonts_label)
        self._buffer: QBuffer | None = None
        self.data = b""

    def set_pdf(self, data: bytes) -> bool:
        """Show ``data``; False when it is not a readable PDF."""
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
        self.data = data
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.fonts_label.setText(fonts_line(data))
        self.fonts_label.setVisible(bool(self.fonts_label.text()))
        return self.document.status() == QPdfDocument.Status.Ready

    def clear(self) -> None:
        self.document.close()
        self.data = b""
        self.fonts_label.clear()
        self.fonts_label.hide()

    def page_count(self) -> int:
        return self.document.pageCount()


def fonts_line(data: bytes) -> str:
    """"Fonts used: 文泉驿微米黑, …" for a rendered PDF (``RenderedPDF``); empty for plain bytes."""
    names = getattr(data, "font_names", None)
    if not names:
        return ""
    return _("Fonts used: {fonts}").format(fonts=", ".join(names))


def paint_pages(document: QPdfDocument, printer: QPrinter) -> int:
    """Render every page of ``document`` onto ``printer``; the number of pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        dpi = printer.resolution()
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
            image = document.render(page, size)
            target = painter.viewport()
            scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(target.x(), target.y(), image.scaled(scaled, Qt.AspectRatioMode.KeepAspectRatio,
                                                                   Qt.TransformationMode.SmoothTransformation))
        return document.pageCount()
    finally:
        painter.end()


def print_pdf(parent: QWidget, document: QPdfDocument) -> bool:
    """Ask for a printer and print; False when the user cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setFullPage(True)  # the PDF has its own margins (GB/T 9704)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    return paint_pages(document, printer) > 0
