"""What a key redraws: a move in the list redraws the two rows it changes, not the whole list."""

from __future__ import annotations

from textual.widget import Widget

from reader.widgets.story_list import StoryList

from app_helpers import make_app, screen_text, settle
from conftest import SEEDS
from test_app import many_stories


class Redraws:
    """Counts the whole-widget redraws (refresh with no region) asked of chosen widgets."""

    def __init__(self, monkeypatch, *widgets: Widget) -> None:
        self.widgets = widgets
        self.whole: list[str] = []
        self.rows: list[tuple[str, int]] = []
        refresh = Widget.refresh

        def counted(widget, *regions, **options):
            if widget in self.widgets:
                if regions:
                    self.rows.extend((type(widget).__name__, region.y) for region in regions)
                elif options.get("repaint", True) or options.get("layout"):
                    self.whole.append(type(widget).__name__)
            return refresh(widget, *regions, **options)

        monkeypatch.setattr(Widget, "refresh", counted)


async def test_a_move_redraws_two_rows_of_the_list_and_the_position_and_nothing_else(make_folder, monkeypatch):
    app = make_app(make_folder(many_stories(60)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        redraws = Redraws(monkeypatch, story_list, app.status)
        await pilot.press("j")
        await pilot.pause()
        assert story_list.cursor == 1
        assert redraws.whole == ["StatusLine"]  # its one line says 2/60
        assert sorted(redraws.rows) == [("StoryList", 0), ("StoryList", 1)]
        assert "60 stories · 2/60 · " in str(app.status.render())
        await pilot.press("k")
        await pilot.pause()
        assert story_list.cursor == 0 and redraws.whole == ["StatusLine", "StatusLine"]


async def test_the_story_list_has_no_scrollbar_and_the_wheel_still_scrolls_it(make_folder):
    # A scrollbar 13 cells tall says little of where a row is among thousands, and drawing it
    # cost a scrolling key as much as the rows it moved: the status line gives the position.
    from textual import events

    app = make_app(make_folder(many_stories(200)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        assert story_list.scrollbar_size_vertical == 0
        assert story_list.scrollable_content_region.width == story_list.content_region.width
        story_list.post_message(events.MouseScrollDown(story_list, 5, 5, 0, 0, 0, False, False, False))
        await pilot.pause()
        assert story_list.scroll_offset.y > 0


async def test_a_scrolling_move_leaves_the_hidden_scrollbar_alone(make_folder, monkeypatch):
    # The story list's scrollbar has no width and is not on screen: told each new position, it
    # had Textual lay out the whole screen again at every key that scrolled the list.
    app = make_app(make_folder(many_stories(200)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        await pilot.press("pagedown")  # to the last row on screen: the next moves scroll
        await settle(pilot, app)
        redraws = Redraws(monkeypatch, story_list.vertical_scrollbar)
        for key in ("j", "j", "pagedown"):
            before = story_list.scroll_offset.y
            await pilot.press(key)
            await pilot.pause()
            assert story_list.scroll_offset.y != before, key
        assert redraws.whole == [] and redraws.rows == []
        assert story_list.vertical_scrollbar.position == 0  # never told: it is not shown


async def test_a_move_in_the_coverage_lays_out_nothing(monkeypatch):
    # The preview of the highlighted article has a fixed size: a new article in it repaints it
    # alone, where a size that followed the text had Textual lay out the whole screen at every key.
    from app_helpers import highlight_second_story

    app = make_app(SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await highlight_second_story(pilot, app)  # 31 articles in its coverage
        await pilot.press("enter")  # over to the coverage
        await pilot.pause()
        coverage = app.coverage.list
        assert app.focused is coverage and coverage.row_count > 3
        layouts: list[str] = []
        refresh = Widget.refresh

        def counted(widget, *regions, **options):
            if options.get("layout"):
                layouts.append(type(widget).__name__)
            return refresh(widget, *regions, **options)

        monkeypatch.setattr(Widget, "refresh", counted)
        shown = []
        for key in ("j", "j", "k"):
            await pilot.press(key)
            await pilot.pause()
            shown.append(str(app.coverage.preview.render()))
        assert coverage.cursor == 1
        assert len(set(shown)) == 2 and shown[0] == shown[2]  # two articles, each shown in turn
        assert layouts == []


async def test_a_story_shown_lays_out_nothing(make_folder, monkeypatch):
    # The story pane draws its text as lines, and sets how far it scrolls without a layout; the
    # coverage pane's parts have fixed sizes. (Each layout was one of the whole screen.)
    app = make_app(make_folder(many_stories(60)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        layouts: list[str] = []
        refresh = Widget.refresh

        def counted(widget, *regions, **options):
            if options.get("layout"):
                layouts.append(widget.id or type(widget).__name__)
            return refresh(widget, *regions, **options)

        monkeypatch.setattr(Widget, "refresh", counted)
        shown = app.shown_id
        await pilot.press("j")
        await settle(pilot, app)
        assert app.shown_id != shown
        assert "Story 058" in screen_text(app)  # the new story's title, in its pane
        assert layouts == []


async def test_the_chart_label_takes_the_lines_its_text_needs(linked_pair):
    # One line for a chart; two where it explains an event of one story: the label's height
    # follows, with a layout only when it changes.
    app = make_app(linked_pair)  # Second and First, one event; then a background story alone
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        label = app.coverage.chart_label
        heights = []
        for key in ("", "j", "j", "k"):
            if key:
                await pilot.press(key)
                await settle(pilot, app)
            await pilot.pause()
            heights.append((label.size.height, len(label.render_lines(label.content_region.reset_offset))))
        assert heights == [(1, 1), (1, 1), (2, 2), (1, 1)]


async def test_a_story_marked_read_redraws_its_row_alone(make_folder, monkeypatch):
    app = make_app(make_folder(many_stories(60)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        await pilot.press("j")
        await settle(pilot, app)
        assert not story_list.stories.story_row(1).read
        redraws = Redraws(monkeypatch, story_list)
        await pilot.press("m")
        await pilot.pause()
        assert story_list.stories.story_row(1).read  # the row as the list shows it says so
        assert redraws.whole == []
        assert redraws.rows == [("StoryList", 1)]


async def test_rows_a_key_scrolls_to_are_rendered_before_the_key(make_folder, monkeypatch):
    # A key that scrolls draws rows it has not shown: they are rendered while the list waits for
    # the next key, so the key's own frame only places them.
    from reader.widgets.row_list import RowList

    app = make_app(make_folder(many_stories(200)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        rendered: list[int] = []  # rows rendered while a frame is drawn (not ahead of it)
        drawing: list[int] = []
        render_row, render_line = RowList._render_row, RowList.render_line

        def counted_row(row_list, index, *args):
            if drawing and row_list is story_list:
                rendered.append(index)
            return render_row(row_list, index, *args)

        def drawn_line(row_list, y):
            drawing.append(y)
            try:
                return render_line(row_list, y)
            finally:
                drawing.pop()

        monkeypatch.setattr(RowList, "_render_row", counted_row)
        monkeypatch.setattr(RowList, "render_line", drawn_line)
        await pilot.press("pagedown")  # to the last row on screen: the next moves scroll
        for key, scrolls in (("pagedown", True), ("j", True), ("pageup", False), ("k", True), ("pageup", True)):
            await settle(pilot, app)
            rendered.clear()
            before = story_list.scroll_offset.y
            await pilot.press(key)
            await pilot.pause()  # the key's frame, and only it
            assert (story_list.scroll_offset.y != before) == scrolls, key
            assert rendered == [], (key, rendered)
        assert story_list.cursor == 0


async def test_rows_ahead_are_rendered_after_the_key_s_frame_not_before_it(make_folder, monkeypatch):
    # Rendering the rows the next key may need is for the wait between keys: before the key's
    # own frame it only delays it.
    from textual.screen import Screen

    from reader.widgets.row_list import RowList

    app = make_app(make_folder(many_stories(200)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        happened: list[str] = []
        prepare, refresh = RowList._prepare_near, Screen._compositor_refresh

        def noted_prepare(row_list):
            if row_list is story_list:
                happened.append("rows ahead")
            return prepare(row_list)

        def noted_frame(screen):
            if story_list in screen._dirty_widgets:
                happened.append("frame")
            return refresh(screen)

        monkeypatch.setattr(RowList, "_prepare_near", noted_prepare)
        monkeypatch.setattr(Screen, "_compositor_refresh", noted_frame)
        for key in ("j", "pagedown", "j", "k"):
            await settle(pilot, app)
            happened.clear()
            await pilot.press(key)
            await settle(pilot, app)
            assert "rows ahead" in happened and "frame" in happened, (key, happened)
            assert happened.index("frame") < happened.index("rows ahead"), (key, happened)


async def test_a_row_is_a_few_segments_and_reads_as_before(make_folder):
    # Each segment goes to the terminal with its full colours: a row of one segment a cell and
    # one a space wrote twice as much at every key that scrolled.
    app = make_app(make_folder(many_stories(30)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        story_list = app.query_one(StoryList)
        width = story_list.scrollable_content_region.width
        for index, state in ((0, "cursor"), (1, ""), (2, "blurred")):
            strip = story_list._render_row(index, width, state)
            row = story_list.source.row(index)
            assert strip.cell_length == width
            assert strip.text.split() == " ".join(row.cells).split(), index  # every cell, in order
            # unread (bold) mark and title, dim outlet and date, the count: three looks
            assert len(list(strip)) <= 4, [segment.text for segment in strip]
            base = story_list._look(state)
            assert {segment.style.bgcolor for segment in strip} == {base.bgcolor}


def test_a_space_keeps_the_row_s_look_beside_a_style_that_draws_on_it():
    from rich.style import Style

    from reader.widgets.row_list import _blank_alike

    base = Style(color="white", bgcolor="black")
    assert _blank_alike(base + Style(bold=True), base)
    assert _blank_alike(base + Style(color="grey50"), base)
    assert not _blank_alike(base + Style(underline=True), base)
    assert not _blank_alike(base + Style(reverse=True), base)
    assert not _blank_alike(base + Style(bgcolor="blue"), base)


def test_the_app_hands_the_interpreter_over_every_millisecond(monkeypatch):
    # Background threads run Python for seconds: a key must not wait 5 ms at each step to its frame.
    import sys

    from reader import app as app_module

    seen = []
    monkeypatch.setattr(app_module.ReaderApp, "run", lambda self: seen.append(sys.getswitchinterval()))
    usual = sys.getswitchinterval()
    try:
        assert app_module.run_app(str(SEEDS), use_cache=False) == 0
    finally:
        sys.setswitchinterval(usual)
    assert seen == [0.001]
