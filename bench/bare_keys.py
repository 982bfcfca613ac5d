"""The floor for bench/keys_rhythm.py: a Textual app that redraws one line per key.

j, k and PgDn each change the line's text; what a key costs here is what any Textual
app pays to take a key and draw a frame on this machine. Quit with q.
"""

from textual.app import App, ComposeResult
from textual.widgets import Static

READY_TEXT = "bare textual app ready"


class BareKeysApp(App):
    BINDINGS = [("q", "quit", "Quit"), ("j,k,pagedown", "step", "Step")]

    def compose(self) -> ComposeResult:
        self.line = Static(READY_TEXT)
        self.steps = 0
        yield self.line

    def action_step(self) -> None:
        self.steps += 1
        self.line.update(f"key {self.steps}")


if __name__ == "__main__":
    BareKeysApp().run()
