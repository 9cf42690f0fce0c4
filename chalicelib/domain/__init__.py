"""Domain rules: what may exist and how it changes.  No HTTP in here."""
