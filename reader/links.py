"""Link policy: which URLs are opened, how, and what the user is told."""

from __future__ import annotations

from urllib.parse import urlsplit

from textual.app import App


# Browsers that run in the terminal would draw over the reader's screen.
TEXT_BROWSERS = frozenset({"www-browser", "links", "links2", "elinks", "lynx", "w3m"})


def web_url_or_reason(url: str) -> tuple[str | None, str]:
    """(url, "") when it may be opened; (None, why not) otherwise."""
    if not url:
        return None, "There is no URL to open."
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("http", "https"):
        return None, f"Refused to open a link that is not http or https: {url[:80]}"
    return url, ""


def no_browser() -> str | None:
    """Why a link cannot be opened here, or None when a browser is there to open it."""
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return "No web browser was found on this machine"
    if getattr(browser, "name", "") in TEXT_BROWSERS:
        return f"The only browser here is {browser.name}, which would take over this screen"
    return None


def open_link(app: App, link: str) -> None:
    """Open a story's or an article's page in a browser, or say why not."""
    url, reason = web_url_or_reason(link)
    if url is None:
        app.notify(reason, severity="warning", markup=False)
        return
    missing = no_browser()
    if missing:
        app.notify(f"{missing}; y copies the URL instead.", severity="warning", markup=False)
        return
    app.open_url(url)
    app.notify(f"Opening {url}", markup=False)


def copy_link(app: App, link: str) -> None:
    """Send a link to the clipboard. The terminal is asked to put it there (OSC 52)
    and may ignore that, so the notice says what was done, not that it worked."""
    if not link:
        app.notify("There is no URL to copy.", severity="warning", markup=False)
        return
    app.copy_to_clipboard(link)
    app.notify(f"Sent {link} to the terminal's clipboard", markup=False)
