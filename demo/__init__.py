"""The Putuo demo: ``manage.py load_demo`` seeds every app from the files in data/.

The top layer: it imports from every app and no app imports it.
"""
