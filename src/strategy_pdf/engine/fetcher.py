"""The only way WeasyPrint reads a file: inside the project or its sources, never the network."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


def project_only_fetcher(roots: tuple[Path, ...]):
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    allowed = tuple(root.resolve() for root in roots)

    class ProjectOnlyFetcher(URLFetcher):
        """Fetches files inside the project; refuses the network and everything else."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise FatalURLFetchingError(f"refused to fetch {url}: only files inside the project are used")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in allowed):
                raise FatalURLFetchingError(f"refused to fetch {url}: it is outside the project {allowed[0]}")
            return super().fetch(url, headers)

    return ProjectOnlyFetcher()
