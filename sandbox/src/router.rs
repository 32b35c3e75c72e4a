//! The whole HTTP surface: API routes, health check, static app, CORS.

use crate::db::Store;
use crate::errors::ApiError;
use crate::static_files::SpaFiles;
use crate::zitadel_v2;
use axum::extract::Request;
use axum::http::{HeaderName, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::path::PathBuf;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Paths that belong to the API (ZITADEL's, the sandbox's own, and those later provider
/// APIs will use). They never fall back to the app's `index.html`: an unknown API path
/// is a JSON 404. Kept specific so that app routes such as `/auth/callback` still work.
const API_PREFIXES: [&str; 12] = [
    "/v1/",
    "/v2/",
    "/v2beta/",
    "/resources/v3alpha/",
    "/management/v1/",
    "/admin/v1/",
    "/auth/v1/",
    "/system/v1/",
    "/zitadel.",
    "/oauth/v2/",
    "/oidc/v1/",
    "/debug/",
];

pub fn is_api_path(path: &str) -> bool {
    API_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

/// Builds the application. `serve_dir` is the built app to serve, if any.
pub fn app(store: Store, serve_dir: Option<PathBuf>) -> Router {
    let spa = serve_dir.map(|dir| SpaFiles::new(&dir));
    Router::new()
        .route("/debug/healthz", get(healthz))
        .merge(zitadel_v2::routes(store.clone()))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(move |request: Request| fallback(spa.clone(), request))
        .layer(cors())
        .with_state(store)
}

/// For the test harness and start scripts: no auth, no database access.
async fn healthz() -> &'static str {
    "ok"
}

async fn method_not_allowed() -> Response {
    ApiError::method_not_allowed().into_response()
}

async fn fallback(spa: Option<SpaFiles>, request: Request) -> Response {
    match spa {
        Some(spa) if !is_api_path(request.uri().path()) => {
            if request.method() == Method::GET || request.method() == Method::HEAD {
                spa.serve(request).await
            } else {
                ApiError::method_not_allowed().into_response()
            }
        }
        _ => ApiError::route_not_found().into_response(),
    }
}

/// ZITADEL's CORS policy (contract §10): any origin, with credentials.
pub fn cors() -> CorsLayer {
    const ALLOWED_HEADERS: [&str; 12] = [
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
    const EXPOSED_HEADERS: [&str; 5] = [
        "location",
        "content-length",
        "grpc-status",
        "grpc-message",
        "grpc-status-details-bin",
    ];
    CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_credentials(true)
        .allow_methods([
            Method::OPTIONS,
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers(ALLOWED_HEADERS.map(HeaderName::from_static))
        .expose_headers(EXPOSED_HEADERS.map(HeaderName::from_static))
}
