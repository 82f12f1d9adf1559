"""Reports: a conformance run rendered for people and machines.

What lives here: ``terminal`` (the clause-by-target matrix as plain text); Markdown, JSON (the
versioned schema every other format derives from), HTML and the baseline come later.

May import: only :mod:`execspec.conformance.results` (the typed results a report renders) and
:mod:`execspec.spec` (clause texts). A report decides nothing: the verdicts, tallies and the
exit status are in the results it is given; a renderer only turns them into text.
"""
