"""Profiles: where each installation's API URL and token live.

One file, ``$CM_CONFIG_DIR/config.json`` (default
``~/.config/cluster-manager``), created with mode 0600 inside a 0700
directory, since it holds bearer tokens.  ``--api-url``/``CM_API_URL`` and
``--token``/``CM_TOKEN`` override the profile for scripts.
"""
import json
import os
from pathlib import Path

DEFAULT_PROFILE = "default"


def _user_dir(override: str, xdg: str, fallback: str) -> Path:
    """``$override``, else ``$xdg/cluster-manager``, else ``~/fallback/cluster-manager``."""
    if os.environ.get(override):
        return Path(os.environ[override])
    return Path(os.environ.get(xdg) or Path.home() / fallback) / "cluster-manager"


def config_dir() -> Path:
    return _user_dir("CM_CONFIG_DIR", "XDG_CONFIG_HOME", ".config")


def cache_dir() -> Path:
    return _user_dir("CM_CACHE_DIR", "XDG_CACHE_HOME", ".cache")


def _path() -> Path:
    return config_dir() / "config.json"


def load() -> dict:
    try:
        data = json.loads(_path().read_text())
    except FileNotFoundError:
        return {"current": DEFAULT_PROFILE, "profiles": {}}
    except (OSError, ValueError) as exc:
        from cluster_manager_cli.errors import CliError

        raise CliError(f"cannot read {_path()}: {exc}; fix or delete that file") from None
    data.setdefault("profiles", {})
    data.setdefault("current", DEFAULT_PROFILE)
    return data


def save(data: dict) -> None:
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def profile_name(explicit: str | None) -> str:
    return explicit or os.environ.get("CM_PROFILE") or load()["current"]


def profile(name: str) -> dict:
    return load()["profiles"].get(name, {})


def update_profile(name: str, **values) -> None:
    data = load()
    entry = data["profiles"].setdefault(name, {})
    for key, value in values.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    save(data)
