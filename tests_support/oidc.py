# SPDX-License-Identifier: EUPL-1.2
"""A real OpenID Connect provider on loopback, for tests: Authlib's server on werkzeug.

It serves discovery, JWKS, authorize, token and userinfo on ``127.0.0.1:<free port>`` with
an RSA key made per run. Authorisation is approved at once for ``login_as`` (no login form);
authorization codes need PKCE and a nonce, as a strict provider would.

Misbehaviour, to prove the client refuses it: ``audience`` (the ID token's ``aud``),
``sign_with_impostor_key`` (same ``kid``, another key), ``nonce`` (replaces the nonce in the ID
token) and ``state`` (replaces the state sent back to the client).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Error, OAuth2Payload, OAuth2Request, grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core.grants import OpenIDCode
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

KEY_ID = "flagdesk-test-1"
SCOPES = ("openid", "email", "profile")


@dataclass
class Person:
    """Someone the provider knows."""

    sub: str
    email: str
    email_verified: bool = True
    name: str = ""
    roles: list[str] | None = None


@dataclass
class _Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    person: Person
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> list[str]:
        return ["pwd", "otp"]  # the provider did multi-factor authentication


class _Client(ClientMixin):
    def __init__(self, client_id: str, secret: str, redirect_uris: list[str]) -> None:
        self.client_id = client_id
        self.secret = secret
        self.redirect_uris = redirect_uris

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class _Payload(OAuth2Payload):
    def __init__(self, request: Request) -> None:
        self._request = request

    @property
    def data(self) -> Any:
        return self._request.values

    @cached_property
    def datalist(self) -> dict[str, list[str]]:
        values: dict[str, list[str]] = defaultdict(list)
        for key in self.data:
            values[key].extend(self.data.getlist(key))
        return values


class _OAuth2Request(OAuth2Request):
    def __init__(self, request: Request) -> None:
        super().__init__(request.method, request.url, headers=request.headers)
        self._request = request
        self.payload = _Payload(request)

    @property
    def args(self) -> Any:
        return self._request.args

    @property
    def form(self) -> Any:
        return self._request.form


class _CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        data = request.payload.data
        self.server.provider.codes[code] = _Code(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            person=request.user,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: _Client) -> _Code | None:
        found: _Code | None = self.server.provider.codes.get(code)
        return found if found is not None and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        self.server.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: _Code) -> Person:
        return authorization_code.person


class _OpenIDCode(OpenIDCode):
    def __init__(self, provider: OIDCProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        return any(code.nonce == nonce for code in self.provider.codes.values())

    def resolve_client_private_key(self, client: _Client) -> RSAKey:
        if self.provider.sign_with_impostor_key:
            return self.provider.impostor_key
        return self.provider.key

    def get_client_algorithm(self, client: _Client) -> str:
        return "RS256"

    def get_encode_header(self, client: _Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": KEY_ID}

    def get_client_claims(self, client: _Client) -> dict[str, Any]:
        return {
            "iss": self.provider.issuer,
            "aud": [self.provider.audience or client.get_client_id()],
        }

    def get_authorization_code_claims(self, authorization_code: _Code) -> dict[str, Any]:
        claims: dict[str, Any] = super().get_authorization_code_claims(authorization_code)
        if self.provider.nonce is not None:
            claims["nonce"] = self.provider.nonce
        return claims

    def generate_user_info(self, user: Person, scope: str) -> dict[str, Any]:
        return self.provider.claims_for(user, scope)


class _Server(AuthorizationServer):
    def __init__(self, provider: OIDCProvider) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.provider = provider
        self.register_token_generator(
            "default", BearerTokenGenerator(lambda **_: secrets.token_urlsafe(32))
        )
        self.register_grant(_CodeGrant, [CodeChallenge(required=True), _OpenIDCode(provider)])

    def query_client(self, client_id: str) -> _Client | None:
        client = self.provider.client
        return client if client_id == client.client_id else None

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        self.provider.tokens[token["access_token"]] = (request.user, token.get("scope", ""))

    def create_oauth2_request(self, request: Any) -> _OAuth2Request:
        return request if isinstance(request, _OAuth2Request) else _OAuth2Request(request)

    def handle_response(self, status: int, body: Any, headers: Any) -> Response:
        if isinstance(body, dict):
            body = json.dumps(body)
        return Response(body, status=status, headers=headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass


class OIDCProvider:
    """Start with ``with OIDCProvider(redirect_uri=...) as idp:``; ``idp.issuer`` is its URL."""

    def __init__(
        self,
        *,
        redirect_uri: str,
        client_id: str = "flagdesk",
        client_secret: str | None = None,
        post_logout_redirect_uri: str | None = None,
        end_session: bool = True,
    ) -> None:
        self.client = _Client(client_id, client_secret or secrets.token_urlsafe(24), [redirect_uri])
        self.post_logout_redirect_uris = [post_logout_redirect_uri or ""]
        self.end_session = end_session
        # The subject of each session ended through the logout endpoint, in order.
        self.ended_sessions: list[str] = []
        self.key = RSAKey.generate_key(2048, {"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self.impostor_key = RSAKey.generate_key(2048, {"kid": KEY_ID, "use": "sig", "alg": "RS256"})
        self.people: dict[str, Person] = {}
        self.login_as: str | None = None
        self.codes: dict[str, _Code] = {}
        self.tokens: dict[str, tuple[Person, str]] = {}
        self.reset_misbehaviour()
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._oauth = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def reset_misbehaviour(self) -> None:
        self.audience: str | None = None
        self.sign_with_impostor_key = False
        self.nonce: str | None = None
        self.state: str | None = None

    @property
    def client_id(self) -> str:
        return self.client.client_id

    @property
    def client_secret(self) -> str:
        return self.client.secret

    def add_person(self, person: Person) -> Person:
        self.people[person.sub] = person
        return person

    def claims_for(self, person: Person, scope: str) -> dict[str, Any]:
        scopes = set(scope.split())
        claims: dict[str, Any] = {"sub": person.sub}
        if "email" in scopes:
            claims.update(email=person.email, email_verified=person.email_verified)
        if "profile" in scopes and person.name:
            claims["name"] = person.name
        if person.roles is not None:
            claims["roles"] = person.roles
        return claims

    def __enter__(self) -> OIDCProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        routes = {
            "/.well-known/openid-configuration": self._discovery,
            "/jwks": self._jwks,
            "/authorize": self._authorize,
            "/token": self._token,
            "/userinfo": self._userinfo,
            "/logout": self._logout,
        }
        handler = routes.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _json(self, data: Any, status: int = 200) -> Response:
        return Response(json.dumps(data), status=status, content_type="application/json")

    def _discovery(self, request: Request) -> Response:
        logout = {"end_session_endpoint": f"{self.issuer}/logout"} if self.end_session else {}
        return self._json(
            {
                **logout,
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": list(SCOPES),
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
                "code_challenge_methods_supported": ["S256"],
            }
        )

    def _jwks(self, request: Request) -> Response:
        return self._json({"keys": [self.key.as_dict(private=False)]})

    def _authorize(self, request: Request) -> Response:
        person = self.people.get(self.login_as or "")
        try:
            grant = self._oauth.get_consent_grant(request, end_user=person)
        except OAuth2Error as error:
            response: Response = self._oauth.handle_error_response(None, error)
            return response
        response = self._oauth.create_authorization_response(
            request, grant_user=person, grant=grant
        )
        if self.state is not None and "Location" in response.headers:
            parts = urlsplit(response.headers["Location"])
            query = [(k, self.state if k == "state" else v) for k, v in parse_qsl(parts.query)]
            response.headers["Location"] = urlunsplit(parts._replace(query=urlencode(query)))
        return response

    def _logout(self, request: Request) -> Response:
        """RP-Initiated Logout 1.0: a hint we signed for this client, a registered way back."""
        try:
            token = jwt.decode(request.args.get("id_token_hint", ""), self.key)
        except JoseError:
            return Response("id_token_hint is not an ID token of ours", status=400)
        audience = token.claims.get("aud")
        if self.client_id not in (audience if isinstance(audience, list) else [audience]):
            return Response("id_token_hint is for another client", status=400)
        back = request.args.get("post_logout_redirect_uri", "")
        if back not in self.post_logout_redirect_uris:
            return Response("post_logout_redirect_uri is not registered", status=400)
        self.ended_sessions.append(str(token.claims["sub"]))
        if not back:
            return Response("You are logged out.")
        return Response(status=302, headers={"Location": back})

    def _token(self, request: Request) -> Response:
        response: Response = self._oauth.create_token_response(request)
        return response

    def _userinfo(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        found = self.tokens.get(token) if scheme.lower() == "bearer" else None
        if found is None:
            return self._json({"error": "invalid_token"}, status=401)
        person, scope = found
        return self._json(self.claims_for(person, scope))
