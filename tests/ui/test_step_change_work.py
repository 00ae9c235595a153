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

