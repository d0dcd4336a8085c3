"""Plain data across the boundary: a frozen, detached copy of a row for callers outside ``app/``.

Services work on ORM rows inside their unit of work; what they hand out is a *view*: a frozen
dataclass with the row's columns (same names, same values), no session, no lazy loading, safe to
pass to the GUI thread and impossible to save back by accident::

    MeetingView = view_class(Meeting, "MeetingView")
    def plan_meeting(*, session, actor, ...) -> MeetingView:
        ...
        return view(MeetingView, meeting)

A view class may add derived fields (``extra``) that the service fills in.
"""
from __future__ import annotations

import dataclasses
from typing import Any

_CACHE: dict[tuple[type, str], type] = {}


def view_class(model: type, name: str, *, extra: dict[str, Any] | None = None, hide: tuple[str, ...] = ()) -> type:
    """A frozen dataclass named ``name`` with ``model``'s columns (minus ``hide``) and ``extra``
    fields (name → default)."""
    key = (model, name)
    if key in _CACHE:
        return _CACHE[key]
    columns = [c.key for c in model.__table__.columns if c.key not in hide]
    fields = [(column, Any, dataclasses.field(default=None)) for column in columns]
    fields += [(field, Any, dataclasses.field(default=default)) for field, default in (extra or {}).items()]
    cls = dataclasses.make_dataclass(name, fields, frozen=True, slots=True,
                                     namespace={"__doc__": f"Plain data of one {model.__tablename__} row.",
                                                "_columns": tuple(columns)})
    cls.__module__ = model.__module__.replace("db.models.", "app.")
    _CACHE[key] = cls
    return cls


def view(cls: type, row: Any, **extra: Any) -> Any:
    """The view of ``row`` (``None`` stays ``None``); JSON-like values are copied."""
    if row is None:
        return None
    values = {}
    for column in cls._columns:
        value = getattr(row, column)
        if isinstance(value, (list, dict)):
            value = _copy(value)
        values[column] = value
    return cls(**values, **extra)


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value
