"""Issue 11, item 6: when a connection exists — the village's outbox pushed to the township's receiver.

Real HTTP on the loopback: the receiver (``app.sync.server``, Starlette on uvicorn) runs in a
thread of the test on a port of its own; the village pushes with ``app.sync.push``. The township
store (its key unlocked once: scrypt costs about a second) and two villages enrolled on it over
USB are prepared once per module and copied for each test, as in ``test_sync.py``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.i18n import _

ROOT = Path(__file__).resolve().parent.parent
VILLAGE_A, VILLAGE_B, TOWNSHIP_CODE = "510112104201", "510112104202", "510112104000"
PASSPHRASE = "township key passphrase"
PASSWORD = "secret-pass"
CHROMIUM = Path("/usr/bin/chromium")


def _checkpoint(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def file_hash(database) -> str:
    """SHA-256 of the store's main file after folding the WAL in (byte-for-byte comparison)."""
    _checkpoint(database.path)
    return hashlib.sha256(Path(database.path).read_bytes()).hexdigest()


def _village(path: Path, *, name: str, code: str, key_file: Path):
    from app import people, sync
    from db.engine import Database

    database = Database(path, backup_dir=path.parent / "backups")
    with database.unit() as session:
        admin = people.setup_village(session=session, name=name, code=code, township="龙泉镇", committee_name="",
                                     supervision_phone="028-84851234", admin_username="admin",
                                     admin_password=PASSWORD, admin_display_name="李书记")
    database.refresh_village_code()
    with database.unit(admin) as session:
        sync.trust_township_key(session=session, actor=admin, file=key_file)
    return database, admin


@pytest.fixture(scope="module")
def templates(tmp_path_factory, _migrated_template):
    """A folder with a township store and villages A (a small demo) and B (empty), both enrolled on
    the township over USB (A's first bundle acknowledged by its receipt); and the unlocked key."""
    from app import demo, sync
    from db.engine import Database

    folder = tmp_path_factory.mktemp("network-templates")
    shutil.copyfile(_migrated_template, folder / "township.sqlite3")
    township = Database(folder / "township.sqlite3", backup_dir=folder / "backups")
    with township.unit() as session:
        t_admin = sync.setup_township(session=session, name="龙泉镇", code=TOWNSHIP_CODE, admin_username="admin",
                                      admin_password=PASSWORD, admin_display_name="王站长")
    township.refresh_village_code()
    with township.unit(t_admin) as session:
        sync.export_township_key(session=session, actor=t_admin, to_file=folder / "township.key.txt", name="龙泉镇",
                                 passphrase=PASSPHRASE)
    with township.session() as session:
        key = sync.unlock_township_key(session=session, actor=t_admin, passphrase=PASSPHRASE)
    actors = {"township": t_admin}
    for name, code in (("青石村", VILLAGE_A), ("白塔村", VILLAGE_B)):
        shutil.copyfile(_migrated_template, folder / f"{code}.sqlite3")
        village, v_admin = _village(folder / f"{code}.sqlite3", name=name, code=code,
                                    key_file=folder / "township.key.txt")
        actors[code] = v_admin
        if code == VILLAGE_A:
            with village.unit(v_admin) as session:
                demo.generate(session=session, actor=v_admin, size="small", seed=3, progress=None)
        with village.unit(v_admin) as session:
            first = sync.export_bundle(session=session, actor=v_admin)
        with township.unit(t_admin) as session:  # enrolled once, over USB, after comparing fingerprints
            summary = sync.import_bundle(session=session, actor=t_admin, file=Path(first.path), key=key, enroll=True)
        with village.unit(v_admin) as session:
            sync.import_receipt(session=session, actor=v_admin, data=summary.receipt)
        village.dispose()
        _checkpoint(folder / f"{code}.sqlite3")
    township.dispose()
    _checkpoint(folder / "township.sqlite3")
    return folder, key, actors


def _open(template: Path, target: Path, actor):
    """A copy of a template store, and its admin (signed in once, when the template was made)."""
    from db.engine import Database

    shutil.copyfile(template, target)
    return Database(target, backup_dir=target.parent / "backups"), actor


def _reopen(path: Path):
    """The same store file opened again (the program restarted)."""
    from app.auth import authenticate
    from db.engine import Database

    database = Database(path, backup_dir=Path(path).parent / "backups")
    with database.unit() as session:
        admin = authenticate(session=session, username="admin", password=PASSWORD)
    return database, admin


@pytest.fixture
def stores(templates, tmp_path):
    """(village A, township, key): copies for this test, each in a folder of its own."""
    folder, key, actors = templates
    opened = []
    for name in (VILLAGE_A, "township"):
        (tmp_path / name).mkdir()
        opened.append(_open(folder / f"{name}.sqlite3", tmp_path / name / "store.sqlite3", actors[name]))
    yield (*opened, key)
    for database, _admin in opened:
        database.dispose()


@pytest.fixture
def village_b(templates, tmp_path):
    folder, _key, actors = templates
    (tmp_path / VILLAGE_B).mkdir()
    store = _open(folder / f"{VILLAGE_B}.sqlite3", tmp_path / VILLAGE_B / "store.sqlite3", actors[VILLAGE_B])
    yield store
    store[0].dispose()


def token_of(township, code: str) -> str:
    from app import sync

    database, admin = township
    with database.session() as session:
        villages = sync.enrolled_villages(session=session, actor=admin)
    return next(v["token"] for v in villages if v["village_code"] == code)


def import_log(township) -> list[dict]:
    from app import sync

    database, admin = township
    with database.session() as session:
        return sync.import_log(session=session, actor=admin, limit=1000)


def outbox(village) -> list:
    from app import sync

    database, admin = village
    with database.session() as session:
        return sync.outbox(session=session, actor=admin)


def new_notice(village, title: str) -> str:
    from app import notices

    database, admin = village
    with database.unit(admin) as session:
        form = notices.NoticeForm(title=title, body="明天开会。")
        return notices.create_notice(session=session, actor=admin, form=form).id


def export(village):
    from app import sync

    database, admin = village
    with database.unit(admin) as session:
        return sync.export_bundle(session=session, actor=admin)


def set_target(village, url: str, token: str) -> None:
    from app import sync

    database, admin = village
    with database.unit(admin) as session:
        sync.set_push_target(session=session, actor=admin, url=url, token=token)


def push(village, **kwargs) -> list[dict]:
    from app.sync.push import push_outbox

    database, admin = village
    return push_outbox(database, admin, **{"attempts": 2, "wait": 0.01, "max_wait": 0.05, **kwargs})


def township_notice_ids(township, code: str = VILLAGE_A) -> set[str]:
    from db.models.notices import Notice

    with township[0].session() as session:
        return set(session.execute(select(Notice.id).where(Notice.village_code == code)).scalars())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def receiver(township, key, *, max_bytes: int | None = None, wrap=None, certfile=None, keyfile=None):
    """The real receiver on uvicorn in a thread, on a port of its own; yields its base URL."""
    from app.sync.server import DEFAULT_MAX_BYTES, make_server

    database, admin = township
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = make_server(database, key, actor=admin, host="127.0.0.1", port=port, certfile=certfile, keyfile=keyfile,
                         max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    if wrap is not None:
        server.config.app = wrap(server.config.app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the receiver did not start"
        time.sleep(0.02)
    try:
        yield f"{'https' if certfile else 'http'}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        assert not thread.is_alive(), "the receiver did not stop"


class FailFirst:
    """An ASGI wrapper answering 503 to the first ``n`` uploads (a receiver that fails, then recovers)."""

    def __init__(self, n: int):
        self.n = n
        self.seen = 0

    def __call__(self, app):
        async def wrapped(scope, receive, send):
            if scope["type"] == "http" and scope["method"] == "POST" and self.seen < self.n:
                self.seen += 1
                await send({"type": "http.response.start", "status": 503,
                            "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "http.response.body", "body": b"busy"})
                return
            await app(scope, receive, send)

        return wrapped


def upload(url: str, token: str | None, body, **headers) -> httpx.Response:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return httpx.post(url + "/api/v1/bundles", content=body, timeout=30,
                      headers={"Content-Type": "application/octet-stream", **headers})


# ---------------------------------------------------------------- happy path


def test_push_delivers_over_http_and_the_outbox_is_acknowledged(stores):
    village, township, key = stores
    notice_id = new_notice(village, "关于网络报送的通知")
    bundle = export(village)
    assert {e.bundle_id: e.state for e in outbox(village)}[bundle.bundle_id] == "queued"
    assert notice_id not in township_notice_ids(township)
    with receiver(township, key) as url:
        assert httpx.get(url + "/api/v1/health").json() == {"ok": True}
        set_target(village, url, token_of(township, VILLAGE_A))
        [result] = push(village)
        assert result["bundle_id"] == bundle.bundle_id and result["status"] == 200 and result["tries"] == 1
        assert result["state"] == "acknowledged" and result["error"] == "" and not result["already"]
        assert push(village) == []  # nothing left to send
    entry = {e.bundle_id: e for e in outbox(village)}[bundle.bundle_id]
    assert entry.state == "acknowledged" and entry.acknowledged_at is not None
    assert notice_id in township_notice_ids(township)
    [logged] = [i for i in import_log(township) if i["bundle_id"] == bundle.bundle_id]
    assert logged["file"] == Path(bundle.path).name  # the name in the village's outbox, not the upload's


def test_a_retried_upload_is_imported_once_and_gets_the_same_receipt(stores):
    village, township, key = stores
    new_notice(village, "重复上传")
    bundle = export(village)
    data = Path(bundle.path).read_bytes()
    token = token_of(township, VILLAGE_A)
    with receiver(township, key) as url:
        first = upload(url, token, data, **{"X-Bundle-Id": bundle.bundle_id})
        assert first.status_code == 200, first.text
        assert first.headers["content-type"] == "application/octet-stream" and first.content
        after_first = file_hash(township[0])
        second = upload(url, token, data)  # the village did not hear the answer and sends again
        assert second.status_code == 200 and second.content == first.content
        assert file_hash(township[0]) == after_first  # nothing written the second time
    assert [i["bundle_id"] for i in import_log(township)].count(bundle.bundle_id) == 1
    from app import sync

    database, admin = village
    with database.unit(admin) as session:
        receipt = sync.import_receipt(session=session, actor=admin, data=second.content)
    assert receipt.bundle_id == bundle.bundle_id
    assert {e.bundle_id: e.state for e in outbox(village)}[bundle.bundle_id] == "acknowledged"


# ---------------------------------------------------------------- refusals


def test_a_bad_token_is_refused_and_nothing_is_written(stores):
    village, township, key = stores
    new_notice(village, "令牌不对")
    data = Path(export(village).path).read_bytes()
    with receiver(township, key) as url:
        before = file_hash(township[0])
        good = token_of(township, VILLAGE_A)
        for token in (None, "not-a-token", good + "x", good[:-1]):
            response = upload(url, token, data)
            assert response.status_code == 401, token
            assert response.headers.get("www-authenticate") == "Bearer" and response.json()["error"]
        assert upload(url, None, data, Authorization=f"Basic {good}").status_code == 401
        assert file_hash(township[0]) == before


def test_a_villages_token_with_another_villages_bundle_is_forbidden(stores, village_b):
    _village, township, key = stores
    new_notice(village_b, "白塔村的通知")
    bundle_b = export(village_b)
    with receiver(township, key) as url:
        before = file_hash(township[0])
        response = upload(url, token_of(township, VILLAGE_A), Path(bundle_b.path).read_bytes())
        assert response.status_code == 403 and VILLAGE_B in response.json()["error"]
        assert file_hash(township[0]) == before
        assert bundle_b.bundle_id not in [i["bundle_id"] for i in import_log(township)]
        # with its own token the same bundle goes in
        assert upload(url, token_of(township, VILLAGE_B), Path(bundle_b.path).read_bytes()).status_code == 200


def test_a_too_large_upload_is_refused(stores):
    _village, township, key = stores
    token = token_of(township, VILLAGE_A)
    body = os.urandom(12_000)
    with receiver(township, key, max_bytes=4096) as url:
        before = file_hash(township[0])
        assert upload(url, token, body).status_code == 413  # Content-Length says so
        chunked = upload(url, token, iter([body[:3000], body[3000:6000], body[6000:]]))  # no Content-Length: counted
        assert chunked.status_code == 413 and "4 KB" in chunked.json()["error"]
        lying = httpx.Client(timeout=30)
        request = lying.build_request("POST", url + "/api/v1/bundles", content=body[:5000],
                                      headers={"Authorization": f"Bearer {token}"})
        assert request.headers["content-length"] == "5000"
        assert lying.send(request).status_code == 413
        lying.close()
        assert file_hash(township[0]) == before


def test_a_refused_bundle_answers_422_with_the_reason(stores):
    village, township, key = stores
    with receiver(township, key) as url:
        response = upload(url, token_of(township, VILLAGE_A), b"not a bundle at all")
        assert response.status_code == 422 and response.json()["error"]
        set_target(village, url, "wrong-token")
        new_notice(village, "被拒")
        bundle = export(village)
        [result] = push(village)
    assert result["state"] == "error" and result["status"] == 401 and "401" in result["error"]
    entry = {e.bundle_id: e for e in outbox(village)}[bundle.bundle_id]
    assert entry.state == "error" and entry.attempts == 1 and entry.next_attempt_at is not None
    assert entry.next_attempt_at.replace(tzinfo=entry.next_attempt_at.tzinfo or dt.UTC) > dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------- failure and recovery


def test_a_receiver_that_fails_and_recovers_and_push_resumes_after_a_restart(stores):
    village, township, key = stores
    notice_id = new_notice(village, "断网之后")
    bundle = export(village)
    token = token_of(township, VILLAGE_A)
    set_target(village, f"http://127.0.0.1:{free_port()}", token)  # nothing listens there
    [result] = push(village, attempts=3)
    assert result["state"] == "error" and result["tries"] == 3 and result["status"] is None
    entry = {e.bundle_id: e for e in outbox(village)}[bundle.bundle_id]
    unreachable = _("Could not reach the township's receiver: {reason}").split("{reason}")[0]
    assert entry.state == "error" and entry.attempts == 1 and entry.error.startswith(unreachable)
    assert push(village) == []  # not due yet: the receiver is not hammered
    # the program is closed and started again; meanwhile the receiver is back, answering 503 twice first
    village[0].dispose()
    restarted = _reopen(village[0].path)
    fail = FailFirst(2)
    try:
        with receiver(township, key, wrap=fail) as url:
            set_target(restarted, url, token)
            [result] = push(restarted, attempts=3, force=True)
    finally:
        restarted[0].dispose()
    assert fail.seen == 2 and result["tries"] == 3 and result["state"] == "acknowledged", result
    assert notice_id in township_notice_ids(township)


def test_an_upload_cut_short_is_sent_again_after_a_restart(stores):
    from app import sync

    village, township, key = stores
    new_notice(village, "发送中断")
    bundle = export(village)
    database, admin = village
    with database.unit(admin) as session:  # the program died while sending
        sync.mark_outbox(session=session, actor=admin, bundle_id=bundle.bundle_id, state="sending")
    database.dispose()
    restarted = _reopen(database.path)
    try:
        with receiver(township, key) as url:
            set_target(restarted, url, token_of(township, VILLAGE_A))
            [result] = push(restarted)
        assert result["bundle_id"] == bundle.bundle_id and result["state"] == "acknowledged"
    finally:
        restarted[0].dispose()


def test_a_push_stops_at_once_when_cancelled(stores):
    """The GUI closes while a push waits to try again: it ends at once, the bundle left queued."""
    village, township, _key = stores
    new_notice(village, "取消发送")
    bundle = export(village)
    set_target(village, f"http://127.0.0.1:{free_port()}", token_of(township, VILLAGE_A))
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    started = time.monotonic()
    [result] = push(village, attempts=5, wait=30, max_wait=30, cancel=cancel)
    timer.join()
    assert time.monotonic() - started < 10 and result["tries"] == 1 and result["state"] == "queued"
    entry = {e.bundle_id: e for e in outbox(village)}[bundle.bundle_id]
    assert entry.state == "queued" and entry.attempts == 0 and entry.error == ""
    assert push(village, cancel=cancel) == []  # nothing new is started once cancelled


def test_a_missing_bundle_file_is_an_error_to_export_again(stores):
    village, township, _key = stores
    new_notice(village, "文件丢了")
    bundle = export(village)
    Path(bundle.path).unlink()
    set_target(village, "http://127.0.0.1:9", token_of(township, VILLAGE_A))
    [result] = push(village)
    assert result["state"] == "error" and result["error"] == _("The bundle file is missing; export again.")
    [again] = push(village, force=True)
    assert again["error"] == result["error"]
    entry = {e.bundle_id: e for e in outbox(village)}[bundle.bundle_id]
    assert entry.attempts == 1  # said once, not counted again and again


# ---------------------------------------------------------------- HTTPS


def _self_signed(folder: Path) -> tuple[Path, Path]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return certfile, keyfile


def test_https_with_the_townships_certificate(stores, tmp_path):
    village, township, key = stores
    certfile, keyfile = _self_signed(tmp_path)
    new_notice(village, "加密传输")
    bundle = export(village)
    with receiver(township, key, certfile=certfile, keyfile=keyfile) as url:
        assert url.startswith("https://")
        set_target(village, url, token_of(township, VILLAGE_A))
        [refused] = push(village, attempts=1)  # an unknown certificate is not trusted by default
        assert refused["state"] == "error" and refused["status"] is None
        [result] = push(village, verify=str(certfile), force=True)
    assert result["bundle_id"] == bundle.bundle_id and result["state"] == "acknowledged"


# ---------------------------------------------------------------- status page


def test_the_status_page_in_headless_chromium(stores, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("headless Chromium (/usr/bin/chromium) is not installed here; CI installs it")
    village, township, key = stores
    new_notice(village, "状态页")
    bundle = export(village)
    with receiver(township, key) as url:
        set_target(village, url, token_of(township, VILLAGE_A))
        assert push(village)[0]["state"] == "acknowledged"
        upload(url, "a-wrong-token", b"x")
        page = httpx.get(url + "/")
        assert page.status_code == 200 and "default-src 'none'" in page.headers["content-security-policy"]
        result = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom", url + "/"],
            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "青石村" in dom and "白塔村" in dom and VILLAGE_A in dom
    assert bundle.bundle_id[:8] in dom  # the last imports
    assert "401" in dom  # the refused upload
    assert token_of(township, VILLAGE_A) not in dom


def test_the_status_page_escapes_what_it_shows():
    from app.sync.server import Refusal, render_status

    page = render_status([{"village_code": "510112104201", "name": "<script>alert(1)</script>", "fingerprint": "1",
                           "last_import_at": None, "to_rev": 3, "bundles": 1, "gap": True, "last_error": "a & b"}],
                         [], [Refusal(at=dt.datetime.now(dt.UTC), village_code="", status=401, reason="<b>no</b>")])
    assert "<script>" not in page and "&lt;script&gt;" in page and "a &amp; b" in page and "&lt;b&gt;" in page


# ---------------------------------------------------------------- command line


def run(args, home: Path, **env) -> subprocess.CompletedProcess:
    environment = {"VILLAGEDESK_HOME": str(home), "PATH": "/usr/bin:/bin", "VILLAGEDESK_LANG": "en",
                   "VILLAGEDESK_PASSWORD": PASSWORD, "VILLAGEDESK_KEY_PASSPHRASE": PASSPHRASE, **env}
    return subprocess.run([sys.executable, "-m", "app.cli", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          env=environment, stdin=subprocess.DEVNULL, timeout=120)


def test_serve_and_push_on_the_command_line(templates, tmp_path, monkeypatch, capsys):
    from app import sync
    from app.cli import main

    folder, _key, actors = templates
    home = tmp_path / "home"
    (tmp_path / "v").mkdir()
    (tmp_path / "t").mkdir()
    village = _open(folder / f"{VILLAGE_A}.sqlite3", tmp_path / "v" / "store.sqlite3", actors[VILLAGE_A])
    township = _open(folder / "township.sqlite3", tmp_path / "t" / "store.sqlite3", actors["township"])
    token = token_of(township, VILLAGE_A)
    township[0].dispose()
    port = free_port()
    environment = {"VILLAGEDESK_HOME": str(home), "PATH": "/usr/bin:/bin", "VILLAGEDESK_LANG": "en",
                   "VILLAGEDESK_PASSWORD": PASSWORD, "VILLAGEDESK_KEY_PASSPHRASE": PASSPHRASE}
    server = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--db", str(township[0].path),
                               "--port", str(port)], cwd=ROOT, env=environment, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with village[0].unit(village[1]) as session:
            sync.set_push_target(session=session, actor=village[1], url="", token=None)
        village[0].dispose()
        monkeypatch.setenv("VILLAGEDESK_PASSWORD", PASSWORD)
        assert main(["push", "--db", str(village[0].path)]) == 1  # no receiver address yet
        assert "--url" in capsys.readouterr().err
        village = _reopen(village[0].path)
        set_target(village, f"http://127.0.0.1:{free_port()}", token)  # an old address: --url overrides it
        new_notice(village, "命令行报送")
        bundle = export(village)
        village[0].dispose()
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.communicate()[1]
            try:
                if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.05)
        assert main(["serve", "--db", str(village[0].path), "--port", str(free_port())]) == 1  # a village's store
        assert "--kind township" in capsys.readouterr().err
        result = run(["push", "--db", village[0].path, "--url", url], home)
        assert result.returncode == 0, result.stderr
        [sent] = json.loads(result.stdout)
        assert sent["bundle_id"] == bundle.bundle_id and sent["state"] == "acknowledged" and sent["status"] == 200
        assert "青石村" in httpx.get(url + "/").text
    finally:
        server.terminate()
        out, err = server.communicate(timeout=15)
    assert "POST /api/v1/bundles" in out + err  # uvicorn's access log …
    assert token not in out + err  # … never shows a token
