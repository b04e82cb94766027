"""A minimal server-rendered app that signs its users in by redirect with Auth Return, through
OpenID Connect discovery and the authorization code flow (Authlib's Flask client).

    AUTH_RETURN_ISSUER=https://auth.example.com/local_AbCdEfGhI \
    CLIENT_ID=... CLIENT_SECRET=... APP_URL=http://127.0.0.1:5000 \
    python app.py

Register APP_URL + "/callback" as the app's callback URL and APP_URL + "/" as its sign-out URL.
"""

from __future__ import annotations

import html
import os
import secrets
from urllib.parse import urlencode

from authlib.integrations.flask_client import OAuth
from flask import Flask, redirect, session

ISSUER = os.environ["AUTH_RETURN_ISSUER"]
CLIENT_ID = os.environ["CLIENT_ID"]
CLIENT_SECRET = os.environ["CLIENT_SECRET"]
APP_URL = os.environ.get("APP_URL", "http://127.0.0.1:5000").rstrip("/")
# client_secret_basic (the default) or client_secret_post.
AUTH_METHOD = os.environ.get("TOKEN_ENDPOINT_AUTH_METHOD", "client_secret_basic")

app = Flask(__name__)
app.secret_key = os.environ.get("FLASK_SECRET_KEY") or secrets.token_hex(32)

oauth = OAuth(app)
oauth.register(
    "auth_return",
    client_id=CLIENT_ID,
    client_secret=CLIENT_SECRET,
    server_metadata_url=f"{ISSUER}/.well-known/openid-configuration",
    client_kwargs={
        "scope": "openid email profile",
        "code_challenge_method": "S256",
        "token_endpoint_auth_method": AUTH_METHOD,
    },
)


@app.get("/")
def home():
    user = session.get("user")
    if not user:
        return '<h1>Example app</h1><p><a href="/login">Sign in</a></p>'
    return (
        f"<h1>Example app</h1><p>Signed in as <b id=email>{html.escape(user['email'])}</b> "
        f"(sub <code id=sub>{html.escape(user['sub'])}</code>)</p>"
        '<p><a href="/logout">Sign out</a></p>'
    )


@app.get("/login")
def login():
    return oauth.auth_return.authorize_redirect(f"{APP_URL}/callback")


@app.get("/callback")
def callback():
    # Exchanges the code (with the PKCE verifier), checks the ID token's signature, issuer,
    # audience, expiry and nonce.
    token = oauth.auth_return.authorize_access_token()
    claims = token["userinfo"]
    info = oauth.auth_return.userinfo(token=token)
    assert info["sub"] == claims["sub"]
    session["user"] = {"sub": claims["sub"], "email": info.get("email", "")}
    session["refresh_token"] = token.get("refresh_token")
    return redirect("/")


@app.get("/logout")
def logout():
    session.clear()
    metadata = oauth.auth_return.load_server_metadata()
    query = urlencode({"client_id": CLIENT_ID, "logout_uri": f"{APP_URL}/"})
    return redirect(f"{metadata['end_session_endpoint']}?{query}")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
