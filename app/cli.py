"""``villagedesk``: the command line (a stable contract, see DESIGN.md).

With no sub-command the GUI opens (``ui.launcher`` decides that before importing the core). Sub-commands act as a user like the GUI does: ``--user``
(default: the first admin) with the password from ``VILLAGEDESK_PASSWORD`` or a prompt.
Expected errors go to stderr in the user's language with exit status 1, never a traceback.
"""
from __future__ import annotations

import argparse
import atexit
import gc
import getpass
import importlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.area_index import COMMANDS
from app.errors import AuthenticationFailed, ValidationError, VillageDeskError
from app.i18n import LANGUAGES, _, set_language

#: Commands that only read (their sign-in time is not written on a read-only store): they work on
#: read-only media and never take the store's writer lock.
READING = {"check", "stats", "print", "user list"}
#: Commands that sign in as soon as the store is open: with the password in VILLAGEDESK_PASSWORD,
#: its check starts on a thread before SQLAlchemy loads (:meth:`Context.check_password_ahead`).
SIGN_IN_FIRST = {"stats", "print", "user list", "user add", "user reset", "user passwd", "backup"}
#: The commands of this module (``build_parser`` adds the areas' from :mod:`app.area_index`).
CORE_COMMANDS = ("init", "demo", "check", "stats", "backup", "restore", "user")


def command_name(args: argparse.Namespace) -> str:
    return " ".join(part for part in (getattr(args, "command", None), getattr(args, "user_command", None),
                                      getattr(args, "keys_command", None)) if part)


class Context:
    """What a command handler needs: the store, the acting user, output helpers."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self._database: Any = None

    def open_database(self) -> Any:
        """The store, identified before anything is written (a damaged, foreign or newer file is
        refused untouched). Commands that change data hold the store's writer lock while they
        run; reading commands (``READING``) and ``--read-only`` never take it."""
        if self._database is None:
            from app.paths import default_db_path
            from db.engine import Database

            read_only = bool(getattr(self.args, "read_only", False))
            self._database = Database(getattr(self.args, "db", None) or default_db_path(), read_only=read_only,
                                      lock=not read_only and command_name(self.args) not in READING)
            self._daily_backup(self._database)
        return self._database

    @staticmethod
    def _daily_backup(database: Any) -> None:
        """A command that writes to a set-up store makes the daily automatic backup first, when the
        newest is older than a day (otherwise it costs one listing of the backups folder)."""
        from db.identify import MISSING

        if database.lock is None or database.identity is None or database.identity.kind == MISSING:
            return
        from app.backup import backup_on_start

        backup_on_start(database)

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
            self._database = None

    def check_password_ahead(self) -> None:
        """Start the argon2 check of ``VILLAGEDESK_PASSWORD`` against the stored hash of the account
        this command signs in as, on a thread, while the store's libraries load (issue 16). It
        decides nothing: :meth:`login` signs in as before and only takes the answer for exactly
        the hash it reads (:mod:`app.password_check`)."""
        password = os.environ.get("VILLAGEDESK_PASSWORD")
        if not password or command_name(self.args) not in SIGN_IN_FIRST or getattr(self.args, "list", False):
            return
        from app.paths import default_db_path

        target = getattr(self.args, "db", None) or default_db_path()
        if "://" in str(target):
            return
        from app.password_check import start_for_store

        try:
            start_for_store(target, username=getattr(self.args, "user", None), password=password)
        except (OSError, RuntimeError, ValueError):  # no thread, an odd path: the sign-in verifies itself
            pass

    def password(self, prompt: str | Callable[[], str], env: str = "VILLAGEDESK_PASSWORD", *,
                 confirm: bool = False) -> str:
        """The password in ``env``, or one typed at ``prompt`` (a callable: the prompt is made only
        when it is shown, so that a command given its password translates nothing: issue 16)."""
        value = os.environ.get(env)
        if value:
            return value
        if not sys.stdin or not sys.stdin.isatty():
            raise VillageDeskError(_("No password: set {env} or run the command in a terminal.").format(env=env))
        value = getpass.getpass(prompt() if callable(prompt) else prompt)
        if confirm and getpass.getpass(_("Repeat the password: ")) != value:
            raise VillageDeskError(_("The two passwords differ."))
        return value

    def login(self, session: Any) -> Any:
        """The acting user, signed in with ``--user`` (default: the first admin) and a password."""
        from app.auth import authenticate, first_admin

        username = getattr(self.args, "user", None)
        if not username:
            admin = first_admin(session)
            if admin is None:
                raise VillageDeskError(_("This database is not set up yet: run `villagedesk init` first."))
            username = admin.username
        password = self.password(lambda: _("Password for {user}: ").format(user=username))
        try:
            return authenticate(session=session, username=username, password=password)
        except AuthenticationFailed:
            session.commit()
            raise

    def print_json(self, value: Any) -> None:
        print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH|URL",
                        help="SQLite file or SQLAlchemy URL (default: the user data directory)")
    common.add_argument("--user", default=argparse.SUPPRESS, metavar="NAME", help="act as this user")
    common.add_argument("--lang", default=argparse.SUPPRESS, choices=sorted(LANGUAGES), help="message language")
    common.add_argument("--read-only", action="store_true", default=argparse.SUPPRESS,
                        help="open the database without writing anything (as on read-only media)")
    return common


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    from app import people, sync

    if args.kind == "township":
        missing = [flag for flag, value in (("--township", args.township), ("--township-code", args.township_code))
                   if not value]
        if missing:
            raise ValidationError({"kind": _("A township store needs {flags}.").format(flags=", ".join(missing))})
        password = ctx.password(_("Password for the new admin {user}: ").format(user=args.admin), confirm=True)
        database = ctx.open_database()
        with database.unit() as session:
            sync.setup_township(session=session, name=args.township, code=args.township_code,
                                admin_username=args.admin, admin_password=password,
                                admin_display_name=args.admin_name or "")
        print(_("Set up the township store of {township} ({code}) in {db}.").format(
            township=args.township, code=args.township_code, db=database.describe()))
        return 0
    missing = [flag for flag, value in (("--village-name", args.village_name), ("--village-code", args.village_code),
                                        ("--township", args.township)) if not value]
    if missing:
        raise ValidationError({"kind": _("A village store needs {flags}.").format(flags=", ".join(missing))})
    password = ctx.password(_("Password for the new admin {user}: ").format(user=args.admin), confirm=True)
    database = ctx.open_database()
    with database.unit() as session:
        people.setup_village(session=session, name=args.village_name, code=args.village_code,
                             township=args.township, committee_name=args.committee_name or "",
                             supervision_phone=args.supervision_phone or "", admin_username=args.admin,
                             admin_password=password, admin_display_name=args.admin_name or "")
    print(_("Set up {village} ({code}) in {db}.").format(village=args.village_name, code=args.village_code,
                                                         db=database.describe()))
    return 0


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    from app import demo, people

    database = ctx.open_database()
    with database.session() as session:
        ready = people.start_state(session=session)["set_up"]
    if not ready:
        password = ctx.password(_("Password for the new admin {user}: ").format(user="admin"))
        with database.unit() as session:
            people.setup_village(session=session, name="青石村", code="510112104201", township="龙泉镇",
                                 committee_name="青石村民委员会", supervision_phone="028-84851234",
                                 admin_username="admin", admin_password=password, admin_display_name="李书记")
        database.refresh_village_code()
    with database.unit() as session:
        actor = ctx.login(session)
    with database.unit(actor) as session:
        demo.generate(session=session, actor=actor, size=args.size, seed=args.seed,
                      progress=lambda i, n, step: print(f"[{i}/{n}] {step}", file=sys.stderr) if step else None)
    with database.session() as session:
        print(json.dumps(people.stats(session=session, actor=actor), ensure_ascii=False))
    return 0


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    from app.health import check_database
    from app.paths import default_db_path

    problems = check_database(getattr(args, "db", None) or default_db_path())
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    print(_("The database is healthy."))
    return 0


def cmd_stats(args: argparse.Namespace, ctx: Context) -> int:
    from app.stats import collect

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    with database.session() as session:
        result = collect(session=session, actor=actor)
    if args.json:
        ctx.print_json(result)
    else:
        for section, values in result.items():
            print(f"[{section}]")
            for key, value in values.items():
                print(f"  {key}: {value}")
    return 0


def cmd_user_add(args: argparse.Namespace, ctx: Context) -> int:
    from app.auth import create_user

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    new_password = ctx.password(_("Password for the new user {user}: ").format(user=args.name),
                                env="VILLAGEDESK_NEW_PASSWORD", confirm=True)
    with database.unit(actor) as session:
        grid_id = None
        if getattr(args, "grid", None):
            from app import people

            grid_id = next((gid for gid, name in people.grid_choices(session=session, actor=actor)
                            if name == args.grid or gid == args.grid), None)
            if grid_id is None:
                raise VillageDeskError(_("No grid called {name}.").format(name=args.grid))
        create_user(session=session, actor=actor, username=args.name, password=new_password, role=args.role,
                    display_name=args.display_name or "", grid_id=grid_id)
    print(_("Added user {user}.").format(user=args.name))
    return 0


def cmd_user_passwd(args: argparse.Namespace, ctx: Context) -> int:
    """Change one's own password: the old one from VILLAGEDESK_PASSWORD, the new from VILLAGEDESK_NEW_PASSWORD."""
    from app.auth import change_password

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    old_password = ctx.password(_("Password for {user}: ").format(user=actor.username))
    new_password = ctx.password(_("New password for {user}: ").format(user=actor.username),
                                env="VILLAGEDESK_NEW_PASSWORD", confirm=True)
    with database.unit(actor) as session:
        change_password(session=session, actor=actor, old_password=old_password, new_password=new_password)
    print(_("Changed the password of {user}.").format(user=actor.username))
    return 0


def cmd_user_reset(args: argparse.Namespace, ctx: Context) -> int:
    """The admin sets a new password (from VILLAGEDESK_NEW_PASSWORD) and lifts a lockout."""
    from app.auth import reset_password

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    new_password = ctx.password(_("New password for {user}: ").format(user=args.name),
                                env="VILLAGEDESK_NEW_PASSWORD", confirm=True)
    with database.unit(actor) as session:
        reset_password(session=session, actor=actor, username=args.name, new_password=new_password)
    print(_("Set a new password for {user}.").format(user=args.name))
    return 0


def cmd_user_list(args: argparse.Namespace, ctx: Context) -> int:
    from app.auth import ROLES, user_rows

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    with database.session() as session:
        for user in user_rows(session=session, actor=actor):
            state = "" if user.active else _("(disabled)")
            if user.locked_seconds:
                state = (state + " " + _("(locked for {n} s after {failures} failed sign-ins)").format(
                    n=user.locked_seconds, failures=user.failed_logins)).strip()
            elif user.failed_logins:
                state = (state + " " + _("({failures} failed sign-ins)").format(failures=user.failed_logins)).strip()
            print(f"{user.username}\t{user.role}\t{_(ROLES.get(user.role, user.role))}\t{user.display_name}\t{state}".rstrip())
    return 0


def _backup_passphrase(ctx: Context, to_dir: Any, *, backup_file: Any = None) -> str | None:
    """The backup passphrase (``VILLAGEDESK_BACKUP_PASSPHRASE`` or a prompt), only when one is needed."""
    from app.backup import PASSPHRASE_ENV, is_encrypted, needs_encryption

    if backup_file is not None and not is_encrypted(backup_file):
        return None
    if to_dir is not None and not needs_encryption(to_dir):
        return None
    return ctx.password(_("Backup passphrase: "), env=PASSPHRASE_ENV, confirm=backup_file is None)


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    from app.backup import backup

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    info = backup(database=database, actor=actor, to_dir=args.to, passphrase=_backup_passphrase(ctx, args.to))
    print(info.path)
    return 0


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    from app.backup import restore, verify
    from app.paths import backups_dir

    from db.errors import StoreLocked

    passphrase = _backup_passphrase(ctx, None, backup_file=args.file)
    verify(args.file, passphrase=passphrase)  # refuse a bad file before asking anything else
    try:
        database = ctx.open_database()
    except StoreLocked:
        raise StoreLocked(_("Another VillageDesk (a window or a command) has this database open: close it first. Nothing was restored.")) from None
    with database.unit() as session:
        actor = ctx.login(session)
    safety = restore(database=database, actor=actor, backup_file=args.file, safety_dir=backups_dir(),
                     allow_other_village=args.other_village, passphrase=passphrase)
    print(_("Restored {file}. The database as it was before is kept in {safety}.").format(file=args.file, safety=safety))
    return 0


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; with ``command`` (one of :func:`command_word`'s answers), only what
    parsing that command needs, so running it imports no other area (:mod:`app.area_index`)."""
    common = _common()
    parser = argparse.ArgumentParser(prog="villagedesk", description="VillageDesk 村务台",
                                     parents=[common])
    parser.set_defaults(handler=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", parents=[common], help="create and set up a database")
    p.add_argument("--kind", choices=("village", "township"), default="village",
                   help="a village's store (default) or a township's, which imports many villages")
    p.add_argument("--village-name")
    p.add_argument("--village-code")
    p.add_argument("--township", help="the township's name (of the village, or of this township store)")
    p.add_argument("--township-code", help="the township's own 12-digit code, ending in 000 (--kind township)")
    p.add_argument("--admin", required=True)
    p.add_argument("--admin-name")
    p.add_argument("--committee-name")
    p.add_argument("--supervision-phone")
    p.set_defaults(handler=cmd_init)

    if command in (None, "demo"):
        from app.demo import SIZES

        p = sub.add_parser("demo", parents=[common], help="fill a database with realistic generated data")
        p.add_argument("--size", choices=SIZES, default="small")
        p.add_argument("--seed", type=int, default=1)
        p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("check", parents=[common], help="integrity and schema check")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("stats", parents=[common], help="counts and rates")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("backup", parents=[common], help="write a verified backup (encrypted with a passphrase outside the data folder)")
    p.add_argument("--to", required=True, type=Path, metavar="DIR")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="verify a backup and restore it")
    p.add_argument("file", type=Path)
    p.add_argument("--other-village", action="store_true", help="allow a backup of another village")
    p.set_defaults(handler=cmd_restore)

    if command in (None, "user"):
        _add_user(sub, common)
    if command is not None:  # a core command, or one area's (or shared piece's): import only its module
        if command in COMMANDS:
            importlib.import_module(COMMANDS[command]).register(sub, common)
        return parser
    from app.areas import AREAS, CORE_CLI

    for area in AREAS:
        if area.cli is not None:
            area.cli(sub, common)
    for register in CORE_CLI:
        register(sub, common)
    return parser


def _add_user(sub: Any, common: argparse.ArgumentParser) -> None:
    from app.auth import ROLES

    p = sub.add_parser("user", parents=[common], help="manage accounts (admin only)")
    user_sub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    q = user_sub.add_parser("add", parents=[common], help="add an account")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=sorted(ROLES))
    q.add_argument("--display-name")
    q.add_argument("--grid", metavar="NAME", help="a grid worker's grid (网格)")
    q.set_defaults(handler=cmd_user_add)
    q = user_sub.add_parser("list", parents=[common], help="list accounts (with locked ones)")
    q.set_defaults(handler=cmd_user_list)
    q = user_sub.add_parser("passwd", parents=[common],
                            help="change your password (old: VILLAGEDESK_PASSWORD, new: VILLAGEDESK_NEW_PASSWORD)")
    q.set_defaults(handler=cmd_user_passwd)
    q = user_sub.add_parser("reset", parents=[common], help="set a new password for an account (admin only)")
    q.add_argument("name")
    q.set_defaults(handler=cmd_user_reset)


def command_word(argv: list[str]) -> str | None:
    """The sub-command ``argv`` runs, when :func:`build_parser` can build it alone (a core command or
    one in :data:`app.area_index.COMMANDS`); None for help, a typo or a bad option (every command)."""
    probe = argparse.ArgumentParser(add_help=False, parents=[_common()], allow_abbrev=False, exit_on_error=False)
    probe.add_argument("command", nargs="?")
    try:
        word = probe.parse_known_args(argv)[0].command
    except argparse.ArgumentError:
        return None
    if word not in CORE_COMMANDS and word not in COMMANDS:
        return None
    if {"-h", "--help"} & set(argv[:argv.index(word)]):  # `villagedesk --help print`: the whole list
        return None
    return word


def _report(exc: VillageDeskError) -> None:
    if isinstance(exc, ValidationError) and exc.errors:
        for field, message in exc.errors.items():
            print(f"{field}: {message}", file=sys.stderr)
    else:
        print(exc.message, file=sys.stderr)


def gui_requested(argv: list[str]) -> tuple[bool, str | None, str | None]:
    """``(no sub-command given, --db, --lang)``: the launcher (``ui.launcher``) opens the GUI then."""
    gui = argparse.ArgumentParser(add_help=False)
    gui.add_argument("--db")
    gui.add_argument("--lang", choices=sorted(LANGUAGES))
    known, rest = gui.parse_known_args(argv)
    return not rest, known.db, known.lang


#: A command collects its oldest objects (a full collection: every module, class and table it
#: imported) after this many young collections, not Python's 10: ``print notice`` made two full
#: collections of ~0.04 s each while importing (issue 16); cyclic garbage is still collected.
#: A reading command (:data:`READING`) collects nothing while it runs: it makes next to no cyclic
#: garbage (printing the whole village's roster peaks at the same memory without collections).
FULL_COLLECTION_EVERY = 100


def _end_quickly() -> None:
    """At exit (atexit), move every object into the collector's permanent generation: what a
    command made needs no collecting when the process ends, and the interpreter's last
    collections walked every imported module and table class (0.2–0.3 s after ``print notice``
    had finished; issue 16). Files and the store are closed by then (:meth:`Context.close`)."""
    gc.freeze()


_ends_quickly: list[bool] = []


def main(argv: list[str] | None = None) -> int:
    """Run one sub-command (the GUI is started by ``ui.launcher``, never from here: app/ has no Qt)."""
    if not _ends_quickly:
        atexit.register(_end_quickly)
        _ends_quickly.append(True)
    threshold, collecting = gc.get_threshold(), gc.isenabled()
    gc.set_threshold(threshold[0], threshold[1], max(threshold[2], FULL_COLLECTION_EVERY))
    try:
        return _main(argv)
    finally:
        gc.set_threshold(*threshold)
        if collecting and not gc.isenabled():
            gc.freeze()  # what the command made joins the oldest generation untraversed (re-enabling
            gc.unfreeze()  # would first collect all of it as young objects: ~0.05 s as the process ends)
            gc.enable()


def _main(argv: list[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = os.environ.get("VILLAGEDESK_LANG")
    if lang in LANGUAGES:
        set_language(lang)
    parser = build_parser(command_word(argv))
    args = parser.parse_args(argv)
    if getattr(args, "lang", None):
        set_language(args.lang)
    handler: Callable[[argparse.Namespace, Context], int] | None = args.handler
    if handler is None:
        parser.print_help()
        return 2
    if command_name(args) in READING:
        gc.disable()
    ctx = Context(args)
    try:
        ctx.check_password_ahead()
        return _run(handler, args, ctx)
    except VillageDeskError as exc:
        _report(exc)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `villagedesk stats --json | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        try:
            ctx.close()
        except Exception:  # noqa: BLE001 - closing after a failure must not hide the failure
            pass


def _run(handler: Callable[[argparse.Namespace, Context], int], args: argparse.Namespace, ctx: Context) -> int:
    """The handler, with environment errors (disk full, read-only, locked, damaged file …) turned
    into expected errors once, here, so no command shows a traceback for them."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from db.engine import convert_error

    try:
        return handler(args, ctx)
    except (DBAPIError, sqlite3.Error) as exc:
        converted = convert_error(exc)
        if converted is exc:
            raise
        raise converted from exc
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        from app.errors import StorageError

        raise StorageError(_("Could not use {path}: {reason}.").format(
            path=exc.filename or "?", reason=exc.strerror or exc)) from exc


if __name__ == "__main__":
    sys.exit(main())
