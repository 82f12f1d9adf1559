"""Shared pytest configuration: print the Hypothesis seed policy, nothing else global."""
