//! The one registered client: the lifecycle console, a public "User Agent" app with
//! authentication method NONE (contract §9). Like a ZITADEL app in development mode
//! it accepts loopback URIs on any port; the console may live under a sub-path, so
//! only the end of the redirect path is fixed.

use std::time::Duration;

/// The scope that puts ZITADEL's own project in a token's audience; ZITADEL's APIs
/// accept OIDC access tokens only with it (contract §9).
pub const API_AUDIENCE_SCOPE: &str = "urn:zitadel:iam:org:project:id:zitadel:aud";

/// The scopes the provider knows. Others are accepted and ignored.
pub const SCOPES: [&str; 4] = ["openid", "profile", "email", API_AUDIENCE_SCOPE];

/// How long access and ID tokens live unless `--oidc-token-lifetime` says otherwise:
/// ZITADEL's default (`AccessTokenLifetime: 12h`).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// The console's client id.
pub const CLIENT_ID: &str = "lifecycle-console";

/// The project the console's app belongs to: an ordinary project of the instance,
/// not ZITADEL's own (whose console gets other answers from ListMyProjectOrgs).
pub const PROJECT_ID: &str = "69629099999999990";

/// The path every redirect URI ends with, e.g. `/auth/callback` or
/// `/admin/auth/callback`.
pub const CALLBACK_PATH: &str = "/auth/callback";

/// The hosts the client's URIs may name.
const LOOPBACK_HOSTS: [&str; 2] = ["127.0.0.1", "localhost"];

/// `http://<loopback host>[:port]` and the rest of `uri` (path, query), if `uri` is an
/// absolute http URI on a loopback host, without user info or fragment.
fn split_loopback(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("http://")?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    if uri.contains('#') || !is_loopback_authority(authority) {
        return None;
    }
    Some((&uri[..uri.len() - path.len()], path))
}

/// `host` or `host:port` with a loopback host and a port of digits.
fn is_loopback_authority(authority: &str) -> bool {
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let port_ok = port.is_none_or(|port| {
        !port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
    });
    LOOPBACK_HOSTS.contains(&host) && port_ok
}

/// Whether `uri` is one of the client's redirect URIs: a loopback URI whose path ends
/// with `/auth/callback` (a query is allowed, RFC 6749 §3.1.2).
pub fn is_allowed_redirect_uri(uri: &str) -> bool {
    match split_loopback(uri) {
        Some((_, rest)) => {
            let path = rest.split('?').next().unwrap_or_default();
            path.ends_with(CALLBACK_PATH)
        }
        None => false,
    }
}

/// Whether `uri` is one of the client's post-logout redirect URIs: any loopback URI.
pub fn is_allowed_post_logout_uri(uri: &str) -> bool {
    split_loopback(uri).is_some()
}

/// Whether a request's `Origin` is one of the client's allowed origins, i.e. the
/// origin of one of its redirect URIs (ZITADEL's `AUTH-DZG21` check). An origin is
/// exactly `scheme://host[:port]`, nothing after it.
pub fn is_allowed_origin(origin: &str) -> bool {
    split_loopback(origin).is_some_and(|(_, rest)| rest.is_empty())
}

/// `uri` with `pairs` added to its query, form-encoded.
pub fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        query.append_pair(name, value);
    }
    let query = query.finish();
    if query.is_empty() {
        return uri.to_string();
    }
    let separator = match uri.find('?') {
        None => "?",
        Some(at) if at + 1 == uri.len() || uri.ends_with('&') => "",
        Some(_) => "&",
    };
    format!("{uri}{separator}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_loopback_callbacks() {
        for uri in [
            "http://127.0.0.1:8080/auth/callback",
            "http://localhost:5173/auth/callback",
            "http://127.0.0.1:8080/admin/auth/callback",
            "http://127.0.0.1:8080/auth/callback?from=login",
            "http://localhost/auth/callback",
        ] {
            assert!(is_allowed_redirect_uri(uri), "{uri}");
        }
        for uri in [
            "https://127.0.0.1:8080/auth/callback",
            "http://evil.example/auth/callback",
            "http://127.0.0.1.evil.example/auth/callback",
            "http://user@127.0.0.1:8080/auth/callback",
            "http://127.0.0.1:8080@evil.example/auth/callback",
            "http://127.0.0.1:80a/auth/callback",
            "http://127.0.0.1:8080/auth/callback#x",
            "http://127.0.0.1:8080/auth/callback/more",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080?x=/auth/callback",
            "//127.0.0.1:8080/auth/callback",
            "",
        ] {
            assert!(!is_allowed_redirect_uri(uri), "{uri}");
        }
    }

    #[test]
    fn post_logout_uris_may_have_any_loopback_path() {
        assert!(is_allowed_post_logout_uri("http://127.0.0.1:8080/"));
        assert!(is_allowed_post_logout_uri("http://localhost:8080/admin/"));
        assert!(is_allowed_post_logout_uri("http://localhost:8080"));
        assert!(!is_allowed_post_logout_uri("http://example.com/"));
    }

    #[test]
    fn origins_are_loopback_origins() {
        assert!(is_allowed_origin("http://127.0.0.1:38421"));
        assert!(is_allowed_origin("http://localhost:8080"));
        for origin in [
            "http://127.0.0.1:38421/",
            "https://127.0.0.1:38421",
            "http://evil.example",
            "null",
            "",
        ] {
            assert!(!is_allowed_origin(origin), "{origin}");
        }
    }

    #[test]
    fn query_pairs_are_appended_and_encoded() {
        let base = "http://127.0.0.1:1/auth/callback";
        assert_eq!(
            with_query(base, &[("code", "a b"), ("state", "x&y")]),
            format!("{base}?code=a+b&state=x%26y")
        );
        assert_eq!(
            with_query(&format!("{base}?from=login"), &[("code", "c")]),
            format!("{base}?from=login&code=c")
        );
        assert_eq!(with_query(base, &[]), base);
    }
}
