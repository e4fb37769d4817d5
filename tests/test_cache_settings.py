"""The cache from the environment: embedded files by default, one Redis server with CACHE_URL,
three aliases either way (figures, whole pages, the generation), and none with DJANGO_CACHE=off."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
ALIASES = {"default", "pages", "generation"}


def settings_with(monkeypatch, **env):
    for name in ("CACHE_URL", "DJANGO_REDIS_URL", "CACHE_KEY_PREFIX", "DJANGO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "diplomacy" / "settings.py"))


def test_the_embedded_default_is_a_file_cache_per_alias_in_folders_of_their_own(monkeypatch, tmp_path):
    caches = settings_with(monkeypatch, DJANGO_CACHE_DIR=str(tmp_path))["CACHES"]
    assert set(caches) == ALIASES
    assert {cache["BACKEND"] for cache in caches.values()} == {
        "django.core.cache.backends.filebased.FileBasedCache"
    }
    # A cull empties a third of its folder's files, whichever: no two aliases share a folder.
    assert len({str(cache["LOCATION"]) for cache in caches.values()}) == 3
    assert caches["generation"]["OPTIONS"]["MAX_ENTRIES"] >= 1_000_000


@pytest.mark.parametrize("name", ["CACHE_URL", "DJANGO_REDIS_URL"])
def test_cache_url_puts_every_alias_in_one_redis_server_under_prefixes_of_their_own(monkeypatch, name):
    module = settings_with(monkeypatch, **{name: "redis://cache.internal:6379/1"})
    caches = module["CACHES"]
    assert set(caches) == ALIASES
    for cache in caches.values():
        assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert cache["LOCATION"] == "redis://cache.internal:6379/1"
    assert len({cache["KEY_PREFIX"] for cache in caches.values()}) == 3
    assert "django_ratelimit.W001" in module["SILENCED_SYSTEM_CHECKS"]


def test_hosts_with_the_same_database_or_the_same_prefix_share_keys(monkeypatch):
    one = settings_with(monkeypatch, DATABASE_URL="postgres://atlas@db:5432/atlas")["CACHE_KEY_PREFIX"]
    same = settings_with(monkeypatch, DATABASE_URL="postgres://atlas@db:5432/atlas")["CACHE_KEY_PREFIX"]
    other = settings_with(monkeypatch, DATABASE_URL="postgres://atlas@db:5432/other")["CACHE_KEY_PREFIX"]
    assert one == same != other
    by_address = "postgres://atlas@10.0.0.5:5432/atlas"  # the same database, otherwise named
    named = settings_with(monkeypatch, DATABASE_URL=by_address, CACHE_KEY_PREFIX="atlas")
    assert named["CACHE_KEY_PREFIX"] == "atlas"
    assert named["CACHES"]["pages"]["KEY_PREFIX"].startswith("atlas")


def test_a_cache_url_that_is_not_redis_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must name a Redis server"):
        settings_with(monkeypatch, CACHE_URL="memcached://cache:11211")


def test_cache_off_turns_every_alias_off(monkeypatch):
    caches = settings_with(monkeypatch, DJANGO_CACHE="off", CACHE_URL="redis://cache:6379/0")["CACHES"]
    assert set(caches) == ALIASES
    assert {cache["BACKEND"] for cache in caches.values()} == {"django.core.cache.backends.dummy.DummyCache"}
