"""``villagedesk mediation …``: the yearly summary (counts only) and the secretary's access log."""
from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any


def cmd_summary(args: argparse.Namespace, ctx: Any) -> int:
    from app import mediation

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    with database.unit(actor) as session:
        if args.xlsx:
            print(mediation.export_yearly_summary(session=session, actor=actor, year=args.year, to_file=args.xlsx))
            return 0
        figures = mediation.statistics(session=session, actor=actor, year=args.year)
    ctx.print_json(dataclasses.asdict(figures))
    return 0


def cmd_access_log(args: argparse.Namespace, ctx: Any) -> int:
    from app import mediation

    database = ctx.open_database()
    with database.unit() as session:
        actor = ctx.login(session)
    with database.session() as session:
        rows = mediation.access_log(session=session, actor=actor, limit=args.limit)
    ctx.print_json([{**dataclasses.asdict(r), "at": r.at.isoformat()} for r in rows])
    return 0


def register(subparsers: Any, common: argparse.ArgumentParser | None = None) -> None:
    parents = [common] if common is not None else []
    p = subparsers.add_parser("mediation", parents=parents, help="people's mediation: yearly summary, access log")
    sub = p.add_subparsers(dest="mediation_command", metavar="ACTION", required=True)
    q = sub.add_parser("summary", parents=parents, help="the de-identified yearly summary (JSON, or --xlsx FILE)")
    q.add_argument("--year", type=int, required=True)
    q.add_argument("--xlsx", type=Path, metavar="FILE")
    q.set_defaults(handler=cmd_summary)
    q = sub.add_parser("access-log", parents=parents, help="who read which case's details (the secretary)")
    q.add_argument("--limit", type=int, default=200)
    q.set_defaults(handler=cmd_access_log)
