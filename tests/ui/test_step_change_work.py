"""What a step change does: the next step and its footer, and no work beyond that.

A step change moves the focus two or three times; Textual's Footer rebuilt all its
keys on each move, even when they were the same keys, and each new key was styled
again. The footer now keeps its keys when the step has the same ones, and shows
the keys of the step the coach is on."""

from __future__ import annotations

from textual.widgets import Footer

from .helpers import paste, ready, screen_text, shows, type_text, wait_for

STEPS = [("ctrl+n", "category"), ("ctrl+n", "questions"), ("ctrl+n", "actions"), ("ctrl+n", "summary"),
         ("ctrl+b", "actions"), ("ctrl+b", "questions"), ("ctrl+b", "category"), ("ctrl+b", "dilemma"),
         ("ctrl+b", "review"), ("ctrl+n", "dilemma")]


async def test_the_footer_is_rebuilt_only_when_its_keys_change(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await ready(pilot)
        await type_text(pilot, "Ward 4")
        await pilot.press("enter")
        screen = app.session_screen
        await wait_for(pilot, lambda: screen.current_step == "dilemma", what="the dilemma step")
        await paste(pilot, "Falls at night")
        await pilot.pause(0.3)
        footer = screen.query_one(Footer)
        kept = rebuilt = 0
        for key, step in STEPS:
            before_keys, before_line = list(footer.children), screen_text(app).splitlines()[-1]
            await pilot.press(key)
            await wait_for(pilot, lambda step=step: screen.current_step == step, what=step)
            await pilot.pause(0.3)
            line = screen_text(app).splitlines()[-1]
            # f7 "Others" is offered beside the dilemma and category steps only
            assert ("f7 Others" in line) == (step in ("dilemma", "category")), (step, line)
            if line == before_line:  # the same keys: the same widgets, not rebuilt
                assert list(footer.children) == before_keys, f"the footer was rebuilt going to {step}"
                kept += 1
            else:
                assert list(footer.children) != before_keys
                rebuilt += 1
        assert kept and rebuilt  # both cases were seen


def same(rows: object, before: list[object]) -> bool:
    """Whether a table's rows are the very rows it had (not equal ones made again)."""
    now = list(rows)  # type: ignore[call-overload]
    return len(now) == len(before) and all(a is b for a, b in zip(now, before, strict=True))


async def test_a_step_shown_again_unchanged_keeps_its_rows(make_app, seeded) -> None:
    """The review and actions steps filled their tables again on each visit, twice
    (once at no size, as a step not shown yet has, then once laid out), and the
    review step set and unset its narrow layout each time, restyling every widget
    in it. Their rows are kept when nothing they show changed, and still follow a
    change."""
    from textual.widgets import DataTable

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("enter")  # Ward 4, with three actions to review
        screen = app.session_screen
        await wait_for(pilot, lambda: screen.current_step == "review", what="the review step")
        await shows(pilot, "Plot ten more points")
        review = screen.query_one("#review-table", DataTable)
        await pilot.pause(0.3)
        rows = list(review.ordered_rows)
        assert len(rows) == 3 and not screen.pane("review").has_class("-narrow")
        for key, step in [("ctrl+n", "dilemma"), ("ctrl+b", "review")]:
            await pilot.press(key)
            await wait_for(pilot, lambda step=step: screen.current_step == step, what=step)
            await pilot.pause(0.3)
        assert same(review.ordered_rows, rows), "the review list was filled again with the same rows"
        assert not screen.pane("review").has_class("-narrow")
        await pilot.press("d")  # a change: the first action marked done, and shown so
        await wait_for(pilot, lambda: app.session.model.review_items[0].status == "done", what="the mark")
        await shows(pilot, "done")
        assert not same(review.ordered_rows, rows)

        await pilot.press("alt+6")  # the actions step: add one, leave, come back
        await wait_for(pilot, lambda: screen.current_step == "actions", what="the actions step")
        await paste(pilot, "Ask the night team")
        await pilot.press("enter")
        await shows(pilot, "Ask the night team")
        table = screen.query_one("#action-table", DataTable)
        await pilot.pause(0.3)
        rows = list(table.ordered_rows)
        for key, step in [("ctrl+n", "summary"), ("ctrl+b", "actions")]:
            await pilot.press(key)
            await wait_for(pilot, lambda step=step: screen.current_step == step, what=step)
            await pilot.pause(0.3)
        assert same(table.ordered_rows, rows), "the actions table was filled again with the same rows"
        assert "Ask the night team" in screen_text(app)
