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
mod members;
mod mfa;
mod operation;
mod passkeys;
mod pool_writes;
mod pools;
mod profile;
mod recovery;
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
use operation::{BadTarget, Shape, Tenant};
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
    serde_json::from_slice(body)
        .map_err(|e| CognitoError::invalid(format!("Malformed request body: {e}")))
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
    fn request<T: Shape>(&mut self, body: &[u8]) -> Result<T, CognitoError> {
        let parsed = parse::<T>(body);
        if let Ok(request) = &parsed {
            self.tenant = request.tenant();
        }
        let refresh = parsed.as_ref().is_ok_and(Shape::is_refresh);
        let code = parsed.as_ref().is_ok_and(Shape::answers_with_code);
        let bucket = self
            .operation
            .and_then(|op| throttle::bucket(op, refresh, code));
        if let (Some(bucket), Some(client)) = (bucket, &self.client) {
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
    use Operation::*;
    let target = call
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| CognitoError::invalid("Missing X-Amz-Target header"))?;
    let operation = Operation::from_target(target).map_err(|e| match e {
        BadTarget::Unsupported(target) => {
            CognitoError::invalid(format!("Unsupported target {}", truncate(target)))
        }
        BadTarget::UnknownOperation(name) => {
            CognitoError::invalid(format!("Operation {} is not supported.", truncate(name)))
        }
    })?;
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
        match operation {
            InitiateAuth => {
                return auth::hosted_initiate_auth(service, caller, call.request(&filled)?).await;
            }
            RespondToAuthChallenge => {
                let request = call.request(&filled)?;
                let (answer, cookie) =
                    auth::hosted_respond_to_auth_challenge(service, caller, request).await?;
                call.signed_in = cookie;
                return Ok(answer);
            }
            _ => &filled[..],
        }
    } else {
        let name = target.rsplit('.').next().unwrap_or_default();
        let forwarded = external::forward(service, credentials, caller, operation, name, body);
        if let Some(answer) = forwarded.await? {
            return Ok(answer);
        }
        body
    };
    match operation {
        SignUp => signup::sign_up(service, caller, call.request(body)?).await,
        ConfirmSignUp => signup::confirm_sign_up(service, caller, call.request(body)?).await,
        ResendConfirmationCode => {
            signup::resend_confirmation_code(service, call.request(body)?).await
        }
        InitiateAuth => auth::initiate_auth(service, caller, call.request(body)?).await,
        RespondToAuthChallenge => {
            auth::respond_to_auth_challenge(service, caller, call.request(body)?).await
        }
        GetTokensFromRefreshToken => {
            auth::get_tokens_from_refresh_token(service, caller, call.request(body)?).await
        }
        ForgotPassword => recovery::forgot_password(service, caller, call.request(body)?).await,
        ConfirmForgotPassword => {
            recovery::confirm_forgot_password(service, caller, call.request(body)?).await
        }
        GetUser => session::get_user(service, call.request(body)?).await,
        GlobalSignOut => session::global_sign_out(service, caller, call.request(body)?).await,
        RevokeToken => session::revoke_token(service, caller, call.request(body)?).await,
        ChangePassword => profile::change_password(service, caller, call.request(body)?).await,
        UpdateUserAttributes => {
            profile::update_user_attributes(service, caller, call.request(body)?).await
        }
        GetUserAttributeVerificationCode => {
            profile::get_user_attribute_verification_code(service, call.request(body)?).await
        }
        VerifyUserAttribute => {
            profile::verify_user_attribute(service, caller, call.request(body)?).await
        }
        DeleteUser => profile::delete_user(service, call.request(body)?).await,
        AdminConfirmSignUp => {
            admin::admin_confirm_sign_up(service, credentials, caller, call.request(body)?).await
        }
        AdminCreateUser => {
            admin::admin_create_user(service, credentials, caller, call.request(body)?).await
        }
        AdminGetUser => admin::admin_get_user(service, credentials, call.request(body)?).await,
        AdminDeleteUser => {
            admin::admin_delete_user(service, credentials, caller, call.request(body)?).await
        }
        AdminDisableUser => {
            admin::admin_set_enabled(service, credentials, caller, call.request(body)?, false).await
        }
        AdminEnableUser => {
            admin::admin_set_enabled(service, credentials, caller, call.request(body)?, true).await
        }
        AdminSetUserPassword => {
            admin::admin_set_user_password(service, credentials, caller, call.request(body)?).await
        }
        AdminResetUserPassword => {
            admin::admin_reset_user_password(service, credentials, caller, call.request(body)?)
                .await
        }
        AdminUserGlobalSignOut => {
            admin::admin_user_global_sign_out(service, credentials, caller, call.request(body)?)
                .await
        }
        ListUsers => admin::list_users(service, credentials, call.request(body)?).await,
        CreateUserPool => pool_writes::create_user_pool(service, credentials, caller, body).await,
        UpdateUserPool => pool_writes::update_user_pool(service, credentials, caller, body).await,
        AddCustomAttributes => {
            let request = call.request(body)?;
            schema::add_custom_attributes(service, credentials, caller, request).await
        }
        ListUserPools => pools::list_user_pools(service, credentials, call.request(body)?).await,
        DescribeUserPool => {
            pools::describe_user_pool(service, credentials, call.request(body)?).await
        }
        DeleteUserPool => pools::delete_user_pool(service, credentials, call.request(body)?).await,
        ListUserPoolClients => {
            clients::list_user_pool_clients(service, credentials, call.request(body)?).await
        }
        DescribeUserPoolClient => {
            clients::describe_user_pool_client(service, credentials, call.request(body)?).await
        }
        CreateUserPoolClient => {
            clients::create_user_pool_client(service, credentials, caller, body).await
        }
        UpdateUserPoolClient => {
            clients::update_user_pool_client(service, credentials, caller, body).await
        }
        DeleteUserPoolClient => {
            clients::delete_user_pool_client(service, credentials, caller, call.request(body)?)
                .await
        }
        CreateGroup
        | GetGroup
        | UpdateGroup
        | DeleteGroup
        | ListGroups
        | AdminAddUserToGroup
        | AdminRemoveUserFromGroup
        | AdminListGroupsForUser
        | ListUsersInGroup => {
            let kind = match operation {
                CreateGroup => GroupOperation::Create,
                GetGroup => GroupOperation::Get,
                UpdateGroup => GroupOperation::Update,
                DeleteGroup => GroupOperation::Delete,
                ListGroups => GroupOperation::List,
                AdminAddUserToGroup => GroupOperation::AddUser,
                AdminRemoveUserFromGroup => GroupOperation::RemoveUser,
                AdminListGroupsForUser => GroupOperation::ListForUser,
                _ => GroupOperation::ListUsers,
            };
            groups::group_operation(service, credentials, kind, call.request(body)?).await
        }
        AdminUpdateUserAttributes => {
            let request = call.request(body)?;
            admin::admin_update_user_attributes(service, credentials, caller, request).await
        }
        AdminDeleteUserAttributes => {
            let request = call.request(body)?;
            admin::admin_delete_user_attributes(service, credentials, caller, request).await
        }
        AdminListUserAuthEvents => {
            let request = call.request(body)?;
            admin::admin_list_user_auth_events(service, credentials, request).await
        }
        AdminInitiateAuth => {
            admin_auth::admin_initiate_auth(service, credentials, caller, call.request(body)?).await
        }
        AdminRespondToAuthChallenge => {
            let request = call.request(body)?;
            admin_auth::admin_respond_to_auth_challenge(service, credentials, caller, request).await
        }
        GetUserPoolMfaConfig => {
            admin::get_user_pool_mfa_config(service, credentials, call.request(body)?).await
        }
        SetUserPoolMfaConfig => {
            admin::set_user_pool_mfa_config(service, credentials, caller, call.request(body)?).await
        }
        AssociateSoftwareToken => mfa::associate_software_token(service, call.request(body)?).await,
        VerifySoftwareToken => {
            mfa::verify_software_token(service, caller, call.request(body)?).await
        }
        SetUserMfaPreference => {
            mfa::set_user_mfa_preference(service, caller, call.request(body)?).await
        }
        AdminSetUserMfaPreference => {
            mfa::admin_set_user_mfa_preference(service, credentials, caller, call.request(body)?)
                .await
        }
        StartWebAuthnRegistration => {
            passkeys::start_webauthn_registration(service, call.request(body)?).await
        }
        CompleteWebAuthnRegistration => {
            passkeys::complete_webauthn_registration(service, caller, call.request(body)?).await
        }
        ListWebAuthnCredentials => {
            passkeys::list_webauthn_credentials(service, call.request(body)?).await
        }
        DeleteWebAuthnCredential => {
            passkeys::delete_webauthn_credential(service, caller, call.request(body)?).await
        }
    }
}

/// Echoes at most 64 characters of client input in messages.
fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}
