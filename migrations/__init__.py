"""Alembic migrations, shipped inside the package so an installed ``cradletrace db upgrade`` finds them."""
