"""The server's rules, low enough for every entry point to apply them: its settings (``kdlab.toml``, ``KDLAB_*``
variables, the classroom caps) and the admission gate every run passes before it is queued or trained."""
