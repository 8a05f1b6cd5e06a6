"""strategy-pdf: YAML sources of a city's comprehensive strategy → print-ready 新旧対照表 PDFs.

The stages, in the order ``build.build()`` runs them: ``loader`` (safe YAML, located nodes)
→ ``parse`` (into ``model``, by the key types of ``schema``) → ``annotate`` (change marks,
from ``compare`` and ``diff``) → ``paginate`` (rows kept whole, the cut into parts) →
``render`` (Jinja HTML) → ``engine`` (WeasyPrint and pikepdf: the PDF). Beside them:
``texts`` (the one traversal of a block's texts), ``eras``, ``errors``, ``revisions`` (git),
``summary`` (``changes``), ``lint``, ``kpis``, ``review``, ``actuals``, ``wordimport``,
``adoption``; ``wordexport`` and ``site`` write Word and the web edition from the same
stages; ``cli`` is a thin click layer.
"""

__version__ = "0.1.0"
