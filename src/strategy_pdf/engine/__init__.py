"""Stage 4, engine: HTML → PDF. The only code that imports WeasyPrint or pikepdf.

- ``pdf``: one render (warnings fail it, stylesheets and fonts loaded once for many);
- ``fetcher``: the only files a render may read; ``output``: a PDF written atomically;
- ``parts``: the parts of the comparison rendered side by side in forked processes;
- ``join``: their PDFs joined into one (pikepdf);
- ``hooks``: every change made to WeasyPrint's internals, and the version they need.
"""

from .hooks import WEASYPRINT_VERSION, WeasyPrintVersionError
from .join import join
from .output import check_writable, write_atomically
from .parts import Renderers
from .pdf import Pdf, Styles, load_styles, render_pdf

__all__ = ["WEASYPRINT_VERSION", "WeasyPrintVersionError", "join", "check_writable", "write_atomically", "Renderers",
           "Pdf", "Styles", "load_styles", "render_pdf"]
