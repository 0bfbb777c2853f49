"""Jupyter widgets for researchers (ipywidgets); imported only in notebooks."""

from evidence.widgets.review import ReviewWidget

__all__ = ["ReviewWidget"]
