"""The app's keys. Each binding has an id, so the config file's [keys] table can rebind it."""

from __future__ import annotations

from textual.binding import Binding

BINDINGS = [
    Binding("q", "quit", "Quit", id="quit"),
    Binding("question_mark", "help", "Help", id="help"),
    # Taken by the app before the focused widget gets it: the keys typed right after it are then
    # the query's, not the list's (ReaderApp.action_search leaves it to a query or a dialog, where it is typed).
    Binding("slash", "search", "Search", id="search", priority=True),
    Binding("s", "cycle_sort", "Sort", id="cycle_sort"),
    Binding("v", "toggle_events", "Events", id="toggle_events"),
    Binding("u", "toggle_unread", "Unread", id="toggle_unread"),
    Binding("m", "toggle_read", "Read", show=False, id="toggle_read"),
    Binding("asterisk", "toggle_star", "Star", id="toggle_star"),
    Binding("t", "topics", "Topics", show=False, id="topics"),
    Binding("p", "providers", "Providers", show=False, id="providers"),
    Binding("r", "raw", "Raw", show=False, id="raw"),
    Binding("c", "cycle_coverage_sort", "Coverage order", show=False, id="cycle_coverage_sort"),
    Binding("space", "pick_compare", "Pick", show=False, id="pick_compare"),
    Binding("x", "compare", "Compare", id="compare"),
    Binding("P", "outlet_view", "Outlet", show=False, id="outlet_view"),
    Binding("e", "export", "Export", show=False, id="export"),
    Binding("o", "open_link", "Open", id="open_link"),
    Binding("y", "copy_link", "Copy URL", show=False, id="copy_link"),
    Binding("exclamation_mark", "problems", "Problems", show=False, id="problems"),
    Binding("tab", "focus_next", "Next pane", show=False),
    Binding("shift+tab", "focus_previous", "Previous pane", show=False),
    Binding("escape", "back", "Back", show=False),
]
