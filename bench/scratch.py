"""Create and drop the scratch database named in bench/settings.py."""

from pathlib import Path

from django.conf import settings


def _pg_admin_conninfo(db: dict) -> str:
    from psycopg.conninfo import make_conninfo

    parts = {
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
    }
    return make_conninfo(
        dbname="postgres", **{k: str(v) for k, v in parts.items() if v}
    )


def _checked(db: dict) -> str:
    """The scratch database's name, refusing anything that is not one."""
    name = str(db["NAME"])
    if db["ENGINE"].endswith("sqlite3"):
        if Path(name).resolve() != Path(settings.SQLITE_PATH).resolve():
            raise RuntimeError(f"bench: refusing to touch {name}")
    elif not name.endswith("_bench"):
        raise RuntimeError(f"bench: refusing to touch database {name!r}")
    return name


def vendor() -> str:
    return (
        "sqlite"
        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        else "postgresql"
    )


def create() -> None:
    """A fresh, empty scratch database (dropped first if it exists)."""
    drop()
    db = settings.DATABASES["default"]
    name = _checked(db)
    if vendor() == "sqlite":
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(_pg_admin_conninfo(db), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop() -> None:
    db = settings.DATABASES["default"]
    name = _checked(db)
    if vendor() == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(_pg_admin_conninfo(db), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
