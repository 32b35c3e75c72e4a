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

mod authorize;
pub mod client;
pub mod crypto;
mod http;
mod pages;
mod session;
pub mod store;
mod token;

pub use authorize::WRONG_CREDENTIALS;
pub use client::{API_AUDIENCE_SCOPE, CLIENT_ID, DEFAULT_TOKEN_LIFETIME, SCOPES};
pub use http::{issuer, SESSION_COOKIE};

use crate::clock::Timestamp;
use crate::db::Store;
use crate::errors::json_response;
use crate::state::AppState;
use authorize::{authorize_page, authorize_submit};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use session::{end_session_form, end_session_query};
use token::{token, userinfo};

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
