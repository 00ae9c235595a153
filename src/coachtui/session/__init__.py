"""The live coaching session in plain Python (no Textual, no SQL).

``model`` holds what the steps show, ``controller`` changes it and queues every
change, ``edits`` queues the writes to other saved records (tracker marks, teams,
deleting or amending a session), ``saver`` is the one save queue (ordered, retried,
off the UI thread) and ``conflicts`` describes a change the store refused because
someone saved first.
The UI (``coachtui.ui``) draws all this; the store (``coachtui.store``) keeps it.
"""
