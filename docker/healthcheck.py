"""Docker health check of the web container: exit 0 when Django answers the login page.

Talks to gunicorn on 127.0.0.1:8000 with the first configured host name, so a wrong
ALLOWED_HOSTS shows up as unhealthy. A redirect (to HTTPS or the login) counts as healthy,
because Django has handled the request; a 4xx/5xx or no answer does not.
"""

import http.client
import os
import sys


def main() -> int:
    hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    host = next((h for h in hosts if h and h != "*"), "localhost")
    connection = http.client.HTTPConnection("127.0.0.1", 8000, timeout=10)
    try:
        connection.request(
            "GET", "/accounts/login/", headers={"Host": host, "X-Forwarded-Proto": "https"}
        )
        status = connection.getresponse().status
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status in (200, 301, 302):
        return 0
    print(f"unhealthy: HTTP {status} for Host {host}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
