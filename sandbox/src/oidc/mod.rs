//! A small OpenID Connect provider in ZITADEL's image, enough for the console's "Sign in
//! with ZITADEL": authorization code flow with PKCE (S256) for one public client
//! (`client::CLIENT_ID`), and the paths ZITADEL uses (contract §9).
//!
//! | endpoint | |
//! |---|---|
//! | `GET /.well-known/openid-configuration` | discovery; the issuer is the origin the request came to |
//! | `GET /oauth/v2/keys` | `{"keys":[]}`: ID tokens are HS256 (see `crypto::ID_TOKEN_HS256_KEY`) |
//! | `GET /oauth/v2/authorize` | checks the request, shows the sign-in form |
//! | `POST /oauth/v2/authorize` | the form: signs in and redirects with `code` and `state` |
//! | `POST /oauth/v2/token` | `grant_type=authorization_code`: code + verifier → access token, ID token |
//! | `GET/POST /oidc/v1/userinfo` | the signed-in user's claims |
//! | `GET/POST /oidc/v1/end_session` | logout: revokes the user's tokens, redirects back |
//! | `POST /debug/tokens/_expire` | sandbox-only: expire issued tokens now (`debug`) |
//!
//! The access token is opaque. `auth.rs` accepts it on the ZITADEL API routes like a
//! personal access token, with ZITADEL's differences: it expires (`--oidc-token-lifetime`),
//! it needs the scope `urn:zitadel:iam:org:project:id:zitadel:aud`, and the request's
//! `Origin`, when sent, must be one of the client's origins (`AUTH-DZG21`).
//!
//! Like ZITADEL's login, a sign-in leaves a cookie naming the browser's session
//! (`SESSION_COOKIE`), so that a logout by `client_id` alone, without `id_token_hint`,
//! still ends the tokens signed in from that browser.
//!
//! Not modelled: refresh tokens, single sign-on (every authorization asks for the
//! password; `prompt=none` answers `login_required`), consent, other grant types.

pub mod client;
pub mod crypto;
mod pages;
pub mod store;

use crate::auth::{self, TokenOwner};
use crate::clock::Timestamp;
use crate::db::Store;
use crate::errors::json_response;
use crate::model::{User, UserKind, UserState};
use crate::query::{query_pairs, query_value};
use crate::state::AppState;
use crate::{random, users};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
pub use client::{API_AUDIENCE_SCOPE, CLIENT_ID, DEFAULT_TOKEN_LIFETIME, SCOPES};
use serde_json::{json, Map, Value};
use store::{CodeUse, Grant};

/// How long an authorization code can be exchanged.
const CODE_LIFETIME_MS: i64 = 60_000;

/// The form's answer to a wrong login name, a wrong password, or a user who may not
/// sign in: one message for all, so it tells nobody which users exist.
pub const WRONG_CREDENTIALS: &str = "Login name or password is wrong.";

/// The cookie that names the browser's sign-in session: 32 hex digits.
pub const SESSION_COOKIE: &str = "sandbox_oidc_session";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/oauth/v2/keys", get(keys))
        .route(
            "/oauth/v2/authorize",
            get(authorize_page).post(authorize_submit),
        )
        .route("/oauth/v2/token", post(token))
        .route("/oidc/v1/userinfo", get(userinfo).post(userinfo))
        .route(
            "/oidc/v1/end_session",
            get(end_session_query).post(end_session_form),
        )
}

/// The issuer: the origin the request came to, as the browser saw it. Behind a proxy
/// (nginx in front of the sandbox) that is `X-Forwarded-Proto` and `X-Forwarded-Host`.
pub fn issuer(headers: &HeaderMap) -> String {
    let first = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(',').next())
            .map(str::trim)
            .filter(|value| !value.is_empty())
    };
    let scheme = match first("x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    // Only host characters: the value ends up in URLs the client follows.
    let host = first("x-forwarded-host")
        .or_else(|| first(header::HOST.as_str()))
        .filter(|host| {
            host.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

/// `GET /.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3).
async fn discovery(headers: HeaderMap) -> Response {
    let issuer = issuer(&headers);
    let document = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/v2/authorize"),
        "token_endpoint": format!("{issuer}/oauth/v2/token"),
        "userinfo_endpoint": format!("{issuer}/oidc/v1/userinfo"),
        "end_session_endpoint": format!("{issuer}/oidc/v1/end_session"),
        "jwks_uri": format!("{issuer}/oauth/v2/keys"),
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        // Discovery asks for RS256; the sandbox signs with a shared key instead, which
        // its one client does not need to check (see `crypto::ID_TOKEN_HS256_KEY`).
        "id_token_signing_alg_values_supported": [crypto::ID_TOKEN_ALG],
        "token_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "nonce", "amr", "at_hash",
            "name", "given_name", "family_name", "preferred_username", "email",
            "email_verified"
        ],
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
    });
    json_response(StatusCode::OK, &document)
}

/// `GET /oauth/v2/keys`: no public keys, as ID tokens are signed with HS256.
async fn keys() -> Response {
    json_response(StatusCode::OK, &json!({"keys": []}))
}

/// The parameters of a request, from its query or its form body. A parameter sent
/// empty counts as not sent (RFC 6749 §3.1); a repeated one, as its last value.
struct Params(Vec<(String, String)>);

impl Params {
    fn from_query(uri: &Uri) -> Self {
        Params(query_pairs(uri.query()))
    }

    fn from_form(body: &[u8]) -> Self {
        Params(query_pairs(Some(&String::from_utf8_lossy(body))))
    }

    fn get(&self, key: &str) -> Option<&str> {
        query_value(&self.0, key).filter(|value| !value.is_empty())
    }

    fn owned(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }
}

/// An authorization request that passed every check.
#[derive(Debug, Clone)]
struct AuthRequest {
    redirect_uri: String,
    scope: String,
    state: Option<String>,
    nonce: Option<String>,
    code_challenge: String,
}

impl AuthRequest {
    /// The request's parameters, for the form's hidden fields.
    fn hidden_fields(&self) -> Vec<(&'static str, &str)> {
        let mut fields = vec![
            ("client_id", CLIENT_ID),
            ("redirect_uri", self.redirect_uri.as_str()),
            ("response_type", "code"),
            ("scope", self.scope.as_str()),
            ("code_challenge", self.code_challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        if let Some(state) = &self.state {
            fields.push(("state", state));
        }
        if let Some(nonce) = &self.nonce {
            fields.push(("nonce", nonce));
        }
        fields
    }

    /// Back to the client with `pairs` and the request's `state` (303, so the browser
    /// follows with a GET even from the form's POST).
    fn redirect(&self, pairs: &[(&str, &str)]) -> Response {
        let mut pairs = pairs.to_vec();
        if let Some(state) = &self.state {
            pairs.push(("state", state));
        }
        see_other(&client::with_query(&self.redirect_uri, &pairs))
    }

    fn error(&self, error: &str, description: &str) -> Response {
        self.redirect(&[("error", error), ("error_description", description)])
    }
}

/// Why an authorization request was refused, and where that is said.
enum Refusal {
    /// Unknown client or redirect URI: a page, never a redirect (RFC 6749 §4.1.2.1).
    Page(String),
    /// Anything else goes back to the client as `error` and `error_description`.
    Redirect {
        request: Box<AuthRequest>,
        error: &'static str,
        description: &'static str,
    },
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Page(description) => pages::refused(&description),
            Refusal::Redirect {
                request,
                error,
                description,
            } => request.error(error, description),
        }
    }
}

/// Checks an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core
/// 3.1.2.1): client and redirect URI first, since only then may errors go back.
fn check_request(params: &Params) -> Result<AuthRequest, Refusal> {
    match params.get("client_id") {
        None => {
            return Err(Refusal::Page(
                "The request names no client (client_id).".into(),
            ))
        }
        Some(CLIENT_ID) => {}
        Some(other) => return Err(Refusal::Page(format!("Unknown client “{other}”."))),
    }
    let redirect_uri = match params.get("redirect_uri") {
        None => return Err(Refusal::Page("The request has no redirect_uri.".into())),
        Some(uri) if client::is_allowed_redirect_uri(uri) => uri.to_string(),
        Some(uri) => {
            return Err(Refusal::Page(format!(
                "The redirect_uri “{uri}” is not registered for the client {CLIENT_ID}: it must \
                 be http://127.0.0.1:<port>/… or http://localhost:<port>/… and end with {}.",
                client::CALLBACK_PATH
            )))
        }
    };
    let request = AuthRequest {
        redirect_uri,
        scope: params.owned("scope").unwrap_or_default(),
        state: params.owned("state"),
        nonce: params.owned("nonce"),
        code_challenge: params.owned("code_challenge").unwrap_or_default(),
    };
    let problem = match params.get("response_type") {
        None => Some(("invalid_request", "response_type is missing")),
        Some("code") => None,
        Some(_) => Some((
            "unsupported_response_type",
            "only the authorization code flow (response_type=code) is supported",
        )),
    }
    .or_else(|| {
        (!request.scope.split(' ').any(|s| s == "openid"))
            .then_some(("invalid_scope", "the scope must contain openid"))
    })
    .or_else(|| match params.get("code_challenge_method") {
        _ if request.code_challenge.is_empty() => Some((
            "invalid_request",
            "code_challenge is required (PKCE with S256)",
        )),
        Some("S256") if crypto::is_valid_s256_challenge(&request.code_challenge) => None,
        Some("S256") => Some((
            "invalid_request",
            "code_challenge must be BASE64URL(SHA256(code_verifier)), 43 characters",
        )),
        _ => Some((
            "invalid_request",
            "code_challenge_method must be S256 (plain is not allowed)",
        )),
    })
    .or_else(|| {
        // No single sign-on: every sign-in needs the person.
        params
            .get("prompt")
            .is_some_and(|prompt| prompt.split(' ').any(|p| p == "none"))
            .then_some((
                "login_required",
                "the sandbox has no single sign-on; sign in interactively",
            ))
    });
    match problem {
        None => Ok(request),
        Some((error, description)) => Err(Refusal::Redirect {
            request: Box::new(request),
            error,
            description,
        }),
    }
}

/// `GET /oauth/v2/authorize`: the sign-in form, or the request's refusal.
async fn authorize_page(uri: Uri) -> Response {
    match check_request(&Params::from_query(&uri)) {
        Ok(request) => pages::sign_in(
            StatusCode::OK,
            &pages::FormFields {
                client_id: CLIENT_ID,
                hidden: request.hidden_fields(),
                login_name: "",
                error: None,
            },
        ),
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /oauth/v2/authorize`: the form sent back. The hidden fields are checked again,
/// as anyone can post anything.
async fn authorize_submit(State(store): State<Store>, headers: HeaderMap, body: Bytes) -> Response {
    let params = Params::from_form(&body);
    let request = match check_request(&params) {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    if params.get("action") == Some("cancel") {
        return request.error("access_denied", "the user cancelled the sign-in");
    }
    let login_name = params.owned("login_name").unwrap_or_default();
    let password = params.owned("password").unwrap_or_default();
    // One session per browser, kept across sign-ins.
    let session = session_cookie(&headers).unwrap_or_else(|| random::hex(16));
    let signed_in = {
        let (request, login_name, session) = (request.clone(), login_name.clone(), session.clone());
        store
            .call(move |conn| {
                let Some(user) = store::check_password(conn, &login_name, &password)? else {
                    return Ok(None);
                };
                let now = Timestamp::now().millis();
                let grant = Grant {
                    session,
                    client_id: CLIENT_ID.to_string(),
                    redirect_uri: request.redirect_uri,
                    code_challenge: request.code_challenge,
                    nonce: request.nonce,
                    scope: request.scope,
                    user_id: user.id,
                    auth_time: now,
                };
                let code = random::hex(24);
                store::save_code(conn, &code, &grant, now + CODE_LIFETIME_MS, now)?;
                Ok(Some(code))
            })
            .await
    };
    match signed_in {
        Ok(Some(code)) => with_session_cookie(request.redirect(&[("code", &code)]), Some(&session)),
        Ok(None) => pages::sign_in(
            StatusCode::UNAUTHORIZED,
            &pages::FormFields {
                client_id: CLIENT_ID,
                hidden: request.hidden_fields(),
                login_name: &login_name,
                error: Some(WRONG_CREDENTIALS),
            },
        ),
        Err(_) => request.error("server_error", "the sandbox could not record the sign-in"),
    }
}

/// An error of the token endpoint (RFC 6749 §5.2).
#[derive(Debug)]
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl OAuthError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        // zitadel/oidc answers invalid_client with 401, every other error with 400.
        let status = match error {
            "invalid_client" => StatusCode::UNAUTHORIZED,
            "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }

    fn invalid_grant(description: &str) -> Self {
        Self::new("invalid_grant", description)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error, "error_description": self.description});
        no_store(json_response(self.status, &body))
    }
}

/// `POST /oauth/v2/token`: exchanges an authorization code (RFC 6749 §4.1.3, RFC 7636
/// §4.5) for an opaque access token and an ID token.
async fn token(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let params = Params::from_form(&body);
    match exchange(&state, &params, issuer(&headers)).await {
        Ok(body) => no_store(json_response(StatusCode::OK, &body)),
        Err(err) => err.into_response(),
    }
}

async fn exchange(state: &AppState, params: &Params, issuer: String) -> Result<Value, OAuthError> {
    let required = |key: &'static str| {
        params
            .owned(key)
            .ok_or_else(|| OAuthError::new("invalid_request", format!("{key} is missing")))
    };
    match params.get("grant_type") {
        Some("authorization_code") => {}
        None => return Err(OAuthError::new("invalid_request", "grant_type is missing")),
        Some(_) => {
            return Err(OAuthError::new(
                "unsupported_grant_type",
                "only grant_type=authorization_code is supported",
            ))
        }
    }
    let client_id = required("client_id")?;
    if client_id != CLIENT_ID {
        return Err(OAuthError::new("invalid_client", "unknown client"));
    }
    let code = required("code")?;
    let redirect_uri = required("redirect_uri")?;
    let verifier = params.owned("code_verifier").unwrap_or_default();
    let lifetime = state.settings.oidc_token_lifetime;
    let issued = state
        .store
        .call(move |conn| {
            let now = Timestamp::now().millis();
            let grant = match store::take_code(conn, &code, now)? {
                CodeUse::Fresh(grant) => grant,
                CodeUse::Replayed => {
                    return Ok(Err(OAuthError::invalid_grant(
                        "the code was used before; the tokens issued for it are revoked",
                    )))
                }
                CodeUse::Unknown => {
                    return Ok(Err(OAuthError::invalid_grant(
                        "the code is unknown or expired",
                    )))
                }
            };
            let problem = if grant.client_id != client_id {
                Some("the code was issued to another client")
            } else if grant.redirect_uri != redirect_uri {
                Some("redirect_uri differs from the one of the authorization request")
            } else if !crypto::pkce_s256_matches(&verifier, &grant.code_challenge) {
                Some("code_verifier does not match the code_challenge")
            } else {
                None
            };
            if let Some(problem) = problem {
                return Ok(Err(OAuthError::invalid_grant(problem)));
            }
            let user = users::find_user(conn, &grant.user_id)?
                .filter(|user| matches!(user.state, UserState::Active | UserState::Initial));
            let Some(user) = user else {
                return Ok(Err(OAuthError::invalid_grant(
                    "the user can no longer sign in",
                )));
            };
            let access_token = random::hex(32);
            let expires_at = now + lifetime.as_millis() as i64;
            store::save_token(conn, &access_token, &grant, &code, expires_at)?;
            let id_token = id_token(&issuer, &grant, &user, &access_token, now, expires_at);
            Ok(Ok(json!({
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": lifetime.as_secs(),
                "id_token": id_token,
                "scope": grant.scope,
            })))
        })
        .await;
    issued.unwrap_or_else(|err| Err(OAuthError::new("server_error", err.message)))
}

/// The ID token (OIDC Core 2, 3.1.3.6), signed HS256.
fn id_token(
    issuer: &str,
    grant: &Grant,
    user: &User,
    access_token: &str,
    now_ms: i64,
    expires_at_ms: i64,
) -> String {
    let mut claims = Map::new();
    claims.insert("iss".into(), issuer.into());
    claims.insert("sub".into(), user.id.clone().into());
    claims.insert("aud".into(), json!([grant.client_id]));
    claims.insert("azp".into(), grant.client_id.clone().into());
    claims.insert("exp".into(), (expires_at_ms / 1000).into());
    claims.insert("iat".into(), (now_ms / 1000).into());
    claims.insert("auth_time".into(), (grant.auth_time / 1000).into());
    if let Some(nonce) = &grant.nonce {
        claims.insert("nonce".into(), nonce.clone().into());
    }
    claims.insert("amr".into(), json!(["pwd"]));
    claims.insert(
        "at_hash".into(),
        crypto::access_token_hash(access_token).into(),
    );
    claims.extend(user_claims(user, Some(&grant.scope)));
    crypto::sign_jwt(&Value::Object(claims))
}

/// The user's claims for the scopes granted: `profile` gives the names, `email` the
/// address, as ZITADEL gives them. `None` (a personal access token): every claim.
fn user_claims(user: &User, scope: Option<&str>) -> Map<String, Value> {
    let granted = |wanted: &str| scope.is_none_or(|scope| scope.split(' ').any(|s| s == wanted));
    let mut claims = Map::new();
    if granted("profile") {
        let name = match &user.kind {
            UserKind::Human(human) => human.display_name.clone(),
            UserKind::Machine(machine) => machine.name.clone(),
        };
        claims.insert("name".into(), name.into());
        if let UserKind::Human(human) = &user.kind {
            claims.insert("given_name".into(), human.given_name.clone().into());
            claims.insert("family_name".into(), human.family_name.clone().into());
        }
        // The name the person signs in with.
        claims.insert("preferred_username".into(), user.username.clone().into());
    }
    if let (true, UserKind::Human(human)) = (granted("email"), &user.kind) {
        claims.insert("email".into(), human.email.clone().into());
        claims.insert("email_verified".into(), human.email_verified.into());
    }
    claims
}

/// `GET` or `POST /oidc/v1/userinfo` with `Authorization: Bearer <access token>`.
async fn userinfo(State(store): State<Store>, headers: HeaderMap) -> Response {
    let header_value = headers
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or_default());
    let Ok(token) = auth::bearer_token(header_value).map(str::to_string) else {
        return invalid_token();
    };
    let found = store
        .call(move |conn| {
            let TokenOwner {
                user_id, issued, ..
            } = auth::token_owner(conn, &token)?;
            let user = users::find_user(conn, &user_id)?;
            Ok(user.map(|user| (user, issued.map(|issued| issued.scope))))
        })
        .await;
    match found {
        Ok(Some((user, scope))) => {
            let mut claims = Map::new();
            claims.insert("sub".into(), user.id.clone().into());
            claims.extend(user_claims(&user, scope.as_deref()));
            no_store(json_response(StatusCode::OK, &claims))
        }
        Ok(None) => invalid_token(),
        Err(err) if err.status == StatusCode::UNAUTHORIZED => invalid_token(),
        Err(err) => err.into_response(),
    }
}

/// RFC 6750 §3.1: 401 with a `WWW-Authenticate` challenge.
fn invalid_token() -> Response {
    let body = json!({
        "error": "invalid_token",
        "error_description": "the access token is missing, unknown, expired or revoked",
    });
    let mut response = json_response(StatusCode::UNAUTHORIZED, &body);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

async fn end_session_query(State(store): State<Store>, headers: HeaderMap, uri: Uri) -> Response {
    end_session(store, &headers, Params::from_query(&uri)).await
}

async fn end_session_form(State(store): State<Store>, headers: HeaderMap, body: Bytes) -> Response {
    end_session(store, &headers, Params::from_form(&body)).await
}

/// OIDC RP-Initiated Logout: revokes the tokens the client holds for the user named by
/// `id_token_hint` (its signature and expiry are not checked: the hint only says who)
/// and those of this browser's session, ends the session, then goes to
/// `post_logout_redirect_uri` if the client registered it.
async fn end_session(store: Store, headers: &HeaderMap, params: Params) -> Response {
    let hint = match params.get("id_token_hint") {
        None => None,
        Some(hint) => match crypto::jwt_claims_unverified(hint) {
            Some(claims) => Some(claims),
            None => return pages::refused("The id_token_hint is not a JWT."),
        },
    };
    let hinted_client = hint.as_ref().and_then(|claims| {
        claims
            .get("azp")
            .or_else(|| claims.get("aud"))
            .and_then(|aud| match aud {
                Value::Array(items) => items.first().and_then(Value::as_str),
                other => other.as_str(),
            })
            .map(str::to_string)
    });
    let client_id = match (params.get("client_id"), hinted_client.as_deref()) {
        (None, None) => {
            return pages::refused("Give id_token_hint or client_id to sign out.");
        }
        (Some(given), Some(hinted)) if given != hinted => {
            return pages::refused("The id_token_hint was issued to another client.");
        }
        (Some(client_id), _) | (None, Some(client_id)) => client_id.to_string(),
    };
    if client_id != CLIENT_ID {
        return pages::refused(&format!("Unknown client “{client_id}”."));
    }
    let subject = hint
        .as_ref()
        .and_then(|claims| claims.get("sub"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let session = session_cookie(headers);
    let revoked = store
        .call(move |conn| {
            store::revoke_tokens(conn, CLIENT_ID, subject.as_deref(), session.as_deref())
        })
        .await;
    if let Err(err) = revoked {
        return err.into_response();
    }
    let response = match params.get("post_logout_redirect_uri") {
        Some(uri) if client::is_allowed_post_logout_uri(uri) => {
            let state: Vec<(&str, &str)> = params
                .get("state")
                .map(|s| ("state", s))
                .into_iter()
                .collect();
            see_other(&client::with_query(uri, &state))
        }
        _ => pages::signed_out(),
    };
    with_session_cookie(response, None)
}

/// The browser's session, from its cookie.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|cookie| cookie.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
        .filter(|value| value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
}

/// Sets the session cookie on `response`, or (`None`) deletes it. Only the sandbox
/// reads it (HttpOnly); Lax, so that the top-level navigation to logout sends it.
fn with_session_cookie(mut response: Response, session: Option<&str>) -> Response {
    let cookie = match session {
        Some(session) => format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax"),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    };
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// A 303 to `location`.
fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            response.headers_mut().insert(header::LOCATION, value);
            no_store(response)
        }
        Err(_) => pages::refused("The redirect URI cannot be used in a Location header."),
    }
}

/// Token and code responses must not be cached (RFC 6749 §5.1).
fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// Sandbox-only hooks, like `/debug/faults`: no token needed.
pub mod debug {
    use super::*;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/debug/tokens/_expire", post(expire))
    }

    /// `POST /debug/tokens/_expire` with `{"token": "…"}` expires that access token, and
    /// without a body (or `{}`) every one the provider issued, as if their lifetime had
    /// run out: for tests of a session that expires mid-action. Answers `{"expired": N}`.
    async fn expire(State(store): State<Store>, body: Bytes) -> Response {
        let token = match parse_expire_request(&body) {
            Ok(token) => token,
            Err(message) => {
                return json_response(StatusCode::BAD_REQUEST, &json!({"error": message}))
            }
        };
        let expired = store
            .call(move |conn| {
                store::expire_tokens(conn, token.as_deref(), Timestamp::now().millis())
            })
            .await;
        match expired {
            Ok(expired) => json_response(StatusCode::OK, &json!({"expired": expired})),
            Err(err) => json_response(err.status, &json!({"error": err.message})),
        }
    }

    fn parse_expire_request(body: &[u8]) -> Result<Option<String>, String> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|err| format!("body is not JSON: {err}"))?;
        match value.get("token") {
            None | Some(Value::Null) if value.is_object() => Ok(None),
            Some(Value::String(token)) => Ok(Some(token.clone())),
            _ => Err("give {\"token\": \"<access token>\"}, or no body for every token".into()),
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn expire_requests_name_one_token_or_none() {
            let parse = super::parse_expire_request;
            assert_eq!(parse(b""), Ok(None));
            assert_eq!(parse(b"{}"), Ok(None));
            assert_eq!(parse(br#"{"token":"abc"}"#), Ok(Some("abc".into())));
            assert!(parse(br#"{"token":1}"#).is_err());
            assert!(parse(b"[]").is_err());
            assert!(parse(b"nope").is_err());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).expect("header value"));
        }
        map
    }

    #[test]
    fn the_issuer_is_the_origin_the_browser_used() {
        assert_eq!(
            issuer(&headers(&[("host", "127.0.0.1:8080")])),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            issuer(&headers(&[
                ("host", "127.0.0.1:8080"),
                ("x-forwarded-host", "localhost:9000, proxy:1"),
                ("x-forwarded-proto", "https"),
            ])),
            "https://localhost:9000"
        );
        assert_eq!(issuer(&headers(&[])), "http://localhost");
        assert_eq!(
            issuer(&headers(&[("host", "evil\"/x")])),
            "http://localhost"
        );
    }

    fn params(query: &str) -> Params {
        Params(query_pairs(Some(query)))
    }

    const GOOD: &str = "client_id=lifecycle-console\
        &redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fauth%2Fcallback\
        &response_type=code&scope=openid%20profile&state=s1\
        &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
        &code_challenge_method=S256";

    fn refusal(query: &str) -> (&'static str, &'static str) {
        match check_request(&params(query)) {
            Err(Refusal::Redirect {
                error, description, ..
            }) => (error, description),
            Err(Refusal::Page(page)) => panic!("a page, not a redirect: {page}"),
            Ok(_) => panic!("accepted: {query}"),
        }
    }

    #[test]
    fn good_requests_pass() {
        let request = check_request(&params(GOOD)).ok().expect("valid");
        assert_eq!(request.state.as_deref(), Some("s1"));
        assert_eq!(request.nonce, None);
        assert_eq!(request.scope, "openid profile");
    }

    #[test]
    fn untrusted_clients_and_redirects_get_a_page() {
        for query in [
            GOOD.replace("lifecycle-console", "other"),
            GOOD.replace("client_id=lifecycle-console", ""),
            GOOD.replace("127.0.0.1", "evil.example"),
            GOOD.replace("%2Fauth%2Fcallback", "%2Fsomewhere"),
        ] {
            assert!(
                matches!(check_request(&params(&query)), Err(Refusal::Page(_))),
                "{query}"
            );
        }
    }

    #[test]
    fn other_problems_go_back_to_the_client() {
        let error = |from: &str, to: &str| refusal(&GOOD.replace(from, to)).0;
        assert_eq!(
            error("response_type=code", "response_type=token"),
            "unsupported_response_type"
        );
        assert_eq!(error("response_type=code", ""), "invalid_request");
        assert_eq!(
            error("scope=openid%20profile", "scope=profile"),
            "invalid_scope"
        );
        assert_eq!(
            error("code_challenge_method=S256", "code_challenge_method=plain"),
            "invalid_request"
        );
        assert_eq!(error("code_challenge_method=S256", ""), "invalid_request");
        assert_eq!(
            error(
                "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                ""
            ),
            "invalid_request"
        );
        assert_eq!(
            error("code_challenge=E9", "code_challenge=x"),
            "invalid_request"
        );
        assert_eq!(error("state=s1", "state=s1&prompt=none"), "login_required");
    }

    #[test]
    fn claims_follow_the_granted_scopes() {
        let user = User {
            id: "1".into(),
            org_id: "o".into(),
            org_domain: "acme.example.com".into(),
            username: "ada@acme.example".into(),
            state: UserState::Active,
            locked: false,
            kind: UserKind::Human(crate::model::Human {
                given_name: "Ada".into(),
                family_name: "Admin".into(),
                display_name: "Ada Admin".into(),
                email: "ada@acme.example".into(),
                email_verified: true,
                ..Default::default()
            }),
            created: Timestamp::from_millis(0),
            changed: Timestamp::from_millis(0),
            sequence: 1,
        };
        assert!(user_claims(&user, Some("openid")).is_empty());
        let profile = user_claims(&user, Some("openid profile"));
        assert_eq!(profile["name"], "Ada Admin");
        assert_eq!(profile["preferred_username"], "ada@acme.example");
        assert!(profile.get("email").is_none());
        let all = user_claims(&user, None);
        assert_eq!(all["email"], "ada@acme.example");
        assert_eq!(all["email_verified"], true);
    }
}
