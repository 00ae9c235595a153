"""The seven steps of a coaching session, one module each."""
