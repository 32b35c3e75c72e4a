//! What the ZITADEL API surfaces share: request bodies, path ids and the text methods
//! of search queries (grpc-gateway conventions, contract §1).

pub mod v1;
pub mod v2;

use crate::errors::{ApiError, GrpcCode};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::Serializer;

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

/// `TextQueryMethod` of `zitadel.v1`, `zitadel.object.v2` and their users.
pub const TEXT_METHODS: [&str; 8] = [
    "TEXT_QUERY_METHOD_EQUALS",
    "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE",
    "TEXT_QUERY_METHOD_STARTS_WITH",
    "TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE",
    "TEXT_QUERY_METHOD_CONTAINS",
    "TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE",
    "TEXT_QUERY_METHOD_ENDS_WITH",
    "TEXT_QUERY_METHOD_ENDS_WITH_IGNORE_CASE",
];

/// The console sends an optional `reason` with a change. ZITADEL's gateway drops
/// fields it does not know; the sandbox keeps it on the event, as an audit note.
pub fn reason_of(body: &serde_json::Value) -> Option<String> {
    let reason = body.get("reason")?.as_str()?.trim();
    (!reason.is_empty()).then(|| reason.chars().take(500).collect())
}

/// A request body: a JSON object, where an empty body stands for `{}`.
pub fn parse_body(body: &[u8]) -> Result<serde_json::Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::json!({}));
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) if value.is_object() => Ok(value),
        Ok(_) => Err(ApiError::invalid_body("expected a JSON object")),
        Err(err) => Err(ApiError::invalid_body(&err.to_string())),
    }
}

/// grpc-gateway leaves default values out: a zero count is not sent.
pub fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// grpc-gateway writes 64-bit integers as strings.
pub fn u64_as_string<S: Serializer>(n: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&n.to_string())
}
