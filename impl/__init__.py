"""execspec.impl: a reference executor (drop-in for the thread side of concurrent.futures)."""
