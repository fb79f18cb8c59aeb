"""Extractive answering: question analysis, follow-up resolution, candidate scoring, span extraction."""
