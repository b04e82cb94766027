"""pytest wiring: the fixtures live in support.py (importable by the test modules too)."""

from support import (  # noqa: F401  (fixtures are registered by being in this namespace)
    base_url,
    idp,
    new_user,
    outbox_path,
    public_app,
    secret_app,
)
