"""strategy-pdf: YAML sources of a city's comprehensive strategy → print-ready 新旧対照表 PDFs."""

__version__ = "0.1.0"
