"""Uptake surveys: surveys as data, waves, practice responses with every version kept."""
