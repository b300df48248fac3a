"""Rows of tests/test_roles_by_url.py for the volunteering app's URLs."""

# Shorthands for the rows: tests/role_table.py.

# name: (kwargs or a function of the personas giving them, {role: status})
TABLE = {}

# name: {role: status} for an empty form
POST_TABLE = {}
