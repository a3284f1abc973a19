"""Readers: one per format, each turning a file into the grid model of ``extract.grid``."""
from .grid import Block, Cell, Document, UnreadableError  # noqa: F401
from .detect import read  # noqa: F401
