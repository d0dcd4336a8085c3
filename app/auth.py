"""Accounts, roles and permissions. Every permission check in the program happens here.

Roles follow the office: 书记/主任 (secretary, the admin), 文书 (clerk), 人民调解员 (mediator),
网格员 (grid worker) and 乡镇 (township viewer, reads summaries only).
"""
from __future__ import annotations

import dataclasses
from typing import Any

from sqlmodel import Session, func, select

from app.errors import AuthenticationFailed, PermissionDenied, ValidationError
from app.i18n import N_, _
from db.base import utcnow
from db.models.accounts import User

SECRETARY, CLERK, MEDIATOR, GRID_WORKER, TOWNSHIP = "secretary", "clerk", "mediator", "grid_worker", "township"

ROLES: dict[str, str] = {
    SECRETARY: N_("Secretary / director (admin)"),
    CLERK: N_("Clerk"),
    MEDIATOR: N_("Mediator"),
    GRID_WORKER: N_("Grid worker"),
    TOWNSHIP: N_("Township viewer"),
}

_VILLAGE = {SECRETARY, CLERK, MEDIATOR, GRID_WORKER}
_OFFICE = {SECRETARY, CLERK}

# permission → roles that hold it. Each area checks its own permissions through ``require``.
PERMISSIONS: dict[str, set[str]] = {
    "users.manage": {SECRETARY},
    "village.edit": _OFFICE,
    "people.view": _VILLAGE,
    "people.edit": _OFFICE | {GRID_WORKER},
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

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS.get(permission, set())

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
        raise PermissionDenied(
            _("Your role ({role}) may not {action}.").format(role=role, action=_(ACTIONS.get(permission, permission)))
        )
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
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, display_name=user.display_name or user.username, role=user.role)


def _validate_account(username: str, password: str, role: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = _("Enter a user name.")
    elif len(username) > 64 or any(ch.isspace() for ch in username):
        errors["username"] = _("A user name has no spaces and at most 64 characters.")
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = _("A password needs at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)
    if role not in ROLES:
        errors["role"] = _("Unknown role: {role}.").format(role=role)
    return errors


def user_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def create_user(*, session: Session, actor: Actor | None, username: str, password: str, role: str,
                display_name: str = "") -> Actor:
    """Add an account. Only the admin may, except for the very first account of a new store."""
    if user_count(session) > 0:
        require(actor, "users.manage")
    username = username.strip()
    errors = _validate_account(username, password, role)
    if not errors and session.exec(select(User).where(User.username == username)).first():
        errors["username"] = _("The user name {name} is taken.").format(name=username)
    if errors:
        raise ValidationError(errors)
    user = User(username=username, display_name=display_name.strip() or username, role=role,
                password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return actor_of(user)


def authenticate(*, session: Session, username: str, password: str) -> Actor:
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active or not verify_password(user.password_hash, password):
        raise AuthenticationFailed(_("Wrong user name or password."))
    user.last_login_at = utcnow()
    session.add(user)
    return actor_of(user)


def list_users(*, session: Session, actor: Actor) -> list[User]:
    require(actor, "users.manage")
    return list(session.exec(select(User).order_by(User.username)))


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def first_admin(session: Session) -> User | None:
    return session.exec(select(User).where(User.role == SECRETARY).order_by(User.created_at)).first()


def change_password(*, session: Session, actor: Actor, old: str, new: str) -> None:
    """The signed-in user changes their own password (the old one is asked again)."""
    user = session.get(User, actor.user_id) if actor is not None and actor.user_id else None
    if user is None:
        raise PermissionDenied(_("Sign in first."))
    if not verify_password(user.password_hash, old):
        raise ValidationError({"old": _("The current password is not right.")})
    if len(new) < MIN_PASSWORD_LENGTH:
        raise ValidationError({"new": _("A password needs at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)})
    user.password_hash = hash_password(new)
    session.add(user)


def reset_password(*, session: Session, actor: Actor, username: str, new: str) -> None:
    """忘记密码: the admin sets a new password for another account."""
    require(actor, "users.manage")
    user = find_user(session, username)
    if user is None:
        raise ValidationError({"username": _("No user named {name}.").format(name=username)})
    if len(new) < MIN_PASSWORD_LENGTH:
        raise ValidationError({"new": _("A password needs at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)})
    user.password_hash = hash_password(new)
    session.add(user)
