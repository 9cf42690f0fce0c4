"""cluster-manager: the command-line client of the Cluster Manager API.

Start-up matters (``cluster-manager --help`` should answer in well under
150 ms), so this package imports only ``click`` at start; ``requests``,
``yaml``, ``json`` formatting helpers and the apply machinery are imported by
the commands that need them.
"""
__version__ = "1.0.0"
