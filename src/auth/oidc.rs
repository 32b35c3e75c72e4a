//! "Sign in with ZITADEL": the OpenID Connect authorization code flow with
//! PKCE (S256), state and nonce (contracts/ZITADEL.md §9), on the browser's
//! own primitives: `crypto.getRandomValues` for the secrets, `SubtleCrypto`
//! for the S256 challenge, and the console's fetch for discovery and the
//! token exchange. What is protocol (the request's parameters, the checks of
//! the callback, the token answer and the ID token) is plain Rust below,
//! tested natively.

use base64::Engine;
use serde::{Deserialize, Serialize};
use std::time::Duration;

use crate::config::OidcClient;
use crate::http::{ApiRequest, ApiResponse, HttpClient, Method};
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
    NoWebCrypto,
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
            SignInError::NoWebCrypto => tr!(signin.error_no_web_crypto).to_string(),
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

/// Whether `address` is an absolute http(s) URL with a host: what the browser
/// may be sent to, or a code posted to. Anything else (`javascript:`, a
/// relative path, spaces) is refused before it is used.
fn is_http_url(address: &str) -> bool {
    let rest = address
        .strip_prefix("https://")
        .or_else(|| address.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    !host.is_empty()
        && !host.starts_with(':')
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

fn url_or_refuse(what: &str, address: &str) -> Result<(), SignInError> {
    if is_http_url(address) {
        Ok(())
    } else {
        Err(SignInError::BadDiscovery(tr!(
            signin.discovery_not_a_url,
            what,
            error = address
        )))
    }
}

/// `application/x-www-form-urlencoded`, as the URL standard serializes it
/// (and `URLSearchParams` does): the query of the authorization request and
/// the body of the token request.
fn form_encode(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_component(&mut out, name);
        out.push('=');
        encode_component(&mut out, value);
    }
    out
}

fn encode_component(out: &mut String, text: &str) {
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(byte >> 4)] as char);
                out.push(HEX[usize::from(byte & 15)] as char);
            }
        }
    }
}

/// `endpoint` with `pairs` added to its query, before any fragment.
fn with_query(endpoint: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match endpoint.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (endpoint, None),
    };
    let separator = match base.find('?') {
        None => "?",
        Some(at) if at + 1 == base.len() || base.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut url = format!("{base}{separator}{}", form_encode(pairs));
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

fn base64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The PKCE S256 challenge (RFC 7636 §4.2): BASE64URL of the verifier's
/// SHA-256 digest. The browser computes the digest (`SubtleCrypto`).
fn s256_challenge(verifier_digest: &[u8]) -> String {
    base64url(verifier_digest)
}

/// The three secrets of one sign-in, 32 random bytes each, base64url: the
/// state (binds the callback to this tab), the nonce (binds the ID token to
/// this sign-in) and the PKCE verifier (43 characters, RFC 7636 §4.1).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Secrets {
    state: String,
    nonce: String,
    verifier: String,
}

const SECRET_BYTES: usize = 32;

impl Secrets {
    fn from_random(bytes: &[u8; 3 * SECRET_BYTES]) -> Secrets {
        let part = |n: usize| base64url(&bytes[n * SECRET_BYTES..(n + 1) * SECRET_BYTES]);
        Secrets {
            state: part(0),
            nonce: part(1),
            verifier: part(2),
        }
    }

    /// Fresh secrets from the browser's cryptographic random generator.
    fn fresh() -> Result<Secrets, SignInError> {
        let mut bytes = [0u8; 3 * SECRET_BYTES];
        web_sys::window()
            .and_then(|w| w.crypto().ok())
            .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).ok())
            .ok_or(SignInError::NoWebCrypto)?;
        Ok(Secrets::from_random(&bytes))
    }
}

/// SHA-256 of `text` by the browser (`crypto.subtle.digest`).
async fn sha256(text: &str) -> Result<Vec<u8>, SignInError> {
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|crypto| crypto.subtle())
        .ok_or(SignInError::NoWebCrypto)?;
    let promise = subtle
        .digest_with_str_and_u8_array("SHA-256", text.as_bytes())
        .map_err(|_| SignInError::NoWebCrypto)?;
    let digest = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| SignInError::NoWebCrypto)?;
    Ok(js_sys::Uint8Array::new(&digest).to_vec())
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

/// The authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core
/// §3.1.2.1): where to send the browser, and what to keep. `challenge` is
/// the S256 challenge of `secrets.verifier`.
fn authorization(
    connection: &str,
    oidc: &OidcClient,
    discovery: &Discovery,
    redirect_uri: &str,
    next: &str,
    secrets: Secrets,
    challenge: &str,
) -> Result<(String, Pending), SignInError> {
    url_or_refuse("authorization_endpoint", &discovery.authorization_endpoint)?;
    url_or_refuse("token_endpoint", &discovery.token_endpoint)?;
    url_or_refuse(tr!(signin.the_redirect_uri), redirect_uri)?;
    let scope = SCOPES.join(" ");
    let url = with_query(
        &discovery.authorization_endpoint,
        &[
            ("response_type", "code"),
            ("client_id", &oidc.client_id),
            ("state", &secrets.state),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("redirect_uri", redirect_uri),
            ("scope", &scope),
            ("nonce", &secrets.nonce),
        ],
    );
    let pending = Pending {
        connection: connection.to_string(),
        state: secrets.state,
        verifier: secrets.verifier,
        nonce: secrets.nonce,
        next: next.to_string(),
        redirect_uri: redirect_uri.to_string(),
        discovery_issuer: discovery.issuer.clone(),
        authorization_endpoint: discovery.authorization_endpoint.clone(),
        token_endpoint: discovery.token_endpoint.clone(),
        end_session_endpoint: discovery.end_session_endpoint.clone(),
    };
    Ok((url, pending))
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
    let secrets = Secrets::fresh()?;
    let challenge = s256_challenge(&sha256(&secrets.verifier).await?);
    let (url, pending) = authorization(
        connection,
        oidc,
        &discovery,
        redirect_uri,
        next,
        secrets,
        &challenge,
    )?;
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

/// The token request (RFC 6749 §4.1.3, RFC 7636 §4.5): a public client's
/// form post with the code, the exact redirect URI and the PKCE verifier.
fn token_request(pending: &Pending, client_id: &str, code: &str) -> ApiRequest {
    ApiRequest {
        method: Method::Post,
        // An absolute URL: the client's empty base leaves it as it is.
        path: pending.token_endpoint.clone(),
        body: Some(form_encode(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &pending.redirect_uri),
            ("client_id", client_id),
            ("code_verifier", &pending.verifier),
        ])),
        content_type: "application/x-www-form-urlencoded",
        headers: Vec::new(),
    }
}

/// The parts of a successful token answer the console uses (RFC 6749 §5.1).
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    id_token: Option<String>,
}

/// A refusal from the token endpoint (RFC 6749 §5.2).
#[derive(Deserialize)]
struct TokenRefusal {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Reads the token endpoint's answer: the access and ID tokens, or why not.
fn read_token_answer(response: &ApiResponse) -> Result<(String, String), SignInError> {
    let exchange = SignInError::Exchange;
    if !response.is_success() {
        return Err(exchange(
            match serde_json::from_str::<TokenRefusal>(&response.body) {
                Ok(TokenRefusal {
                    error,
                    error_description: Some(description),
                }) => format!("{description} ({error})"),
                Ok(TokenRefusal { error, .. }) => error,
                Err(_) => tr!(
                    signin.answer_unreadable,
                    error = format!("HTTP {}", response.status)
                ),
            },
        ));
    }
    let answer: TokenAnswer = serde_json::from_str(&response.body)
        .map_err(|e| exchange(tr!(signin.answer_unreadable, error = e)))?;
    let id_token = answer
        .id_token
        .ok_or_else(|| SignInError::IdToken(tr!(signin.token_response_has_no_id_token).into()))?;
    Ok((answer.access_token, id_token))
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
    url_or_refuse("token_endpoint", &pending.token_endpoint)?;
    let response = HttpClient::new("", timeout)
        .send(&token_request(&pending, &oidc.client_id, &code), None, None)
        .await
        .map_err(|error| SignInError::Exchange(format!("{error}. {}", error.advice())))?;
    let (access_token, id_token) = read_token_answer(&response)?;
    check_id_token(
        &id_token,
        &ExpectedIdToken {
            issuer: &pending.discovery_issuer,
            client_id: &oidc.client_id,
            nonce: &pending.nonce,
        },
        js_sys::Date::now() / 1000.0,
    )?;
    let sign_out_url = pending
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
        access_token,
        sign_out_url,
        next: pending.next,
    })
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
    is_http_url(endpoint).then(|| {
        with_query(
            endpoint,
            &[
                ("client_id", client_id),
                ("post_logout_redirect_uri", post_sign_out),
            ],
        )
    })
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
    // From text rather than bytes: every other answer is read from a `&str`, and
    // serde_json's reader for bytes would be a second copy of its parser.
    let claims: IdTokenClaims = std::str::from_utf8(&bytes)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(text).map_err(|e| e.to_string()))
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

/// In the browser: the secrets come from its random generator, and its
/// SHA-256 gives RFC 7636's example challenge.
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use super::*;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    async fn the_browser_computes_rfc_7636s_s256_challenge() {
        let digest = sha256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
            .await
            .unwrap();
        assert_eq!(
            s256_challenge(&digest),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[wasm_bindgen_test]
    fn every_sign_in_gets_fresh_secrets() {
        let a = Secrets::fresh().unwrap();
        let b = Secrets::fresh().unwrap();
        assert_ne!(a.state, b.state);
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.verifier, b.verifier);
        assert_ne!(a.state, a.verifier);
        assert_eq!(a.verifier.len(), 43);
    }
}

/// Natively, where sha2 stands in for the browser's SHA-256.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use sha2::Digest;

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

    /// SHA-256 natively, where the browser's `SubtleCrypto` is not.
    fn challenge_of(verifier: &str) -> String {
        s256_challenge(&sha2::Sha256::digest(verifier.as_bytes()))
    }

    fn secrets(seed: u8) -> Secrets {
        let mut bytes = [0u8; 3 * SECRET_BYTES];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = seed.wrapping_mul(31).wrapping_add(i as u8);
        }
        Secrets::from_random(&bytes)
    }

    fn authorize(
        discovery: &Discovery,
        redirect: &str,
        next: &str,
    ) -> Result<(String, Pending), SignInError> {
        let secrets = secrets(1);
        let challenge = challenge_of(&secrets.verifier);
        authorization(
            "Prod",
            &oidc(),
            discovery,
            redirect,
            next,
            secrets,
            &challenge,
        )
    }

    /// Decodes a form-encoded query or body, as a server reads it.
    fn form_pairs(text: &str) -> Vec<(String, String)> {
        let decode = |part: &str| {
            let bytes = part.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'+' => out.push(b' '),
                    b'%' => {
                        out.push(u8::from_str_radix(&part[i + 1..i + 3], 16).unwrap());
                        i += 2;
                    }
                    byte => out.push(byte),
                }
                i += 1;
            }
            String::from_utf8(out).unwrap()
        };
        text.split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(name), decode(value))
            })
            .collect()
    }

    fn query_pairs(url: &str) -> Vec<(String, String)> {
        let query = url.split_once('?').map_or("", |(_, q)| q);
        form_pairs(query.split('#').next().unwrap())
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
        let (url, pending) = authorize(&discovery(), redirect, "/users/1").unwrap();
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
        assert_eq!(
            param(&pairs, "code_challenge"),
            challenge_of(&pending.verifier)
        );
        assert!((43..=128).contains(&pending.verifier.len()));
        // Nothing secret beyond the challenge leaves the tab.
        assert!(!url.contains(&pending.verifier));
        assert_eq!(pending.next, "/users/1");
        assert_eq!(pending.redirect_uri, redirect);
    }

    #[test]
    fn an_endpoint_with_a_query_keeps_it() {
        let mut discovery = discovery();
        discovery.authorization_endpoint = "https://idp.example/authorize?tenant=a".into();
        let (url, _) = authorize(&discovery, "https://c/auth/callback", "/").unwrap();
        assert!(url.starts_with("https://idp.example/authorize?tenant=a&response_type=code&"));
    }

    #[test]
    fn endpoints_and_the_redirect_uri_must_be_http_urls() {
        for endpoint in [
            "javascript:alert(1)",
            "/oauth/v2/authorize",
            "https://",
            "https:// x",
        ] {
            let mut bad = discovery();
            bad.authorization_endpoint = endpoint.into();
            assert!(
                matches!(
                    authorize(&bad, "https://c/auth/callback", "/"),
                    Err(SignInError::BadDiscovery(_))
                ),
                "{endpoint}"
            );
            let mut bad = discovery();
            bad.token_endpoint = endpoint.into();
            assert!(authorize(&bad, "https://c/auth/callback", "/").is_err());
        }
        assert!(authorize(&discovery(), "auth/callback", "/").is_err());
        assert!(authorize(&discovery(), "http://127.0.0.1:8080/auth/callback", "/").is_ok());
    }

    #[test]
    fn secrets_are_32_random_bytes_each_and_all_different() {
        let a = secrets(1);
        let b = secrets(2);
        for secret in [&a.state, &a.nonce, &a.verifier] {
            assert_eq!(secret.len(), 43);
            assert!(secret
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        }
        assert_ne!(a.state, a.nonce);
        assert_ne!(a.nonce, a.verifier);
        assert_ne!(a.state, b.state);
        assert_ne!(a.verifier, b.verifier);
    }

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        // The verifier of appendix B is the base64url of these 32 octets.
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let verifier = base64url(&octets);
        assert_eq!(verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge_of(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn form_encoding_follows_the_url_standard() {
        assert_eq!(
            form_encode(&[
                ("a b", "x&y=z"),
                ("scope", "openid urn:z"),
                ("e", "Zoë*-._~")
            ]),
            "a+b=x%26y%3Dz&scope=openid+urn%3Az&e=Zo%C3%AB*-._%7E"
        );
        assert_eq!(
            with_query("https://x/a#frag", &[("k", "v")]),
            "https://x/a?k=v#frag"
        );
        assert_eq!(with_query("https://x/a?", &[("k", "v")]), "https://x/a?k=v");
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
        authorize(&discovery(), "https://c/auth/callback", "/users/7")
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
        let no_state = Callback {
            state: None,
            ..ok.clone()
        };
        assert_eq!(
            accept_callback("Prod", Some(pending.clone()), &no_state),
            Err(SignInError::StateMismatch)
        );
        assert_eq!(
            accept_callback("Staging", Some(pending.clone()), &ok),
            Err(SignInError::OtherConnection("Prod".into()))
        );
        let no_code = Callback {
            code: Some(String::new()),
            ..ok.clone()
        };
        assert!(matches!(
            accept_callback("Prod", Some(pending.clone()), &no_code),
            Err(SignInError::Refused(_))
        ));
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

    #[test]
    fn the_token_request_posts_the_code_redirect_uri_and_verifier() {
        let pending = pending();
        let request = token_request(&pending, "console-app", "the code");
        assert_eq!(request.method, Method::Post);
        assert_eq!(request.path, "https://acme.zitadel.cloud/oauth/v2/token");
        assert_eq!(request.content_type, "application/x-www-form-urlencoded");
        let pairs = form_pairs(request.body.as_deref().unwrap());
        assert_eq!(param(&pairs, "grant_type"), "authorization_code");
        assert_eq!(param(&pairs, "code"), "the code");
        assert_eq!(param(&pairs, "redirect_uri"), "https://c/auth/callback");
        assert_eq!(param(&pairs, "client_id"), "console-app");
        assert_eq!(param(&pairs, "code_verifier"), pending.verifier);
        // The challenge sent earlier is the S256 of this verifier.
        let (url, _) = authorize(&discovery(), "https://c/auth/callback", "/users/7").unwrap();
        assert_eq!(
            param(&query_pairs(&url), "code_challenge"),
            challenge_of(&param(&pairs, "code_verifier"))
        );
    }

    #[test]
    fn the_token_answer_gives_both_tokens_or_the_reason() {
        let ok = ApiResponse::json(
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"id_token":"a.b.c"}"#,
        );
        assert_eq!(
            read_token_answer(&ok),
            Ok(("at".to_string(), "a.b.c".to_string()))
        );
        let no_id_token = ApiResponse::json(200, r#"{"access_token":"at","token_type":"Bearer"}"#);
        assert!(matches!(
            read_token_answer(&no_id_token),
            Err(SignInError::IdToken(_))
        ));
        let refused = ApiResponse::json(
            400,
            r#"{"error":"invalid_grant","error_description":"code_verifier does not match the code_challenge"}"#,
        );
        assert_eq!(
            read_token_answer(&refused),
            Err(SignInError::Exchange(
                "code_verifier does not match the code_challenge (invalid_grant)".into()
            ))
        );
        let bare = ApiResponse::json(400, r#"{"error":"invalid_client"}"#);
        assert_eq!(
            read_token_answer(&bare),
            Err(SignInError::Exchange("invalid_client".into()))
        );
        for garbage in [
            ApiResponse::json(502, "<html>Bad gateway</html>"),
            ApiResponse::json(200, "<html>"),
            ApiResponse::json(200, r#"{"token_type":"Bearer"}"#),
        ] {
            let error = read_token_answer(&garbage).unwrap_err();
            assert!(matches!(error, SignInError::Exchange(_)), "{error:?}");
            assert!(error.to_string().contains("could not be read"), "{error}");
        }
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
