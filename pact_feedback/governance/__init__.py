"""Data governance: withdrawal and erasure, pseudonymised exports, retention and backups."""
