"""The database itself: the engine and its transactions (``engine.py``)."""
