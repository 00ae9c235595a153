"""The help (f1): what the current step or screen is for, then the keys that work everywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen

GENERAL_HELP = """\
## In a text field

| key | |
|---|---|
| **tab** / **shift+tab** | next / previous field |
| **ctrl+z** / **ctrl+y** | undo / redo (in every field; in the team filter ctrl+z undoes a team change) |
| **ctrl+end** / **ctrl+home** | end / start of the whole text |
| **end** / **home** | end / start of the line |
| **ctrl+e** | write the dilemma, context or a note in your own editor ($VISUAL or $EDITOR) |
| **ctrl+w** / **ctrl+u** / **ctrl+k** | delete the word before / to the start / to the end of the line |

## Everywhere

A coaching session runs through seven steps; the bar at the top shows them, with ●
on the steps that have content. Everything is saved as you type.

| key | |
|---|---|
| **ctrl+n** / **alt+→** | next step |
| **ctrl+b** / **alt+←** | previous step |
| **ctrl+g**, then **1 … 7** | go to a step (or click it in the bar; alt+1 … alt+7 where the terminal sends them); in a note beside a question or an earlier action too: the note closes, kept |
| **f9** | an action learning set's meeting: name who presents, then choose a presenter by number or add a member as the next one (you land on their dilemma's title); in a long list letters filter by name and enter picks (the bar shows who is presenting) |
| **ctrl+p** | command palette: every step and action by name |
| **f2** / **f3** / **f4** / **f5** | the session / history / action tracker / trends |
| **f6** | the four categories explained (esc comes back) |
| **f1** | this help (f1 again closes it) |
| **ctrl+q** | quit (waits until everything is saved; asks if something could not be) |

These keys work inside every text field too.
"""


def help_for(screen: Screen[Any]) -> str:
    """The help for ``screen``: what this step (or screen) is for comes first."""
    from coachtui.ui.appref import coach_app
    from coachtui.ui.keymap import keys_help
    from coachtui.ui.screens.session import SessionScreen

    general = GENERAL_HELP + keys_help(coach_app(screen))
    if isinstance(screen, SessionScreen):
        return screen.pane(screen.current_step).HELP + "\n" + general
    if getattr(screen, "HELP", ""):
        return str(screen.HELP) + "\n" + general
    return general
