"""An HTTP client for the tests that checks every response against the
OpenAPI document the API serves: a status the document does not list, or a
body that disagrees with its schema, fails the test."""
import itertools
import uuid

import jsonschema
import requests

_counter = itertools.count()


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:8]}@example.com"


class Api:
    _documents: dict = {}

    def __init__(self, base_url: str, token: str | None = None):
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()
        if base_url not in Api._documents:
            Api._documents[base_url] = requests.get(f"{base_url}/openapi.json", timeout=30).json()
        self.doc = Api._documents[base_url]

    def as_(self, token: str | None) -> "Api":
        return Api(self.base_url, token)

    def request(self, method: str, template: str, *, json=None, data=None, params=None,
                headers=None, check=True, **path) -> requests.Response:
        url = self.base_url + template.format(**path)
        hdrs = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        hdrs.update(headers or {})
        resp = self.session.request(method, url, json=json, data=data, params=params,
                                    headers=hdrs, timeout=60)
        if check:
            self.check(method, template, resp)
        return resp

    def check(self, method: str, template: str, resp: requests.Response) -> None:
        operation = self.doc["paths"].get(template, {}).get(method.lower())
        assert operation is not None, f"{method} {template} is not in the OpenAPI document"
        declared = operation["responses"].get(str(resp.status_code))
        assert declared is not None, (
            f"{method} {template} answered {resp.status_code}, which the OpenAPI document "
            f"does not list ({sorted(operation['responses'])}): {resp.text[:500]}")
        assert resp.status_code < 500, resp.text
        content = declared.get("content")
        if not content:
            assert not resp.content, f"{method} {template} should answer with no body"
            return
        schema = dict(content["application/json"]["schema"])
        schema["components"] = self.doc["components"]
        jsonschema.Draft202012Validator(schema).validate(resp.json())

    def get(self, template, **kw):
        return self.request("GET", template, **kw)

    def post(self, template, **kw):
        return self.request("POST", template, **kw)

    def patch(self, template, **kw):
        return self.request("PATCH", template, **kw)

    def put(self, template, **kw):
        return self.request("PUT", template, **kw)

    def delete(self, template, **kw):
        return self.request("DELETE", template, **kw)
