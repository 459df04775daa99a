"""Heavy engine work off the web server: Dask tasks and a persistent result store.

The engine (``pruning``) stays a library of plain functions; this package decides where
they run. ``cluster`` connects to a Dask scheduler (or starts a local cluster), ``tasks``
holds the functions a worker runs, ``jobs`` submits them under deterministic keys and
follows their progress, and ``store`` keeps finished results in a database, so a restart,
a second server or a second machine finds them.
"""
