//! "Sign in with ZITADEL": the OpenID Connect authorization code flow with
//! PKCE (S256), state and nonce (contracts/ZITADEL.md §9). The `oauth2` crate
//! does the protocol (PKCE pair, authorization URL, code exchange); this module
//! adds what OIDC puts on top: discovery from the issuer, the nonce, and the
//! checks of the ID token.

use base64::Engine;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, ClientId, CsrfToken, EndpointNotSet, EndpointSet, ExtraTokenFields,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
    StandardRevocableToken, StandardTokenResponse, TokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::config::OidcClient;
use crate::http::{send_oauth, ApiError, ApiRequest, HttpClient};
use crate::tr;

/// What the console asks for: an ID token, the admin's name, and an access
/// token that ZITADEL's own APIs accept (the `…:zitadel:aud` scope).
pub const SCOPES: [&str; 4] = [
    "openid",
    "profile",
    "email",
    "urn:zitadel:iam:org:project:id:zitadel:aud",
];

/// The console's path that the provider redirects back to.
pub const CALLBACK_PATH: &str = "/auth/callback";

/// Where the pending sign-in waits for the callback (this tab only).
const PENDING_KEY: &str = "lifecycle-console.oidc.pending";

/// A sign-in that did not work, said so that the admin knows what to do.
/// The reasons the variants carry are already in the current language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInError {
    Discovery { issuer: String, error: String },
    BadDiscovery(String),
    Refused(String),
    NotStarted,
    StateMismatch,
    OtherConnection(String),
    Exchange(String),
    IdToken(String),
}

// Written by hand rather than with thiserror: the messages come from the
// catalogue, in the current language.
impl std::fmt::Display for SignInError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = match self {
            SignInError::Discovery { issuer, error } => tr!(signin.error_discovery, issuer, error),
            SignInError::BadDiscovery(reason) => tr!(signin.error_bad_discovery, reason),
            SignInError::Refused(reason) => tr!(signin.error_refused, reason),
            SignInError::NotStarted => tr!(signin.error_not_started).to_string(),
            SignInError::StateMismatch => tr!(signin.error_state_mismatch).to_string(),
            SignInError::OtherConnection(name) => tr!(signin.error_other_connection, name),
            SignInError::Exchange(reason) => tr!(signin.error_exchange, reason),
            SignInError::IdToken(reason) => tr!(signin.error_id_token, reason),
        };
        f.write_str(&message)
    }
}

impl std::error::Error for SignInError {}

/// The parts of the discovery document the console uses.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
}

impl Discovery {
    /// Reads `{issuer}/.well-known/openid-configuration` and checks that it
    /// speaks for the configured issuer (OIDC Discovery §4.3).
    pub fn parse(configured_issuer: &str, body: &str) -> Result<Discovery, SignInError> {
        let discovery: Discovery =
            serde_json::from_str(body).map_err(|e| SignInError::BadDiscovery(e.to_string()))?;
        if discovery.issuer.trim_end_matches('/') != configured_issuer.trim_end_matches('/') {
            return Err(SignInError::BadDiscovery(tr!(
                signin.discovery_other_issuer,
                named = &discovery.issuer,
                configured = configured_issuer
            )));
        }
        Ok(discovery)
    }
}

/// The ID token rides along in the token response.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

type OidcTokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;

type Client = oauth2::Client<
    BasicErrorResponse,
    OidcTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

fn client(
    oidc: &OidcClient,
    discovery: &Discovery,
    redirect_uri: &str,
) -> Result<Client, SignInError> {
    let bad = |what: &str, e: oauth2::url::ParseError| {
        SignInError::BadDiscovery(tr!(signin.discovery_not_a_url, what, error = e))
    };
    Ok(oauth2::Client::new(ClientId::new(oidc.client_id.clone()))
        .set_auth_uri(
            AuthUrl::new(discovery.authorization_endpoint.clone())
                .map_err(|e| bad("authorization_endpoint", e))?,
        )
        .set_token_uri(
            TokenUrl::new(discovery.token_endpoint.clone())
                .map_err(|e| bad("token_endpoint", e))?,
        )
        .set_redirect_uri(
            RedirectUrl::new(redirect_uri.to_string())
                .map_err(|e| bad(tr!(signin.the_redirect_uri), e))?,
        ))
}

/// What the tab keeps between leaving for the provider and coming back:
/// the secrets that prove the answer is the one it asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Pending {
    connection: String,
    state: String,
    verifier: String,
    nonce: String,
    /// Where to go once signed in (a path inside the console).
    next: String,
    redirect_uri: String,
    discovery_issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    end_session_endpoint: Option<String>,
}

/// The authorization request: where to send the browser, and what to keep.
fn authorization(
    connection: &str,
    oidc: &OidcClient,
    discovery: &Discovery,
    redirect_uri: &str,
    next: &str,
) -> Result<(String, Pending), SignInError> {
    let client = client(oidc, discovery, redirect_uri)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let nonce = CsrfToken::new_random().secret().clone();
    let (url, state) = client
        .authorize_url(CsrfToken::new_random)
        .add_scopes(SCOPES.map(|scope| Scope::new(scope.to_string())))
        .add_extra_param("nonce", nonce.clone())
        .set_pkce_challenge(challenge)
        .url();
    let pending = Pending {
        connection: connection.to_string(),
        state: state.secret().clone(),
        verifier: verifier.secret().clone(),
        nonce,
        next: next.to_string(),
        redirect_uri: redirect_uri.to_string(),
        discovery_issuer: discovery.issuer.clone(),
        authorization_endpoint: discovery.authorization_endpoint.clone(),
        token_endpoint: discovery.token_endpoint.clone(),
        end_session_endpoint: discovery.end_session_endpoint.clone(),
    };
    Ok((url.to_string(), pending))
}

/// Starts signing in: asks the issuer how, remembers the PKCE verifier,
/// state and nonce in this tab, and returns the address to send the browser to.
pub async fn start(
    connection: &str,
    oidc: &OidcClient,
    timeout: Duration,
    redirect_uri: &str,
    next: &str,
) -> Result<String, SignInError> {
    let discovery_error = |error: String| SignInError::Discovery {
        issuer: oidc.issuer.clone(),
        error,
    };
    let response = HttpClient::new(&oidc.issuer, timeout)
        .send(
            &ApiRequest::get("/.well-known/openid-configuration".into()),
            None,
            None,
        )
        .await
        .map_err(|e| discovery_error(e.to_string()))?;
    if !response.is_success() {
        return Err(discovery_error(format!("HTTP {}", response.status)));
    }
    let discovery = Discovery::parse(&oidc.issuer, &response.body)?;
    let (url, pending) = authorization(connection, oidc, &discovery, redirect_uri, next)?;
    let text = serde_json::to_string(&pending).map_err(|e| SignInError::Exchange(e.to_string()))?;
    super::write_session_item(PENDING_KEY, Some(&text));
    Ok(url)
}

/// What the provider put on the callback URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// A finished sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub access_token: String,
    /// Where to end the provider's session on sign-out (holds no token).
    pub sign_out_url: Option<String>,
    /// Where the admin was going.
    pub next: String,
}

/// Checks the callback against the sign-in this tab started. The pending
/// record is used up either way: a callback URL works once.
fn accept_callback(
    connection: &str,
    pending: Option<Pending>,
    callback: &Callback,
) -> Result<(Pending, String), SignInError> {
    let pending = pending.ok_or(SignInError::NotStarted)?;
    if callback.state.as_deref() != Some(pending.state.as_str()) {
        return Err(SignInError::StateMismatch);
    }
    if let Some(error) = &callback.error {
        return Err(SignInError::Refused(match &callback.error_description {
            Some(description) => format!("{description} ({error})"),
            None => error.clone(),
        }));
    }
    if pending.connection != connection {
        return Err(SignInError::OtherConnection(pending.connection));
    }
    let code = callback
        .code
        .clone()
        .filter(|code| !code.is_empty())
        .ok_or_else(|| SignInError::Refused(tr!(signin.answer_has_no_code).into()))?;
    Ok((pending, code))
}

/// Finishes signing in on the callback: checks state, exchanges the code
/// with the PKCE verifier, and checks the ID token's issuer, audience,
/// expiry and nonce.
pub async fn finish(
    connection: &str,
    oidc: &OidcClient,
    timeout: Duration,
    callback: &Callback,
) -> Result<SignedIn, SignInError> {
    let pending = super::read_session_item(PENDING_KEY).and_then(|t| serde_json::from_str(&t).ok());
    super::write_session_item(PENDING_KEY, None);
    let (pending, code) = accept_callback(connection, pending, callback)?;
    let discovery = Discovery {
        issuer: pending.discovery_issuer.clone(),
        authorization_endpoint: pending.authorization_endpoint.clone(),
        token_endpoint: pending.token_endpoint.clone(),
        end_session_endpoint: pending.end_session_endpoint.clone(),
    };
    let http = move |request| send_oauth(request, timeout);
    let token = client(oidc, &discovery, &pending.redirect_uri)?
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
        .request_async(&http)
        .await
        .map_err(|e| SignInError::Exchange(describe_token_error(e)))?;
    let id_token =
        token.extra_fields().id_token.as_deref().ok_or_else(|| {
            SignInError::IdToken(tr!(signin.token_response_has_no_id_token).into())
        })?;
    check_id_token(
        id_token,
        &ExpectedIdToken {
            issuer: &discovery.issuer,
            client_id: &oidc.client_id,
            nonce: &pending.nonce,
        },
        js_sys::Date::now() / 1000.0,
    )?;
    let sign_out_url = discovery
        .end_session_endpoint
        .as_deref()
        .and_then(|endpoint| {
            sign_out_url(
                endpoint,
                &oidc.client_id,
                &post_sign_out_url(&pending.redirect_uri),
            )
        });
    Ok(SignedIn {
        access_token: token.access_token().secret().clone(),
        sign_out_url,
        next: pending.next,
    })
}

fn describe_token_error(error: RequestTokenError<ApiError, BasicErrorResponse>) -> String {
    match error {
        RequestTokenError::ServerResponse(response) => match response.error_description() {
            Some(description) => format!("{description} ({})", response.error()),
            None => response.error().to_string(),
        },
        RequestTokenError::Request(error) => format!("{error}. {}", error.advice()),
        RequestTokenError::Parse(error, _) => tr!(signin.answer_unreadable, error),
        RequestTokenError::Other(detail) => detail,
    }
}

/// Where the provider sends the browser after ending its session: the
/// console's sign-in page, next to the callback.
fn post_sign_out_url(redirect_uri: &str) -> String {
    match redirect_uri.strip_suffix(CALLBACK_PATH) {
        Some(base) => format!("{base}/sign-in"),
        None => redirect_uri.to_string(),
    }
}

/// RP-initiated logout by client id rather than `id_token_hint`, so that no
/// token ever appears in a URL.
fn sign_out_url(endpoint: &str, client_id: &str, post_sign_out: &str) -> Option<String> {
    oauth2::url::Url::parse_with_params(
        endpoint,
        [
            ("client_id", client_id),
            ("post_logout_redirect_uri", post_sign_out),
        ],
    )
    .ok()
    .map(String::from)
}

/// What the ID token must say about itself.
#[derive(Clone, Copy, Debug)]
pub struct ExpectedIdToken<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub nonce: &'a str,
}

#[derive(Debug, Deserialize)]
struct IdTokenClaims {
    iss: String,
    aud: Audience,
    exp: f64,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// Tolerated clock difference between the browser and the issuer.
const CLOCK_SKEW_SECONDS: f64 = 120.0;

/// Checks the ID token's claims (OIDC Core §3.1.3.7). Its signature is not
/// checked: the token came straight from the token endpoint over TLS, which
/// §3.1.3.7 item 6 allows instead, and the console never sends it anywhere.
pub fn check_id_token(
    id_token: &str,
    expected: &ExpectedIdToken,
    now_seconds: f64,
) -> Result<(), SignInError> {
    let bad = |why: &str| SignInError::IdToken(why.to_string());
    let mut parts = id_token.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad(tr!(signin.id_token_not_a_jwt)));
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| bad(tr!(signin.id_token_claims_not_base64url)))?;
    let claims: IdTokenClaims = serde_json::from_slice(&bytes)
        .map_err(|e| SignInError::IdToken(tr!(signin.id_token_claims_unreadable, error = e)))?;
    if claims.iss.trim_end_matches('/') != expected.issuer.trim_end_matches('/') {
        return Err(SignInError::IdToken(tr!(
            signin.id_token_other_issuer,
            issuer = &claims.iss,
            expected = expected.issuer
        )));
    }
    let audience = match &claims.aud {
        Audience::One(one) => vec![one.as_str()],
        Audience::Many(many) => many.iter().map(String::as_str).collect(),
    };
    if !audience.contains(&expected.client_id) {
        return Err(bad(tr!(signin.id_token_other_audience)));
    }
    if claims
        .azp
        .as_deref()
        .is_some_and(|azp| azp != expected.client_id)
    {
        return Err(bad(tr!(signin.id_token_other_authorized_party)));
    }
    if claims.exp + CLOCK_SKEW_SECONDS < now_seconds {
        return Err(bad(tr!(signin.id_token_expired)));
    }
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(bad(tr!(signin.id_token_other_nonce)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oidc() -> OidcClient {
        OidcClient {
            issuer: "https://acme.zitadel.cloud".into(),
            client_id: "console-app".into(),
        }
    }

    fn discovery() -> Discovery {
        Discovery::parse(
            "https://acme.zitadel.cloud",
            r#"{"issuer":"https://acme.zitadel.cloud",
                "authorization_endpoint":"https://acme.zitadel.cloud/oauth/v2/authorize",
                "token_endpoint":"https://acme.zitadel.cloud/oauth/v2/token",
                "end_session_endpoint":"https://acme.zitadel.cloud/oidc/v1/end_session",
                "jwks_uri":"https://acme.zitadel.cloud/oauth/v2/keys"}"#,
        )
        .unwrap()
    }

    fn query_pairs(url: &str) -> Vec<(String, String)> {
        oauth2::url::Url::parse(url)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect()
    }

    fn param(pairs: &[(String, String)], name: &str) -> String {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("no {name} in {pairs:?}"))
    }

    #[test]
    fn the_authorization_request_carries_pkce_s256_state_nonce_and_scopes() {
        let redirect = "https://console.example/admin/auth/callback";
        let (url, pending) =
            authorization("Prod", &oidc(), &discovery(), redirect, "/users/1").unwrap();
        assert!(url.starts_with("https://acme.zitadel.cloud/oauth/v2/authorize?"));
        let pairs = query_pairs(&url);
        assert_eq!(param(&pairs, "response_type"), "code");
        assert_eq!(param(&pairs, "client_id"), "console-app");
        assert_eq!(param(&pairs, "redirect_uri"), redirect);
        assert_eq!(
            param(&pairs, "scope"),
            "openid profile email urn:zitadel:iam:org:project:id:zitadel:aud"
        );
        assert_eq!(param(&pairs, "code_challenge_method"), "S256");
        assert_eq!(param(&pairs, "state"), pending.state);
        assert_eq!(param(&pairs, "nonce"), pending.nonce);
        // The challenge is the S256 of the verifier the tab keeps.
        let expected = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
            pending.verifier.clone(),
        ));
        assert_eq!(param(&pairs, "code_challenge"), *expected.as_str());
        assert!((43..=128).contains(&pending.verifier.len()));
        // Nothing secret beyond the challenge leaves the tab.
        assert!(!url.contains(&pending.verifier));
        assert_eq!(pending.next, "/users/1");
    }

    #[test]
    fn every_sign_in_gets_fresh_secrets() {
        let (_, a) =
            authorization("P", &oidc(), &discovery(), "https://c/auth/callback", "/").unwrap();
        let (_, b) =
            authorization("P", &oidc(), &discovery(), "https://c/auth/callback", "/").unwrap();
        assert_ne!(a.state, b.state);
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.verifier, b.verifier);
    }

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        let verifier = PkceCodeVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
        assert_eq!(
            challenge.as_str(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(challenge.method().as_str(), "S256");
    }

    #[test]
    fn discovery_must_speak_for_the_configured_issuer() {
        let other = r#"{"issuer":"https://evil.example","authorization_endpoint":"https://evil.example/a","token_endpoint":"https://evil.example/t"}"#;
        assert!(matches!(
            Discovery::parse("https://acme.zitadel.cloud", other),
            Err(SignInError::BadDiscovery(_))
        ));
        assert!(matches!(
            Discovery::parse("https://acme.zitadel.cloud", "<html>"),
            Err(SignInError::BadDiscovery(_))
        ));
        // A trailing slash on either side is the same issuer.
        let slash = r#"{"issuer":"https://acme.zitadel.cloud/","authorization_endpoint":"https://acme.zitadel.cloud/a","token_endpoint":"https://acme.zitadel.cloud/t"}"#;
        assert!(Discovery::parse("https://acme.zitadel.cloud", slash).is_ok());
    }

    fn pending() -> Pending {
        authorization(
            "Prod",
            &oidc(),
            &discovery(),
            "https://c/auth/callback",
            "/users/7",
        )
        .unwrap()
        .1
    }

    #[test]
    fn the_callback_must_answer_this_tabs_sign_in() {
        let pending = pending();
        let ok = Callback {
            code: Some("abc".into()),
            state: Some(pending.state.clone()),
            ..Callback::default()
        };
        let (accepted, code) = accept_callback("Prod", Some(pending.clone()), &ok).unwrap();
        assert_eq!((accepted.next.as_str(), code.as_str()), ("/users/7", "abc"));

        assert_eq!(
            accept_callback("Prod", None, &ok),
            Err(SignInError::NotStarted)
        );
        let forged = Callback {
            state: Some("guess".into()),
            ..ok.clone()
        };
        assert_eq!(
            accept_callback("Prod", Some(pending.clone()), &forged),
            Err(SignInError::StateMismatch)
        );
        assert_eq!(
            accept_callback("Staging", Some(pending.clone()), &ok),
            Err(SignInError::OtherConnection("Prod".into()))
        );
        let refused = Callback {
            code: None,
            state: Some(pending.state.clone()),
            error: Some("access_denied".into()),
            error_description: Some("The user cancelled".into()),
        };
        assert_eq!(
            accept_callback("Prod", Some(pending), &refused),
            Err(SignInError::Refused(
                "The user cancelled (access_denied)".into()
            ))
        );
    }

    fn jwt(claims: &str) -> String {
        let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", encode(r#"{"alg":"RS256"}"#), encode(claims))
    }

    const EXPECTED: ExpectedIdToken<'static> = ExpectedIdToken {
        issuer: "https://acme.zitadel.cloud",
        client_id: "console-app",
        nonce: "n-0S6",
    };

    #[test]
    fn a_good_id_token_passes() {
        let token = jwt(
            r#"{"iss":"https://acme.zitadel.cloud","aud":["console-app","2311"],"azp":"console-app","exp":2000,"nonce":"n-0S6","sub":"1"}"#,
        );
        assert_eq!(check_id_token(&token, &EXPECTED, 1000.0), Ok(()));
        let single_audience = jwt(
            r#"{"iss":"https://acme.zitadel.cloud","aud":"console-app","exp":2000,"nonce":"n-0S6"}"#,
        );
        assert_eq!(check_id_token(&single_audience, &EXPECTED, 1000.0), Ok(()));
    }

    #[test]
    fn a_wrong_id_token_is_refused_with_the_reason() {
        let cases = [
            (
                r#"{"iss":"https://evil.example","aud":"console-app","exp":2000,"nonce":"n-0S6"}"#,
                "issued by",
            ),
            (
                r#"{"iss":"https://acme.zitadel.cloud","aud":"other","exp":2000,"nonce":"n-0S6"}"#,
                "aud",
            ),
            (
                r#"{"iss":"https://acme.zitadel.cloud","aud":["console-app"],"azp":"other","exp":2000,"nonce":"n-0S6"}"#,
                "azp",
            ),
            (
                r#"{"iss":"https://acme.zitadel.cloud","aud":"console-app","exp":500,"nonce":"n-0S6"}"#,
                "expired",
            ),
            (
                r#"{"iss":"https://acme.zitadel.cloud","aud":"console-app","exp":2000,"nonce":"other"}"#,
                "nonce",
            ),
            (
                r#"{"iss":"https://acme.zitadel.cloud","aud":"console-app","exp":2000}"#,
                "nonce",
            ),
            (r#"{"aud":"console-app"}"#, "cannot be read"),
        ];
        for (claims, reason) in cases {
            let error = check_id_token(&jwt(claims), &EXPECTED, 1000.0).unwrap_err();
            assert!(error.to_string().contains(reason), "{claims}: {error}");
        }
        for garbage in ["", "a.b", "a.!!!.c", "a.b.c.d"] {
            assert!(
                check_id_token(garbage, &EXPECTED, 1000.0).is_err(),
                "{garbage}"
            );
        }
    }

    #[test]
    fn sign_out_returns_to_the_sign_in_page_without_a_token_in_the_url() {
        let url = sign_out_url(
            "https://acme.zitadel.cloud/oidc/v1/end_session",
            "console-app",
            &post_sign_out_url("https://console.example/admin/auth/callback"),
        )
        .unwrap();
        let pairs = query_pairs(&url);
        assert_eq!(param(&pairs, "client_id"), "console-app");
        assert_eq!(
            param(&pairs, "post_logout_redirect_uri"),
            "https://console.example/admin/sign-in"
        );
        assert!(!url.contains("id_token_hint"));
    }
}
