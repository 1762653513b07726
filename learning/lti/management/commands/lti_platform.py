import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learning.lti.keys import key_rotate, signing_key
from learning.lti.models import Platform
from learning.lti.registry import (
    RegistrationError,
    platform_register,
    tool_base_url,
    tool_endpoints,
)


class Command(BaseCommand):
    help = (
        "Register an LTI 1.3 platform (add), print the tool's endpoints for it (show), "
        "or rotate the tool's signing key (rotate-key)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register a platform (idempotent)")
        show = sub.add_parser("show", help="print the tool's endpoints for a platform")
        for p in (add, show):
            p.add_argument("--issuer", required=True)
            p.add_argument("--client-id", required=True)
            p.add_argument("--base-url", default="", help="where RoleCall is served")
        add.add_argument("--deployment-id", action="append", required=True)
        add.add_argument("--auth-login-url", required=True)
        add.add_argument("--auth-token-url", required=True)
        add.add_argument("--key-set-url", required=True)
        add.add_argument(
            "--origin",
            action="append",
            default=[],
            help="an origin the platform's pages are served from (repeatable)",
        )
        sub.add_parser("rotate-key", help="retire the signing key and make a new one")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "rotate-key":
            key_rotate()
            self.stdout.write(json.dumps({"kid": signing_key().kid}))
            return
        try:
            base = tool_base_url(options["base_url"])
            if action == "add":
                platform_register(
                    issuer=options["issuer"],
                    client_id=options["client_id"],
                    deployment_ids=options["deployment_id"],
                    auth_login_url=options["auth_login_url"],
                    auth_token_url=options["auth_token_url"],
                    key_set_url=options["key_set_url"],
                    origins=options["origin"],
                )
                signing_key()
            elif not Platform.objects.filter(
                issuer=options["issuer"], client_id=options["client_id"]
            ).exists():
                raise CommandError("No platform is registered with that issuer and client id.")
        except RegistrationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(tool_endpoints(base).as_dict()))
