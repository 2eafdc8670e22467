"""URL level: one spelling per page, the key the archive compares URLs by.

Scheme and host case, the default port, the fragment, tracking parameters, index pages and a
site's declared mobile hosts are folded; `crawler.sites.Site.canonical` applies a site's own
mobile hosts.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING = re.compile(r"^(utm_\w+|spm|from|share|share_\w+|shareid|sharer?|scene|isappinstalled|wfr|wxfrom|"
                      r"clicktime|enterid|_wv|timestamp|ts|refer|ref|fromsource|source|s_\w+|bdshare\w*|"
                      r"fbclid|gclid|mpshare|srcid|from_\w+)$", re.I)
INDEX_PAGE = re.compile(r"/(index|default)\.(html?|shtml|php|aspx?|jsp)$", re.I)


def canonical_url(url: str, mobile_hosts: dict[str, str] | None = None) -> str:
    """The one spelling of a URL that the archive keys articles by."""
    parts = urlsplit((url or "").strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if mobile_hosts and host in mobile_hosts:
        host = mobile_hosts[host].lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, {"http": 80, "https": 443}.get(scheme)) else f"{host}:{port}"
    path = INDEX_PAGE.sub("/", parts.path or "/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not TRACKING.match(k)))
    return urlunsplit((scheme, netloc, path, query, ""))

