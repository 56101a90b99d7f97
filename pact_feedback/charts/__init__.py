"""Charts every feature draws: server-rendered, accessible, the same on screen and in print.

Shared infrastructure: it imports nothing from a feature package, so reports, uptake
statistics, QI and the diary each use it without depending on one another.
"""
