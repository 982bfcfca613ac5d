"""The bottom line of main keys, as one widget.

Textual's Footer builds a widget per key; on the first frame that costs more
than the story list itself, so the reader draws the same line as one piece
of text and maps a click back to its key.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget


class KeyBar(Widget):
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        text-style: bold;
    }
    KeyBar > .key-bar--disabled {
        color: $text-disabled;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._spans: list[tuple[int, int, str]] = []  # (start x, end x, key) of each shown binding

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _shown(self, binding, enabled: bool, description: str | None = None) -> tuple[str, str, str, bool]:
        return binding.key, self.app.get_key_display(binding), description or binding.description, enabled

    def shown_keys(self) -> tuple[list[tuple[str, str, str, bool]], tuple[str, str, str, bool] | None]:
        """The keys the bar shows, once per action: (key, how it is shown, description, enabled)
        for each, and the command palette's, which goes on the right."""
        seen: set[str] = set()
        shown = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                shown.append(self._shown(binding, enabled))
        palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if self.app.ENABLE_COMMAND_PALETTE and palette is not None:
            return shown, self._shown(palette[1], palette[2], "palette")
        return shown, None

    def render(self) -> Text:
        styles = {name: self.get_component_rich_style(f"key-bar--{name}", partial=True)
                  for name in ("key", "description", "disabled")}
        text = Text(no_wrap=True, overflow="crop")
        self._spans = []

        def add(key: str, display: str, description: str, enabled: bool) -> None:
            start = len(text)
            text.append(f" {display} ", styles["key" if enabled else "disabled"])
            text.append(f"{description} ", styles["description" if enabled else "disabled"])
            self._spans.append((start, len(text), key))

        keys, palette = self.shown_keys()
        for shown in keys:
            add(*shown)
        if palette is not None:
            room = self.size.width - len(text) - len(palette[1]) - len(palette[2]) - 3
            if room > 0:
                text.append(" " * room)
                add(*palette)
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
