"""Benchmarks of 群团e家: `python -m bench` (or `make bench`).

Fills a scratch database (SQLite in bench/out/ by default, a `*_bench`
PostgreSQL database when DATABASE_URL is set), measures pages in-process and
under gunicorn, prints one table and writes it as JSON. See bench/README.md.
"""
