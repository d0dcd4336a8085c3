"""乡镇接收端: the township's receiver for bundles sent over the network (``villagedesk serve``).

A small Starlette app on uvicorn (``docs/bundle-format.md``, "Over the network"):

* ``POST /api/v1/bundles`` — a village's bundle (the raw ``.vdbundle.age`` bytes) with its upload
  token (``Authorization: Bearer …``). The body is read in chunks into a temporary file and
  refused past ``max_bytes``; the bundle goes through the same import as one from a USB stick,
  never enrolling (a village is enrolled once, over USB, after the fingerprints were compared),
  and the answer is the signed receipt. The import is idempotent: a retried upload gets the same
  receipt and writes nothing.
* ``GET /`` — a status page for the township's operator: the enrolled villages, the last imports
  and the refusals since the receiver started.
* ``GET /api/v1/health`` — ``{"ok": true}``.

Imports are blocking work: they run in the thread pool, one at a time (one writer per store).
Tokens are never logged.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
import logging
import re
import shutil
import tempfile
import threading
import uuid
from collections import deque
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from app import sync
from app.errors import StorageError, VillageDeskError
from app.i18n import _, format_datetime, get_language
from app.sync.bundle import MAX_FILE_BYTES

log = logging.getLogger("villagedesk.serve")

DEFAULT_MAX_BYTES = MAX_FILE_BYTES  # the largest bundle the reader accepts anyway
DEFAULT_PORT = 8765
BUNDLES_PATH = "/api/v1/bundles"
RECENT_REFUSALS = 20
_BEARER = re.compile(r"Bearer\s+(\S+)\s*", re.IGNORECASE)
_FILE_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,200}\.vdbundle\.age")


class _WrongVillage(Exception):
    """The bundle is another village's than the token's: the unit rolls back."""


@dataclasses.dataclass(frozen=True)
class Refusal:
    at: dt.datetime
    village_code: str
    status: int
    reason: str


class Receiver:
    """What the routes share: the store, its unlocked key, the acting township user, one lock."""

    def __init__(self, database: Any, key: Any, actor: Any, *, max_bytes: int):
        self.database = database
        self.key = key
        self.actor = actor
        self.max_bytes = max_bytes
        self.lock = threading.Lock()  # one import at a time: one writer per store
        self._refusals: deque[Refusal] = deque(maxlen=RECENT_REFUSALS)
        self._refusals_lock = threading.Lock()  # noted from the event loop and the thread pool

    # ------------------------------------------------------------ upload

    async def upload(self, request: Request) -> Response:
        token = _bearer(request.headers.get("authorization", ""))
        village = await run_in_threadpool(self._village_of, token) if token else None
        if village is None:
            self._refused("", 401, _("no valid upload token"))
            return JSONResponse({"error": _("This upload token is not valid for this township.")}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        claimed = request.headers.get("x-bundle-id", "").strip()
        name = request.headers.get("x-bundle-name", "").strip()
        name = name if _FILE_NAME.fullmatch(name) else ""  # informative only: for the import log
        if claimed and not _is_uuid(claimed):
            return self._error(village, 400, _("The X-Bundle-Id header is not a bundle id."))
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return self._too_large(village)
        folder = Path(tempfile.mkdtemp(prefix="villagedesk-upload-"))
        try:
            path = folder / f"{village}-{claimed or uuid.uuid4()}.vdbundle.age"
            size = 0
            with path.open("wb") as fh:
                try:
                    async for chunk in request.stream():
                        size += len(chunk)
                        if size > self.max_bytes:  # Content-Length may be absent or lie: count
                            return self._too_large(village)
                        fh.write(chunk)
                except ClientDisconnect:
                    return Response(status_code=400)
            if size == 0:
                return self._error(village, 400, _("The upload is empty."))
            return await run_in_threadpool(self._import, path, village, claimed, name)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _village_of(self, token: str) -> str | None:
        with self.database.session() as session:
            return sync.find_village_by_token(session=session, token=token)

    def _import(self, path: Path, village: str, claimed: str, name: str) -> Response:
        with self.lock:
            try:
                with self.database.unit(self.actor) as session:
                    summary = sync.import_bundle(session=session, actor=self.actor, file=path, key=self.key,
                                                 enroll=False, file_name=name or None)
                    if summary.village_code != village:
                        raise _WrongVillage(summary.village_code)
                    if claimed and summary.bundle_id != claimed:
                        raise sync.BundleRefused(_("The bundle is not the one its X-Bundle-Id header names."))
            except _WrongVillage as exc:
                return self._error(village, 403, _(
                    "This bundle comes from village {other}; the upload token is village {village}'s. Nothing "
                    "was imported.").format(other=exc.args[0], village=village))
            except StorageError as exc:  # disk full, store busy …: the village tries again later
                return self._error(village, 503, exc.message)
            except VillageDeskError as exc:  # a refused bundle: the unit wrote nothing
                return self._error(village, 422, exc.message)
        log.info("bundle %s from village %s: %s", summary.bundle_id, village,
                 "already imported" if summary.already_imported else "imported")
        return Response(summary.receipt, media_type="application/octet-stream",
                        headers={"X-Bundle-Id": summary.bundle_id})

    def _too_large(self, village: str) -> Response:
        limit = (f"{self.max_bytes // (1024 * 1024)} MB" if self.max_bytes >= 1024 * 1024
                 else f"{self.max_bytes / 1024:.0f} KB")
        return self._error(village, 413, _("The upload is larger than this receiver accepts ({limit}).").format(
            limit=limit), close=True)

    def _error(self, village: str, status: int, message: str, *, close: bool = False) -> Response:
        self._refused(village, status, message)
        headers = {"Connection": "close"} if close else None  # the rest of the body is not read
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    def _refused(self, village: str, status: int, reason: str) -> None:
        log.warning("upload refused (%s) for village %s: %s", status, village or "?", reason)
        with self._refusals_lock:
            self._refusals.appendleft(Refusal(at=dt.datetime.now(dt.UTC), village_code=village, status=status,
                                              reason=reason))

    def refusals(self) -> list[Refusal]:
        """The refused uploads since the receiver started, newest first (at most :data:`RECENT_REFUSALS`)."""
        with self._refusals_lock:
            return list(self._refusals)

    # ------------------------------------------------------------ status page

    async def status_page(self, request: Request) -> Response:
        body = await run_in_threadpool(self._render_status)
        return HTMLResponse(body, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                                           "Cache-Control": "no-store"})

    def _render_status(self) -> str:
        with self.database.session() as session:
            villages = sync.enrolled_villages(session=session, actor=self.actor)
            imports = sync.import_log(session=session, actor=self.actor, limit=20)
        return render_status(villages, imports, self.refusals())


async def health(request: Request) -> Response:
    return JSONResponse({"ok": True})


def make_app(database: Any, key: Any, *, actor: Any, max_bytes: int = DEFAULT_MAX_BYTES) -> Starlette:
    """The receiver for ``database`` (a township store), importing with the unlocked ``key`` as
    ``actor`` (the township user ``serve`` signed in)."""
    receiver = Receiver(database, key, actor, max_bytes=max_bytes)
    app = Starlette(routes=[
        Route("/", receiver.status_page, methods=["GET"]),
        Route("/api/v1/health", health, methods=["GET"]),
        Route(BUNDLES_PATH, receiver.upload, methods=["POST"]),
    ])
    app.state.receiver = receiver
    return app


def make_server(database: Any, key: Any, *, actor: Any, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                certfile: str | Path | None = None, keyfile: str | Path | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """A uvicorn server for the receiver (HTTPS with ``certfile``/``keyfile``); ``.run()`` serves."""
    import uvicorn

    config = uvicorn.Config(make_app(database, key, actor=actor, max_bytes=max_bytes), host=host, port=port,
                            ssl_certfile=str(certfile) if certfile else None,
                            ssl_keyfile=str(keyfile) if keyfile else None,
                            log_level="info", server_header=False, proxy_headers=False, lifespan="off")
    return uvicorn.Server(config)


def serve(database: Any, key: Any, *, actor: Any, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
          certfile: str | Path | None = None, keyfile: str | Path | None = None,
          max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Serve until interrupted (Ctrl+C)."""
    make_server(database, key, actor=actor, host=host, port=port, certfile=certfile, keyfile=keyfile,
                max_bytes=max_bytes).run()


# ---------------------------------------------------------------- helpers


def _bearer(header: str) -> str:
    match = _BEARER.fullmatch(header.strip())
    return match.group(1) if match else ""


def _is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _when(value: Any) -> str:
    if isinstance(value, str) and value:
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(value.astimezone(), seconds=True)


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f"<p class=\"empty\">{html.escape(empty)}</p>"
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_status(villages: list[dict[str, Any]], imports: list[dict[str, Any]], refusals: list[Refusal]) -> str:
    """The status page: every value escaped."""
    village_rows = []
    for v in villages:
        state = _("waits for a full bundle") if v.get("gap") else _("in order")
        village_rows.append([v.get("name", ""), v.get("village_code", ""), v.get("fingerprint", ""),
                             _when(v.get("last_import_at")) or _("never"), v.get("to_rev", 0), v.get("bundles", 0),
                             state, v.get("last_error", "")])
    import_rows = [[_when(i.get("imported_at")), i.get("village_name") or i.get("village_code", ""),
                    str(i.get("bundle_id", ""))[:8], f"{i.get('from_rev', 0)} → {i.get('to_rev', 0)}",
                    _("full") if i.get("full") else _("changes"), _("gap") if i.get("gap") else "",
                    sum((i.get("counts") or {}).values())] for i in imports]
    refusal_rows = [[_when(r.at), r.village_code or "?", r.status, r.reason] for r in refusals]
    # the labels are translated here, outside the f-string below, where the extractor finds them
    title = _("VillageDesk township receiver")
    sections = [
        ("villages", _("Enrolled villages"), _table(
            [_("Village"), _("Code"), _("Key fingerprint"), _("Last import"), _("Changes up to"), _("Bundles"),
             _("State"), _("Last error")], village_rows,
            _("No village is enrolled yet: a village's first bundle is imported from a USB stick."))),
        ("imports", _("Last imports"), _table(
            [_("Imported at"), _("Village"), _("Bundle"), _("Changes"), _("Kind"), _("Gap"), _("Rows")], import_rows,
            _("Nothing imported yet."))),
        ("refusals", _("Refused uploads since the receiver started"), _table(
            [_("Time"), _("Village"), _("Status"), _("Reason")], refusal_rows, _("None."))),
    ]
    body = "\n".join(f'<h2 id="{key}">{html.escape(heading)}</h2>\n{table}' for key, heading, table in sections)
    lang = "zh-CN" if get_language() == "zh_CN" else "en"
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 1.5em; color: #222; }}
table {{ border-collapse: collapse; margin-bottom: 1.5em; }}
th, td {{ border: 1px solid #bbb; padding: .3em .6em; text-align: left; }}
th {{ background: #eee; }}
.empty {{ color: #666; }}
</style></head>
<body>
<h1>{html.escape(title)}</h1>
{body}
</body></html>
"""
