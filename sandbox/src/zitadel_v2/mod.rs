//! ZITADEL user service v2 over REST (`/v2/users…`, contract §4).

pub(crate) mod list;
mod metadata;
pub mod wire;

pub use crate::api_kit::UserId;
use crate::api_kit::{parse_body, reason_of};
use crate::auth::{self, Caller, PERMISSION_USER_READ};
use crate::db::Store;
use crate::errors::{json_response, ApiError, GrpcCode};
use crate::lag;
use crate::lifecycle::{self, Action};
use crate::model::User;
use crate::state::AppState;
use crate::users;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use wire::{ChangeResponse, Details, GetUserResponse, UserJson};

/// The routes of the user service. Every one needs a valid bearer token.
pub fn routes(store: Store) -> Router<AppState> {
    Router::new()
        .route("/v2/users", post(list_users))
        .route("/v2/users/{user_id}", get(get_user).delete(delete_user))
        .route("/v2/users/{user_id}/deactivate", post(deactivate_user))
        .route("/v2/users/{user_id}/reactivate", post(reactivate_user))
        .route("/v2/users/{user_id}/lock", post(lock_user))
        .route("/v2/users/{user_id}/unlock", post(unlock_user))
        .route(
            "/v2/users/{user_id}/metadata",
            post(metadata::set_user_metadata),
        )
        // `route_layer`: unknown paths and wrong methods are answered before auth, as
        // the gateway routes before the auth interceptor runs.
        .route_layer(middleware::from_fn_with_state(store, auth::require_caller))
}

/// ZITADEL's query-side answer for an unknown or removed user.
pub fn user_not_found() -> ApiError {
    ApiError::zitadel(GrpcCode::NotFound, "QUERY-Dfbg2", "User could not be found")
}

/// The user `caller` asked for, if it exists and they may read it: unknown
/// or deleted is 404 `QUERY-Dfbg2`; then GetUserByID checks `user.read`
/// (`userCheckPermission`): 404 `AUTHZ-cdgFk` without any role on the user's org or
/// the instance, else 403 `AUTH-AWfge`.
pub(crate) async fn readable_user(
    store: &Store,
    caller: Caller,
    user_id: String,
) -> Result<User, ApiError> {
    store
        .call(move |conn| {
            let user = users::find_user(conn, &user_id)?.ok_or_else(user_not_found)?;
            caller.check_permission_on_user(PERMISSION_USER_READ, &user.id, &user.org_id)?;
            Ok(user)
        })
        .await
}

/// `GET /v2/users/{userId}`.
async fn get_user(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    UserId(user_id): UserId,
) -> Result<Response, ApiError> {
    let user = readable_user(&store, caller, user_id).await?;
    let response = GetUserResponse {
        details: Details::of_user(&user),
        user: UserJson::from(&user),
    };
    Ok(json_response(StatusCode::OK, &response))
}

/// `POST /v2/users`: ListUsers, which lags behind writes (`crate::lag`).
async fn list_users(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = parse_body(&body)?;
    let search = list::UserSearch::parse(&request)?;
    let switches = state.switches.get();
    let response = state
        .store
        .call(move |conn| {
            lag::as_of_lag(conn, switches.list_lag, |conn, view| {
                search.run(conn, &caller, view, switches.overcount_totals)
            })
        })
        .await?;
    Ok(json_response(StatusCode::OK, &response))
}

async fn deactivate_user(
    state: State<AppState>,
    caller: Extension<Caller>,
    user_id: UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    change_state(state, caller, user_id, &body, Action::Deactivate).await
}

async fn reactivate_user(
    state: State<AppState>,
    caller: Extension<Caller>,
    user_id: UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    change_state(state, caller, user_id, &body, Action::Reactivate).await
}

async fn lock_user(
    state: State<AppState>,
    caller: Extension<Caller>,
    user_id: UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    change_state(state, caller, user_id, &body, Action::Lock).await
}

async fn unlock_user(
    state: State<AppState>,
    caller: Extension<Caller>,
    user_id: UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    change_state(state, caller, user_id, &body, Action::Unlock).await
}

/// `DELETE /v2/users/{userId}` takes no body; like the gateway, ignore any.
async fn delete_user(
    state: State<AppState>,
    caller: Extension<Caller>,
    user_id: UserId,
) -> Result<Response, ApiError> {
    change_state(state, caller, user_id, b"", Action::Delete).await
}

async fn change_state(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    UserId(user_id): UserId,
    body: &[u8],
    action: Action,
) -> Result<Response, ApiError> {
    // The request message has no fields besides the id: any object will do.
    let reason = reason_of(&parse_body(body)?);
    let self_managed = state.switches.get().users_change_their_own_state();
    let event = state
        .store
        .call(move |conn| {
            let request = lifecycle::Request {
                user_id: &user_id,
                action,
                reason: reason.as_deref(),
                self_managed,
            };
            lifecycle::change_user_state(conn, &caller, request)
        })
        .await?;
    let response = ChangeResponse {
        details: Details::of_event(&event),
    };
    Ok(json_response(StatusCode::OK, &response))
}
