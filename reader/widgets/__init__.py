"""Widgets: they get plain records from the data layer and never read files."""
