"""The data layer: finding, parsing, indexing and exporting story files.

Nothing in this package imports textual; a test enforces it. The UI gets plain
records from here and never reads story files itself.
"""
