"""The coach's own keys: settings.toml's ``[keys]`` table, applied as Textual's keymap.

Every binding in the app has an id (``app.history``, ``session.next``,
``tracker.done`` ...); ``[keys]`` gives one new keys, such as ``"app.history" =
"f3,ctrl+h"``, which replace its own. ``config.py`` checks the keys are written as
keys; this module knows which ids exist (by looking at the app's bindings), so an id
that names nothing is said once, with the nearest one, instead of doing nothing
silently.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.dom import DOMNode

if TYPE_CHECKING:
    from coachtui.ui.app import CoachApp


# In a browser (`coachtui serve`) some keys never reach the page: the browser keeps
# ctrl+n, ctrl+t and ctrl+w for itself, and f1, f3, f5 and f6 are its help, find,
# reload and address bar. There these commands get keys a page is given, shown first
# (the footer shows a command's first key); the terminal keys still work where they
# arrive. The coach's own [keys] win over these.
BROWSER_KEYS: dict[str, str] = {
    "session.next": "alt+right,ctrl+n",
    "session.back": "alt+left,ctrl+b",
    "team.archived": "alt+t,ctrl+t",
    "app.help": "alt+h,f1",
    "app.session": "alt+s,f2",
    "app.history": "alt+i,f3",
    "app.actions": "alt+a,f4",
    "app.themes": "alt+r,f5",
    "app.explain": "alt+c,f6",
}


def keymap_for(app: CoachApp) -> dict[str, str]:
    """The keymap to run with: in a browser, its keys; then the coach's own."""
    return {**(BROWSER_KEYS if app.is_web else {}), **app.settings.keys}


def binding_ids() -> dict[str, Binding]:
    """Every binding of the app's screens and widgets, by id (their modules imported)."""
    package = Path(__file__).parent  # screens/ has no __init__.py: walk the files
    for source in sorted(package.rglob("*.py")):
        parts = source.relative_to(package).with_suffix("").parts
        if parts[-1] != "__init__" and parts != ("serve",):  # the web server: no keys there
            importlib.import_module(".".join(("coachtui", "ui", *parts)))
    found: dict[str, Binding] = {}
    classes: list[type] = [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        if not cls.__module__.startswith("coachtui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                found.setdefault(binding.id, binding)
    return found


def check_keys(app: CoachApp) -> None:
    """Say once which of the coach's keys name no binding (they do nothing)."""
    from coachtui.config import unknown_keys

    if not app.settings.keys:
        return
    for problem in unknown_keys(app.settings, binding_ids(), app.settings_path):
        app.notify(problem, severity="warning", timeout=20, markup=False)


def keys_help(app: CoachApp) -> str:
    """The f1 help's list of the browser's keys and the coach's own (empty when
    neither applies)."""
    text = ""
    if app.is_web:
        described = {binding.id: binding.description for binding in binding_ids().values()}
        rows = "\n".join(
            f"| **{keys.split(',')[0]}** | {described.get(binding) or binding} |"
            for binding, keys in BROWSER_KEYS.items()
        )
        text += (
            "\n## In a browser\n\nThe browser keeps ctrl+n, ctrl+t and the f-keys for itself; here "
            f"these keys do the same.\n\n| key | |\n|---|---|\n{rows}\n"
        )
    if app.settings.keys:
        rows = "\n".join(f"| `{binding}` | **{keys}** |" for binding, keys in sorted(app.settings.keys.items()))
        text += (
            "\n## Your own keys\n\nFrom your settings file (`coachtui config edit`); they replace the keys "
            f"above for these commands.\n\n| command | keys |\n|---|---|\n{rows}\n"
        )
    return text
