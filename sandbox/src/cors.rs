//! CORS per API: ZITADEL's paths (and the app's files) get exactly ZITADEL's policy,
//! the Weavr and `/debug/` paths their own. Applied outermost, so that even fault answers can be read
//! cross-origin and preflights are never faulted.

use crate::{faults, weavr};
use axum::extract::Request;
use axum::http::{HeaderName, Method};
use axum::middleware::Next;
use axum::response::Response;
use std::convert::Infallible;
use tower::{Layer, ServiceExt};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// `DefaultCORSOptions` of `internal/api/http/middleware/cors_interceptor.go` (v4.13.1):
/// any origin, with credentials, these request headers...
pub const ZITADEL_ALLOWED_HEADERS: [&str; 12] = [
    "origin",
    "content-type",
    "accept",
    "accept-language",
    "authorization",
    "x-zitadel-orgid",
    "x-user-agent",
    "x-grpc-web",
    "x-requested-with",
    "connect-protocol-version",
    "connect-timeout-ms",
    "grpc-timeout",
];

/// ...and these response headers readable: not `Retry-After`, so a cross-origin page
/// cannot see it on ZITADEL's answers.
pub const ZITADEL_EXPOSED_HEADERS: [&str; 5] = [
    "location",
    "content-length",
    "grpc-status",
    "grpc-message",
    "grpc-status-details-bin",
];

const METHODS: [Method; 7] = [
    Method::OPTIONS,
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

fn names(headers: &[&'static str]) -> Vec<HeaderName> {
    headers
        .iter()
        .copied()
        .map(HeaderName::from_static)
        .collect()
}

fn policy(allowed: &[&'static str], exposed: &[&'static str]) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_credentials(true)
        .allow_methods(METHODS)
        .allow_headers(names(allowed))
        .expose_headers(names(exposed))
}

/// ZITADEL's policy.
pub fn zitadel() -> CorsLayer {
    policy(&ZITADEL_ALLOWED_HEADERS, &ZITADEL_EXPOSED_HEADERS)
}

/// The Weavr API and its proxy (WEAVR.md §1): the headers the proxy passes, the
/// sandbox's fault header, and Weavr's own answer headers, `Retry-After` included.
pub fn weavr() -> CorsLayer {
    let mut allowed = ZITADEL_ALLOWED_HEADERS.to_vec();
    allowed.extend([weavr::gate::IDEMPOTENCY_HEADER, faults::FAULT_HEADER]);
    policy(
        &allowed,
        &[
            "location",
            "content-length",
            weavr::REQUEST_REF_HEADER,
            "x-ratelimit-limit",
            "x-ratelimit-reset",
            "retry-after",
        ],
    )
}

/// The sandbox's own `/debug/…` endpoints. (The app's files get ZITADEL's policy,
/// which serves a page fetching them as well.)
pub fn sandbox() -> CorsLayer {
    let mut allowed = ZITADEL_ALLOWED_HEADERS.to_vec();
    allowed.push(faults::FAULT_HEADER);
    policy(&allowed, &["location", "content-length", "retry-after"])
}

/// Middleware: answers preflights and decorates answers with the policy of the path.
pub async fn apply(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let layer = if crate::paths::is_weavr_path(path) {
        weavr()
    } else if path.starts_with("/debug/") {
        sandbox()
    } else {
        zitadel()
    };
    let inner = tower::service_fn(move |request: Request| {
        let next = next.clone();
        async move { Ok::<_, Infallible>(next.run(request).await) }
    });
    match layer.layer(inner).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}
