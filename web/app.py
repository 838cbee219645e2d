"""The application factory: settings, the request session, auth, security, errors and the blueprints."""

from __future__ import annotations

import functools
from importlib import import_module
from typing import Any, Mapping

from flask import Flask

from cradletrace.settings import load_settings

BLUEPRINTS = (
    "cradletrace.web.auth",
    "cradletrace.web.site",
    "cradletrace.web.labels_views",
    "cradletrace.web.recall",
    "cradletrace.web.resolver",
    "cradletrace.web.epcis", "cradletrace.web.api",
    "cradletrace.web.sales.quotes", "cradletrace.web.sales.orders", "cradletrace.web.sales.configurations",
    "cradletrace.web.sales.contracts",
    "cradletrace.web.finance.invoices", "cradletrace.web.finance.payments", "cradletrace.web.finance.revenue",
)
"""Modules whose ``bp`` is registered, in order (the auth blueprint is registered by auth.init_app)."""


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``test_config`` (a mapping of Flask config) overrides the settings.

    ``DATABASE_URL`` and ``SECRET_KEY`` come from the environment (``CRADLETRACE_DATABASE_URL``,
    ``CRADLETRACE_SECRET_KEY``) unless ``test_config`` gives them.
    """
    settings = load_settings()
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()), instance_relative_config=True)
    app.config.from_mapping(
        DATABASE_URL=settings.database_url,
        SECRET_KEY=settings.secret_key,
        RESOLVER_URL=settings.resolver_url,
        COMPANY_PREFIXES=settings.company_prefixes,
        SESSION_COOKIE_SECURE=False,  # Secure is added per request when it arrived over TLS (security.py)
        MAX_CONTENT_LENGTH=None,
        TRUSTED_PROXIES=0,
    )
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    from cradletrace.web.auth import init_app as init_auth
    from cradletrace.web.db import init_app as init_db
    from cradletrace.web.errors import init_app as init_errors
    from cradletrace.web.security import init_app as init_security

    init_db(app)
    init_auth(app)  # before security: the CSRF check reads whether a bearer token authenticated the request
    init_security(app)
    init_errors(app)
    for name in BLUEPRINTS:
        module = import_module(name)
        if module.bp.name not in app.blueprints:
            app.register_blueprint(module.bp)
    _declare_static_public(app)
    return app


def _declare_static_public(app: Flask) -> None:
    """Static files are public; wrap the view so it carries the declaration the role matrix reads."""
    from cradletrace.web.auth import public

    view = app.view_functions.get("static")
    if view is not None:
        app.view_functions["static"] = public(functools.wraps(view)(lambda **kw: view(**kw)))
