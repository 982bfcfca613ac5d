"""The command palette (ctrl+p): every action, and any story by its title."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

# (title, what it does, app action). The palette lists every one of them.
ACTIONS: list[tuple[str, str, str]] = [
    ("Search", "Filter the list with a query (/)", "search"),
    ("Cycle sort", "Newest, oldest, quality, heat, coverage, provider, title; relevance with a query (s)",
     "cycle_sort"),
    ("Events view", "List events (each piece of news once) instead of stories, or stories again (v)",
     "toggle_events"),
    ("Only unread", "Show only unread stories, or all again (u)", "toggle_unread"),
    ("Topics", "Every topic with its number of stories; pick one to filter (t)", "topics"),
    ("Providers", "Every outlet with its number of stories; pick one to filter (p)", "providers"),
    ("Outlet view", "Every article from the highlighted outlet, and how often it was first (P)", "outlet_view"),
    ("Toggle read", "Mark the highlighted story read or unread (m)", "toggle_read"),
    ("Toggle star", "Star or unstar the highlighted story (*)", "toggle_star"),
    ("Sort coverage", "Order the coverage by time, quality or provider (c)", "cycle_coverage_sort"),
    ("Compare", "Compare two articles side by side (x; space picks the first)", "compare"),
    ("Raw file", "The story file as it is on disk (r)", "raw"),
    ("Export view", "Write the stories (or events) in view to a Markdown or JSON file (e)", "export"),
    ("Open in browser", "Open the highlighted story or article (o)", "open_link"),
    ("Copy URL", "Copy the highlighted story's or article's URL (y)", "copy_link"),
    ("Problems", "Files that could not be read (!)", "problems"),
    ("Help", "Every key (?)", "help"),
    ("Change theme", "Pick a colour theme; it is remembered", "change_theme"),
    ("Quit", "Leave the reader (q)", "quit"),
]

_STORY_HITS = 20


class ReaderCommands(Provider):
    async def discover(self) -> Hits:
        for title, help_text, action in ACTIONS:
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.run_action, action), help=help_text)
        if len(query.strip()) < 2:
            return
        # In a thread: a text few titles hold is looked for in every title (0.35 s at 100,000
        # stories), and the palette runs this on the UI thread's loop, a keystroke at a time.
        found = await asyncio.to_thread(self.app.corpus.find_titles, query.strip(), _STORY_HITS)
        for story_id, title in found:
            # Story titles are file data: plain Content, never markup.
            yield Hit(0.5 + 0.5 * (matcher.match(title) or 0), Content(title),
                      partial(self.app.jump_to_story, story_id), text=title, help="Story")
