"""Built-in scene files (``*.toml``), read with ``importlib.resources``."""
