//! `POST /`: the Cognito Identity Provider JSON protocol (docs/cognito-protocol.md §1): one
//! dispatcher on `X-Amz-Target` ([`operation::Operation`]), the body parsed once into the
//! operation's lenient shape, then into domain requests, and Cognito's error envelope.

mod admin;
mod admin_auth;
mod auth;
mod clients;
mod cors;
mod credentials;
mod external;
mod flows;
mod groups;
mod hosted;
mod identity_providers;
mod members;
mod mfa;
mod operation;
mod passkeys;
mod pool_writes;
mod pools;
mod profile;
mod recovery;
mod request;
mod schema;
mod session;
mod signup;
mod throttle;
pub(crate) mod validation;
mod wire;

pub use cors::EXPOSED_HEADERS;

use crate::client::ClientInfo;
use crate::error::{AMZ_JSON, CognitoError};
use crate::router::AppState;
use auth_return_core::auth::HostedCookie;
use auth_return_core::events::Caller;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Extension, OriginalUri, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use credentials::Credentials;
use groups::GroupOperation;
pub(crate) use operation::Operation;
use operation::Tenant;
use request::Request;
pub use request::parse_request;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Largest request body accepted (64 KiB).
pub const MAX_BODY: usize = 64 * 1024;

/// What an operation answers: the serialized output shape, or an error.
type Answer = Result<Vec<u8>, CognitoError>;

/// Serializes an output shape.
fn answer<T: Serialize>(output: &T) -> Answer {
    serde_json::to_vec(output).map_err(|e| {
        tracing::error!(error = %e, "response serialization");
        CognitoError::internal()
    })
}

/// `{}`: the body of operations without output (Amplify needs a body,
/// docs/cognito-protocol.md §1.2).
fn empty() -> Answer {
    Ok(b"{}".to_vec())
}

/// Parses a request shape; an empty body counts as `{}`.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, CognitoError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| {
        CognitoError::invalid(format!("Malformed request body: {}", parse_message(&e)))
    })
}

/// Characters of serde's message kept: it quotes the offending value, which may be as long as
/// the body (and longer once escaped).
const MAX_PARSE_MESSAGE: usize = 100;

/// serde's message for a body that does not parse, its quote of the body cut to
/// [`MAX_PARSE_MESSAGE`] characters, the position it names kept.
fn parse_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    let what = text.strip_suffix(position.as_str()).unwrap_or(&text);
    let mut cut: String = what.chars().take(MAX_PARSE_MESSAGE).collect();
    if cut.len() < what.len() {
        cut.push('…');
    }
    if e.line() > 0 {
        cut.push_str(&position);
    }
    cut
}

/// The `POST /` route, with its own per-app CORS (`cors::grant`): the permissive layer of the
/// other routes never wraps it.
pub fn router() -> Router<AppState> {
    Router::new().route("/", post(handle).options(cors::preflight))
}

/// Which endpoint a call of the Cognito protocol came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Endpoint<'a> {
    /// `POST /`: the user-pool API, at the path and query it was sent to (a SigV4 signature
    /// covers them).
    UserPool {
        /// The path as sent.
        path: &'a str,
        /// The query as sent, without `?`.
        query: &'a str,
    },
    /// `POST /login`: the hosted pages' own calls (`hosted::allowed`).
    HostedLogin,
}

/// The `POST /` handler.
pub async fn handle(
    State(state): State<AppState>,
    client: Option<Extension<ClientInfo>>,
    OriginalUri(uri): OriginalUri,
    request_headers: HeaderMap,
    body: Body,
) -> Response {
    let client = client.map(|Extension(c)| c);
    let endpoint = Endpoint::UserPool {
        path: uri.path(),
        query: uri.query().unwrap_or_default(),
    };
    serve(&state, client, &request_headers, body, endpoint)
        .await
        .0
}

/// `POST /login`, once the caller has checked the request comes from our own page: the hosted
/// pages' InitiateAuth and RespondToAuthChallenge, with the cookie of a completed sign-in.
pub async fn hosted_sign_in(
    state: &AppState,
    client: Option<ClientInfo>,
    headers: &HeaderMap,
    body: Body,
) -> (Response, Option<HostedCookie>) {
    serve(state, client, headers, body, Endpoint::HostedLogin).await
}

async fn serve(
    state: &AppState,
    client: Option<ClientInfo>,
    request_headers: &HeaderMap,
    body: Body,
    endpoint: Endpoint<'_>,
) -> (Response, Option<HostedCookie>) {
    // The id every answer carries in `x-request-id` (`trace.rs`), under Cognito's name too.
    let request_id = crate::trace::request_id(request_headers).to_owned();
    let mut call = Call {
        state,
        client,
        headers: request_headers,
        endpoint,
        operation: None,
        tenant: Tenant::Unnamed,
        signed_in: None,
    };
    let result = match to_bytes(body, MAX_BODY).await {
        Ok(body) => dispatch(&mut call, &body).await,
        Err(_) => Err(CognitoError::invalid(format!(
            "Request body must not exceed {MAX_BODY} bytes"
        ))),
    };
    let Call {
        tenant, signed_in, ..
    } = call;
    let mut response = match result {
        Ok(bytes) => {
            let mut r = (StatusCode::OK, bytes).into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON));
            r
        }
        Err(e) => e.into_response(),
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert(HeaderName::from_static("x-amzn-requestid"), v);
    }
    // Answers carry tokens: never cache them (RFC 6749 §5.1).
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if matches!(endpoint, Endpoint::UserPool { .. }) {
        cors::grant(&state.service, request_headers, &tenant, &mut response).await;
    }
    (response, signed_in)
}

/// One `POST /` request on its way through [`dispatch`].
struct Call<'a> {
    state: &'a AppState,
    client: Option<ClientInfo>,
    headers: &'a HeaderMap,
    /// Where the call came.
    endpoint: Endpoint<'a>,
    /// Set once the target names an operation.
    operation: Option<Operation>,
    /// Where the parsed request names its client, for the CORS grant.
    tenant: Tenant,
    /// The hosted session a completed hosted sign-in opened.
    signed_in: Option<HostedCookie>,
}

impl Call<'_> {
    /// Parses the body — once — as the operation's shape, notes its client for the CORS grant
    /// and charges the client's bucket (before a malformed body is reported).
    fn request(&mut self, operation: Operation, body: &[u8]) -> Result<Request, CognitoError> {
        let parsed = Request::parse(operation, body);
        if let Ok(request) = &parsed {
            self.tenant = request.tenant();
        }
        let refresh = parsed.as_ref().is_ok_and(Request::is_refresh);
        let code = parsed.as_ref().is_ok_and(Request::answers_with_code);
        if let (Some(bucket), Some(client)) =
            (throttle::bucket(operation, refresh, code), &self.client)
        {
            self.state.limits.check(bucket, client.limit_key())?;
        }
        parsed
    }

    /// Who is calling, for the events this request causes.
    fn caller(&self) -> Caller {
        crate::extract::caller_of(self.client.as_ref(), self.headers)
    }
}

async fn dispatch(call: &mut Call<'_>, body: &[u8]) -> Answer {
    let target = call
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok());
    let operation = request::operation(target)?;
    call.operation = Some(operation);
    let service = call.state.service.as_ref();
    let caller = &call.caller();
    let (path, query) = match call.endpoint {
        Endpoint::UserPool { path, query } => (path, query),
        Endpoint::HostedLogin => ("/login", ""),
    };
    let credentials = &Credentials {
        headers: call.headers,
        path,
        query,
        body,
    };
    let filled;
    let body = if call.endpoint == Endpoint::HostedLogin {
        if !hosted::allowed(operation) {
            return Err(CognitoError::invalid(format!(
                "Operation {operation:?} is not available on the hosted pages."
            )));
        }
        hosted::session_only(operation, body)?;
        filled = hosted::with_secret_hash(service, operation, body).await?;
        &filled[..]
    } else {
        let name = target
            .unwrap_or_default()
            .rsplit('.')
            .next()
            .unwrap_or_default();
        let forwarded = external::forward(service, credentials, caller, operation, name, body);
        if let Some(answer) = forwarded.await? {
            return Ok(answer);
        }
        body
    };
    let hosted = call.endpoint == Endpoint::HostedLogin;
    let request = match call.request(operation, body)? {
        Request::InitiateAuth(r) if hosted => {
            return auth::hosted_initiate_auth(service, caller, r).await;
        }
        Request::RespondToAuthChallenge(r) if hosted => {
            let (answer, cookie) =
                auth::hosted_respond_to_auth_challenge(service, caller, r).await?;
            call.signed_in = cookie;
            return Ok(answer);
        }
        request => request,
    };
    answer_request(service, caller, credentials, request, body).await
}

/// Runs a parsed request's operation; `body` is the one `request` was parsed from (the
/// operations that read theirs whole read it).
async fn answer_request(
    service: &auth_return_core::Service,
    caller: &Caller,
    credentials: &Credentials<'_>,
    request: Request,
    body: &[u8],
) -> Answer {
    use GroupOperation as G;
    use Request::*;
    use identity_providers::IdentityProviderOperation as P;
    match request {
        SignUp(r) => signup::sign_up(service, caller, r).await,
        ConfirmSignUp(r) => signup::confirm_sign_up(service, caller, r).await,
        ResendConfirmationCode(r) => signup::resend_confirmation_code(service, r).await,
        InitiateAuth(r) => auth::initiate_auth(service, caller, r).await,
        RespondToAuthChallenge(r) => auth::respond_to_auth_challenge(service, caller, r).await,
        GetTokensFromRefreshToken(r) => {
            auth::get_tokens_from_refresh_token(service, caller, r).await
        }
        ForgotPassword(r) => recovery::forgot_password(service, caller, r).await,
        ConfirmForgotPassword(r) => recovery::confirm_forgot_password(service, caller, r).await,
        GetUser(r) => session::get_user(service, r).await,
        GlobalSignOut(r) => session::global_sign_out(service, caller, r).await,
        RevokeToken(r) => session::revoke_token(service, caller, r).await,
        ChangePassword(r) => profile::change_password(service, caller, r).await,
        UpdateUserAttributes(r) => profile::update_user_attributes(service, caller, r).await,
        GetUserAttributeVerificationCode(r) => {
            profile::get_user_attribute_verification_code(service, r).await
        }
        VerifyUserAttribute(r) => profile::verify_user_attribute(service, caller, r).await,
        DeleteUser(r) => profile::delete_user(service, r).await,
        AdminConfirmSignUp(r) => {
            admin::admin_confirm_sign_up(service, credentials, caller, r).await
        }
        AdminCreateUser(r) => admin::admin_create_user(service, credentials, caller, r).await,
        AdminGetUser(r) => admin::admin_get_user(service, credentials, r).await,
        AdminDeleteUser(r) => admin::admin_delete_user(service, credentials, caller, r).await,
        AdminDisableUser(r) => {
            admin::admin_set_enabled(service, credentials, caller, r, false).await
        }
        AdminEnableUser(r) => admin::admin_set_enabled(service, credentials, caller, r, true).await,
        AdminSetUserPassword(r) => {
            admin::admin_set_user_password(service, credentials, caller, r).await
        }
        AdminResetUserPassword(r) => {
            admin::admin_reset_user_password(service, credentials, caller, r).await
        }
        AdminUserGlobalSignOut(r) => {
            admin::admin_user_global_sign_out(service, credentials, caller, r).await
        }
        ListUsers(r) => admin::list_users(service, credentials, r).await,
        CreateUserPool => pool_writes::create_user_pool(service, credentials, caller, body).await,
        UpdateUserPool => pool_writes::update_user_pool(service, credentials, caller, body).await,
        AddCustomAttributes(r) => {
            schema::add_custom_attributes(service, credentials, caller, r).await
        }
        ListUserPools(r) => pools::list_user_pools(service, credentials, r).await,
        DescribeUserPool(r) => pools::describe_user_pool(service, credentials, r).await,
        DeleteUserPool(r) => pools::delete_user_pool(service, credentials, r).await,
        ListUserPoolClients(r) => clients::list_user_pool_clients(service, credentials, r).await,
        DescribeUserPoolClient(r) => {
            clients::describe_user_pool_client(service, credentials, r).await
        }
        CreateUserPoolClient => {
            clients::create_user_pool_client(service, credentials, caller, body).await
        }
        UpdateUserPoolClient => {
            clients::update_user_pool_client(service, credentials, caller, body).await
        }
        DeleteUserPoolClient(r) => {
            clients::delete_user_pool_client(service, credentials, caller, r).await
        }
        CreateGroup(r) => groups::group_operation(service, credentials, G::Create, r).await,
        GetGroup(r) => groups::group_operation(service, credentials, G::Get, r).await,
        UpdateGroup(r) => groups::group_operation(service, credentials, G::Update, r).await,
        DeleteGroup(r) => groups::group_operation(service, credentials, G::Delete, r).await,
        ListGroups(r) => groups::group_operation(service, credentials, G::List, r).await,
        AdminAddUserToGroup(r) => {
            groups::group_operation(service, credentials, G::AddUser, r).await
        }
        AdminRemoveUserFromGroup(r) => {
            groups::group_operation(service, credentials, G::RemoveUser, r).await
        }
        AdminListGroupsForUser(r) => {
            groups::group_operation(service, credentials, G::ListForUser, r).await
        }
        ListUsersInGroup(r) => groups::group_operation(service, credentials, G::ListUsers, r).await,
        CreateIdentityProvider(r) => {
            identity_providers::identity_provider_operation(service, credentials, P::Create, r)
                .await
        }
        DescribeIdentityProvider(r) => {
            identity_providers::identity_provider_operation(service, credentials, P::Describe, r)
                .await
        }
        UpdateIdentityProvider(r) => {
            identity_providers::identity_provider_operation(service, credentials, P::Update, r)
                .await
        }
        DeleteIdentityProvider(r) => {
            identity_providers::identity_provider_operation(service, credentials, P::Delete, r)
                .await
        }
        ListIdentityProviders(r) => {
            identity_providers::identity_provider_operation(service, credentials, P::List, r).await
        }
        GetIdentityProviderByIdentifier(r) => {
            identity_providers::identity_provider_operation(
                service,
                credentials,
                P::ByIdentifier,
                r,
            )
            .await
        }
        AdminLinkProviderForUser(r) => {
            identity_providers::link_provider_for_user(service, credentials, caller, r).await
        }
        AdminDisableProviderForUser(r) => {
            identity_providers::disable_provider_for_user(service, credentials, caller, r).await
        }
        AdminUpdateUserAttributes(r) => {
            admin::admin_update_user_attributes(service, credentials, caller, r).await
        }
        AdminDeleteUserAttributes(r) => {
            admin::admin_delete_user_attributes(service, credentials, caller, r).await
        }
        AdminListUserAuthEvents(r) => {
            admin::admin_list_user_auth_events(service, credentials, r).await
        }
        AdminInitiateAuth(r) => {
            admin_auth::admin_initiate_auth(service, credentials, caller, r).await
        }
        AdminRespondToAuthChallenge(r) => {
            admin_auth::admin_respond_to_auth_challenge(service, credentials, caller, r).await
        }
        GetUserPoolMfaConfig(r) => admin::get_user_pool_mfa_config(service, credentials, r).await,
        SetUserPoolMfaConfig(r) => {
            admin::set_user_pool_mfa_config(service, credentials, caller, r).await
        }
        AssociateSoftwareToken(r) => mfa::associate_software_token(service, r).await,
        VerifySoftwareToken(r) => mfa::verify_software_token(service, caller, r).await,
        SetUserMfaPreference(r) => mfa::set_user_mfa_preference(service, caller, r).await,
        AdminSetUserMfaPreference(r) => {
            mfa::admin_set_user_mfa_preference(service, credentials, caller, r).await
        }
        StartWebAuthnRegistration(r) => passkeys::start_webauthn_registration(service, r).await,
        CompleteWebAuthnRegistration(r) => {
            passkeys::complete_webauthn_registration(service, caller, r).await
        }
        ListWebAuthnCredentials(r) => passkeys::list_webauthn_credentials(service, r).await,
        DeleteWebAuthnCredential(r) => {
            passkeys::delete_webauthn_credential(service, caller, r).await
        }
    }
}

/// Echoes at most 64 characters of client input in messages.
fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}
