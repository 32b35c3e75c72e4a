//! `POST /v2/users/{user_id}/metadata` (SetUserMetadata, user service v2 from v4.0.0;
//! `proto/zitadel/user/v2/user_service.proto`, handler
//! `internal/api/grpc/user/v2/metadata.go` at v4.13.1). It runs `BulkSetUserMetadata`
//! with the user's own org and `NewPermissionCheckUserWrite(ctx, false)`: `user.write`
//! on the user's org, also for oneself. Answers `{"setDate": …}`.

use crate::api_kit::{parse_body, UserId};
use crate::auth::Caller;
use crate::clock::Timestamp;
use crate::errors::{json_response, ApiError};
use crate::state::AppState;
use crate::user_metadata::{self, WriteCheck};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use serde_json::Value;

pub async fn set_user_metadata(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    UserId(user_id): UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    let entries = parse_entries(&parse_body(&body)?)?;
    let (user, written) = state
        .store
        .call(move |conn| {
            user_metadata::set(
                conn,
                &caller,
                &user_id,
                None,
                WriteCheck::UserWrite,
                &entries,
            )
        })
        .await?;
    // Nothing written (every value unchanged): the write model's last event, which the
    // sandbox approximates by the user's.
    let set_date: Timestamp = written.last().map_or(user.changed, |e| e.created_at);
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "setDate": set_date.to_wire() }),
    ))
}

/// `metadata`: a list of `{key, value}` with base64 values.
fn parse_entries(body: &Value) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let list = match body.get("metadata") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(ApiError::invalid_body("metadata must be a list")),
    };
    list.iter()
        .map(|entry| {
            let key = entry.get("key").and_then(Value::as_str).unwrap_or_default();
            let value = match entry.get("value") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::String(text)) => user_metadata::decode_value(text)
                    .ok_or_else(|| ApiError::invalid_body("metadata.value is not base64"))?,
                Some(_) => return Err(ApiError::invalid_body("metadata.value is not base64")),
            };
            Ok((key.to_string(), value))
        })
        .collect()
}
