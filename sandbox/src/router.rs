//! The whole HTTP surface: API routes, the OIDC provider, health check, faults, static
//! app, CORS.

use crate::db::Store;
use crate::errors::ApiError;
pub use crate::paths::is_api_path;
use crate::state::{AppState, Settings};
use crate::static_files::SpaFiles;
use crate::{
    auth_v1, faults, management_v1, oidc, org_v2, session_v2, switches, weavr, zitadel_v2,
    zitadel_v3alpha,
};
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::path::PathBuf;

/// Builds the application with the default settings. `serve_dir` is the built app to
/// serve, if any.
pub fn app(store: Store, serve_dir: Option<PathBuf>) -> Router {
    app_with(AppState::new(store, Settings::default()), serve_dir)
}

/// Builds the application on `state`. Layers, outermost first: CORS (so that even
/// fault answers can be read cross-origin, and preflights are never faulted), faults,
/// the language of error texts, the routes the imitated ZITADEL release lacks, then
/// the routes with their own auth.
pub fn app_with(state: AppState, serve_dir: Option<PathBuf>) -> Router {
    let spa = serve_dir.map(|dir| SpaFiles::new(&dir));
    let store = state.store.clone();
    // The proxy passes requests on to its own copy of the Weavr API, in-process.
    let weavr_upstream = weavr::upstream_routes(state.clone()).with_state(state.clone());
    Router::new()
        .route("/debug/healthz", get(healthz))
        .merge(faults::debug::routes())
        .merge(switches::debug_routes())
        .merge(oidc::debug::routes())
        .merge(oidc::routes())
        .merge(zitadel_v2::routes(store.clone()))
        .merge(zitadel_v3alpha::routes(store.clone()))
        .merge(management_v1::routes(store.clone()))
        .merge(auth_v1::routes(store.clone()))
        .merge(session_v2::routes(store.clone()))
        .merge(org_v2::routes(store))
        .merge(weavr::upstream_routes(state.clone()))
        .merge(weavr::proxy_routes(weavr_upstream))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(move |request: Request| fallback(spa.clone(), request))
        .layer(middleware::from_fn_with_state(
            state.switches.clone(),
            switches::gate_routes,
        ))
        .layer(middleware::from_fn(crate::i18n::apply))
        .layer(middleware::from_fn_with_state(state.clone(), faults::apply))
        .layer(middleware::from_fn(crate::cors::apply))
        .with_state(state)
}

/// For the test harness and start scripts: no auth, no database access.
async fn healthz() -> &'static str {
    "ok"
}

/// The gateway's 405 for ZITADEL paths; Weavr paths get a bare 405.
async fn method_not_allowed(request: Request) -> Response {
    if weavr::is_weavr_path(request.uri().path()) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
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
        _ if weavr::is_weavr_path(request.uri().path()) => StatusCode::NOT_FOUND.into_response(),
        _ => ApiError::route_not_found().into_response(),
    }
}
