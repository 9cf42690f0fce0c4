"""Secret values for provisioning: ``POST {api_url}/agent/secrets``.

The backend hands the agent secret *references* only; when a provisioning
step needs a plan's password or keys, the agent asks for the values behind
the reference with its namespace's own credentials (docs/agent-protocol.md
§6).  The backend answers only for references that belong to this agent's
namespace.  Values are kept in memory for the one step that needs them and
never logged.
"""
import http.client
import json
import urllib.error
import urllib.request

from agent import __version__, aws
from agent.session import error_message

HTTP_TIMEOUT = 15


class SecretUnavailable(Exception):
    """The value could not be read; the message says why (never the value)."""


class SecretReader:
    def __init__(self, api_url: str, namespace_id: str, secret: str,
                 timeout: float = HTTP_TIMEOUT):
        self.url = api_url.rstrip("/") + "/agent/secrets"
        self.namespace_id, self._secret, self.timeout = namespace_id, secret, timeout

    def read(self, secret_ref: str) -> dict:
        request = urllib.request.Request(
            self.url, method="POST",
            data=json.dumps({"namespace_id": self.namespace_id, "secret": self._secret,
                             "secret_ref": secret_ref}).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     "User-Agent": f"cluster-manager-agent/{__version__}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise SecretUnavailable(f"the API refused to read the plan's secret "
                                    f"(HTTP {exc.code}: {error_message(exc)})") from None
        except (OSError, ValueError, http.client.HTTPException) as exc:
            raise SecretUnavailable(f"cannot read the plan's secret from {self.url}: "
                                    f"{aws.describe(exc)}") from None
        values = data.get("values") if isinstance(data, dict) else None
        if not isinstance(values, dict):
            raise SecretUnavailable(f"{self.url} answered without the secret's values")
        return values


class NoSecrets:
    """For executors built without API access (unit tests of other parts)."""

    def read(self, secret_ref: str) -> dict:
        raise SecretUnavailable("this agent was started without API credentials, so it cannot "
                                "read the plan's secret")

