//! ZITADEL user resources v3alpha over REST (`/resources/v3alpha/users…`) as v4.13.1
//! serves them (`internal/api/grpc/resources/user/v3alpha/`): GetUser is not
//! implemented (501), SearchUsers answers `{}`, and the state changes act only on
//! schema users (`crate::schema_users`), never on v2 users. Every call but GetUser first
//! needs the instance feature "User Schema" (`checkUserSchemaEnabled`).

mod commands;
pub mod wire;

use crate::api_kit::UserId;
use crate::auth::{self, Caller};
use crate::db::Store;
use crate::errors::{json_response, ApiError, GrpcCode};
use crate::query::{query_pairs, query_value};
use crate::state::AppState;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
pub use commands::V3Action;
use wire::{ChangeResponse, Details};

/// The routes of the v3alpha user service. Every one needs a valid bearer token (their
/// auth option is `authenticated`, `user_service.proto`).
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

/// `checkUserSchemaEnabled`: 400, FailedPrecondition, id "TODO",
/// `Errors.UserSchema.NotEnabled` (`internal/static/i18n/en.yaml`).
fn check_user_schema_enabled(state: &AppState) -> Result<(), ApiError> {
    if state.switches.get().user_schema_feature {
        return Ok(());
    }
    Err(ApiError::zitadel(
        GrpcCode::FailedPrecondition,
        "TODO",
        "Feature \"User Schema\" is not enabled",
    ))
}

/// `GET /resources/v3alpha/users/{id}`: the server embeds
/// `UnimplementedZITADELUsersServer` and has no GetUser, so gRPC's own Unimplemented
/// status answers (no ZITADEL error detail), whatever the id and the feature.
async fn get_user() -> ApiError {
    ApiError::plain(
        StatusCode::NOT_IMPLEMENTED,
        GrpcCode::Unimplemented,
        "method GetUser not implemented",
    )
}

/// `POST /resources/v3alpha/users/_search`: an empty `SearchUsersResponse` (`query.go`),
/// whatever the filters.
async fn search_users(State(state): State<AppState>) -> Result<Response, ApiError> {
    check_user_schema_enabled(&state)?;
    Ok(json_response(StatusCode::OK, &serde_json::json!({})))
}

async fn deactivate(
    state: State<AppState>,
    caller: Extension<Caller>,
    user_id: UserId,
    query: RawQuery,
) -> Result<Response, ApiError> {
    change_state(state, caller, user_id, query, V3Action::Deactivate).await
}

async fn activate(
    state: State<AppState>,
    caller: Extension<Caller>,
    user_id: UserId,
    query: RawQuery,
) -> Result<Response, ApiError> {
    change_state(state, caller, user_id, query, V3Action::Activate).await
}

async fn lock(
    state: State<AppState>,
    caller: Extension<Caller>,
    user_id: UserId,
    query: RawQuery,
) -> Result<Response, ApiError> {
    change_state(state, caller, user_id, query, V3Action::Lock).await
}

async fn unlock(
    state: State<AppState>,
    caller: Extension<Caller>,
    user_id: UserId,
    query: RawQuery,
) -> Result<Response, ApiError> {
    change_state(state, caller, user_id, query, V3Action::Unlock).await
}

async fn delete_user(
    state: State<AppState>,
    caller: Extension<Caller>,
    user_id: UserId,
    query: RawQuery,
) -> Result<Response, ApiError> {
    change_state(state, caller, user_id, query, V3Action::Delete).await
}

/// These RPCs take no body; like the gateway, ignore any that is sent. Only
/// `organization.orgId` narrows the lookup: `ResourceOwnerFromOrganization` ignores an
/// `orgDomain` ("TODO get org from domain").
async fn change_state(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    UserId(user_id): UserId,
    RawQuery(query): RawQuery,
    action: V3Action,
) -> Result<Response, ApiError> {
    check_user_schema_enabled(&state)?;
    let pairs = query_pairs(query.as_deref());
    // grpc-gateway takes the camelCase and the proto (snake_case) name of a field.
    let org_id = query_value(&pairs, "organization.orgId")
        .or_else(|| query_value(&pairs, "organization.org_id"))
        .filter(|id| !id.is_empty())
        .map(str::to_string);
    let (user, _event) = state
        .store
        .call(move |conn| {
            commands::change_user_state(conn, &caller, &user_id, org_id.as_deref(), action)
        })
        .await?;
    let response = ChangeResponse {
        details: Details::of_change(&user),
    };
    Ok(json_response(StatusCode::OK, &response))
}
