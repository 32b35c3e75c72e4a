//! ZITADEL user resources v3alpha over REST (`/resources/v3alpha/users…`) as v4.13.1
//! serves them (`internal/api/grpc/resources/user/v3alpha/`): GetUser is not
//! implemented (501), SearchUsers answers `{}`, and the state changes act only on
//! schema users (`crate::schema_users`), never on v2 users. Every call but GetUser first
//! needs the instance feature "User Schema" (`checkUserSchemaEnabled`).
//!
//! With `zitadelVersion` 2.61.x or 2.62.x it answers as those releases: only DeleteUser
//! (and CreateUser, not served here) is implemented (`user.go` at v2.62.0), every other
//! call is gRPC's Unimplemented (501), and activate is `/_reactivate`
//! (`user_service.proto` at v2.62.0). Older releases lack the paths (`crate::switches`).

mod commands;
mod read;
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
        .route(
            "/resources/v3alpha/users/{id}/_reactivate",
            post(reactivate_before_2_63),
        )
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

/// What a method of `UnimplementedZITADELUsersServer` answers (the generated
/// `user_service_grpc.pb.go`): gRPC's own Unimplemented status, no ZITADEL error
/// detail, whatever the id and the feature. The auth interceptor has run before it.
fn unimplemented(method: &str) -> ApiError {
    ApiError::plain(
        StatusCode::NOT_IMPLEMENTED,
        GrpcCode::Unimplemented,
        &format!("method {method} not implemented"),
    )
}

/// v2.61 and v2.62 implement none of the state changes nor the search (`user.go` at
/// v2.62.0 has only CreateUser and DeleteUser).
fn check_implemented(state: &AppState, method: &str) -> Result<(), ApiError> {
    if state.switches.get().v3alpha_state_changes() {
        Ok(())
    } else {
        Err(unimplemented(method))
    }
}

/// `GET /resources/v3alpha/users/{id}`: no release has GetUser (501). With the
/// sandbox's `v3alphaGetUser` switch it answers as a future server might: see
/// [`read::get_user`].
async fn get_user(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    UserId(user_id): UserId,
) -> Result<Response, ApiError> {
    if !state.switches.get().v3alpha_get_user {
        return Err(unimplemented("GetUser"));
    }
    check_user_schema_enabled(&state)?;
    let answer = state
        .store
        .call(move |conn| read::get_user(conn, &caller, &user_id))
        .await?;
    Ok(json_response(StatusCode::OK, &answer))
}

/// `POST /resources/v3alpha/users/_search`: an empty `SearchUsersResponse` (`query.go`),
/// whatever the filters.
async fn search_users(State(state): State<AppState>) -> Result<Response, ApiError> {
    check_implemented(&state, "SearchUsers")?;
    check_user_schema_enabled(&state)?;
    Ok(json_response(StatusCode::OK, &serde_json::json!({})))
}

/// `POST …/_reactivate`, served only by v2.61 and v2.62 (`crate::switches`), whose
/// ReactivateUser is not implemented.
async fn reactivate_before_2_63() -> ApiError {
    unimplemented("ReactivateUser")
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
    let implemented = state.switches.get().v3alpha_state_changes();
    if action != V3Action::Delete {
        check_implemented(&state, action.method())?;
    }
    check_user_schema_enabled(&state)?;
    let pairs = query_pairs(query.as_deref());
    // grpc-gateway takes the camelCase and the proto (snake_case) name of a field.
    // v2.62's DeleteSchemaUser looks the user up in every org (`internal/command/
    // user_v3.go` at v2.62.0: `getSchemaUserExists(ctx, "", id)`).
    let org_id = query_value(&pairs, "organization.orgId")
        .or_else(|| query_value(&pairs, "organization.org_id"))
        .filter(|id| !id.is_empty() && implemented)
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
