"""The content catalog: the four categories, the question bank and the category
suggestion. Pure Python: no Textual, no database, no I/O but reading the assets."""

from coachtui.catalog.loader import CatalogError, load_catalog
from coachtui.catalog.model import Catalog, Category, Frame, Question, Signal
from coachtui.catalog.suggest import Suggestion, suggest_category

__all__ = [
    "Catalog",
    "CatalogError",
    "Category",
    "Frame",
    "Question",
    "Signal",
    "Suggestion",
    "load_catalog",
    "suggest_category",
]
