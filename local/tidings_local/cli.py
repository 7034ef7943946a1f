"""`tidings local` runs the stack on this machine; `tidings admin ...` manages services over HTTP."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import threading
from datetime import timedelta
from typing import Any

from tidings_local.admin_client import AdminClient, AdminError

DEFAULT_URL = "http://127.0.0.1:3000"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tidings", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    _local_parser(commands.add_parser("local", help="run the whole stack locally (no Docker, no AWS)"))
    _admin_parser(commands.add_parser("admin", help="manage services through the admin API"))
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


def _local_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")))
    parser.add_argument("--admin-secret", default=os.environ.get("TIDINGS_ADMIN_SECRET"))
    parser.add_argument("--no-demo", action="store_true", help="start without the demo service")
    parser.add_argument(
        "--callback-retry-seconds", type=int, default=2, help="spacing of callback retries (deployed: 300)"
    )
    parser.add_argument("--sending-timeout-hours", type=float, default=72, help="`sending` longer than this times out")
    parser.add_argument(
        "--print-delay-seconds", type=float, default=5, help="the simulated printer: letters are `received` after this"
    )
    parser.set_defaults(run=_run_local)


def _run_local(args: argparse.Namespace) -> int:
    from tidings_local.demo import create_demo  # noqa: PLC0415 (keeps `tidings admin` light)
    from tidings_local.server import LocalServer  # noqa: PLC0415
    from tidings_local.stack import LocalStack  # noqa: PLC0415

    admin_secret = args.admin_secret or secrets.token_urlsafe(32)
    env = {
        "CALLBACK_RETRY_SECONDS": str(args.callback_retry_seconds),
        "SENDING_TIMEOUT_HOURS": str(args.sending_timeout_hours),
    }
    stack = LocalStack(admin_secret, env=env, print_delay=timedelta(seconds=args.print_delay_seconds))
    stack.start()
    server = LocalServer(stack, args.host, args.port)
    base_url = f"http://{args.host}:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Tidings is running at {base_url}", flush=True)
    print(f"Admin secret: {admin_secret}", flush=True)
    if not args.no_demo:
        demo = create_demo(AdminClient(base_url, admin_secret))
        print("Demo data:", json.dumps(demo, indent=2), sep="\n", flush=True)
    print(f"Ready: {base_url}/_local/health", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        stack.stop()
    return 0


def _admin_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=os.environ.get("TIDINGS_URL", DEFAULT_URL))
    parser.add_argument("--admin-secret", default=os.environ.get("TIDINGS_ADMIN_SECRET"))
    actions = parser.add_subparsers(dest="action", required=True)

    service = actions.add_parser("create-service", help="create a service")
    service.add_argument("--name", required=True)
    service.add_argument("--live", action="store_true", help="not restricted (trial mode is the default)")
    service.set_defaults(call=lambda c, a: c.create_service(name=a.name, restricted=not a.live))

    key = actions.add_parser("create-key", help="create an API key (the key is shown only once)")
    key.add_argument("service_id")
    key.add_argument("--name", required=True)
    key.add_argument("--type", choices=["normal", "team", "test"], default="normal")
    key.set_defaults(call=lambda c, a: c.create_api_key(a.service_id, a.name, a.type))

    template = actions.add_parser("create-template", help="create a template")
    template.add_argument("service_id")
    template.add_argument("--name", required=True)
    template.add_argument("--type", choices=["sms", "email", "letter"], required=True)
    template.add_argument("--content", required=True)
    template.add_argument("--subject", help="email subject or letter heading")
    template.add_argument("--postage", choices=["first", "second", "economy"], help="letters (default second)")
    template.add_argument("--contact-block", help="letters: the sender's address, top right (\\n between lines)")
    template.set_defaults(
        call=lambda c, a: c.create_template(
            a.service_id,
            name=a.name,
            type=a.type,
            content=a.content,
            **({"subject": a.subject} if a.subject else {}),
            **({"postage": a.postage} if a.postage else {}),
            **({"letter_contact_block": a.contact_block.replace("\\n", "\n")} if a.contact_block else {}),
        )
    )

    sender = actions.add_parser("create-sender", help="create an SMS sender")
    sender.add_argument("service_id")
    sender.add_argument("--sender", required=True)
    sender.add_argument("--default", action="store_true")
    sender.add_argument("--sms-live-time", type=int)
    sender.add_argument("--test-mode", action="store_true")
    sender.set_defaults(call=_create_sender)

    show = actions.add_parser("show-service", help="show a service with its keys and settings")
    show.add_argument("service_id")
    show.set_defaults(call=lambda c, a: c.show_service(a.service_id))
    parser.set_defaults(run=_run_admin)


def _create_sender(client: AdminClient, args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "sms_sender": args.sender,
        "is_default": args.default,
        "test_mode": args.test_mode,
    }
    if args.sms_live_time is not None:
        fields["sms_live_time"] = args.sms_live_time
    return client.create_sms_sender(args.service_id, **fields)


def _run_admin(args: argparse.Namespace) -> int:
    if not args.admin_secret:
        print("tidings admin: pass --admin-secret or set TIDINGS_ADMIN_SECRET", file=sys.stderr)
        return 2
    try:
        result = args.call(AdminClient(args.url, args.admin_secret), args)
    except AdminError as error:
        print(json.dumps(error.body, indent=2, ensure_ascii=False), file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
