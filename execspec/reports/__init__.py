"""Reports: a conformance run rendered for people and machines.

What lives here: ``document`` (the run as a versioned JSON document, described by
``schema.json``), and the renderers: ``terminal`` (the matrix as plain text, from the typed
results), ``markdown`` and ``htmlpage`` (from the JSON document, so they say what it says).

May import: only :mod:`execspec.conformance.results` (the typed results a report renders),
:mod:`execspec.conformance.baseline` (the gate's verdict on them, to show it) and
:mod:`execspec.spec` (clause texts). A report decides nothing: the verdicts, tallies, the gate
and the exit status are in the data it is given; a renderer only turns them into text.
"""
