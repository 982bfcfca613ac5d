"""The status line: how many stories (or events), where the scan stands, the query and the sort."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from reader.list_controller import ListStatus
from reader.widgets.text import plural


def status_text(status: ListStatus) -> Text:
    progress = status.progress
    text = Text()
    if status.scan_failed:
        text.append("Reading the folder stopped on an error (see the notice); ", style="bold red")
        text.append(f"{status.shown:,} stories shown")
        _append_row(text, status)
    elif not status.list_complete:
        text.append("⏳ Reading stories… ", style="bold")
        text.append(f"{progress.files_read:,} files read, {progress.files_seen:,} found")
        _append_row(text, status)
    else:
        if status.listing:
            text.append(status.listing, style="bold")
        elif status.event_headline:
            text.append(f"{plural(status.shown, 'story file')} of the event ", style="bold")
            headline = status.event_headline
            text.append(headline if len(headline) <= 48 else headline[:47] + "…", style="italic")
        elif status.query_text.strip() or status.unread_only:
            shown = f"{status.shown:,}{'+' if status.partial else ''}"
            text.append(f"{shown} of {_things(status)}", style="bold")
        else:
            text.append(_things(status), style="bold")
        _append_row(text, status)
        if progress.problems:
            text.append(" · ")
            text.append(plural(progress.problems, "problem"), style="bold red")
            text.append(" (press !)", style="dim")
        if progress.listed and not progress.done and progress.to_verify:
            text.append(f" · verifying {progress.verified:,} of {progress.to_verify:,}", style="dim")
        elif not status.loaded:
            text.append(" · checking for changes…", style="dim")
        elif progress.done and not progress.events_ready:
            text.append(" · computing events…", style="dim")
    if status.unread_only:
        text.append(" · unread only", style="bold")
    if status.query_text.strip():
        text.append(" · query: ", style="dim")
        text.append(status.query_text.strip())
    text.append(f" · by {status.sort}", style="dim")
    text.append("   ")
    text.append(status.display_name, style="dim")
    return text


def _append_row(text: Text, status: ListStatus) -> None:
    """Where the cursor is, as a number, beside the count: the story list has no scrollbar."""
    if status.row is not None and status.shown:
        text.append(f" · {status.row:,}/{status.shown:,}")


def _things(status: ListStatus) -> str:
    if status.mode == "events":
        return plural(status.total, "event")
    return plural(status.total, "story", "stories")


class StatusLine(Static):
    def show(self, status: ListStatus) -> None:
        # One line, always: a layout per progress report is costly.
        self.update(status_text(status), layout=False)
