"""Applies the moto_server shims a test asked for: MOTO_SHIMS names them, comma-separated.

test/support/moto.ts puts this directory on PYTHONPATH and sets MOTO_SHIMS only when a test asks
for a shim (startMoto's options), so moto runs unpatched by default. Each shim brings one moto
behaviour to what the AWS documentation cited in its module says, and nothing else.
"""

import importlib
import os

_SHIMS = {
    "kms_pss_salt": "kms_pss_salt",
    "kms_multi_region": "kms_multi_region",
}

for _name in filter(None, (s.strip() for s in os.environ.get("MOTO_SHIMS", "").split(","))):
    if _name not in _SHIMS:
        raise ValueError(f"MOTO_SHIMS names an unknown shim: {_name}")
    importlib.import_module(_SHIMS[_name])
