"""Database access: schema, migrations, the inbox of raw deliveries, request rows.

Functions here take a SQLAlchemy ``Connection`` and never commit: the caller
(the single writer, or a read-only API call) owns the transaction.
"""
