//! ZITADEL user resources v3alpha over REST (`/resources/v3alpha/users…`, contract §6).
//!
//! Real servers keep this API behind a feature flag, answer GetUser with 501 and
//! SearchUsers with `{}`. The sandbox serves both for real, over the same users and
//! event store as the v2 service, so an app built against the schema can be tried.

mod commands;
mod search;
pub mod wire;

use crate::auth::{self, Caller};
use crate::db::Store;
use crate::errors::{json_response, ApiError};
use crate::query::{query_pairs, query_value};
use crate::state::AppState;
use crate::zitadel_v2::{readable_user, UserId};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
pub use commands::{OrgFilter, V3Action};
use wire::{ChangeResponse, Details, GetUser, GetUserResponse};

/// The routes of the v3alpha user service. Every one needs a valid bearer token.
pub fn routes(store: Store) -> Router<AppState> {
    Router::new()
        .route("/resources/v3alpha/users/_search", post(search_users))
        .route(
            "/resources/v3alpha/users/{id}",
            get(get_user).delete(delete_user),
        )
        .route(
            "/resources/v3alpha/users/{id}/_deactivate",
            post(deactivate),
        )
        .route("/resources/v3alpha/users/{id}/_activate", post(activate))
        .route("/resources/v3alpha/users/{id}/_lock", post(lock))
        .route("/resources/v3alpha/users/{id}/_unlock", post(unlock))
        .route_layer(middleware::from_fn_with_state(store, auth::require_caller))
}

/// `GET /resources/v3alpha/users/{id}`.
async fn get_user(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    UserId(user_id): UserId,
) -> Result<Response, ApiError> {
    let user = readable_user(&store, caller, user_id).await?;
    let response = GetUserResponse {
        user: GetUser::from(&user),
    };
    Ok(json_response(StatusCode::OK, &response))
}

/// `POST /resources/v3alpha/users/_search`: the body is the array of filters.
async fn search_users(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    let filters = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::json!([])
    } else {
        serde_json::from_slice(&body).map_err(|err| ApiError::invalid_body(&err.to_string()))?
    };
    let search = search::UserSearch::parse(&filters, &query_pairs(query.as_deref()))?;
    let response = store.call(move |conn| search.run(conn, &caller)).await?;
    Ok(json_response(StatusCode::OK, &response))
}

async fn deactivate(
    store: State<Store>,
    caller: Extension<Caller>,
    user_id: UserId,
    query: RawQuery,
) -> Result<Response, ApiError> {
    change_state(store, caller, user_id, query, V3Action::Deactivate).await
}

async fn activate(
    store: State<Store>,
    caller: Extension<Caller>,
    user_id: UserId,
    query: RawQuery,
) -> Result<Response, ApiError> {
    change_state(store, caller, user_id, query, V3Action::Activate).await
}

async fn lock(
    store: State<Store>,
    caller: Extension<Caller>,
    user_id: UserId,
    query: RawQuery,
) -> Result<Response, ApiError> {
    change_state(store, caller, user_id, query, V3Action::Lock).await
}

async fn unlock(
    store: State<Store>,
    caller: Extension<Caller>,
    user_id: UserId,
    query: RawQuery,
) -> Result<Response, ApiError> {
    change_state(store, caller, user_id, query, V3Action::Unlock).await
}

async fn delete_user(
    store: State<Store>,
    caller: Extension<Caller>,
    user_id: UserId,
    query: RawQuery,
) -> Result<Response, ApiError> {
    change_state(store, caller, user_id, query, V3Action::Delete).await
}

/// These RPCs take no body; like the gateway, ignore any that is sent.
async fn change_state(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    UserId(user_id): UserId,
    RawQuery(query): RawQuery,
    action: V3Action,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(query.as_deref());
    // grpc-gateway takes the camelCase and the proto (snake_case) name of a field.
    let param = |camel: &str, snake: &str| {
        query_value(&pairs, camel)
            .or_else(|| query_value(&pairs, snake))
            .map(str::to_string)
    };
    let org = OrgFilter {
        org_id: param("organization.orgId", "organization.org_id"),
        org_domain: param("organization.orgDomain", "organization.org_domain"),
    };
    let (user, event) = store
        .call(move |conn| commands::change_user_state(conn, &caller, &user_id, &org, action))
        .await?;
    let response = ChangeResponse {
        details: Details::of_change(&user, &event),
    };
    Ok(json_response(StatusCode::OK, &response))
}
