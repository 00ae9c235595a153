"""Upkeep of a database: backups, restore, vacuum."""
