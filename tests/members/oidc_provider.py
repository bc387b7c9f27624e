"""A real OpenID Connect provider for the single sign-on tests, assembled from Authlib.

Authlib's authorization server does the protocol work: client authentication, the
authorization-code grant with PKCE (S256), the OpenID Connect extension that signs the
id_token (RS256, with a key generated at start) and bearer-token checks for userinfo. This
module only supplies in-memory storage and a plain WSGI front end, served by wsgiref on a
free loopback port in a background thread. The authorize endpoint approves at once for the
configured test user, as a provider does after its own login form.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer, OAuth2Error, OAuth2Request, ResourceProtector
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeMixin,
    ClientMixin,
    TokenMixin,
    grants,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator, BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey

SCOPES = ["openid", "profile", "email"]


@dataclass
class OIDCUser:
    sub: str
    email: str
    email_verified: bool = True
    name: str = ""

    def user_info(self, scope: str) -> UserInfo:
        claims = UserInfo(
            sub=self.sub, email=self.email, email_verified=self.email_verified, name=self.name
        )
        return claims.filter(scope)


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    client_metadata: dict[str, Any] = field(default_factory=dict)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str | None) -> str:
        return " ".join(s for s in (scope or "").split() if s in SCOPES)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: OIDCUser
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

    def get_acr(self) -> str:
        return ""

    def get_amr(self) -> list[str]:
        return []


@dataclass
class Token(TokenMixin):
    access_token: str
    client: Client
    user: OIDCUser
    scope: str
    expires_at: float

    def check_client(self, client: ClientMixin) -> bool:
        return client.get_client_id() == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return int(self.expires_at - time.time())

    def is_expired(self) -> bool:
        return time.time() >= self.expires_at

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> OIDCUser:
        return self.user

    def get_client(self) -> Client:
        return self.client


class WSGIOAuth2Request(OAuth2Request):
    """Authlib's request interface over a WSGI environ (query string and form body)."""

    def __init__(self, environ: dict[str, Any], base_url: str) -> None:
        query = environ.get("QUERY_STRING", "")
        uri = base_url + environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        headers = {}
        if "HTTP_AUTHORIZATION" in environ:
            headers["Authorization"] = environ["HTTP_AUTHORIZATION"]
        super().__init__(environ["REQUEST_METHOD"], uri, headers=headers)
        self._args = {key: values[0] for key, values in parse_qs(query).items()}
        self._form: dict[str, str] = {}
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            self._form = {key: values[0] for key, values in parse_qs(body).items()}
        self.payload = BasicOAuth2Payload({**self._args, **self._form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class OIDCProvider:
    """The provider: Authlib's server plus storage, keys and a WSGI application."""

    def __init__(self) -> None:
        self.issuer = ""
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens: dict[str, Token] = {}
        self.issued_id_tokens: list[str] = []
        self.user = OIDCUser(sub="", email="")
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": generate_token(16), "alg": "RS256", "use": "sig"}
        )
        self.server = self._build_authorization_server()
        self.protector = ResourceProtector()
        self.protector.register_token_validator(_BearerTokenValidator(self))
        self._httpd: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    # Configuration used by the tests.

    def register_client(self, *, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.clients[client_id] = Client(client_id, client_secret, [redirect_uri])

    def sign_in_as(self, user: OIDCUser) -> None:
        """The person who completes the provider's login next."""
        self.user = user

    # Lifecycle.

    def start(self) -> None:
        self._httpd = make_server("127.0.0.1", 0, self.wsgi_app, handler_class=_QuietRequestHandler)
        self.issuer = f"http://127.0.0.1:{self._httpd.server_port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)

    # Authlib wiring.

    def _build_authorization_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):
            def query_client(self, client_id: str) -> Client | None:
                return provider.clients.get(client_id)

            def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
                provider.tokens[token["access_token"]] = Token(
                    access_token=token["access_token"],
                    client=request.client,
                    user=request.user,
                    scope=token["scope"],
                    expires_at=time.time() + token["expires_in"],
                )

            def create_oauth2_request(self, request: Any) -> OAuth2Request:
                if isinstance(request, OAuth2Request):
                    return request
                return WSGIOAuth2Request(request, provider.issuer)

            def create_json_request(self, request: Any) -> Any:
                raise NotImplementedError("No JSON endpoints are served.")

            def handle_response(
                self, status: int, body: Any, headers: Iterable[tuple[str, str]]
            ) -> tuple[int, Any, list[tuple[str, str]]]:
                return status, body, list(headers)

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                pass

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
                data = request.payload.data
                provider.codes[code] = AuthorizationCode(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.scope,
                    user=request.user,
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )

            def query_authorization_code(
                self, code: str, client: Client
            ) -> AuthorizationCode | None:
                found = provider.codes.get(code)
                if found and found.client_id == client.client_id:
                    return found
                return None

            def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: AuthorizationCode) -> OIDCUser:
                return authorization_code.user

        class OpenIDExtension(OpenIDCode):
            def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
                return any(code.nonce == nonce for code in provider.codes.values())

            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.key

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": provider.key.kid}

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def generate_user_info(self, user: OIDCUser, scope: str) -> UserInfo:
                return user.user_info(scope)

        server = Server(scopes_supported=SCOPES)
        server.register_token_generator(
            "default", BearerTokenGenerator(lambda **_: generate_token(42))
        )
        server.register_grant(CodeGrant, [CodeChallenge(required=True), OpenIDExtension()])
        return server

    # HTTP.

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "scopes_supported": SCOPES,
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_post",
                "client_secret_basic",
            ],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/.well-known/openid-configuration":
            status, body, headers = 200, self.discovery(), []
        elif path == "/jwks":
            status, body, headers = 200, {"keys": [self.key.as_dict(private=False)]}, []
        elif path == "/authorize":
            status, body, headers = self._authorize(environ)
        elif path == "/token" and environ["REQUEST_METHOD"] == "POST":
            status, body, headers = self.server.create_token_response(environ)
            if isinstance(body, dict) and "id_token" in body:
                self.issued_id_tokens.append(body["id_token"])
        elif path == "/userinfo":
            status, body, headers = self._userinfo(environ)
        else:
            status, body, headers = 404, {"error": "not_found"}, []
        if isinstance(body, dict):
            body = json.dumps(body)
            headers = [h for h in headers if h[0].lower() != "content-type"]
            headers.append(("Content-Type", "application/json"))
        start_response(f"{status} {_REASONS.get(status, 'Status')}", headers)
        return [body.encode()]

    def _authorize(self, environ: dict[str, Any]) -> tuple[int, Any, list[tuple[str, str]]]:
        try:
            grant = self.server.get_consent_grant(environ, end_user=self.user)
        except OAuth2Error as error:
            return error()
        return self.server.create_authorization_response(
            grant.request, grant_user=self.user, grant=grant
        )

    def _userinfo(self, environ: dict[str, Any]) -> tuple[int, Any, list[tuple[str, str]]]:
        request = WSGIOAuth2Request(environ, self.issuer)
        try:
            token = self.protector.validate_request(["openid"], request)
        except OAuth2Error as error:
            return error()
        return 200, token.get_user().user_info(token.get_scope()), []


class _BearerTokenValidator(BearerTokenValidator):
    def __init__(self, provider: OIDCProvider) -> None:
        super().__init__()
        self.provider = provider

    def authenticate_token(self, token_string: str) -> Token | None:
        return self.provider.tokens.get(token_string)


class _QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


_REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
