"""QR, PDF and ZPL labels that carry each unit's GS1 Digital Link. Built on the core; the core never imports it."""
