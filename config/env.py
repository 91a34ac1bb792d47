"""Small readers for environment variables, so settings say what they expect."""

import os


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Why the settings refuse to start (tests assert these exact words).
DEBUG_IN_PRODUCTION = (
    "DJANGO_DEBUG must not be true in production (DJANGO_ENV=production): Django's debug pages "
    "show settings, code and data to whoever causes an error. Unset DJANGO_DEBUG, or run with "
    "DJANGO_ENV=development on your own machine."
)
