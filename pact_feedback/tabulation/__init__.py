"""Uptake statistics: pure pandas functions over small frames (no database here)."""
