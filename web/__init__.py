"""The Flask web application (resolver, passports, EPCIS REST binding). Built on the core; the core never imports it."""
