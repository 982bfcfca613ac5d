"""reader: a terminal reader for folders of news stories and their related coverage."""

__version__ = "0.1.0"
