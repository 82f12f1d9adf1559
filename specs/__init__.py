"""The clause catalogue, shipped as package data (see execspec.spec)."""
