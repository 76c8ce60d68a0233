"""Alembic migrations for the congdoan schema (run via ``congdoan.storage.db.upgrade``)."""
