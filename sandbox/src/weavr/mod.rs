//! Weavr authorised users (contract WEAVR.md), for both products that have them:
//! Multi (`/multi/users…`) and Embedded Payment Run (`/payment-run/v1/users…`).
//!
//! Two surfaces, under prefixes that never collide with the app's own routes:
//! * `/weavr-upstream/…`: the Weavr API itself. It wants the secret `api-key` header
//!   and `Authorization: Bearer <auth_token>`;
//! * `/weavr/…`: the same-origin proxy a deployment puts in front of it (what
//!   deploy/nginx.conf does in production). It drops any client `api-key`, adds the
//!   server's, and passes the allowed paths on, in-process. The app only calls these.

pub mod account;
pub mod commands;
pub mod gate;
pub mod handlers;
pub mod idempotency;
pub mod seed;
pub mod store;
pub mod wire;

pub use crate::paths::{is_weavr_path, PROXY_PREFIX, UPSTREAM_PREFIX};
pub use wire::{add_request_ref, Product, REQUEST_REF_HEADER};

use crate::faults::spec::DeferredLatency;
use crate::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use tower::ServiceExt;

/// The Weavr API (`/weavr-upstream/…`) of both products.
pub fn upstream_routes(state: AppState) -> Router<AppState> {
    Router::new()
        .merge(product_routes(state.clone(), Product::Multi))
        .merge(product_routes(state, Product::PaymentRun))
        .route("/weavr-upstream/{*rest}", any(unknown_path))
}

fn product_routes(state: AppState, product: Product) -> Router<AppState> {
    let base = product.upstream_base();
    Router::new()
        .route(
            &format!("{base}/users"),
            get(move |store, query| handlers::list_users(product, store, query)),
        )
        .route(
            &format!("{base}/users/{{user_id}}"),
            get(move |store, id| handlers::get_user(product, store, id)),
        )
        .route(
            &format!("{base}/users/{{user_id}}/activate"),
            post(move |store, holder, id| handlers::set_active(product, true, store, holder, id)),
        )
        .route(
            &format!("{base}/users/{{user_id}}/deactivate"),
            post(move |store, holder, id| handlers::set_active(product, false, store, holder, id)),
        )
        .route(
            &format!("{base}/login_with_password"),
            post(move |store, body| handlers::login(product, store, body)),
        )
        .route(&format!("{base}/logout"), post(handlers::logout))
        .route_layer(middleware::from_fn(move |request: Request, next: Next| {
            gate::gate(state.clone(), product, request, next)
        }))
}

/// A path the sandbox's Weavr API does not have.
async fn unknown_path() -> Response {
    let mut response = wire::json(
        StatusCode::NOT_FOUND,
        &serde_json::json!({"code": "NOT_FOUND", "message": "Not found"}),
    );
    add_request_ref(&mut response, &crate::random::hex(12));
    response
}

/// The paths the proxy passes on, per product (WEAVR.md §1: users, login, logout,
/// access token, step-up, roles). Anything else never reaches Weavr.
fn proxy_allows(product: Product, rest: &str) -> bool {
    let allowed_prefixes: &[&str] = match product {
        Product::Multi => &[
            "users",
            "login_with_password",
            "logout",
            "access_token",
            "stepup/",
            "roles",
        ],
        Product::PaymentRun => &[
            "v1/users",
            "v1/login_with_password",
            "v1/logout",
            "v1/stepup/",
        ],
    };
    !rest
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
        && allowed_prefixes.iter().any(|prefix| {
            rest == prefix.trim_end_matches('/')
                || rest
                    .strip_prefix(prefix)
                    .is_some_and(|after| prefix.ends_with('/') || after.starts_with('/'))
        })
}

/// The built-in proxy (`/weavr/multi/…`, `/weavr/payment-run/…`), in front of `upstream`.
pub fn proxy_routes(upstream: Router) -> Router<AppState> {
    Router::new().route(
        "/weavr/{product}/{*rest}",
        any(
            move |State(state): State<AppState>,
                  Path((product, rest)): Path<(String, String)>,
                  request: Request| {
                proxy(state, upstream.clone(), product, rest, request)
            },
        ),
    )
}

async fn proxy(
    state: AppState,
    upstream: Router,
    product: String,
    rest: String,
    request: Request,
) -> Response {
    let product = match product.as_str() {
        "multi" => Product::Multi,
        "payment-run" => Product::PaymentRun,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    if !proxy_allows(product, &rest) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let query = request
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let Ok(uri) = format!("{UPSTREAM_PREFIX}{}/{rest}{query}", product.key()).parse::<Uri>() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    // A new request, as a proxy sends one: this router's extensions (its own path
    // parameters above all) must not reach the upstream router. Only a latency fault
    // to be served upstream travels along.
    let latency = request.extensions().get::<DeferredLatency>().cloned();
    let (parts, body) = request.into_parts();
    let mut request = Request::new(body);
    *request.method_mut() = parts.method;
    *request.uri_mut() = uri;
    *request.headers_mut() = parts.headers;
    if let Some(latency) = latency {
        request.extensions_mut().insert(latency);
    }
    let headers = request.headers_mut();
    headers.remove(gate::API_KEY_HEADER);
    match HeaderValue::from_str(&state.settings.weavr_api_key) {
        Ok(key) => {
            headers.insert(gate::API_KEY_HEADER, key);
        }
        Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
    }
    // Status, body and every header (request-ref, x-ratelimit-*) come back as they are.
    match upstream.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_passes_only_the_listed_paths() {
        for (product, rest) in [
            (Product::Multi, "users"),
            (Product::Multi, "users/1/deactivate"),
            (Product::Multi, "login_with_password"),
            (Product::Multi, "stepup/challenges/otp/SMS"),
            (Product::PaymentRun, "v1/users/1"),
            (Product::PaymentRun, "v1/logout"),
        ] {
            assert!(proxy_allows(product, rest), "{rest}");
        }
        for (product, rest) in [
            (Product::Multi, "corporates"),
            (Product::Multi, "usersx"),
            (Product::Multi, "users/../corporates"),
            (Product::PaymentRun, "users"),
            (Product::PaymentRun, "v1/buyers"),
        ] {
            assert!(!proxy_allows(product, rest), "{rest}");
        }
    }
}
