"""Stage 4, engine: HTML → PDF. The only code that imports WeasyPrint or pikepdf.

- ``pdf``: one render (warnings fail it, stylesheets and fonts loaded once for many);
- ``fetcher``: the only files a render may read; ``output``: a PDF written atomically;
- ``parts``: the parts of a document rendered side by side in forked processes;
- ``cache``: rendered parts kept between builds, reused while all they follow from is unchanged;
- ``join``: their PDFs joined into one (pikepdf);
- ``hooks``: every change made to WeasyPrint's internals, and the version they need.
"""

from .hooks import WEASYPRINT_VERSION, WeasyPrintVersionError
from .join import join
from .output import check_writable, write_atomically
from .parts import Renderers, Work, keep_warm, render_together
from .protocol import Job
from .pdf import Pdf, Styles, load_styles, render_pdf

__all__ = ["WEASYPRINT_VERSION", "WeasyPrintVersionError", "join", "check_writable", "write_atomically", "Renderers",
           "Work", "keep_warm", "render_together", "Job",
           "Pdf", "Styles", "load_styles", "render_pdf"]
