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
# ctrl+n, ctrl+t, ctrl+o and ctrl+w for itself, and f1, f3, f5 and f6 are its help, find,
# reload and address bar. There these commands get keys a page is given, shown first
# (the footer shows a command's first key); the terminal keys still work where they
# arrive. The coach's own [keys] win over these.
BROWSER_KEYS: dict[str, str] = {
    "session.next": "alt+right,ctrl+n",
    "session.back": "alt+left,ctrl+b",
    "team.archived": "alt+t,ctrl+t",
    "team.archive": "alt+o,ctrl+o",
    "team.filter-archive": "alt+o,ctrl+o",
    "app.help": "alt+h,f1",
    "app.session": "alt+s,f2",
    "app.history": "alt+i,f3",
    "app.actions": "alt+a,f4",
    "app.themes": "alt+r,f5",
    "app.explain": "alt+c,f6",
    "session.others": "alt+o,f7",
}


# Keys a terminal sends as another key: a binding on them would fire on that one.
SAME_AS = {"ctrl+h": "backspace", "ctrl+i": "tab", "ctrl+m": "enter", "ctrl+j": "enter"}


def text_keys() -> dict[str, str]:
    """The keys a text field uses (ctrl+z undo, ctrl+y redo, ctrl+w ...), each with
    what it does there, and the keys a terminal sends as another key."""
    from textual.widgets import Input, TextArea

    found = {key: f"{SAME_AS[key]} in most terminals" for key in SAME_AS}
    for cls in (Input, TextArea):
        for binding in cls.BINDINGS:
            if isinstance(binding, Binding):
                for key in binding.key.split(","):
                    found.setdefault(key.strip(), f"{binding.description.lower() or binding.action} in a text field")
    return found


# The commands that act while a text field has the focus: priority bindings of the
# app (on every screen) and of the session screen (on every step). A priority binding
# of a screen with no text field (the explainer, the step picker, the resume offer)
# acts on a list, where letters are commands; so do all bindings that are not
# priority (a text field takes the keys that type before they get to them).
ACT_IN_TEXT_FIELDS = ("app.", "session.")

# Modifiers with which a key no longer types a character.
_COMMAND_MODIFIERS = {"ctrl", "alt", "super", "meta", "hyper"}


def types_in_a_field(key: str) -> bool:
    """Whether ``key`` types (or deletes, or breaks) text in a text field: a letter,
    digit, punctuation, space, enter, tab or backspace, also with shift; not with
    ctrl or alt, and not an f-key, arrow or other key that types nothing."""
    from textual.keys import key_to_character

    *modifiers, name = key.split("+")
    if _COMMAND_MODIFIERS.intersection(modifiers):
        return False
    if modifiers:  # shift+a types "A"; shift+tab and shift+up type nothing
        return len(name) == 1 or key_to_character(name) not in (None, "\t", "\x1b", "\x7f")
    return name in ("enter", "tab", "backspace") or key_to_character(name) not in (None, "\x1b", "\x7f")


def usable_keys(keys: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Of the coach's ``[keys]``, the keys that can be used, and one line for each
    key left out: a key a text field uses would be taken from every field by a
    command that acts from anywhere (ctrl+y for history would leave redo unreachable,
    and a dilemma with it; "a" for quit would end the app at the first "a" typed)."""
    if not keys:
        return {}, []
    bindings = binding_ids()
    taken = text_keys()
    usable: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, listed in keys.items():
        binding = bindings.get(binding_id)
        if binding is None:
            continue  # said by check_keys
        own = {part.strip() for part in binding.key.split(",")}
        kept = []
        for key in (part.strip() for part in listed.split(",")):
            if key in taken and (binding.priority or key in SAME_AS):
                problems.append(f'[keys] "{binding_id}": {key} is {taken[key]}; it is not used for this command')
            elif (
                binding.priority
                and binding_id.startswith(ACT_IN_TEXT_FIELDS)
                and key not in own  # tab and enter move on from a field: the app's own
                and types_in_a_field(key)
            ):
                problems.append(
                    f'[keys] "{binding_id}": {key} types a character in a text field; it is not used for this command'
                )
            else:
                kept.append(key)
        if kept:
            usable[binding_id] = ",".join(kept)
    return usable, problems


def own_keys(app: CoachApp) -> tuple[dict[str, str], list[str]]:
    """The coach's keys that can be used, and one line for each key left out (see
    :func:`usable_keys`)."""
    return usable_keys(app.settings.keys)


def keymap_for(app: CoachApp) -> dict[str, str]:
    """The keymap to run with: in a browser, its keys; then the coach's own."""
    return {**(BROWSER_KEYS if app.is_web else {}), **own_keys(app)[0]}


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
    problems = unknown_keys(app.settings, binding_ids(), app.settings_path) + own_keys(app)[1]
    for problem in problems:
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
    used = own_keys(app)[0]
    if used:
        rows = "\n".join(f"| `{binding}` | **{keys}** |" for binding, keys in sorted(used.items()))
        text += (
            "\n## Your own keys\n\nFrom your settings file (`coachtui config edit`); they replace the keys "
            f"above for these commands.\n\n| command | keys |\n|---|---|\n{rows}\n"
        )
    return text
