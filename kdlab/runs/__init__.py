"""Everything about stored runs: the SQLite store, recording a run into it, re-opening a finished run, import and
export, and the tables the History page shows. Headless, like the core it builds on."""
