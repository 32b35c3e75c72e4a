//! The authorization endpoint: checks the request, shows the sign-in form, signs in
//! and redirects back with a code.

use super::client::{self, CLIENT_ID};
use super::crypto;
use super::http::*;
use super::pages;
use super::store::{self, Grant};
use crate::clock::Timestamp;
use crate::db::Store;
use crate::events::SYSTEM_ACTOR;
use crate::random;
use crate::session_commands;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

/// How long an authorization code can be exchanged.
pub(super) const CODE_LIFETIME_MS: i64 = 60_000;

/// The form's answer to a wrong login name, a wrong password, or a user who may not
/// sign in: one message for all, so it tells nobody which users exist.
pub const WRONG_CREDENTIALS: &str = "Login name or password is wrong.";

/// An authorization request that passed every check.
#[derive(Debug, Clone)]
pub(super) struct AuthRequest {
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
pub(super) enum Refusal {
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
pub(super) fn check_request(params: &Params) -> Result<AuthRequest, Refusal> {
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
pub(super) async fn authorize_page(uri: Uri) -> Response {
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
pub(super) async fn authorize_submit(
    State(store): State<Store>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
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
    let user_agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect::<String>();
    let signed_in = {
        let (request, login_name, session) = (request.clone(), login_name.clone(), session.clone());
        store
            .call(move |conn| {
                let tx = conn.transaction()?;
                let Some(user) = store::check_password(&tx, &login_name, &password)? else {
                    return Ok(None);
                };
                // ZITADEL's login creates a session API v2 session for whoever signs in
                // (a user check, then a password check), which ListSessions then lists.
                let session_id = session_commands::new_session_id();
                session_commands::add_session(
                    &tx,
                    &session_id,
                    SYSTEM_ACTOR,
                    &user,
                    &user_agent,
                    None,
                )?;
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
                store::save_code(&tx, &code, &grant, now + CODE_LIFETIME_MS, now)?;
                tx.commit()?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::query_pairs;

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
}
