"""The baseline for bench/run.py: a Textual app that shows one line and nothing else.

Its start time and memory are what any Textual app pays on this machine;
the reader's figures are reported as ratios to these. Quit with q.
"""

from textual.app import App, ComposeResult
from textual.widgets import Static

READY_TEXT = "bare textual app ready"


class BareApp(App):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(READY_TEXT)


if __name__ == "__main__":
    BareApp().run()
