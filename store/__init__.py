"""The SQLite database: migrations, evidence, segments, promises, custody log, search.

The store is the lowest layer that knows about the database; it never imports
the CLI, the intake or the reports.
"""
