"""Deterministic scheduler shim: controlled threads on greenlets (see runtime.py)."""
