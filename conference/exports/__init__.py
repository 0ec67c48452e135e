"""Exporters: calendar (.ics) and the post-event report. Library calls and templates only."""
