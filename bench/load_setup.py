"""Prepares the load test's own database (issue S-9): migrations, the demo department and
one API token per simulated user, issued here rather than over HTTP so that the login
rate limit of one address (20 a minute) does not decide who may start. Prints the tokens
as JSON: {"tokens": {"zhibu1": [...], ...}}."""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from luoshi.accounts.actions import issue_api_token
    from luoshi.demo import build_demo

    password = sys.argv[1]
    wanted = json.loads(sys.argv[2])  # {"username": how many tokens}
    build_demo(password=password)
    tokens = {name: [issue_api_token(name, password) for _ in range(n)] for name, n in wanted.items()}
    print(json.dumps({"tokens": tokens}))


if __name__ == "__main__":
    main()
