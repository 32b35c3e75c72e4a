//! What every Weavr API request passes before its handler, in order: the `api-key`
//! (401), the bearer token (401), Payment Run's ADMIN role (403), the
//! `idempotency-ref` record (replay / 409), then any deferred `latency` fault. Every
//! answer gets a `request-ref` header, except 409 (the spec declares none there).

use super::idempotency::Begin;
use super::store::{self, TokenHolder};
use super::wire::{self, add_request_ref, Product};
use crate::faults::spec::DeferredLatency;
use crate::random;
use crate::state::AppState;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The header carrying the account's secret API key.
pub const API_KEY_HEADER: &str = "api-key";
pub const IDEMPOTENCY_HEADER: &str = "idempotency-ref";

/// Middleware for the routes of one product.
pub async fn gate(state: AppState, product: Product, mut request: Request, next: Next) -> Response {
    let latency = request.extensions_mut().remove::<DeferredLatency>();
    let request_ref = random::hex(12);
    let mut response = admit_and_run(&state, product, request, next, latency, &request_ref).await;
    add_request_ref(&mut response, &request_ref);
    response
}

async fn admit_and_run(
    state: &AppState,
    product: Product,
    mut request: Request,
    next: Next,
    latency: Option<DeferredLatency>,
    request_ref: &str,
) -> Response {
    let path = request.uri().path().to_string();
    let holder = match admit(state, product, request.headers(), &path).await {
        Ok(holder) => holder,
        Err(rejection) => {
            wait(&latency).await;
            return rejection;
        }
    };
    if let Some(holder) = holder {
        request.extensions_mut().insert(holder);
    }
    let ticket = match idempotency_key(&request) {
        None => None,
        Some(key) => match state.idempotency.begin(key) {
            Begin::Replay(answer) => {
                wait(&latency).await;
                return answer.into_response();
            }
            Begin::InProgress => {
                wait(&latency).await;
                return wire::request_in_progress();
            }
            Begin::Started(ticket) => Some(ticket),
        },
    };
    let request_ref = request_ref.to_string();
    let work = async move {
        // Served here, after the reference is registered: a duplicate sent
        // meanwhile finds this request in progress.
        wait(&latency).await;
        let mut response = next.run(request).await;
        match ticket {
            Some(ticket) => {
                // The stored answer replays with this request's reference.
                add_request_ref(&mut response, &request_ref);
                ticket.finish(response).await
            }
            None => response,
        }
    };
    // As on a real server, a client that gives up (a browser timeout) does not
    // cancel the work: it runs to the end and its answer is kept for a retry
    // with the same reference. axum would drop the handler with the connection.
    match tokio::spawn(work).await {
        Ok(response) => response,
        Err(_) => wire::no_body(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

async fn wait(latency: &Option<DeferredLatency>) {
    if let Some(latency) = latency {
        latency.serve().await;
    }
}

/// Checks the api-key and, except for login, the token; `Ok(None)` for login. Takes
/// the headers rather than the request, whose body may not be shared across an await.
async fn admit(
    state: &AppState,
    product: Product,
    headers: &HeaderMap,
    path: &str,
) -> Result<Option<TokenHolder>, Response> {
    let api_key = headers.get(API_KEY_HEADER).and_then(|v| v.to_str().ok());
    if api_key != Some(state.settings.weavr_api_key.as_str()) {
        return Err(wire::no_body(StatusCode::UNAUTHORIZED));
    }
    if path.ends_with("/login_with_password") {
        return Ok(None);
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|token| !token.is_empty())
        .map(str::to_string)
        .ok_or_else(|| wire::no_body(StatusCode::UNAUTHORIZED))?;
    let holder = state
        .store
        .call(move |conn| store::token_holder(conn, product, &token))
        .await
        .map_err(|_| wire::no_body(StatusCode::INTERNAL_SERVER_ERROR))?
        .ok_or_else(|| wire::no_body(StatusCode::UNAUTHORIZED))?;
    // "Required user role: ADMIN" on every Payment Run /v1/users operation.
    if product == Product::PaymentRun && path.contains("/v1/users") && !holder.has_role("ADMIN") {
        return Err(wire::insufficient_permissions());
    }
    Ok(Some(holder))
}

/// The record key of an activate/deactivate with an `idempotency-ref`: the path names
/// product, user and operation.
fn idempotency_key(request: &Request) -> Option<String> {
    let path = request.uri().path();
    let is_state_change = request.method() == Method::POST
        && (path.ends_with("/activate") || path.ends_with("/deactivate"));
    let reference = request
        .headers()
        .get(IDEMPOTENCY_HEADER)?
        .to_str()
        .ok()
        .filter(|r| !r.is_empty())?;
    is_state_change.then(|| format!("{path}\n{reference}"))
}
