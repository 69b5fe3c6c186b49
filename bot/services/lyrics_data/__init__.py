"""Curated data for the lyric studio, kept as Python so it ships in every install."""
