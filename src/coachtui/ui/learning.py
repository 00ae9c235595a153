"""What the category suggestion learns from this database's completed sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from coachtui.store.api import Store
    from coachtui.ui.app import CoachApp


class Learning:
    def __init__(self, app: CoachApp) -> None:
        self.app = app

    def learn(self, store: Store, extra: tuple[str, str] | None = None) -> None:
        """(In a worker thread.) Teach the category suggestion the categories chosen in
        this database's completed sessions, unless the coach turned that off."""
        import datetime as dt

        from coachtui.catalog.classifier import load_model
        from coachtui.catalog.suggest import learn_from

        app = self.app
        model = load_model()  # the model is read here, off the UI thread, not at the first paint
        if model is None or not app.settings.learn_categories:
            app.suggest_adaptation = None
            return
        try:
            since = dt.datetime.fromisoformat(app.settings.learn_since) if app.settings.learn_since else None
        except ValueError:
            since = None
        from coachtui.store.errors import StoreError

        try:
            examples = store.labelled_dilemmas(since=since)
        except StoreError:  # learning is a bonus; a failed read leaves the base model
            return
        if extra is not None:
            examples.append(extra)
        app.suggest_adaptation = learn_from(examples, app.catalog)

    @in_thread(exclusive=True, group="learn-categories", doing="learn from completed sessions")
    def relearn(self, extra: tuple[str, str] | None = None) -> None:
        """Learn again, e.g. after a session is completed (``extra``: that session,
        whose save may still be on its way to the database)."""
        if self.app.store is not None:
            self.learn(self.app.store, extra)

    def toggle(self) -> None:
        app = self.app
        learning = not app.settings.learn_categories
        app.preferences.update(learn_categories=learning)
        app.suggest_adaptation = None
        if learning:
            self.relearn()
        app.notify(
            "The category suggestion now learns from completed sessions."
            if learning
            else "The category suggestion no longer learns from completed sessions.",
            markup=False,
        )
