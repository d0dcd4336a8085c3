"""发送: the village sends its outbox to the township's receiver when a connection exists.

Plain Python (no Qt): ``villagedesk push`` calls it, and the GUI calls it in the background.
Every step is written to the outbox before the next (``sending`` before the upload, ``delivered``
when the receiver answered, ``acknowledged`` by its receipt), so a run cut short — the program
closed, the power gone — resumes where it stopped: an entry left ``sending`` or ``delivered`` is
sent again, and the township's import is idempotent (the same bundle gets the same receipt).

A receiver that cannot be reached, or answers 5xx, is tried again within the run with
exponential backoff (tenacity); then the entry is marked ``error`` with a reason and a time for
the next attempt (exponential in the attempts so far, capped), and the run stops: the next
bundles would meet the same wall. A refusal (401/403/413/422) is recorded the same way: the
reason is the receiver's, and the village is not asked to hammer it.
"""
from __future__ import annotations

import datetime as dt
import logging
import ssl
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from app import sync
from app.errors import StateError, VillageDeskError
from app.i18n import _

log = logging.getLogger("villagedesk.push")

BUNDLES_PATH = "/api/v1/bundles"
DUE_STATES = ("queued", "sending", "delivered", "error")
LATER = 60.0  # seconds before the next run tries an entry again after its first error …
LATER_CAP = 6 * 3600.0  # … doubling with each error, at most this


class _Cancelled(Exception):
    """The push was cancelled between two tries."""


class _Transient(Exception):
    """The receiver could not be reached or failed (5xx): worth another try soon."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def endpoint(url: str) -> str:
    """The upload address for a receiver's base URL (``https://host:port`` or the full path)."""
    url = url.strip().rstrip("/")
    if not url.lower().startswith(("http://", "https://")):
        raise StateError(_("The township's receiver address {url} does not start with https:// or http://.").format(
            url=url))
    return url if url.endswith(BUNDLES_PATH) else url + BUNDLES_PATH


def push_outbox(database: Any, actor: Any, *, url: str | None = None, attempts: int = 4, wait: float = 1.0,
                max_wait: float = 30.0, timeout: float = 60.0, verify: bool | str | ssl.SSLContext = True,
                force: bool = False, later: float = LATER,
                cancel: threading.Event | None = None) -> list[dict[str, Any]]:
    """Send every due outbox entry, oldest first; one result per entry tried.

    Due: ``queued``, ``sending`` or ``delivered`` (left by a run that was cut short), and ``error``
    once its ``next_attempt_at`` has come (any ``error`` with ``force``: someone asked to send
    now). ``url`` overrides the stored receiver address; the token is always the stored one.
    ``attempts`` tries per bundle within the run, waiting ``wait`` seconds, doubling, at most
    ``max_wait``; ``later`` is the first pause before a failed entry is due again. ``verify``: as
    httpx (True: the system's certificates, or ``SSL_CERT_FILE``; a path to the township's own
    certificate). ``cancel`` (the GUI closing): no new bundle is started once it is set, and a
    wait between tries ends at once, leaving that bundle ``queued``. Raises :class:`StateError`
    when no receiver or no token is configured.

    Each result: ``bundle_id``, ``file``, ``state`` (the entry's state afterwards), ``status``
    (the HTTP status, or None), ``error``, ``tries`` (uploads in this run), ``already`` (the
    township held it already), ``full_requested`` (the township asks for a full bundle),
    ``next_attempt_at`` (after an error: when a run without ``force`` tries it again)."""
    with database.session() as session:
        stored_url, token = sync.push_target(session=session, actor=actor)
        entries = sync.outbox(session=session, actor=actor)
    target = endpoint(url or stored_url) if (url or stored_url) else ""
    if not target:
        raise StateError(_("No address of the township's receiver is set: import a receipt from the township, or "
                           "give one with --url."))
    if not token:
        raise StateError(_("No upload token from the township yet: import a receipt from the township (USB) first."))
    if isinstance(verify, str):
        verify = ssl.create_default_context(cafile=verify)
    now = _now()
    due = [e for e in sorted(entries, key=lambda e: (e.created_at, e.to_rev)) if e.state in DUE_STATES
           and (e.state != "error" or force or e.next_attempt_at is None or _aware(e.next_attempt_at) <= now)]
    results: list[dict[str, Any]] = []
    with httpx.Client(timeout=timeout, verify=verify, follow_redirects=False) as client:
        for entry in due:
            if cancel is not None and cancel.is_set():
                break
            if _state_of(database, actor, entry.bundle_id) == "acknowledged":
                continue  # a receipt for a later bundle covered it meanwhile
            result = _push_one(database, actor, client, entry, target=target, token=token, attempts=attempts,
                               wait=wait, max_wait=max_wait, later=later, cancel=cancel)
            results.append(result)
            if result["stop"]:
                break  # unreachable or the token refused: the others would fare the same
    for result in results:
        result.pop("stop", None)
    return results


def _push_one(database: Any, actor: Any, client: httpx.Client, entry: Any, *, target: str, token: str,
              attempts: int, wait: float, max_wait: float, later: float,
              cancel: threading.Event | None) -> dict[str, Any]:
    result: dict[str, Any] = {"bundle_id": entry.bundle_id, "file": entry.file, "state": entry.state,
                              "status": None, "error": "", "tries": 0, "already": False, "full_requested": False,
                              "next_attempt_at": None, "stop": False}
    path = Path(entry.file)
    if not path.is_file():
        reason = _("The bundle file is missing; export again.")
        if not (entry.state == "error" and entry.error == reason):  # said once; no new attempt to count
            _mark(database, actor, entry.bundle_id, "error", error=reason, next_attempt_at=None)
        return {**result, "state": "error", "error": reason}
    _mark(database, actor, entry.bundle_id, "sending")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream",
               "X-Bundle-Id": entry.bundle_id, "X-Bundle-Name": path.name}

    def upload() -> httpx.Response:
        if cancel is not None and cancel.is_set():
            raise _Cancelled
        result["tries"] += 1
        try:
            with path.open("rb") as fh:
                response = client.post(target, content=fh, headers=headers)
        except httpx.TimeoutException:
            raise _Transient(_("The township's receiver did not answer in time.")) from None
        except httpx.TransportError as exc:
            raise _Transient(_("Could not reach the township's receiver: {reason}").format(
                reason=str(exc) or type(exc).__name__)) from None
        if response.status_code >= 500 or response.status_code == 429:
            raise _Transient(_("The township's receiver failed (HTTP {status}).").format(status=response.status_code))
        return response

    retrying = Retrying(stop=stop_after_attempt(max(1, attempts)), retry=retry_if_exception_type(_Transient),
                        wait=wait_exponential(multiplier=wait, min=wait, max=max_wait), reraise=True,
                        sleep=cancel.wait if cancel is not None else time.sleep)  # a cancel ends the wait
    try:
        response = retrying(upload)
    except _Cancelled:  # stopped, not failed: sent again next time
        _mark(database, actor, entry.bundle_id, "queued")
        return {**result, "state": "queued", "stop": True}
    except _Transient as exc:
        return _failed(database, actor, entry, result, exc.reason, later=later, stop=True)
    result["status"] = response.status_code
    if response.status_code != 200:
        reason = _refusal(response)
        return _failed(database, actor, entry, result, reason, later=later, stop=response.status_code in (401, 403))
    _mark(database, actor, entry.bundle_id, "delivered")
    try:
        with database.unit(actor) as session:
            receipt = sync.import_receipt(session=session, actor=actor, data=response.content)
    except VillageDeskError as exc:  # a receipt that does not verify: the township is asked again later
        return _failed(database, actor, entry, result, _("The township's receipt was refused: {reason}").format(
            reason=exc.message), later=later, stop=False)
    log.info("bundle %s acknowledged by the township", entry.bundle_id)
    return {**result, "state": _state_of(database, actor, entry.bundle_id) or "acknowledged",
            "already": bool(receipt.already), "full_requested": bool(receipt.full_requested)}


def _refusal(response: httpx.Response) -> str:
    """The receiver's reason for a 4xx answer, in words a clerk can act on."""
    try:
        message = str(response.json().get("error") or "")
    except (ValueError, AttributeError):
        message = ""
    status = response.status_code
    if status == 401:
        return _("The township refused the upload token (HTTP 401). Import the township's latest receipt, or ask "
                 "the township for the token.")
    if status == 413:
        return _("The bundle is too large for the township's receiver (HTTP 413): take it on a USB stick.")
    if message:
        return _("The township refused the bundle (HTTP {status}): {message}").format(status=status, message=message)
    return _("The township refused the bundle (HTTP {status}).").format(status=status)


def _failed(database: Any, actor: Any, entry: Any, result: dict[str, Any], reason: str, *, later: float,
            stop: bool) -> dict[str, Any]:
    errors = int(entry.attempts) + 1  # this one included
    delay = min(LATER_CAP, later * 2 ** (errors - 1))
    next_at = _now() + dt.timedelta(seconds=delay)
    _mark(database, actor, entry.bundle_id, "error", error=reason, next_attempt_at=next_at)
    log.warning("bundle %s not sent (%s tries): %s", entry.bundle_id, result["tries"], reason)
    return {**result, "state": "error", "error": reason, "next_attempt_at": next_at, "stop": stop}


def _mark(database: Any, actor: Any, bundle_id: str, state: str, *, error: str = "",
          next_attempt_at: dt.datetime | None = None) -> None:
    with database.unit(actor) as session:
        sync.mark_outbox(session=session, actor=actor, bundle_id=bundle_id, state=state, error=error,
                         next_attempt_at=next_attempt_at)


def _state_of(database: Any, actor: Any, bundle_id: str) -> str:
    with database.session() as session:
        return next((e.state for e in sync.outbox(session=session, actor=actor) if e.bundle_id == bundle_id), "")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
