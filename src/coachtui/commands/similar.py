"""``coachtui similar TEXT``: what other teams tried with a dilemma like TEXT.

Prints the past (completed) sessions most like TEXT, best first, the same list the
dilemma and category steps show beside the dilemma ("What others tried"): each
with its team, date, category, title, dilemma, the actions agreed and what came of
them (what was expected, what happened, what was learned). ``--team`` names the
team in hand: its own sessions are left out. ``--json`` for scripts.

Exit codes as for ``coachtui search``: 0 sessions found, 1 none (or the database
could not be read), 2 a mistake on the command line (an unknown team).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from coachtui.commands.common import say, session_header, whole_number

if TYPE_CHECKING:
    from coachtui.store.types import SimilarDilemma

NAME = "similar"
HELP = "print what other teams tried with a dilemma like some text"
FOUND, NONE, USAGE = 0, 1, 2


_limit = whole_number(1, 50)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Print the past sessions whose title, dilemma and context are most like TEXT (full-text "
        "similarity), best first, with the actions they agreed and what came of them."
    )
    parser.add_argument("text", metavar="TEXT", help="a dilemma, in any words")
    parser.add_argument("--team", metavar="NAME", help="the team in hand (its name, ignoring case): its own sessions are left out")
    parser.add_argument("--limit", metavar="N", type=_limit, default=5, help="show at most N sessions (default 5)")
    parser.add_argument("--json", action="store_true", help="print a JSON list (one object a session)")
    parser.epilog = (
        "Exit status: 0 sessions found; 1 none found (or the database could not be read); "
        "2 a mistake on the command line (an unknown team)."
    )


def run(args: argparse.Namespace) -> int:
    from coachtui.store import open_store
    from coachtui.text import one_line

    with open_store(args.db, create=False) as store:
        team_id = None
        if args.team is not None:
            from coachtui.commands.common import team_id as find_team_id

            try:
                team_id = find_team_id(store, args.team)
            except LookupError as exc:
                say(f"coachtui: {exc}")
                return USAGE
        found = store.similar_dilemmas(args.text, exclude_team_id=team_id, limit=args.limit)
    if args.json:
        import json

        print(json.dumps([record(item) for item in found], ensure_ascii=False, indent=2))
    elif found:
        print("\n\n".join(block(item) for item in found))
    if not found:
        say(f"No other team's session is like {one_line(args.text)!r}.")
        return NONE
    return FOUND


def record(item: SimilarDilemma) -> dict[str, object]:
    return {
        **session_header(item.session_id, item.created_at, item.team_name, item.coach, item.category),
        "title": item.title,
        "dilemma": item.dilemma,
        "learned_today": item.insight,
        "actions": [
            {"text": a.text, "status": a.status, "prediction": a.prediction, "result": a.result, "learning": a.learning}
            for a in item.actions
        ],
    }


def block(item: SimilarDilemma) -> str:
    """One session as plain lines: the heading, the dilemma, each action and what came of it."""
    from coachtui.text import one_line

    date = item.created_at.astimezone().strftime("%Y-%m-%d")
    lines = [f"{date}  {one_line(item.team_name)}  {item.category or 'unsure'}  {one_line(item.title) or '(untitled)'}"]
    lines.append(f"  {one_line(item.dilemma)}")
    for action in item.actions:
        lines.append(f"  - {one_line(action.text)} ({action.status.replace('_', ' ')})")
        for label, text in (("expected", action.prediction), ("happened", action.result), ("learned", action.learning)):
            if text.strip():
                lines.append(f"      {label}: {one_line(text)}")
    if item.insight.strip():
        lines.append(f"  learned that day: {one_line(item.insight)}")
    return "\n".join(lines)
