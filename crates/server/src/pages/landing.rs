//! `GET /`: what this service is, and the way to the console, the guide and the demo
//! (`POST /` stays the Cognito endpoint).

use super::{document, page_response};
use crate::router::AppState;
use axum::extract::State;
use axum::response::Response;

/// `GET /`: the landing page.
pub async fn page(State(state): State<AppState>) -> Response {
    let style = state.assets.site_style.path();
    let body = r#"<main class="narrow">
<h1>Auth Return</h1>
<p class="lead">Self-hosted sign-in for many apps, speaking the AWS Cognito Identity Provider protocol.
Every app gets its own user pool, signing keys and tokens; amazon-cognito-identity-js, Amplify,
boto3 and pycognito work against it unchanged, and one script tag gives any page a sign-in dialog.</p>
<ul class="cards">
<li><a href="/console"><strong>Developer console</strong><span>Create apps, manage users, keys and settings.</span></a></li>
<li><a href="/docs"><strong>Integration guide</strong><span>Set-up, client libraries, token verification, the API.</span></a></li>
</ul>
<h2>Try the demo</h2>
<p>Every app has a ready page using the sign-in component and a protected call. Open it from
the app's <em>Get started</em> page in the console, or give its app id here:</p>
<form class="inline" method="get" action="/demo">
<label for="demo-app">App id</label>
<input id="demo-app" name="app_id" required pattern="[a-z0-9_]+" placeholder="app_k3j9x0q2m1ab" autocomplete="off" spellcheck="false">
<button type="submit">Open the demo</button>
</form>
<p class="small">Programs talk to this address with <code>POST /</code> and
<code>X-Amz-Target: AWSCognitoIdentityProviderService.&lt;Operation&gt;</code>.</p>
</main>"#;
    let head = format!(r#"<link rel="stylesheet" href="{style}">"#);
    page_response(document("Auth Return", &head, body))
}
