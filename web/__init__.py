"""The Flask web application: the GS1 Digital Link resolver, unit passports, sign-in and roles.

``create_app(test_config=None)`` builds it (flaskr-style). Each area is one blueprint, listed in
:data:`BLUEPRINTS`: a short routing table over core services. Built on the core; the core never imports it.
"""

from cradletrace.web.app import BLUEPRINTS, create_app

__all__ = ["BLUEPRINTS", "create_app"]
