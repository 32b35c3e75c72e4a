//! ZITADEL user service v2 over REST (`/v2/users…`, contract §4).

pub(crate) mod list;
pub mod wire;

use crate::auth::{self, Caller, PERMISSION_USER_READ};
use crate::db::Store;
use crate::errors::{json_response, ApiError, GrpcCode};
use crate::lifecycle::{self, Action};
use crate::model::User;
use crate::state::AppState;
use crate::users;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
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
        // `route_layer`: unknown paths and wrong methods are answered before auth, as
        // the gateway routes before the auth interceptor runs.
        .route_layer(middleware::from_fn_with_state(store, auth::require_caller))
}

/// The `{user_id}` path segment. A malformed one is answered in the API's error shape.
pub struct UserId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for UserId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(user_id)) => Ok(UserId(user_id)),
            Err(rejection) => Err(ApiError::plain(
                StatusCode::BAD_REQUEST,
                GrpcCode::InvalidArgument,
                &rejection.body_text(),
            )),
        }
    }
}

/// ZITADEL's query-side answer for an unknown or removed user.
pub fn user_not_found() -> ApiError {
    ApiError::zitadel(GrpcCode::NotFound, "QUERY-Dfbg2", "User could not be found")
}

/// The user `caller` asked for, if it exists and they may read it: unknown
/// or deleted is 404, not readable is 403 (GetUserByID checks `user.read`).
pub(crate) async fn readable_user(
    store: &Store,
    caller: Caller,
    user_id: String,
) -> Result<User, ApiError> {
    store
        .call(move |conn| {
            let user = users::find_user(conn, &user_id)?.ok_or_else(user_not_found)?;
            if !caller.has_permission_on_user(PERMISSION_USER_READ, &user.id, &user.org_id) {
                return Err(ApiError::permission_denied());
            }
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

/// `POST /v2/users`: ListUsers.
async fn list_users(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let request = parse_body(&body)?;
    let search = list::UserSearch::parse(&request)?;
    let response = store.call(move |conn| search.run(conn, &caller)).await?;
    Ok(json_response(StatusCode::OK, &response))
}

async fn deactivate_user(
    store: State<Store>,
    caller: Extension<Caller>,
    user_id: UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    change_state(store, caller, user_id, &body, Action::Deactivate).await
}

async fn reactivate_user(
    store: State<Store>,
    caller: Extension<Caller>,
    user_id: UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    change_state(store, caller, user_id, &body, Action::Reactivate).await
}

async fn lock_user(
    store: State<Store>,
    caller: Extension<Caller>,
    user_id: UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    change_state(store, caller, user_id, &body, Action::Lock).await
}

async fn unlock_user(
    store: State<Store>,
    caller: Extension<Caller>,
    user_id: UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    change_state(store, caller, user_id, &body, Action::Unlock).await
}

/// `DELETE /v2/users/{userId}` takes no body; like the gateway, ignore any.
async fn delete_user(
    store: State<Store>,
    caller: Extension<Caller>,
    user_id: UserId,
) -> Result<Response, ApiError> {
    change_state(store, caller, user_id, b"", Action::Delete).await
}

async fn change_state(
    State(store): State<Store>,
    Extension(caller): Extension<Caller>,
    UserId(user_id): UserId,
    body: &[u8],
    action: Action,
) -> Result<Response, ApiError> {
    // The request message has no fields besides the id: any object will do.
    let reason = reason_of(&parse_body(body)?);
    let event = store
        .call(move |conn| {
            lifecycle::change_user_state(conn, &caller, &user_id, action, reason.as_deref())
        })
        .await?;
    let response = ChangeResponse {
        details: Details::of_event(&event),
    };
    Ok(json_response(StatusCode::OK, &response))
}

/// The console sends an optional `reason` with a change. ZITADEL's gateway drops
/// fields it does not know; the sandbox keeps it on the event, as an audit note.
pub(crate) fn reason_of(body: &serde_json::Value) -> Option<String> {
    let reason = body.get("reason")?.as_str()?.trim();
    (!reason.is_empty()).then(|| reason.chars().take(500).collect())
}

/// A request body: a JSON object, where an empty body stands for `{}`.
pub(crate) fn parse_body(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::json!({}));
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) if value.is_object() => Ok(value),
        Ok(_) => Err(ApiError::invalid_body("expected a JSON object")),
        Err(err) => Err(ApiError::invalid_body(&err.to_string())),
    }
}
