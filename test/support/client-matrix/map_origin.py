"""Runs a Python snippet with requests for MAP_ORIGIN_FROM sent to MAP_ORIGIN_TO (client matrix), with MAP_ORIGIN_FROM's Host.

Usage: python map_origin.py SNIPPET.py. The deployed example's issuer has no DNS here, and
`npm start -- --from-api` serves that API on loopback; the library under test still sees and checks
the deployed https URLs, only the transport goes to the local runner (like /etc/hosts plus TLS
termination), so a DPoP proof's htu and the Host header the authorizer reads agree. Without the
two variables the snippet runs unchanged.
"""

import os
import runpy
import sys
from urllib.parse import urlsplit

import requests.adapters

FROM = os.environ.get("MAP_ORIGIN_FROM")
TO = os.environ.get("MAP_ORIGIN_TO")

if FROM and TO:
    _send = requests.adapters.HTTPAdapter.send

    def _mapped_send(self, request, *args, **kwargs):
        if request.url.startswith(FROM + "/"):
            request.url = TO + request.url[len(FROM):]
            request.headers["Host"] = urlsplit(FROM).netloc
        return _send(self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = _mapped_send

runpy.run_path(sys.argv[1], run_name="__main__")
