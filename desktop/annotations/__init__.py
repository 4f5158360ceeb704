"""The annotation table (BORIS/ELAN style): every annotation of the clip or the project.

- :class:`AnnotationTablePanel` (``panel.py``): scope toggle, code and text filters, the table;
  click or Enter seeks, cells edit in place, Delete removes (undoable), and
  :meth:`AnnotationTablePanel.step` jumps to the next / previous annotation (Alt+Right / Alt+Left).
- :class:`AnnotationTableModel` (``model.py``): a paged table model; pages are read from
  :mod:`annotators.browse` on a worker thread, so a million annotations never stall the UI.
"""

from .model import AnnotationTableModel
from .panel import AnnotationTablePanel

__all__ = ["AnnotationTableModel", "AnnotationTablePanel"]
