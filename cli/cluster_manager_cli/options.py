"""The options every command shares, and the state they fill in."""
import os

import click

from cluster_manager_cli.errors import NOT_SIGNED_IN, CliError


class State:
    """What the shared options decided (root or leaf; the leaf's win)."""

    def __init__(self):
        self.api_url = self.token = self.profile = None
        self.output = "table"
        self.quiet = self.verbose = False
        self._api = None

    @property
    def profile_name(self) -> str:
        from cluster_manager_cli import config

        return config.profile_name(self.profile)

    def resolved_url(self) -> str:
        from cluster_manager_cli import config

        url = self.api_url or os.environ.get("CM_API_URL") or \
            config.profile(self.profile_name).get("api_url")
        if not url:
            raise CliError("No API URL: pass --api-url URL, set CM_API_URL, or run "
                           "`cluster-manager login --api-url URL`.", NOT_SIGNED_IN)
        return url

    def api(self):
        if self._api is None:
            from cluster_manager_cli import config
            from cluster_manager_cli.client import Api

            token = self.token or os.environ.get("CM_TOKEN") or \
                config.profile(self.profile_name).get("token")
            self._api = Api(self.resolved_url(), token, profile=self.profile_name,
                            verbose=self.verbose)
        return self._api


def _setter(attr):
    def callback(ctx, _param, value):
        if value is not None and value is not False:
            setattr(ctx.find_root().ensure_object(State), attr, value)
        return value
    return callback


def common(f):
    """The options every command takes (also accepted before the command)."""
    options = [
        click.option("--api-url", "cm_api_url",
                     metavar="URL", expose_value=False, callback=_setter("api_url"),
                     help="The API (default: $CM_API_URL, else the profile's)."),
        click.option("--token", "cm_token",
                     metavar="TOKEN", expose_value=False, callback=_setter("token"),
                     help="A bearer token (default: $CM_TOKEN, else the profile's)."),
        click.option("--profile", "cm_profile",
                     metavar="NAME", expose_value=False, callback=_setter("profile"),
                     help="A named profile from `login --profile` (default: $CM_PROFILE)."),
        click.option("-o", "--output", "cm_output",
                     type=click.Choice(["table", "json", "yaml"]),
                     expose_value=False, callback=_setter("output"),
                     help="table for people; json or yaml: the API's objects unchanged."),
        click.option("-q", "--quiet", "cm_quiet",
                     is_flag=True, default=None, expose_value=False,
                     callback=_setter("quiet"), help="Print only ids/names."),
        click.option("-v", "--verbose", "cm_verbose",
                     is_flag=True, default=None, expose_value=False,
                     callback=_setter("verbose"), help="Log every HTTP request on stderr."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def pass_state(f):
    """Pass the one ``State`` (kept on the root context) as first argument."""
    import functools

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        return f(click.get_current_context().find_root().ensure_object(State), *args, **kwargs)
    return wrapper
