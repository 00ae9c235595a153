"""coachtui: a terminal companion for improvement coaching sessions."""

__version__ = "0.1.0"
