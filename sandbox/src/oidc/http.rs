//! What the provider's endpoints share: request parameters, the issuer, the session
//! cookie and the plain answers.

use super::pages;
use crate::errors::json_response;
use crate::query::{query_pairs, query_value};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The cookie that names the browser's sign-in session: 32 hex digits.
pub const SESSION_COOKIE: &str = "sandbox_oidc_session";

/// The parameters of a request, from its query or its form body. A parameter sent
/// empty counts as not sent (RFC 6749 §3.1); a repeated one, as its last value.
pub(super) struct Params(pub(super) Vec<(String, String)>);

impl Params {
    pub(super) fn from_query(uri: &Uri) -> Self {
        Params(query_pairs(uri.query()))
    }

    pub(super) fn from_form(body: &[u8]) -> Self {
        Params(query_pairs(Some(&String::from_utf8_lossy(body))))
    }

    pub(super) fn get(&self, key: &str) -> Option<&str> {
        query_value(&self.0, key).filter(|value| !value.is_empty())
    }

    pub(super) fn owned(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_string)
    }
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

/// RFC 6750 §3.1: 401 with a `WWW-Authenticate` challenge.
pub(super) fn invalid_token() -> Response {
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

/// The browser's session, from its cookie.
pub(super) fn session_cookie(headers: &HeaderMap) -> Option<String> {
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
pub(super) fn with_session_cookie(mut response: Response, session: Option<&str>) -> Response {
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
pub(super) fn see_other(location: &str) -> Response {
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
pub(super) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
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
}
