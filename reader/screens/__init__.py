"""Full screens and dialogs shown over the main view."""
