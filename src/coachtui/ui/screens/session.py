"""The session screen: the step bar and the seven steps, with free movement between them.

Only the team step is composed for the first paint; the other six steps are mounted
(hidden) straight after it, one by one, so the coach sees the team list sooner.
Anything that needs them before they are there waits for them
(:meth:`SessionScreen.when_steps_ready`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import ContentSwitcher

from coachtui.session.model import STEP_IDS, STEPS, ReviewItem
from coachtui.text import one_line
from coachtui.ui import freeze_gc
from coachtui.ui.appref import coach_app
from coachtui.ui.steps.base import StepPane
from coachtui.ui.steps.team import TeamStep
from coachtui.ui.widgets.footer import CoachFooter
from coachtui.ui.widgets.statusbar import StatusBar
from coachtui.ui.widgets.stepbar import StepBar
from coachtui.ui.workers import in_thread

if TYPE_CHECKING:
    from textual.widget import Widget

    from coachtui.session.model import SessionModel
    from coachtui.store.types import ActionInfo, SessionDetail, SessionInfo, TeamInfo
    from coachtui.ui.app import CoachApp
    from coachtui.ui.steps.category import CategoryStep


def _later_steps() -> list[StepPane]:
    """Steps 2-7, imported and built after the first paint."""
    from coachtui.ui.steps.actions import ActionsStep
    from coachtui.ui.steps.category import CategoryStep
    from coachtui.ui.steps.dilemma import DilemmaStep
    from coachtui.ui.steps.questions import QuestionsStep
    from coachtui.ui.steps.review import ReviewStep
    from coachtui.ui.steps.summary import SummaryStep

    return [ReviewStep(), DilemmaStep(), CategoryStep(), QuestionsStep(), ActionsStep(), SummaryStep()]


# "What others tried" shows beside these steps, by itself from this many columns
# (narrower, f7 shows it: the dilemma field keeps its room at 80 columns).
OTHERS_STEPS = ("dilemma", "category")
OTHERS_WIDTH = 130


class SessionScreen(Screen[None]):
    """Runs one coaching session, step by step."""

    # Priority: the app handles these as the key arrives, before it is passed to the
    # focused field. Otherwise keys typed right after them (``ctrl+g 6`` in one go)
    # reach the field being left before the step changes, and land in its text.
    BINDINGS = [
        Binding("ctrl+n,alt+right", "next_step", "Next step", id="session.next", priority=True),
        Binding("ctrl+b,alt+left", "previous_step", "Back", id="session.back", priority=True),
        Binding("ctrl+g", "pick_step", "Go to", id="session.goto", priority=True),
        # on the dilemma and category steps only: "What others tried" beside them
        Binding("f7", "toggle_others", "Others", id="session.others", priority=True),
        # an action learning set's meeting: choose the presenter, or add one (no text
        # field uses f9; shown in the footer only on a set's session)
        Binding("f9", "presenter", "Presenter", id="session.presenter", priority=True),
        *(
            Binding(f"alt+{number}", f"go('{step}')", title, show=False, id=f"session.go-{step}", priority=True)
            for number, (step, title) in enumerate(STEPS, 1)
        ),
    ]

    def __init__(self) -> None:
        super().__init__(id="session-screen")
        self.current_step = "team"
        self._steps_ready = False
        self._mounting_steps = False
        self._waiting_for_steps: list[Callable[[], object]] = []
        self._review_for: SessionModel | None = None  # the session whose review list is loading
        # "What others tried": None follows the width (shown from OTHERS_WIDTH
        # columns), True or False as the coach chose with f7
        self.others_chosen: bool | None = None
        self._new_presenter = False  # go() is showing another presenter's part
        self._meeting_shown = False  # whether the footer offers f9

    @property
    def coach_app(self) -> CoachApp:
        return coach_app(self)

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield StepBar(STEPS, id="stepbar")
        with Horizontal(id="session-body"):
            with ContentSwitcher(initial="team", id="steps"):
                yield TeamStep()
        yield CoachFooter()

    def on_mount(self) -> None:
        self.query_one(TeamStep).activate()
        self.session_changed()
        self.coach_app.startup.session_mounted()

    def mount_later_steps(self) -> None:
        """Build steps 2-7 (hidden); the app calls this once the first frame is painted."""
        self.coach_app.load_later_css()  # their rules, before they are styled
        if not self._steps_ready and not self._mounting_steps:
            self._mounting_steps = True
            self.run_worker(self._mount_later_steps(), group="later-steps")

    async def _mount_later_steps(self) -> None:
        from textual.widget import MountError

        switcher = self.query_one(ContentSwitcher)
        for pane in _later_steps():
            if not switcher.is_mounted:
                return  # the app is closing (a database that cannot be opened)
            try:
                await switcher.add_content(pane)  # hidden; one at a time, keys keep flowing
            except MountError:
                return
        from coachtui.ui.widgets.others import OthersPanel

        panel = OthersPanel()
        panel.display = False
        await self.query_one("#session-body").mount(panel)
        self._steps_ready = True
        freeze_gc()  # the steps live as long as the app
        waiting, self._waiting_for_steps = self._waiting_for_steps, []
        for callback in waiting:
            callback()

    def when_steps_ready(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` now if every step is mounted, else as soon as they are."""
        if self._steps_ready:
            callback()
        else:
            self._waiting_for_steps.append(callback)

    def pane(self, step: str) -> StepPane:
        return self.query_one(f"#{step}", StepPane)

    @property
    def team_step(self) -> TeamStep:
        return self.query_one("#team", TeamStep)

    @property
    def category_step(self) -> CategoryStep:
        from coachtui.ui.steps import category  # loaded after the first paint

        return self.query_one("#category", category.CategoryStep)

    # --- moving between steps -------------------------------------------------------------

    def go(self, step: str, *, first_field: bool = False) -> None:
        """Show ``step``; ``first_field``: focus its first field (ctrl+g, another
        presenter), not the one the coach last left there (ctrl+n, ctrl+b)."""
        if step not in STEP_IDS:
            return
        if step != "team" and not self._steps_ready:
            self.when_steps_ready(lambda: self.go(step, first_field=first_field))
            return
        model = self.coach_app.session.model
        if step != "team" and model is None:
            self.app.notify("Pick or create a team first.", markup=False)
            self.pane("team").activate()
            return
        leaving = self.pane(self.current_step)
        focused = self.focused
        if not self._new_presenter:  # another presenter's part: their fields from the first
            leaving.focus_on_return = focused if focused is not None and leaving in focused.ancestors else None
        self.current_step = step
        self.query_one(ContentSwitcher).current = step
        self.query_one(StepBar).current = step
        pane = self.pane(step)
        pane.focus_first = first_field
        try:
            pane.activate()
        finally:
            pane.focus_first = False
        if step == "team" and leaving is not pane:
            self.team_step.shown_again()
        self._focus_now(pane)
        self.show_others()
        if model is not None and step != "team":
            self.coach_app.session.set_fields(step=step)

    # --- what others tried -------------------------------------------------------------------

    def others_shown(self) -> bool:
        """Whether "What others tried" shows beside the step now: on the dilemma and
        category steps, from OTHERS_WIDTH columns or when the coach chose it (f7)."""
        if self.current_step not in OTHERS_STEPS or self.coach_app.session.model is None:
            return False
        if self.others_chosen is not None:
            return self.others_chosen
        return self.size.width >= OTHERS_WIDTH

    def show_others(self) -> None:
        """Show or hide the panel as :meth:`others_shown` says; when shown, let it
        follow the session's text."""
        try:
            from coachtui.ui.widgets.others import OthersPanel

            panel = self.query_one(OthersPanel)
        except NoMatches:
            return
        shown = self.others_shown()
        if panel.display != shown:
            panel.display = shown
            self.refresh_bindings()
        model = self.coach_app.session.model
        if shown and model is not None:
            text = "\n".join((model.title, model.dilemma, model.context))
            panel.want(text, model.team.id, model.session_id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_others":
            return self.current_step in OTHERS_STEPS and self.coach_app.session.model is not None
        if action == "presenter":
            return self.is_meeting()
        return True

    def action_toggle_others(self) -> None:
        self.others_chosen = not self.others_shown()
        self.show_others()

    def on_resize(self) -> None:
        self.show_others()

    def _focus_now(self, pane: StepPane) -> None:
        """Move the focus into ``pane`` at once. A step's ``activate`` focuses its
        field the Textual way, a moment later; keys the coach typed straight after the
        step change are already queued by then, and must not reach the step left behind."""
        focused = self.focused
        if focused is not None and pane in focused.ancestors_with_self:
            return
        first = next((widget for widget in pane.query("*") if widget.focusable), None)
        if first is not None:
            self.set_focus(first, scroll_visible=False)

    def set_focus(self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False) -> None:
        """Never focus a field on a step that is not shown. A step focuses its field a
        moment after it is shown (Widget.focus); when the coach has moved on in the
        meantime (``ctrl+g 6 ctrl+g 3`` in one burst), that late focus would pull
        the keys (and pastes) that follow into the hidden step."""
        if widget is not None:
            pane = next((node for node in widget.ancestors_with_self if isinstance(node, StepPane)), None)
            if pane is not None and pane.id != self.current_step:
                return
        super().set_focus(widget, scroll_visible=scroll_visible, from_app_focus=from_app_focus)

    def action_go(self, step: str) -> None:
        self.go(step)

    def action_pick_step(self) -> None:
        from coachtui.ui.modals import StepPickerScreen

        self.app.push_screen(StepPickerScreen(STEPS, self.current_step, go=self.go_to_first_field))

    def go_to_first_field(self, step: str) -> None:
        """ctrl+g and a step's number: the step, at its first field."""
        self.go(step, first_field=True)

    def action_next_step(self) -> None:
        index = STEP_IDS.index(self.current_step)
        if index < len(STEP_IDS) - 1:
            self.go(STEP_IDS[index + 1])

    def action_previous_step(self) -> None:
        index = STEP_IDS.index(self.current_step)
        if index > 0:
            self.go(STEP_IDS[index - 1])

    # --- presenters (an action learning set's meeting) ----------------------------------------

    def _team_now(self, team: TeamInfo) -> TeamInfo:
        """The team as the team list last read it (members added since the session
        started count), else as the session holds it."""
        return next((t for t in self.coach_app.teams if t.id == team.id), team)

    def is_meeting(self) -> bool:
        controller = self.coach_app.session
        model = controller.model
        return model is not None and (len(controller.parts) > 1 or self._team_now(model.team).is_set)

    def action_presenter(self) -> None:
        """f9: name the presenter in hand if nobody is named yet; else choose, by
        number: a presenter of this meeting, or a member to add as the next. It always
        asks (going on at once on all but the last put the digit typed to choose
        into the next presenter's dilemma)."""
        controller = self.coach_app.session
        model = controller.model
        if model is None:
            self.app.notify("Pick a set first: a team with members (f8 on the team list).", markup=False)
            return
        team = self._team_now(model.team)
        presenting = {part.presenter.casefold() for part in controller.parts if part.presenter}
        free = [name for name in team.current_members if name.casefold() not in presenting]
        if not model.presenter:
            if not free:
                self.app.notify(f"{one_line(team.name, 40)} has no members to present: f8 on the team list adds them.",
                                markup=False)
                return
            self._pick(f"Who is presenting? (presenter {controller.presenter_index + 1})",
                       tuple((f"name:{name}", name) for name in free), "")
            return
        choices = [(f"go:{i}", f"{part.presenter or 'Presenter ' + str(i + 1)}") for i, part in enumerate(controller.parts)]
        turn = len(controller.parts) + 1
        choices += [(f"add:{name}", f"{name} presents next ({turn})") for name in free]
        self._pick("Presenters of this meeting", tuple(choices), f"go:{controller.presenter_index}")

    def _pick(self, title: str, choices: tuple[tuple[str, str], ...], current: str) -> None:
        from coachtui.ui.modals import PresenterPickerScreen, StepPickerScreen

        if len(choices) <= 9:  # a digit each
            self.app.push_screen(StepPickerScreen(choices, current, go=self._presenter_chosen, title=title))
            return
        # More than nine (a big set): a digit still picks 1-9 at once; letters filter
        # by name, enter chooses.
        options = [(label, value) for value, label in choices]
        self.app.push_screen(PresenterPickerScreen(title, options, current, go=self._presenter_chosen))

    def _presenter_chosen(self, choice: str) -> None:
        controller = self.coach_app.session
        what, _, value = choice.partition(":")
        if controller.model is None:
            return
        self.keep_typing()
        if what == "name":
            # On to their dilemma's title, from whatever step (the review, where the
            # title typed on marked actions with its letters): as for later presenters.
            controller.set_fields(presenter=value)
        elif what == "add":
            controller.add_presenter(value)
        elif what == "go":
            controller.show_presenter(int(value))
        self._presenter_shown()

    def show_presenter(self, index: int) -> None:
        """Bring presenter ``index`` of the open meeting in hand (a refused save of
        theirs is asked about with their part on screen)."""
        controller = self.coach_app.session
        if index != controller.presenter_index and 0 <= index < len(controller.parts):
            self.keep_typing()
            controller.show_presenter(index)
            self._presenter_shown()

    def keep_typing(self) -> None:
        """What the fields show is in the model (keys on their way to it included)."""
        if self._steps_ready:
            for step in STEP_IDS[1:]:
                self.pane(step).keep_typing()

    def _presenter_shown(self) -> None:
        """Show the presenter now in hand on their dilemma step, its title focused:
        always the same field, so what the coach types on after the switch lands in
        a place they can count on."""
        controller = self.coach_app.session
        model = controller.model
        if model is None:
            return
        if self._steps_ready:
            for step_id in STEP_IDS[1:]:  # their own fields, from the first
                self.pane(step_id).focus_on_return = None
        self._new_presenter = True
        try:
            self.go("dilemma", first_field=True)  # this presenter's part, focused afresh
        finally:
            self._new_presenter = False
        self.refresh_panes()
        self.session_changed()
        who = model.presenter or f"Presenter {controller.presenter_index + 1}"
        self.app.notify(f"{who} presenting ({controller.presenter_index + 1} of {len(controller.parts)}).",
                        markup=False)

    @on(StepBar.Selected)
    def _step_clicked(self, event: StepBar.Selected) -> None:
        self.go(event.step)

    # --- the session ------------------------------------------------------------------------

    def session_changed(self) -> None:
        """Refresh what shows the session's state: the step bar and the status bar."""
        if not self.is_mounted:
            return
        controller = self.coach_app.session
        model = controller.model
        bar = self.query_one(StepBar)
        meeting = self.is_meeting()
        if meeting != self._meeting_shown:  # f9 shows on a set's session only
            self._meeting_shown = meeting
            self.refresh_bindings()
        if model is None:
            bar.set_filled(set())
            bar.set_presenter("", "")
            context = "no session open: pick a team"
        else:
            bar.set_filled({step for step in STEP_IDS if model.has_content(step)})
            context = model.team.name
            if meeting:
                turn = f"{controller.presenter_index + 1}/{len(controller.parts)}"
                bar.set_presenter(turn, model.presenter or "nobody named (f9)")
                # the presenter first: at 80 columns a long set name is what is cut
                context = f"{turn} {one_line(model.presenter, 30) or 'presenter not named'} · {context}"
            else:
                bar.set_presenter("", "")
            if model.title.strip():
                context += " — " + model.title
            if model.status == "completed":
                context += " (completed)"
        self.query_one(StatusBar).context = context
        self.show_others()

    def refresh_panes(self) -> None:
        if not self._steps_ready:
            self.when_steps_ready(self.refresh_panes)
            return
        for step in STEP_IDS[1:]:
            self.pane(step).refresh_from_model()

    def open_team(self, team: TeamInfo) -> None:
        """The coach picked a team on step 1. If the team has an unfinished session
        of this coach's, it is offered first, instead of quietly starting a second."""
        model = self.coach_app.session.model
        if model is not None and model.team.id == team.id:
            self.go(model.step if model.step != "team" else "review")
            return
        current = model.session_id if model is not None else None
        self._find_team_draft(team, current)

    @in_thread(exclusive=True, group="team-draft", doing="open the team", then="_team_draft_found")
    def _find_team_draft(
        self, team: TeamInfo, current: str | None
    ) -> tuple[TeamInfo, SessionInfo | None, SessionInfo | None, BaseException | None]:
        """The team's unfinished session of this coach's to offer, and else an empty
        draft of theirs for it (left by a crash) to carry on in, not a second one;
        and why the session open now is gone from the database (another window
        deleted it for good), if it is."""
        from coachtui.store.errors import StoreError
        from coachtui.ui.saving import gone

        store = self.coach_app.store
        lost = gone(self.coach_app, current) if current is not None else None
        draft = blank = None
        if store is not None:
            try:
                empty = store.empty_draft_ids()
                drafts = [d for d in store.list_drafts() if d.team_id == team.id and d.id != current]
            except StoreError:
                drafts, empty = [], set()  # no offer; the session starts as before
            own = self.coach_app.drafts.own([d for d in drafts if d.id not in empty])
            draft = own[0] if own else None  # the most recently edited
            own_empty = self.coach_app.drafts.own([d for d in drafts if d.id in empty])
            blank = own_empty[0] if own_empty else None
        return team, draft, blank, lost

    def _team_draft_found(
        self, result: tuple[TeamInfo, SessionInfo | None, SessionInfo | None, BaseException | None]
    ) -> None:
        team, draft, blank, lost = result
        app = self.coach_app
        model = app.session.model
        if model is not None and not model.is_empty:
            if lost is not None and getattr(lost, "record_id", None) == model.session_id:
                app.saver.mark_lost(model.session_id, lost)
            if app.saver.is_lost(model.session_id):
                self._ask_before_leaving_lost(team, draft)
                return
        if draft is None and blank is not None and (model is None or model.status != "draft" or model.is_empty):
            # Nothing is typed in it, so nothing to ask: it is this session (the
            # empty draft open now, if any, is not kept when it is left).
            self.coach_app.drafts.resume(blank.id, afresh=True)
            return
        self._open_team(team, draft)

    def _ask_before_leaving_lost(self, team: TeamInfo, draft: SessionInfo | None) -> None:
        """The session open here is gone from the database (deleted for good in
        another window): what is on screen is kept nowhere else. Keep it as a new
        draft, or discard it, before going on to ``team``; or stay with it."""
        from coachtui.ui.modals import ChoiceScreen

        app = self.coach_app
        controller = app.session
        model = controller.model
        if model is None:
            return
        lost_id = model.session_id

        def done(choice: str | None) -> None:
            current = controller.model
            if current is None or current.session_id != lost_id:
                return
            if choice == "new":
                controller.keep_as_new_draft()
                app.notify(f"Kept as a new draft for {one_line(current.team.name, 40)}.", markup=False)
                if draft is None:
                    self.start_session(team)
                else:
                    self._open_team(team, draft)
            elif choice == "discard":
                app.saver.resolve(lost_id)
                controller.close()
                self._open_team(team, draft)
            else:
                self.go(current.step if current.step not in ("team", "summary") else "dilemma")

        reason = one_line(app.saver.conflicts.get(lost_id, "this session is no longer in the database"), 120)
        app.push_screen(
            ChoiceScreen(
                f"Not saved: {reason}. What you typed in it is only on this screen. Keep it as a new "
                f"draft, or discard it, and go on to {one_line(team.name, 40)}?",
                [("n", "New draft", "new"), ("d", "Discard it", "discard"), ("esc", "Stay", "")],
            ),
            done,
        )

    def _open_team(self, team: TeamInfo, draft: SessionInfo | None) -> None:
        if draft is None:
            self._open_team_afresh(team)
            return
        from coachtui.ui.format import relative_day
        from coachtui.ui.modals import SessionChoiceScreen

        def done(choice: str | None) -> None:
            if choice == "resume":
                self.coach_app.drafts.resume(draft.id)
            elif choice == "new":
                self._open_team_afresh(team, asked=True)  # "Start a new one": not asked again

        title = f"“{one_line(draft.title, 50)}”" if draft.title.strip() else "an untitled session"
        edited = relative_day(draft.updated_at) + " " + draft.updated_at.astimezone().strftime("%H:%M")
        model = self.coach_app.session.model
        kept = ""
        if model is not None and model.status == "draft" and not model.is_empty and model.team.id != team.id:
            kept = f" (The draft for {one_line(model.team.name, 40)} open now is kept.)"
        self.app.push_screen(
            SessionChoiceScreen(
                f"{one_line(team.name, 40)} has an unfinished session of yours: {title}, last edited {edited}. "
                f"Carry on with it, or start a new one? (esc: neither){kept}",
                [("r", "Resume it", "resume"), ("n", "Start a new one", "new")],
            ),
            done,
        )

    def _open_team_afresh(self, team: TeamInfo, *, asked: bool = False) -> None:
        """Start ``team``'s new session; when another draft is open, first ask (unless
        ``asked``: the coach has just chosen to start a new one)."""
        controller = self.coach_app.session
        model = controller.model
        if model is not None and model.team.id == team.id:
            self.go(model.step if model.step != "team" else "review")
            return
        if model is not None and model.status == "draft" and model.is_empty:
            controller.move_to_team(team)
            self._load_review(team, model)
            return
        if model is not None and model.status == "draft" and not asked:
            from coachtui.ui.modals import TypedAheadConfirmScreen

            question = TypedAheadConfirmScreen(
                f"Start a new session with {one_line(team.name, 40)}? The draft for "
                f"{one_line(model.team.name, 40)} is kept and can be resumed later.",
                yes="Start new",
                no="Stay",
            )

            def done(confirmed: bool | None) -> None:
                if confirmed:
                    # typed on after enter, before the question was seen: meant as its title
                    self.start_session(team, title=question.typed_ahead())

            self.app.push_screen(question, done)
            return
        self.start_session(team)

    def start_session(self, team: TeamInfo, title: str = "") -> None:
        model = self.coach_app.session.start(team, self.coach_app.settings.coach_name)
        if title:  # before the fields show the new session: they load it with its title
            self.coach_app.session.set_fields(title=title)
        self.refresh_panes()
        self._review_for = model
        self._load_review(team, model)

    @in_thread(
        exclusive=True,
        group="review-load",
        doing="load the team's earlier actions",
        then="_review_result",
        failed="_review_not_loaded",
    )
    def _load_review(
        self, team: TeamInfo, model: SessionModel
    ) -> tuple[SessionModel, list[ActionInfo], SessionDetail | None, list[SessionDetail]]:
        from coachtui.session.model import last_meeting_later

        store = self.coach_app.ready_store
        actions = store.open_actions(team.id)
        last = store.last_session(team.id, before=model.session_id)
        return model, [a for a in actions if a.session_id != model.session_id], last, last_meeting_later(store, last)

    def _review_result(
        self, result: tuple[SessionModel, list[ActionInfo], SessionDetail | None, list[SessionDetail]]
    ) -> None:
        self._review_loaded(*result)

    def _review_not_loaded(self, error: BaseException) -> None:
        """The session still runs; its review list is empty."""
        from coachtui.ui.workers import reason, tell

        tell(self.app, f"Could not load the team's earlier actions: {reason(error)}")
        if self._review_for is not None:
            self._review_loaded(self._review_for, [], None)

    def _review_loaded(
        self,
        model: SessionModel,
        actions: list[ActionInfo],
        last: SessionDetail | None,
        last_later: list[SessionDetail] | None = None,
    ) -> None:
        if self.coach_app.session.model is not model:
            return  # the coach has moved on to another session meanwhile
        model.review_items = [ReviewItem(action=a) for a in actions]
        model.last_session, model.last_later = last, list(last_later or [])
        for later in self.coach_app.session.parts[1:]:
            later.review_items, later.last_session, later.last_later = model.review_items, last, model.last_later
        self.session_changed()
        self.refresh_panes()
        if model.review_items:
            self.go("review")
        else:
            self.app.notify("Nothing to review from earlier sessions: on to the dilemma.", markup=False)
            self.go("dilemma")

    def resume(self, model: SessionModel, parts: list[SessionModel] | None = None) -> None:
        self.coach_app.session.resume(model, parts)
        self.refresh_panes()
        self.go(model.step if model.step != "team" else "dilemma")

    def show_kept(self, model: SessionModel) -> None:
        """Keep mine after another window saved this session: ``model`` (theirs, with
        this window's changes) in hand, shown on the step the coach is on; a field
        this window is typing in keeps its text and cursor (its value is the same)."""
        self.coach_app.session.resume(model)
        self.refresh_panes()
        self.session_changed()

    def carry_on_afresh(self, model: SessionModel) -> None:
        """An empty draft (left by a crash) taken as the new session it was: it opens
        as :meth:`start_session` does, on the earlier actions, or straight on the
        dilemma when the team has none."""
        self.coach_app.session.resume(model)
        self.refresh_panes()
        self._review_for = model
        self._load_review(model.team, model)

    def new_session(self) -> None:
        """Close the current session (it is saved) and go back to picking a team."""
        self.coach_app.recovery.when_still_there(self._close_session)

    def _close_session(self) -> None:
        self.coach_app.session.close()
        self.refresh_panes()
        self.team_step.clear_filter()  # a team is never made from words typed before the session
        self.go("team")
