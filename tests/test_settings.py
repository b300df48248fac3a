import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

SETTINGS = Path(__file__).resolve().parent.parent / "qunxian" / "settings.py"


def load_settings(monkeypatch, **env):
    for name in (
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "TRUSTED_PROXY_COUNT",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_default_database_is_sqlite_file_with_immediate_transactions(monkeypatch):
    settings = load_settings(monkeypatch)
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(database["NAME"]).parent == SETTINGS.parent.parent
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_without_redis_the_cache_is_a_table_that_every_process_shares(monkeypatch):
    settings = load_settings(monkeypatch)
    assert settings["CACHES"]["default"]["BACKEND"].endswith("db.DatabaseCache")
    assert settings["SESSION_ENGINE"] == "qunxian.sessions"


@pytest.mark.django_db
def test_migrations_create_the_cache_table(monkeypatch):
    table = load_settings(monkeypatch)["CACHES"]["default"]["LOCATION"]
    assert table in connection.introspection.table_names()


def test_tests_keep_the_cache_in_memory(settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_database_url_selects_postgresql_with_persistent_connections(monkeypatch):
    settings = load_settings(monkeypatch, DATABASE_URL="postgres:///qunxian")
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "qunxian"
    assert database["CONN_MAX_AGE"] > 0
    # No round trip to check the connection at the start of every request.
    assert database["CONN_HEALTH_CHECKS"] is False


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured):
        load_settings(monkeypatch, DEBUG="0")


def test_production_turns_on_secure_cookies_and_hsts(monkeypatch):
    settings = load_settings(monkeypatch, DEBUG="0", SECRET_KEY="x" * 60)
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SECURE_HSTS_SECONDS"] >= 31536000
    assert settings["SECURE_SSL_REDIRECT"] is True


def test_production_takes_the_client_address_from_the_proxy_in_front(monkeypatch):
    assert load_settings(monkeypatch)["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
    production = load_settings(monkeypatch, DEBUG="0", SECRET_KEY="x" * 60)
    assert production["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1


def test_redis_url_moves_the_cache_to_redis_and_keeps_sessions_in_rows(monkeypatch):
    settings = load_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3")
    assert settings["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert settings["SESSION_ENGINE"] == "qunxian.sessions"


def test_tile_host_is_allowed_by_the_content_security_policy(monkeypatch):
    settings = load_settings(
        monkeypatch, MAP_TILE_URL="https://{s}.tiles.example.cn/{z}/{x}/{y}.png"
    )
    img_src = settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"]
    assert "https://*.tiles.example.cn" in img_src


def test_district_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "en" in dict(settings.LANGUAGES)


@pytest.mark.django_db
def test_tests_run_on_the_configured_database(settings):
    url = settings.DATABASE_URL
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]
    script_src = next(p for p in policy.split(";") if "script-src" in p)
    assert "'unsafe-inline'" not in script_src
    assert "default-src 'self'" in policy


def test_private_media_root_inside_media_root_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="PRIVATE_MEDIA_ROOT"):
        load_settings(
            monkeypatch,
            MEDIA_ROOT=str(tmp_path / "media"),
            PRIVATE_MEDIA_ROOT=str(tmp_path / "media" / "private"),
        )


def test_tasks_queue_in_the_database_without_redis(monkeypatch):
    settings = load_settings(monkeypatch)
    assert settings["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in settings["INSTALLED_APPS"]
    assert "django_rq" not in settings["INSTALLED_APPS"]


def test_tasks_queue_in_redis_through_rq_with_redis(monkeypatch):
    settings = load_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
    assert settings["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert "django_rq" in settings["INSTALLED_APPS"]
    assert settings["RQ_QUEUES"]["default"]["URL"] == "redis://127.0.0.1:6379/0"
