"""Conformance tests and the known-bad executors they are checked against.

A package (not a plain test directory) so that pytest puts ``tests/`` on ``sys.path``, not this
directory: ``known_bad`` then names ``tests/known_bad.py`` as before, and this directory's
executors are ``conformance.known_bad.<module>``.
"""
