"""Use cases through the unit of work, on SQLite and PostgreSQL, without the fake Bot API."""
