"""Thread workers for the app's plain helper objects (startup, saving, exports ...).

Textual's ``@work`` only decorates methods of a widget, screen or app; the helpers
that hold the app's concerns are plain objects with an ``app``. ``@in_thread`` runs
such a method in a thread worker of that app, with the same name, group and
exclusivity ``@work(thread=True, ...)`` would give it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from textual.app import App
from textual.worker import Worker

P = ParamSpec("P")
R = TypeVar("R")


class HasApp(Protocol):
    @property
    def app(self) -> App[Any]: ...


H = TypeVar("H", bound=HasApp)


def in_thread(
    *, group: str = "default", exclusive: bool = False
) -> Callable[[Callable[Concatenate[H, P], R]], Callable[Concatenate[H, P], Worker[R]]]:
    def decorator(method: Callable[Concatenate[H, P], R]) -> Callable[Concatenate[H, P], Worker[R]]:
        @wraps(method)
        def start(self: H, *args: P.args, **kwargs: P.kwargs) -> Worker[R]:
            return self.app.run_worker(
                partial(method, self, *args, **kwargs),
                name=method.__name__,
                group=group,
                exclusive=exclusive,
                thread=True,
            )

        return start

    return decorator
