"""The web application's commands, plugged into ``cradletrace`` through the ``cradletrace.commands``
entry points: ``serve``, ``user add``, ``token add|revoke``.

``serve`` runs waitress, a production WSGI server in pure Python: no compiler, no fork (it runs the
same on Linux, macOS and Windows), threads for concurrency, which suits this I/O-bound app whose
work is in the database. The app is stateless, so more capacity is more ``serve`` processes behind
a proxy.
"""

from __future__ import annotations

import click

from cradletrace.cli.options import database_option, format_option, print_json, resolve_url, session_scope


@click.command("serve")
@database_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--workers", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Threads serving requests (waitress).")
@click.option("--trusted-proxies", default=0, show_default=True, type=click.IntRange(0, 10),
              help="Proxies in front whose X-Forwarded-For/-Proto/-Host are trusted (TLS ends there).")
@click.option("--capture-worker/--no-capture-worker", default=True, show_default=True,
              help="Run capture jobs (POST /epcis/capture) in a thread of this process; else `cradletrace worker` does.")
def serve_command(database: str | None, host: str, port: int, workers: int, trusted_proxies: int,
                  capture_worker: bool) -> None:
    """Serve the resolver, passports and APIs with waitress (a production WSGI server)."""
    from cradletrace.cli.options import require_database
    from cradletrace.web.app import create_app

    url = resolve_url(database)
    require_database(url)
    app = create_app({"DATABASE_URL": url, "TRUSTED_PROXIES": trusted_proxies})
    if capture_worker:
        from cradletrace.web.epcis.worker import start_capture_worker

        start_capture_worker(app)
    from waitress import serve

    click.echo(f"serving on http://{host}:{port}/ with {workers} threads (waitress); Ctrl-C stops", err=True)
    serve(app, host=host, port=port, threads=workers, ident="cradletrace")


@click.group("user")
def user_group() -> None:
    """Users of the web application and their roles."""


@user_group.command("add")
@database_option
@click.argument("name")
@click.option("--role", "roles", multiple=True, help="A role to grant (repeat for several).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              envvar="CRADLETRACE_PASSWORD", help="The password (prompted when not given; or $CRADLETRACE_PASSWORD).")
@format_option("text", "json")
def user_add(database: str | None, name: str, roles: tuple[str, ...], password: str, fmt: str) -> None:
    """Create user NAME with its roles."""
    from cradletrace.web.auth import add_user

    with session_scope(database) as session:
        user = add_user(session, name, password, roles)
        result = {"user": user.name, "roles": sorted(r.role.value for r in user.roles)}
    if fmt == "json":
        print_json(result)
    else:
        click.echo(f"user {result['user']} added with roles: {', '.join(result['roles']) or '(none)'}")


@click.group("token")
def token_group() -> None:
    """Bearer tokens for the API (stored hashed; revocable)."""


@token_group.command("add")
@database_option
@click.argument("user")
@click.option("--name", default="api", show_default=True, help="What the token is for.")
@format_option("text", "json")
def token_add(database: str | None, user: str, name: str, fmt: str) -> None:
    """Make a token for USER; its secret is printed once and never stored."""
    from cradletrace.web.auth import add_token

    with session_scope(database) as session:
        token = add_token(session, user, name)
    if fmt == "json":
        print_json({"id": token.id, "user": token.user, "name": token.name, "token": token.secret})
    else:
        click.echo(f"token {token.id} for {token.user} ({token.name}); keep it, it is not shown again:")
        click.echo(token.secret)


@token_group.command("revoke")
@database_option
@click.argument("token_id", type=int)
@format_option("text", "json")
def token_revoke(database: str | None, token_id: int, fmt: str) -> None:
    """Revoke token TOKEN_ID (the number `token add` printed); it stops working at once."""
    from cradletrace.web.auth import revoke_token

    with session_scope(database) as session:
        revoke_token(session, token_id)
    if fmt == "json":
        print_json({"revoked": token_id})
    else:
        click.echo(f"token {token_id} revoked")
