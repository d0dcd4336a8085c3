"""Photos and scans as evidence (issue 14, part 5): stored once by content beside the database,
shrunk and turned upright, stripped of GPS, refused with a sentence, scoped like every record,
confidential on a mediation case, and removed to the recycle bin with the file kept."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from app import attachments, concerns, mediation, meetings, notices, people
from app.auth import CLERK, GRID_WORKER, MEDIATOR, SECRETARY, SHOP, TOWNSHIP, Actor
from app.errors import NotFound, PermissionDenied, ValidationError
from app.notices import NoticeForm


def photo(path: Path, size=(800, 600), color=(200, 30, 30), *, orientation: int | None = None,
          gps: bool = False, taken: str | None = None, fmt: str = "JPEG") -> Path:
    """A picture like a phone's: a red left half and a blue right half (so turning shows)."""
    image = Image.new("RGB", size, color)
    image.paste((20, 40, 220), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (30.0, 39.0, 36.0), 3: "E", 4: (104.0, 3.0, 54.0)}
    if taken:
        exif[0x0132] = taken
    image.save(path, fmt, exif=exif.tobytes()) if fmt == "JPEG" else image.save(path, fmt)
    return path


def tiny_pdf(path: Path) -> Path:
    Image.new("RGB", (595, 842), "white").save(path, "PDF")
    return path


def folder_state(database) -> dict[str, bytes]:
    root = Path(database.path).parent / "attachments"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} \
        if root.exists() else {}


def attachment_rows(database) -> list[tuple]:
    with sqlite3.connect(database.path) as conn:
        return conn.execute("SELECT id, owner_id, sha256, deleted_at FROM attachment ORDER BY id").fetchall()


@pytest.fixture
def world(village):
    database, admin = village
    with database.unit(admin) as session:
        group = people.add_group(session=session, actor=admin, name="一组")
        grid = people.add_grid(session=session, actor=admin, name="第1网格", group_id=group.id)
        h1 = people.save_household(session=session, actor=admin, form=people.HouseholdForm(
            head_name="王大明", number="010001", group_id=group.id, grid_id=grid.id))
        r1 = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="王大明", id_number="11010519491231002X", household_id=h1.id, relation="head"))
        r2 = people.save_resident(session=session, actor=admin, form=people.ResidentForm(
            name="李小红", id_number="510112198001011236", household_id=h1.id, relation="spouse"))
        notice = notices.create_notice(session=session, actor=admin, form=NoticeForm(title="通知", body="明天开会。"))
        meeting = meetings.plan_meeting(session=session, actor=admin, kind=next(iter(meetings.KINDS)), title="坝坝会",
                                        starts_at=dt.datetime(2026, 3, 1, 19, 0, tzinfo=dt.UTC))
        concern = concerns.raise_concern(session=session, actor=admin, title="路灯坏了", source="visit",
                                         resident_id=r1.id)
        case = mediation.register_case(session=session, actor=admin, form=mediation.CaseForm(
            title="邻里纠纷", parties=(mediation.PartyForm(role="applicant", resident_id=r1.id),
                                      mediation.PartyForm(role="respondent", resident_id=r2.id))))
    ids = {"notice": notice.id, "meeting": meeting.id, "concern": concern.id, "mediation_case": case.id}
    return database, admin, ids


def role(name: str) -> Actor:
    return Actor(user_id="", username=name, display_name=name, role=name)


def attach(database, actor, kind, owner_id, file, **extra):
    with database.unit(actor) as session:
        return attachments.attach(session=session, actor=actor, owner_kind=kind, owner_id=owner_id, file=file, **extra)


def listed(database, actor, kind, owner_id):
    with database.unit(actor) as session:
        return attachments.attachments(session=session, actor=actor, owner_kind=kind, owner_id=owner_id)


def test_the_same_picture_is_stored_once_in_the_content_addressed_folder(world, tmp_path):
    database, admin, ids = world
    source = photo(tmp_path / "IMG_0001.jpg")
    first = attach(database, admin, "notice", ids["notice"], source, caption="公示栏")
    second = attach(database, admin, "meeting", ids["meeting"], source)
    assert first.sha256 == second.sha256
    root = Path(database.path).parent
    stored = root / "attachments" / first.sha256[:2] / f"{first.sha256}.jpg"
    assert Path(first.path) == stored and stored.is_file()
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == first.sha256
    assert [p.name for p in (root / "attachments").rglob("*.jpg") if "thumbs" not in p.parts] == [stored.name]
    # nothing of the picture is in the database
    with sqlite3.connect(database.path) as conn:
        assert conn.execute("SELECT original_name, byte_size, width, height, caption, owner_kind FROM attachment "
                            "WHERE id = ?", (first.id,)).fetchone() == (
            "IMG_0001.jpg", stored.stat().st_size, 800, 600, "公示栏", "notice")
    # a thumbnail for the record view, cached under attachments/thumbs/
    assert first.thumbnail[:2] == b"\xff\xd8"
    assert max(Image.open(io.BytesIO(first.thumbnail)).size) == 160
    assert list((root / "attachments" / "thumbs").iterdir())
    # the same picture twice on one record is refused, not stored twice
    before = (attachment_rows(database), folder_state(database))
    with pytest.raises(ValidationError) as info:
        attach(database, admin, "notice", ids["notice"], source)
    assert "already attached" in str(info.value.errors) or "已" in str(info.value.errors)
    assert (attachment_rows(database), folder_state(database)) == before


def test_a_phone_photo_is_shrunk_turned_upright_and_loses_its_gps(world, tmp_path):
    database, admin, ids = world
    # stored landscape 4000×3000 with "rotate 90° clockwise to view" (orientation 6): upright it is 3000×4000
    source = photo(tmp_path / "phone.jpg", size=(4000, 3000), orientation=6, gps=True, taken="2026:03:02 10:11:12")
    assert Image.open(source).getexif().get_ifd(0x8825)  # the GPS block is really there
    made = attach(database, admin, "notice", ids["notice"], source)
    stored = Image.open(made.path)
    assert stored.size == (1500, 2000) and (made.width, made.height) == (1500, 2000)
    # upright: the red half (left when stored) is now on top, the blue half at the bottom
    top, bottom = stored.convert("RGB").getpixel((750, 300)), stored.convert("RGB").getpixel((750, 1700))
    assert top[0] > 150 and top[2] < 100 and bottom[2] > 150 and bottom[0] < 100
    exif = stored.getexif()
    assert not exif.get_ifd(0x8825) and 0x8825 not in exif and exif.get(0x0112) in (None, 1)
    assert b"GPS" not in Path(made.path).read_bytes()
    assert made.taken_on == dt.date(2026, 3, 2)
    assert Path(made.path).stat().st_size < source.stat().st_size


def test_a_scan_pdf_is_kept_as_it_is_with_a_thumbnail_of_its_first_page(world, tmp_path):
    database, admin, ids = world
    source = tiny_pdf(tmp_path / "签到表.pdf")
    made = attach(database, admin, "meeting", ids["meeting"], source, caption="签到表")
    assert made.kind == "pdf" and made.pages == 1 and made.ext == ".pdf"
    assert Path(made.path).read_bytes() == source.read_bytes()
    assert Image.open(io.BytesIO(made.thumbnail)).size[1] == 160
    # a meeting's photo is dated the meeting's day by default
    assert made.taken_on == dt.date(2026, 3, 1)


def _big(path: Path) -> Path:
    with open(path, "wb") as handle:
        handle.write(b"\xff\xd8\xff")
        handle.seek(attachments.MAX_BYTES + 10)
        handle.write(b"\0")
    return path


REFUSALS = {
    "not an image": (lambda d: (d / "notes.txt").write_text("会议记录") and d / "notes.txt", {}, "neither"),
    "damaged image": (lambda d: (d / "broken.jpg").write_bytes(photo(d / "ok.jpg").read_bytes()[:400])
                      and d / "broken.jpg", {}, "damaged"),
    "damaged pdf": (lambda d: (d / "scan.pdf").write_bytes(b"%PDF-1.4\n garbage") and d / "scan.pdf", {}, "damaged"),
    "too large": (lambda d: _big(d / "film.jpg"), {}, "too large"),
    "path tricks": (lambda d: photo(d / "ok.jpg"), {"name": "../../villagedesk.sqlite3"}, "plain file name"),
    "backslash": (lambda d: photo(d / "ok.jpg"), {"name": "..\\x.jpg"}, "plain file name"),
    "missing file": (lambda d: d / "nowhere.jpg", {}, "could not be read"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals_say_why_and_change_nothing(world, tmp_path, case):
    from app import i18n

    i18n.set_language("en")
    database, admin, ids = world
    attach(database, admin, "notice", ids["notice"], photo(tmp_path / "first.jpg", color=(0, 200, 0)))
    make, extra, words = REFUSALS[case]
    (tmp_path / "in").mkdir()
    source = make(tmp_path / "in")
    before = (attachment_rows(database), folder_state(database))
    with pytest.raises(ValidationError) as info:
        attach(database, admin, "notice", ids["notice"], source, **extra)
    assert words in info.value.errors["file"]
    assert (attachment_rows(database), folder_state(database)) == before


def test_another_villages_attachment_is_invisible(world, tmp_path):
    database, admin, ids = world
    made = attach(database, admin, "notice", ids["notice"], photo(tmp_path / "a.jpg"))
    with sqlite3.connect(database.path) as conn:  # as if it had come from another village
        conn.execute("UPDATE attachment SET village_code = '510112104202' WHERE id = ?", (made.id,))
    assert listed(database, admin, "notice", ids["notice"]) == []
    with pytest.raises(NotFound), database.unit(admin) as session:
        attachments.attachment_file(session=session, actor=admin, attachment_id=made.id)


def test_a_case_attachment_is_for_mediators_only_and_every_look_is_logged(world, tmp_path):
    database, admin, ids = world
    mediator, clerk = role(MEDIATOR), role(CLERK)
    made = attach(database, mediator, "mediation_case", ids["mediation_case"], photo(tmp_path / "界址.jpg"),
                  caption="界址现场")
    with pytest.raises(PermissionDenied), database.unit(clerk) as session:
        attachments.attachments(session=session, actor=clerk, owner_kind="mediation_case",
                                owner_id=ids["mediation_case"])
    with pytest.raises(PermissionDenied), database.unit(clerk) as session:
        attachments.attachment_file(session=session, actor=clerk, attachment_id=made.id)
    with pytest.raises(PermissionDenied), database.unit(clerk) as session:
        attachments.remove_attachment(session=session, actor=clerk, attachment_id=made.id)
    assert [a.caption for a in listed(database, mediator, "mediation_case", ids["mediation_case"])] == ["界址现场"]
    with database.unit(mediator) as session:
        opened = attachments.attachment_file(session=session, actor=mediator, attachment_id=made.id)
    assert opened.data == Path(made.path).read_bytes()
    with sqlite3.connect(database.path) as conn:
        log = conn.execute("SELECT username, shown FROM mediation_access_log ORDER BY id").fetchall()
    assert ("mediator", "attachment:add") in log and ("mediator", "attachments") in log
    assert ("mediator", f"attachment:{made.id}") in log
    assert [s for u, s in log if u == "clerk"] and all(s.startswith("refused:") for u, s in log if u == "clerk")
    # the recycle bin (the office's) never offers a case's photo
    from app import recycle

    with database.unit(mediator) as session:
        attachments.remove_attachment(session=session, actor=mediator, attachment_id=made.id)
    with database.unit(admin) as session:
        assert [r for r in recycle.deleted_records(session=session, actor=admin) if r.table == "attachment"] == []


def test_remove_hides_it_keeps_the_file_and_the_bin_puts_it_back(world, tmp_path):
    database, admin, ids = world
    made = attach(database, admin, "concern", ids["concern"], photo(tmp_path / "路灯.jpg"))
    with database.unit(admin) as session:
        attachments.remove_attachment(session=session, actor=admin, attachment_id=made.id)
    assert listed(database, admin, "concern", ids["concern"]) == []
    assert Path(made.path).is_file()
    assert attachment_rows(database)[0][3] is not None  # a tombstone, not a deletion
    from app import recycle

    with database.unit(admin) as session:
        bin_rows = [r for r in recycle.deleted_records(session=session, actor=admin) if r.table == "attachment"]
        assert [r.record_id for r in bin_rows] == [made.id]
        recycle.restore_record(session=session, actor=admin, table="attachment", record_id=made.id)
    assert [a.id for a in listed(database, admin, "concern", ids["concern"])] == [made.id]


def test_caption_and_date_can_be_changed_and_are_checked(world, tmp_path):
    database, admin, ids = world
    made = attach(database, admin, "notice", ids["notice"], photo(tmp_path / "a.jpg"))
    with database.unit(admin) as session:
        changed = attachments.update_attachment(session=session, actor=admin, attachment_id=made.id,
                                                caption="张贴于村委会公示栏", taken_on="2026-03-05")
    assert (changed.caption, changed.taken_on) == ("张贴于村委会公示栏", dt.date(2026, 3, 5))
    with pytest.raises(ValidationError) as info, database.unit(admin) as session:
        attachments.update_attachment(session=session, actor=admin, attachment_id=made.id, caption="x" * 201)
    assert "caption" in info.value.errors
    with pytest.raises(ValidationError) as info, database.unit(admin) as session:
        attachments.update_attachment(session=session, actor=admin, attachment_id=made.id, caption="",
                                      taken_on="2099-01-01")
    assert "taken_on" in info.value.errors


ACCESS = {  # owner kind → (roles that see, roles that change)
    "notice": ({SECRETARY, CLERK, MEDIATOR, GRID_WORKER, TOWNSHIP}, {SECRETARY, CLERK}),
    "meeting": ({SECRETARY, CLERK, MEDIATOR, GRID_WORKER}, {SECRETARY, CLERK}),
    "concern": ({SECRETARY, CLERK, MEDIATOR, GRID_WORKER}, {SECRETARY, CLERK, GRID_WORKER}),
    "mediation_case": ({SECRETARY, MEDIATOR}, {SECRETARY, MEDIATOR}),
}


@pytest.mark.parametrize("kind", sorted(ACCESS))
def test_who_may_see_and_attach_follows_the_record(world, tmp_path, kind):
    database, admin, ids = world
    sees, changes = ACCESS[kind]
    made = attach(database, admin, kind, ids[kind], photo(tmp_path / "a.jpg"))
    for name in (SECRETARY, CLERK, MEDIATOR, GRID_WORKER, TOWNSHIP, SHOP):
        actor = role(name)
        with database.unit(actor) as session:
            allowed = attachments.allowed_actions(session=session, actor=actor, owner_kind=kind)
        assert (allowed["view"] is None, allowed["add"] is None) == (name in sees, name in changes), name
        try:
            assert made.id in [a.id for a in listed(database, actor, kind, ids[kind])]
            saw = True
        except PermissionDenied:
            saw = False
        try:
            attach(database, actor, kind, ids[kind], photo(tmp_path / f"{name}.jpg", color=(len(name) * 9, 9, 9)))
            added = True
        except PermissionDenied:
            added = False
        assert (saw, added) == (name in sees, name in changes), name


def test_attachments_never_leave_the_village_in_a_bundle():
    from app.areas import area
    from app.sync.service import export_policies

    assert export_policies()["attachment"] == "never"
    assert area("attachments").export == {"attachment": "never"}
