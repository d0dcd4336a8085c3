"""Printing: one small document model, two styles, rendered to PDF by ReportLab.

The stable API for every area that prints:

* the model — :class:`Document` with body blocks :class:`Para`, :class:`Heading`,
  :class:`Section`, :class:`Table` (+ :class:`Column`) and :class:`ItemList`;
* :func:`render` (``Document`` → PDF bytes, deterministic; the result also says which fonts it
  used, ``fonts_used``/``font_names``, and its page count) and :func:`write_pdf` (atomic);
* :func:`write_png`: the same PDF as one long picture or one per page (for the WeChat group);
* the registry — :func:`register_kind` (name, public, description msgid, builder),
  :func:`kinds`, :func:`get_kind`, :func:`build_document`, :func:`print_kind`; an area lists its
  kinds in :mod:`app.areas`;
* ready-made layouts in :mod:`app.printing.templates` (``roster``, ``public_notice``).

Public kinds are de-identified by :func:`app.privacy.mask_document` on the way out.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from app.printing.model import Chart, ChartSeries, Column, Document, Heading, ItemList, Para, Section, Table
from app.printing.registry import PrintKind, build_document, get_kind, kinds, register_kind

# ReportLab (and the fonts) load when something is first rendered, not when an area that can
# print is imported: the GUI's pages and most commands never render (PEP 562 module attributes).
_RENDERING = {"RenderedPDF": "app.printing.rendering", "TableTooWide": "app.printing.rendering",
              "UnprintableCharacters": "app.printing.rendering", "render": "app.printing.rendering",
              "write_pdf": "app.printing.rendering", "write_png": "app.printing.pages"}


def __getattr__(name: str) -> Any:
    module = _RENDERING.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

__all__ = [
    "Chart", "ChartSeries", "Column", "Document", "Heading", "ItemList", "Para", "PrintKind", "RenderedPDF", "Section", "Table",
    "TableTooWide", "UnprintableCharacters", "build_document", "get_kind", "kinds", "print_kind", "preview_document", "record_preview", "record_print",
    "register_kind", "render", "sha256", "write_pdf", "write_png",
]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def print_kind(name: str, *, session: Any, actor: Any, ident: str = "latest", out: str | Path | None = None,
               image: str | None = None, **options: Any) -> bytes:
    """Build, de-identify (public kinds), render and — when ``out`` is given — write one document,
    as a PDF or, with ``image="long"|"pages"``, as PNG pictures of the same pages.

    Rendering and writing come first; only a finished file is recorded (an audit note naming
    the kind, the record and the file's hash), so a failed print leaves the database untouched.
    """
    from app.printing.rendering import render, write_pdf

    document = build_document(name, session=session, actor=actor, ident=ident)
    data = render(document, **options)
    if out is not None:
        if image:
            from app.printing.pages import write_png  # pictures only: a PDF needs none of it

            written = write_png(data, out, mode=image)
            detail: dict[str, Any] = {"png": [str(p) for p in written]}
        else:
            write_pdf(data, out)
            detail = {"file": str(out)}
        record_print(session, name, ident, title=document.title, data=data, **detail)
    return data


def record_print(session: Any, kind: str, ident: str, *, title: str, data: bytes, **detail: Any) -> None:
    """Record that a document went to paper or to a file (``detail``: where), with the hash of the
    very bytes printed. The GUI calls this after the printer accepted the pages or the file was
    written; a read-only store shows and prints but records nothing."""
    from db.tracking import audit_note

    audit_note(session, table_name="print", row_id=f"{kind}:{ident}"[:64], note="printed",
               detail={"title": title, "sha256": sha256(bytes(data)), **_public(kind), **detail})


def _public(kind: str) -> dict[str, Any]:
    from app.errors import NotFound

    try:
        return {"public": get_kind(kind).public}
    except NotFound:
        return {"public": None}


def preview_document(name: str, *, session: Any, actor: Any, ident: str = "latest") -> Document:
    """:func:`build_document` for the on-screen preview, recorded in the audit log as seen (a
    reading act: on a read-only store it is shown and not recorded). Run it in a unit of work."""
    document = build_document(name, session=session, actor=actor, ident=ident)
    record_preview(session, name, ident, title=document.title)
    return document


def record_preview(session: Any, kind: str, ident: str, *, title: str = "") -> None:
    """Record that a document was shown in the preview (the GUI calls this on the database worker,
    in the unit that built the document); files written are recorded by ``print_kind``."""
    from db.tracking import audit_note

    audit_note(session, table_name="print", row_id=f"{kind}:{ident}"[:64], note="previewed",
               detail={"title": title, **_public(kind)})
