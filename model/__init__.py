"""Executable model of concurrent.futures (pure: no threads, clocks or I/O)."""
