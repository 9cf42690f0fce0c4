"""The ``cluster-manager`` command: the root group, its shared options, and
the error handling that turns every failure into one line and an exit code."""
import sys

import click

from cluster_manager_cli.errors import CliError
from cluster_manager_cli.options import common

CONTEXT = {"help_option_names": ["-h", "--help"], "terminal_width": 100, "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="cluster-manager-cli", prog_name="cluster-manager")
@common
def cli():
    """Manage Cluster Manager clusters, namespaces, plans, members and
    environments from the shell, or declare them in a file and `apply` it.

    \b
    Start:  cluster-manager login --api-url https://cm.example.com
            cluster-manager clusters list
            cluster-manager apply -f cluster.yaml --dry-run
    Exit codes: 0 ok, 1 refused by the API, 2 usage error, 3 not signed in.
    """


def _register():
    from cluster_manager_cli import declarative, groups, session

    for command in (session.login, session.logout, session.profiles, groups.clusters,
                    groups.namespaces, groups.installation, groups.agent_credentials,
                    groups.config_group, groups.plans, groups.members, groups.invitations,
                    groups.operate, groups.environments, groups.commands_group,
                    groups.activity, groups.catalogue, declarative.apply, declarative.export,
                    session.completion):
        cli.add_command(command)


_register()


def run():
    try:
        cli.main(prog_name="cluster-manager", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CliError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(exc.code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(0)

