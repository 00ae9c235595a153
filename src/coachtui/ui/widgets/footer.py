"""The footer: Textual's, rebuilt only when the keys it shows change.

Textual's Footer recomposes all its keys each time the screen says its bindings
may have changed, which it says on every focus change: a step change moves the
focus two or three times and rebuilt the footer as often, with the same keys
(each new key re-styled as it is bound). This one waits for the burst to end,
then rebuilds once, and only if what it would show is different.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen


class CoachFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self._started = False  # the first bindings change has reached Textual's Footer
        self._pending = False  # a check is waiting for the refresh
        self._shown: Hashable = None  # what the keys composed last showed
        self.recomposed = 0  # times the keys were rebuilt (for the tests)

    def shown_keys(self) -> Hashable:
        """What :meth:`Footer.compose` shows from the screen's bindings now."""
        app = self.app
        keys = []
        for key, (_namespace, binding, enabled, tooltip) in self.screen.active_bindings.items():
            if binding.show or key == app.COMMAND_PALETTE_BINDING:
                group = binding.group
                keys.append((
                    key, binding.key, app.get_key_display(binding), binding.description, binding.action,
                    binding.show, enabled, tooltip, binding.tooltip,
                    (group.description, group.compact) if group is not None else None,
                ))
        return (tuple(keys), self.show_command_palette, app.ENABLE_COMMAND_PALETTE)

    def compose(self) -> ComposeResult:
        if self._started:
            self._shown = self.shown_keys()
            self.recomposed += 1
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not self._started:
            self._started = True
            super().bindings_changed(screen)  # the first: Textual's Footer composes its keys
            return
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._settle)

    async def _settle(self) -> None:
        self._pending = False
        if self.is_attached and self.shown_keys() != self._shown:
            await self.recompose()
