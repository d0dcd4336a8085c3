"""Accounts, roles and permissions. Every permission check in the program happens here.

Roles follow the office: 书记/主任 (secretary, the admin), 文书 (clerk), 人民调解员 (mediator),
网格员 (grid worker), 乡镇 (township viewer, reads summaries only) and 超市管理员 (the 积美超市's
shop keeper: redemptions and stock only).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlmodel import Session, func, select

from app import password_check
from app.errors import AuthenticationFailed, PermissionDenied, ValidationError
from app.i18n import N_, _, ngettext
from app.text import clean_text, normalise
from db.base import utcnow
from db.models.accounts import Setting, User
from db.tracking import AuditEntry

SECRETARY, CLERK, MEDIATOR, GRID_WORKER, TOWNSHIP = "secretary", "clerk", "mediator", "grid_worker", "township"
SHOP = "shop"  # 超市管理员: keeps the 积美超市 counter (redemptions and stock), nothing else

ROLES: dict[str, str] = {
    SECRETARY: N_("Secretary / director (admin)"),
    CLERK: N_("Clerk"),
    MEDIATOR: N_("Mediator"),
    GRID_WORKER: N_("Grid worker"),
    TOWNSHIP: N_("Township viewer"),
    SHOP: N_("Points shop keeper"),
}

_VILLAGE = {SECRETARY, CLERK, MEDIATOR, GRID_WORKER}
_OFFICE = {SECRETARY, CLERK}

# permission → roles that hold it. Each area checks its own permissions through ``require``.
PERMISSIONS: dict[str, set[str]] = {
    "users.manage": {SECRETARY},
    "village.edit": _OFFICE,
    "people.view": _VILLAGE,
    "people.edit": _OFFICE | {GRID_WORKER},  # a grid worker: only the households of their own grid
    "people.delete": _OFFICE,
    "people.numbers": _OFFICE,  # full ID and phone numbers; every other role sees them masked
    "notices.view": _VILLAGE | {TOWNSHIP},
    "notices.edit": _OFFICE,
    "notices.unmask": {SECRETARY},
    "meetings.view": _VILLAGE,
    "meetings.edit": _OFFICE,
    "minutes.approve": {SECRETARY},
    "concerns.view": _VILLAGE,
    "concerns.edit": _OFFICE | {GRID_WORKER},
    "deliberation.edit": _OFFICE,
    "mediation.view": {SECRETARY, MEDIATOR},
    "mediation.edit": {SECRETARY, MEDIATOR},
    "volunteers.edit": _OFFICE | {GRID_WORKER},
    "points.edit": _OFFICE | {GRID_WORKER},
    "points.approve": {SECRETARY},
    "points.redeem": _OFFICE | {SHOP},  # the 积美超市 counter: redemptions and stock
    "points.view": _VILLAGE | {SHOP},  # balances, passbooks, the goods list
    "awards.edit": _OFFICE,
    "awards.approve": {SECRETARY},
    "stats.view": _VILLAGE | {TOWNSHIP},
    "sync.export": _OFFICE,
    "sync.import": _OFFICE | {TOWNSHIP},
    "backup.run": _OFFICE,
    "backup.restore": {SECRETARY},
}

ACTIONS: dict[str, str] = {
    "users.manage": N_("manage accounts"),
    "village.edit": N_("change the village profile"),
    "people.view": N_("see the people register"),
    "people.edit": N_("change the people register"),
    "people.delete": N_("delete households and residents"),
    "people.numbers": N_("see full ID and phone numbers"),
    "notices.view": N_("see notices"),
    "notices.edit": N_("write and issue notices"),
    "notices.unmask": N_("show personal details on a public notice"),
    "meetings.view": N_("see meetings"),
    "meetings.edit": N_("record meetings"),
    "minutes.approve": N_("approve minutes"),
    "concerns.view": N_("see villagers' concerns"),
    "concerns.edit": N_("record villagers' concerns"),
    "deliberation.edit": N_("record 四议两公开 steps"),
    "mediation.view": N_("see mediation cases"),
    "mediation.edit": N_("record mediation cases"),
    "volunteers.edit": N_("record volunteer service"),
    "points.edit": N_("record points"),
    "points.approve": N_("approve points"),
    "points.redeem": N_("redeem points for goods"),
    "points.view": N_("see points and passbooks"),
    "awards.edit": N_("run award selections"),
    "awards.approve": N_("approve awards"),
    "stats.view": N_("see statistics"),
    "sync.export": N_("export bundles for the township"),
    "sync.import": N_("import bundles"),
    "backup.run": N_("make backups"),
    "backup.restore": N_("restore a backup"),
}

MIN_PASSWORD_LENGTH = 8


@dataclasses.dataclass(frozen=True)
class Actor:
    """The signed-in user on whose behalf a service acts."""

    user_id: str
    username: str
    display_name: str
    role: str
    grid_id: str | None = None  # a grid worker's own grid (网格)

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS.get(permission, set())

    def refusal(self, permission: str) -> str | None:
        """None when the role holds ``permission``; otherwise why not, in the user's language (what
        a disabled button says in its tooltip, and what :func:`require` refuses with)."""
        if self.can(permission):
            return None
        return _("Your role ({role}) may not {action}.").format(role=self.role_label,
                                                               action=_(ACTIONS.get(permission, permission)))

    @property
    def role_label(self) -> str:
        return _(ROLES.get(self.role, self.role))


SYSTEM = Actor(user_id="", username="system", display_name="system", role=SECRETARY)


def require(actor: Actor | None, permission: str) -> Actor:
    """Refuse, in the user's language, what ``actor``'s role may not do."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)
    if actor is None or not actor.can(permission):
        role = _(ROLES.get(actor.role, actor.role)) if actor else _("nobody signed in")
        refusal = PermissionDenied(
            _("Your role ({role}) may not {action}.").format(role=role, action=_(ACTIONS.get(permission, permission)))
        )
        # Written to the audit log by db.engine once the caller's unit has rolled back.
        refusal.audit_record = {"action": "refused", "table_name": "permission", "row_id": permission,  # type: ignore[attr-defined]
                                "actor": actor.username if actor else "", "changes": {"role": actor.role if actor else ""}}
        raise refusal
    return actor


# argon2id, memory-hard: 64 MiB and 3 passes (argon2-cffi's RFC 9106 low-memory profile).
ARGON2_PARAMS: dict[str, int] = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}


def require_any(actor: Actor | None, *permissions: str) -> Actor:
    """Pass when ``actor`` holds any of ``permissions``; otherwise refuse as for the first one."""
    if actor is not None and any(actor.can(p) for p in permissions):
        return actor
    return require(actor, permissions[0])


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher(**ARGON2_PARAMS)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``: the answer of a check of exactly these started
    on a thread before the store was opened (the command line, :mod:`app.password_check`), or
    verified now."""
    early = password_check.result(stored_hash, password)
    if early is not None:
        return early
    return password_check.argon2_verify(stored_hash, password)


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, display_name=user.display_name or user.username,
                 role=user.role, grid_id=user.grid_id)


# ---------------------------------------------------------------- the password rule

# Passwords that guessing tools try first (and village offices use): refused outright.
COMMON_PASSWORDS = frozenset({
    "12345678", "123456789", "1234567890", "87654321", "11111111", "00000000", "88888888", "66666666",
    "password", "password1", "passw0rd", "qwertyui", "qwerty123", "1qaz2wsx", "1q2w3e4r", "abc12345",
    "abcd1234", "a1234567", "aa123456", "woaini1314", "woaini520", "iloveyou", "admin123", "admin888",
    "123qweasd", "qweasdzxc", "zxcvbnm1", "asdf1234", "secret12",
})


def _classes(password: str) -> int:
    kinds = [any(c.islower() for c in password), any(c.isupper() for c in password),
             any(c.isdigit() for c in password), any(not c.isalnum() and not c.isspace() for c in password)]
    # letters of scripts without case (汉字) count as letters
    if any(c.isalpha() and not c.islower() and not c.isupper() for c in password):
        kinds[0] = True
    return sum(kinds)


def _squash(value: str) -> str:
    return "".join(value.split()).casefold()


def password_problem(password: str, *, username: str = "", display_name: str = "") -> str | None:
    """Why ``password`` is not acceptable (in the user's language), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("A password needs at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)
    if not password.strip():
        return _("A password cannot be only spaces.")
    squashed = _squash(password)
    if squashed in {_squash(username), _squash(display_name)} - {""}:
        return _("A password cannot be the user name or the person's name.")
    if squashed in COMMON_PASSWORDS or password.casefold() in COMMON_PASSWORDS or len(set(squashed)) <= 2:
        return _("This password is among the first ones anyone would guess; choose another.")
    if _classes(password) < 2:
        return _("Mix at least two kinds of characters: letters, digits, punctuation.")
    return None


def password_hint(password: str) -> str:
    """A short strength hint for a password field's meter: weak, fair or strong, and what helps."""
    if password_problem(password) is not None:
        return _("Weak: {why}").format(why=password_problem(password))
    score = _classes(password) + (len(password) >= 12) + (len(password) >= 16)
    if score >= 4:
        return _("Strong.")
    return _("Fair: a longer password with more kinds of characters is stronger.")


def _validate_account(username: str, password: str, role: str, display_name: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = _("Enter a user name.")
    elif len(username) > 64 or any(ch.isspace() for ch in username):
        errors["username"] = _("A user name has no spaces and at most 64 characters.")
    problem = password_problem(password, username=username, display_name=display_name)
    if problem:
        errors["password"] = problem
    if role not in ROLES:
        errors["role"] = _("Unknown role: {role}.").format(role=role)
    return errors


def _clean_username(username: str) -> str:
    return clean_text(username, field="username", max_length=64)


def user_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def _check_grid(session: Session, role: str, grid_id: str | None) -> dict[str, str]:
    from db.models.people import (
        Grid,  # the people register's table; read only to check the reference
    )

    if role == GRID_WORKER and not grid_id:
        return {}  # allowed: a grid worker without a grid sees no household until one is given
    if grid_id and role != GRID_WORKER:
        return {"grid_id": _("Only a grid worker has a grid.")}
    if grid_id:
        grid = session.get(Grid, grid_id)
        if grid is None or grid.deleted_at is not None:
            return {"grid_id": _("Choose a grid from the list.")}
    return {}


def create_user(*, session: Session, actor: Actor | None, username: str, password: str, role: str,
                display_name: str = "", grid_id: str | None = None) -> Actor:
    """Add an account. Only the admin may, except for the very first account of a new store.
    A grid worker's account names the grid (网格) they work on."""
    if user_count(session) > 0:
        require(actor, "users.manage")
    username = _clean_username(username)
    display_name = clean_text(display_name, field="display_name", max_length=64)
    errors = _validate_account(username, password, role, display_name)
    errors.update(_check_grid(session, role, grid_id))
    if not errors and session.exec(select(User).where(User.username == username)).first():
        errors["username"] = _("The user name {name} is taken.").format(name=username)
    if errors:
        raise ValidationError(errors)
    user = User(username=username, display_name=display_name or username, role=role,
                password_hash=hash_password(password), grid_id=grid_id or None)
    session.add(user)
    session.flush()
    return actor_of(user)


# ---------------------------------------------------------------- signing in, lockout

# After LOCKOUT_AFTER failures in a row an account waits LOCKOUT_FIRST seconds before the next
# try, and each further failure doubles the wait (capped). A success resets the count.
LOCKOUT_AFTER = 5
LOCKOUT_FIRST = 30
LOCKOUT_MAX = 3600

_DUMMY: dict[tuple[tuple[str, int], ...], str] = {}


def _dummy_hash() -> str:
    """A hash made with the current parameters, verified when the user name is unknown so that a
    refusal costs the same whether the account exists or not."""
    key = tuple(sorted(ARGON2_PARAMS.items()))
    if key not in _DUMMY:
        from argon2 import extract_parameters

        made = extract_parameters(password_check.DUMMY_HASH)
        if all(getattr(made, name) == value for name, value in ARGON2_PARAMS.items()):
            _DUMMY[key] = password_check.DUMMY_HASH  # the one a check started early verifies
        else:
            _DUMMY[key] = hash_password("not-a-password-of-anyone")
    return _DUMMY[key]


def lockout_seconds(failures: int) -> int:
    """How long an account waits after ``failures`` failed sign-ins in a row (0: not locked)."""
    if failures < LOCKOUT_AFTER:
        return 0
    return min(LOCKOUT_FIRST * 2 ** (failures - LOCKOUT_AFTER), LOCKOUT_MAX)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def locked_for(user: User, now: dt.datetime | None = None) -> int:
    """Seconds until ``user`` may try to sign in again (0 when not locked)."""
    until = _aware(user.locked_until)
    now = now or utcnow()
    if until is None or until <= now:
        return 0
    return int((until - now).total_seconds() + 0.999)


def _wait_words(seconds: int) -> str:
    if seconds >= 120:
        minutes = (seconds + 59) // 60
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    return ngettext("{n} second", "{n} seconds", seconds).format(n=seconds)


def _refused(message: str, username: Any) -> AuthenticationFailed:
    """The refusal, carrying its audit record: the name as typed (never the password), written by
    db.engine after the caller's unit has rolled back."""
    typed = username.strip()[:64] if isinstance(username, str) else ""
    failed = AuthenticationFailed(message)
    failed.audit_record = {"action": "sign_in_failed", "table_name": "user",  # type: ignore[attr-defined]
                           "row_id": typed, "actor": typed, "changes": {}}
    return failed


def authenticate(*, session: Session, username: str, password: str, now: dt.datetime | None = None) -> Actor:
    """Sign in, or :class:`AuthenticationFailed`. The refusal says neither whether the user name
    exists nor which part was wrong, and costs the same time either way (a dummy hash is verified
    for an unknown name). Failures are counted on the account: after :data:`LOCKOUT_AFTER` in a row
    it must wait, and the refusal says how long. A failure is committed before the refusal is
    raised, so the unit of work's rollback cannot undo the count."""
    now = now or utcnow()
    name = normalise(username) if isinstance(username, str) and len(username) <= 256 else ""
    user = session.exec(select(User).where(User.username == name)).first() if name and len(name) <= 64 else None
    if user is None:
        verify_password(_dummy_hash(), password)
        raise _refused(_("Wrong user name or password."), username)
    wait = locked_for(user, now)
    if wait:
        verify_password(_dummy_hash(), password)  # the same cost: a locked account says nothing more
        raise _refused(_("Too many failed sign-ins for {user}: try again in {wait}.").format(
            user=user.username, wait=_wait_words(wait)), username)
    if not verify_password(user.password_hash, password) or not user.active:
        user.failed_logins = (user.failed_logins or 0) + 1
        delay = lockout_seconds(user.failed_logins)
        user.locked_until = now + dt.timedelta(seconds=delay) if delay else None
        session.add(user)
        if not session.info.get("read_only"):
            session.commit()
        if delay:
            raise _refused(_("Wrong user name or password. Too many failed sign-ins: try again in {wait}.")
                           .format(wait=_wait_words(delay)), username)
        raise _refused(_("Wrong user name or password."), username)
    user.failed_logins, user.locked_until = 0, None
    user.last_login_at = now
    session.add(user)
    session.add(AuditEntry(actor=user.username, action="sign_in", table_name="user", row_id=user.username, changes={}))
    return actor_of(user)


def unlock_user(*, session: Session, actor: Actor, username: str) -> None:
    """The admin lifts a lockout (the failure count starts again)."""
    require(actor, "users.manage")
    user = _user_or_not_found(session, username)
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    session.flush()


def _user_or_not_found(session: Session, username: str) -> User:
    from app.errors import NotFound

    user = find_user(session, normalise(username))
    if user is None:
        raise NotFound(_("No user {name}.").format(name=username))
    return user


def change_password(*, session: Session, actor: Actor, old_password: str, new_password: str) -> None:
    """Every user changes their own password, giving the old one."""
    if actor is None or not actor.user_id:
        raise PermissionDenied(_("Sign in first."))
    user = session.get(User, actor.user_id)
    if user is None:
        raise PermissionDenied(_("Sign in first."))
    if not verify_password(user.password_hash, old_password):
        raise ValidationError({"old_password": _("The current password is wrong.")})
    problem = password_problem(new_password, username=user.username, display_name=user.display_name)
    if problem is None and new_password == old_password:
        problem = _("The new password is the same as the old one.")
    if problem:
        raise ValidationError({"new_password": problem})
    user.password_hash = hash_password(new_password)
    session.add(user)
    session.flush()


def reset_password(*, session: Session, actor: Actor, username: str, new_password: str) -> None:
    """The admin sets a new password for an account (and lifts its lockout)."""
    require(actor, "users.manage")
    user = _user_or_not_found(session, username)
    problem = password_problem(new_password, username=user.username, display_name=user.display_name)
    if problem:
        raise ValidationError({"new_password": problem})
    user.password_hash = hash_password(new_password)
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    session.flush()


@dataclasses.dataclass(frozen=True)
class UserRow:
    """One account as the admin sees it."""

    username: str
    display_name: str
    role: str
    active: bool
    grid_id: str | None
    failed_logins: int
    locked_seconds: int  # 0 when not locked
    last_login_at: dt.datetime | None


def user_rows(*, session: Session, actor: Actor) -> list[UserRow]:
    """Every account with its lockout state, for the admin."""
    require(actor, "users.manage")
    now = utcnow()
    return [UserRow(username=u.username, display_name=u.display_name, role=u.role, active=u.active, grid_id=u.grid_id,
                    failed_logins=u.failed_logins or 0, locked_seconds=locked_for(u, now),
                    last_login_at=u.last_login_at)
            for u in session.exec(select(User).order_by(User.username))]


# ---------------------------------------------------------------- idle lock

IDLE_LOCK_KEY = "idle_lock_minutes"
IDLE_LOCK_DEFAULT = 15


def idle_lock_minutes(*, session: Session, actor: Actor | None = None) -> int:
    """Minutes without input after which the window locks (0: never). Anyone may ask."""
    setting = session.get(Setting, IDLE_LOCK_KEY)
    value = setting.value if setting is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else IDLE_LOCK_DEFAULT


def set_idle_lock_minutes(*, session: Session, actor: Actor, minutes: int) -> int:
    """The admin sets the idle lock (1–240 minutes, or 0 for never)."""
    require(actor, "users.manage")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= 240:
        raise ValidationError({"minutes": _("Enter a number of minutes from 0 (never) to 240.")})
    setting = session.get(Setting, IDLE_LOCK_KEY) or Setting(key=IDLE_LOCK_KEY)
    setting.value = minutes
    session.add(setting)
    session.flush()
    return minutes


def list_users(*, session: Session, actor: Actor) -> list[User]:
    require(actor, "users.manage")
    return list(session.exec(select(User).order_by(User.username)))


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def first_admin(session: Session) -> User | None:
    return session.exec(select(User).where(User.role == SECRETARY).order_by(User.created_at)).first()
