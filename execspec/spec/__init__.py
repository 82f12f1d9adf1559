"""The clause catalogue: ``specs/*.md`` loaded into typed, validated :class:`Clause` objects.

What lives here: the grammar of a clause file and its parser (``grammar``), the loader that
checks the files against each other (``catalogue``), the clause IDs other parts already cite
(``required``), and the index and single-clause rendering (``render``). Everything else in
execspec names clauses by ID; this package is where an ID becomes a statement.

May import: nothing of execspec but itself (the model builds on it, so it stays pure: no
threads, no clocks; reading package data is its only I/O).

>>> cat = load()
>>> cat.get("FUT-CANCEL-RUNNING").status
'documented'
>>> cat.get("WAIT-CANCELLED-COUNTS").issue
'gh-92001'
>>> cat.get("EXC-TIMEOUT-ALIAS").holds_for((3, 10))
False
"""

from execspec.spec.catalogue import SUPPORTED_VERSIONS, Catalogue, load, load_dir, parse_texts
from execspec.spec.grammar import (
    AREAS,
    DOCS_URL,
    STATUSES,
    CatalogueError,
    Clause,
    Status,
    Versions,
    parse_versions,
)
from execspec.spec.render import index_is_stale, render_clause, render_index
from execspec.spec.required import REQUIRED_IDS

__all__ = [
    "AREAS",
    "Catalogue",
    "CatalogueError",
    "Clause",
    "DOCS_URL",
    "REQUIRED_IDS",
    "STATUSES",
    "SUPPORTED_VERSIONS",
    "Status",
    "Versions",
    "index_is_stale",
    "load",
    "load_dir",
    "parse_texts",
    "parse_versions",
    "render_clause",
    "render_index",
]
