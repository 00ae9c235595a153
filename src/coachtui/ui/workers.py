"""Thread workers for the app, its screens, steps and helper objects: ``@in_thread``.

The rule (docs/architecture.md): database work runs in a thread worker; the worker
never touches a widget. It *returns* what it read, and ``then`` (a method of the
same object) receives it on the UI thread; or it posts a message. A worker that
fails is not caught inside: its exception reaches the app's one
``on_worker_state_changed`` handler (:func:`follow_up`), which tells the coach in one
line ("Could not <doing>: <why>"), or hands it to ``failed`` (a method of the same
object) where the screen must react (close itself, keep a typed note ...).

Textual's ``@work`` only decorates methods of a widget, screen or app, and sends a
worker's state to the widget that ran it. ``@in_thread`` runs the method in a thread
worker of the *app* (so every failure reaches the one handler), with the name, group
and exclusivity ``@work(thread=True, ...)`` would give it, for any object with an
``app``: the plain helper objects too. A result for a screen the coach has left
meanwhile is dropped (nothing to show it on).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Protocol, TypeVar, cast

from textual.app import App
from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from coachtui.text import one_line

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class HasApp(Protocol):
    @property
    def app(self) -> App[Any]: ...


H = TypeVar("H", bound=HasApp)


@dataclass(frozen=True, slots=True)
class _FollowUp:
    owner: Any
    then: str | None
    failed: str | None


# Workers still running -> what happens with their result (read on the UI thread only).
# Weak: a worker its app never saw finish (the app closed first) is not kept alive.
_follow_ups: weakref.WeakKeyDictionary[Worker[Any], _FollowUp] = weakref.WeakKeyDictionary()


def in_thread(
    *,
    group: str = "default",
    exclusive: bool = False,
    doing: str = "finish that",
    then: str | None = None,
    failed: str | None = None,
) -> Callable[[Callable[Concatenate[H, P], R]], Callable[Concatenate[H, P], Worker[R]]]:
    """Run the method in a thread worker of the app.

    ``doing``: the failure notice's words ("Could not <doing>: <why>").
    ``then``: the name of a method of the same object, called on the UI thread with
    what the worker returned. ``failed``: the name of a method called with the
    exception instead of the notice."""

    def decorator(method: Callable[Concatenate[H, P], R]) -> Callable[Concatenate[H, P], Worker[R]]:
        @wraps(method)
        def start(self: H, *args: P.args, **kwargs: P.kwargs) -> Worker[R]:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                # Called from another worker's thread: start it on the UI thread, so its
                # follow-up is known before its result can arrive there (from here, a
                # quick worker finished first and its result was dropped).
                return self.app.call_from_thread(start, self, *args, **kwargs)
            worker = self.app.run_worker(
                partial(method, self, *args, **kwargs),
                name=method.__name__,
                group=group,
                description=doing,
                exclusive=exclusive,
                thread=True,
                exit_on_error=False,
            )
            if then is not None or failed is not None:
                _follow_ups[worker] = _FollowUp(self, then, failed)
            return worker

        return cast("Callable[Concatenate[H, P], Worker[R]]", start)  # functools.wraps hides the signature

    return decorator


def _alive(owner: object) -> bool:
    """A widget or screen still on screen (a helper object always is)."""
    return not isinstance(owner, DOMNode) or owner.is_attached


def follow_up(app: App[Any], event: Worker.StateChanged) -> None:
    """The app's one handler of workers' states: a result goes to ``then``, a
    failure to ``failed`` or a one-line notice (never a traceback)."""
    worker, state = event.worker, event.state
    if state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
        return
    follow = _follow_ups.pop(worker, None)
    if state == WorkerState.SUCCESS:
        if follow is not None and follow.then is not None and _alive(follow.owner):
            getattr(follow.owner, follow.then)(worker.result)
        return
    if state == WorkerState.CANCELLED:
        return
    error = worker.error
    log.debug("worker %s failed", worker.name, exc_info=error)
    if follow is not None and follow.failed is not None:
        if _alive(follow.owner):
            getattr(follow.owner, follow.failed)(error)
        return
    tell(app, f"Could not {worker.description or 'finish that'}: {reason(error)}")


def reason(error: BaseException | None) -> str:
    """An error in one line, as the coach reads it."""
    if error is None:
        return "it stopped"
    text = str(error).strip()
    return one_line(text.splitlines()[0] if text else error.__class__.__name__, 300)


def tell(app: App[Any], message: str, severity: SeverityLevel = "error") -> None:
    app.notify(message, severity=severity, markup=False, timeout=10)
