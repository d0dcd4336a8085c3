"""The registry of print kinds: every document the program can print, by name.

An area declares its kinds in its ``documents`` module::

    from app.i18n import N_
    from app.printing import PrintKind

    def _minutes(*, session, actor, ident):          # ident: a record id, or "latest"
        ...
        return Document(title=..., blocks=[...])

    PRINT_KINDS = (PrintKind("minutes", public=False, description=N_("Meeting minutes"), builder=_minutes),)

and lists it in its entry of :mod:`app.areas` (``print_kinds``) so that ``villagedesk print
--list`` and the GUI find it.

A builder checks its own permissions (``app.auth.require``), raises ``app.errors.NotFound`` for
an unknown ``ident``, and only reads: printing never changes the database. ``public`` kinds go
on a board: whatever the builder returns is marked public and de-identified by
:func:`app.privacy.mask_document` — table columns, ID and phone numbers, and the names of the
people register written in the text — apart from what the document lists in ``unmasked``.
A builder that returns an already de-identified document (an issued notice's frozen copy) gets
it back unchanged.
"""
from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any, Protocol

from app.errors import NotFound
from app.i18n import _
from app.printing.model import Document, NoticeParts


class Builder(Protocol):
    def __call__(self, *, session: Any, actor: Any, ident: str) -> Document: ...


@dataclasses.dataclass(frozen=True)
class PrintKind:
    """One kind of printable document."""

    name: str
    public: bool
    description: str  # English msgid marked with N_; shown through _()
    builder: Callable[..., Document]
    parts: NoticeParts | None = None  # a notice kind: which closing paragraphs it prints

    @property
    def label(self) -> str:
        return _(self.description)


_kinds: dict[str, PrintKind] = {}
_lock = threading.Lock()
_loaded = False


def _check_name(name: str) -> None:
    """Names are lower-case words with ``_``/``-``: they are typed on the command line."""
    if not name or not all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in name) or name != name.lower():
        raise ValueError(f"bad print kind name {name!r}")


def register_kind(name: str, public: bool, description: str, builder: Callable[..., Document],
                  parts: NoticeParts | None = None) -> PrintKind:
    """Add (or replace) a kind outside the area registry — for tests and one-off tools."""
    _check_name(name)
    kind = PrintKind(name=name, public=bool(public), description=description, builder=builder, parts=parts)
    _load()
    with _lock:
        _kinds[name] = kind
    return kind


def _load() -> None:
    """Take every area's kinds from :mod:`app.areas` (imported here, not at start-up)."""
    global _loaded
    if _loaded:
        return
    from app.areas import print_kinds

    with _lock:
        for kind in print_kinds():
            _check_name(kind.name)
            if kind.name in _kinds:
                raise ValueError(f"print kind {kind.name} is declared twice")
            _kinds[kind.name] = kind
        _loaded = True


def kinds() -> list[PrintKind]:
    """Every registered kind, by name."""
    _load()
    with _lock:
        return sorted(_kinds.values(), key=lambda k: k.name)


def _indexed(name: str) -> PrintKind | None:
    """The kind from its own documents module (:data:`app.area_index.PRINT_KINDS`), before the
    whole registry is loaded: ``villagedesk print notice`` imports one area, not every one."""
    import importlib

    from app.area_index import PRINT_KINDS

    module = PRINT_KINDS.get(name)
    if module is None:
        return None
    return next((kind for kind in importlib.import_module(module).PRINT_KINDS if kind.name == name), None)


def get_kind(name: str) -> PrintKind:
    kind = None if _loaded else _indexed(name)
    if kind is not None:
        return kind
    _load()
    with _lock:
        kind = _kinds.get(name)
    if kind is None:
        raise NotFound(_("There is no print kind {kind}. `villagedesk print --list` names them.").format(kind=name))
    return kind


def build_document(name: str, *, session: Any, actor: Any, ident: str = "latest") -> Document:
    """The document of kind ``name`` for record ``ident``; public kinds come back de-identified."""
    from app.privacy import mask_document, registered_names

    kind = get_kind(name)
    document = kind.builder(session=session, actor=actor, ident=ident or "latest")
    if kind.public:
        document = dataclasses.replace(document, public=True)
        if not document.deidentified:
            document = mask_document(document, names=registered_names(session))
    return document
