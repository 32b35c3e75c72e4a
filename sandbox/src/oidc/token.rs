//! The token endpoint (code + verifier → access token and ID token) and userinfo.

use super::client::CLIENT_ID;
use super::crypto;
use super::http::*;
use super::store::{self, CodeUse, Grant};
use crate::auth::{self, TokenOwner};
use crate::clock::Timestamp;
use crate::db::Store;
use crate::errors::json_response;
use crate::model::{User, UserKind, UserState};
use crate::state::AppState;
use crate::{random, users};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// An error of the token endpoint (RFC 6749 §5.2).
#[derive(Debug)]
pub(super) struct OAuthError {
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
pub(super) async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::from_form(&body);
    match exchange(&state, &params, issuer(&headers)).await {
        Ok(body) => no_store(json_response(StatusCode::OK, &body)),
        Err(err) => err.into_response(),
    }
}

pub(super) async fn exchange(
    state: &AppState,
    params: &Params,
    issuer: String,
) -> Result<Value, OAuthError> {
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
pub(super) fn id_token(
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
pub(super) fn user_claims(user: &User, scope: Option<&str>) -> Map<String, Value> {
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
pub(super) async fn userinfo(State(store): State<Store>, headers: HeaderMap) -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

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
