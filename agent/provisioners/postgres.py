"""Postgres plans: one database and one login role per environment.

Connects to the plan's server as the plan's user (the plan's ``database`` is
the one to connect to) and creates a role that may log in and nothing more
(no CREATEDB, CREATEROLE, SUPERUSER, REPLICATION) with a random password,
and a database owned by that role with CONNECT revoked from PUBLIC.
Identifiers are always quoted (``psycopg.sql.Identifier``) and values bound
or quoted as literals, whatever the API let through.  Deprovisioning
terminates the database's sessions, then drops the database and the role;
a database owned by anyone else is never dropped.
"""
import psycopg
from psycopg import sql

from agent.provisioners.common import Names, ProvisioningFailed, new_password, one_line

CONNECT_TIMEOUT = 5
DEFAULT_PORT = 5432


def _where(plan: dict) -> str:
    return f"{plan.get('host')}:{plan.get('port') or DEFAULT_PORT}"


def _connect(plan: dict, secrets: dict):
    try:
        return psycopg.connect(host=plan["host"], port=int(plan.get("port") or DEFAULT_PORT),
                               dbname=plan.get("database") or "postgres", user=plan["user"],
                               password=secrets.get("password") or "",
                               connect_timeout=CONNECT_TIMEOUT, autocommit=True,
                               application_name="cluster-manager-agent")
    except KeyError as exc:
        raise ProvisioningFailed(f"the postgres plan has no {exc.args[0]}") from None
    except psycopg.Error as exc:
        raise ProvisioningFailed(f"could not connect to PostgreSQL at {_where(plan)} as "
                                 f"{plan.get('user')!r}: {one_line(exc)}") from None


def _owner(conn, name: str) -> str | None:
    row = conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
                       (name,)).fetchone()
    return row[0] if row else None


def _role_exists(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def _become_member(conn, role: str) -> None:
    """A non-superuser admin (CREATEROLE + CREATEDB) must be a member of the
    role to make it a database's owner, and later to drop that database."""
    superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                             ).fetchone()[0]
    if not superuser:
        conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(role)))


def _provision(conn, plan: dict, names: Names, existing: dict | None):
    name = names.database
    password = (existing or {}).get("password") if (existing or {}).get("user") == name else None
    created = {"role": False, "database": False}
    if not _role_exists(conn, name):
        password = password or new_password()
        try:
            conn.execute(sql.SQL("CREATE ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                                 "NOREPLICATION PASSWORD {}").format(sql.Identifier(name),
                                                                     sql.Literal(password)))
            created["role"] = True
        except psycopg.errors.DuplicateObject:
            password = None  # created meanwhile by a concurrent attempt: set ours below
    if password is None:  # an earlier run's password never reached the namespace: a new one
        password = new_password()
        conn.execute(sql.SQL("ALTER ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                             "NOREPLICATION PASSWORD {}").format(sql.Identifier(name),
                                                                 sql.Literal(password)))
    owner = _owner(conn, name)
    if owner is None:
        _become_member(conn, name)
        try:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name),
                                                                      sql.Identifier(name)))
            created["database"] = True
        except psycopg.errors.DuplicateDatabase:
            pass
        owner = _owner(conn, name)
    if owner != name:
        raise ProvisioningFailed(
            f"database {name!r} already exists on {_where(plan)} and is owned by {owner!r}, not "
            f"by the environment's role {name!r}; drop or rename that database (or use another "
            "plan), then retry provisioning")
    conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name)))
    details = {"type": "postgres", "host": plan["host"],
               "port": int(plan.get("port") or DEFAULT_PORT), "database": name, "user": name,
               "password": password}
    result = {"plan_type": "postgres", "server": _where(plan), "database": name, "role": name,
              "created": created}
    return details, result


def _deprovision(conn, plan: dict, names: Names):
    name = names.database
    owner = _owner(conn, name)
    dropped = {"database": False, "role": False}
    note = None
    if owner is not None and owner != name:
        note = (f"database {name!r} is owned by {owner!r}, not by this environment: "
                "left in place")
    elif owner is not None:
        _become_member(conn, name)
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), force))
        dropped["database"] = True
    if _role_exists(conn, name):
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
        dropped["role"] = True
    result = {"plan_type": "postgres", "server": _where(plan), "database": name, "role": name,
              "removed": dropped["database"] or dropped["role"], "dropped": dropped}
    if note:
        result["note"] = note
    return None, result


def run(plan: dict, secrets: dict, names: Names, existing: dict | None, operation: str):
    with _connect(plan, secrets) as conn:
        try:
            if operation == "provision":
                return _provision(conn, plan, names, existing)
            return _deprovision(conn, plan, names)
        except psycopg.Error as exc:
            raise ProvisioningFailed(f"PostgreSQL at {_where(plan)} refused to {operation} "
                                     f"database {names.database!r}: {one_line(exc)}") from None
