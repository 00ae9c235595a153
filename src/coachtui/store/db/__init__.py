"""The database itself, below everything that reads or writes records.

``target.py`` says what a ``--db`` value names; ``crypto.py`` holds SQLCipher keys;
``database.py`` opens a file or server and brings its schema up to date with the
frozen ``migrations/``; ``engine.py`` is the open :class:`~engine.Database` and its
transactions; ``faults.py`` turns failures into ``StoreError``s; ``backup.py`` copies
a file safely (backups, restores, a rescued file); ``quick.py`` peeks at the team list
before SQLAlchemy loads. ``models.py`` is the tables. ``dialects/`` is where SQLite and
PostgreSQL differ, with their full-text indexes beside it (``search_index.py`` for
FTS5, ``pg_search.py`` for tsvector) and ``query.py``, which turns typed text into the
words both of them search for.
"""
