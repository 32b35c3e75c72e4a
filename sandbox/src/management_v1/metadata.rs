//! User metadata in management v1 (`proto/zitadel/management.proto` at v4.13.1):
//! `POST /management/v1/users/{id}/metadata/{key}` (SetUserMetadata, `user.write`) and
//! `GET /management/v1/users/{id}/metadata/{key}` (GetUserMetadata, `user.read`), both
//! in the org in context (`internal/api/grpc/management/user.go`).

use super::context::{org_context, org_header};
use crate::api_kit::parse_body;
use crate::auth::{Caller, PERMISSION_USER_READ, PERMISSION_USER_WRITE};
use crate::errors::{json_response, ApiError, GrpcCode};
use crate::state::AppState;
use crate::user_metadata::{self, WriteCheck};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;

/// The `{id}/metadata/{key}` path segments.
pub struct MetadataPath {
    pub user_id: String,
    pub key: String,
}

impl<S: Send + Sync> FromRequestParts<S> for MetadataPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match Path::<(String, String)>::from_request_parts(parts, state).await {
            Ok(Path((user_id, key))) => Ok(MetadataPath { user_id, key }),
            Err(rejection) => Err(ApiError::plain(
                StatusCode::BAD_REQUEST,
                GrpcCode::InvalidArgument,
                &rejection.body_text(),
            )),
        }
    }
}

/// SetUserMetadata: the body's `value` is base64 (`bytes`, 1 to 500000 of them). The
/// answer's details come from `AddToDetailsPb(sequence, changeDate, owner)`, so the
/// time of the change is in `creationDate`.
pub async fn set_user_metadata(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    path: MetadataPath,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = parse_body(&body)?;
    let value = match body.get("value") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::String(text)) => user_metadata::decode_value(text)
            .ok_or_else(|| ApiError::invalid_body("value is not base64"))?,
        Some(_) => return Err(ApiError::invalid_body("value is not base64")),
    };
    if value.is_empty() || value.len() > user_metadata::MAX_VALUE_BYTES {
        // `validate.rules` of the request: `bytes = {min_len: 1, max_len: 500000}`.
        return Err(ApiError::plain(
            StatusCode::BAD_REQUEST,
            GrpcCode::InvalidArgument,
            "invalid SetUserMetadataRequest.Value: value length must be between 1 and 500000 bytes, inclusive",
        ));
    }
    let header = org_header(&headers);
    let (user, written) = state
        .store
        .call(move |conn| {
            let org_id = org_context(conn, &caller, header.as_deref(), PERMISSION_USER_WRITE)?;
            user_metadata::set(
                conn,
                &caller,
                &path.user_id,
                Some(&org_id),
                WriteCheck::InOrg,
                &[(path.key, value)],
            )
        })
        .await?;
    // An unchanged value writes nothing: the details are those of the user's last
    // metadata write model, which the sandbox approximates by the user's own.
    let details = match written.last() {
        Some(event) => serde_json::json!({
            "sequence": event.sequence.to_string(),
            "creationDate": event.created_at.to_wire(),
            "resourceOwner": event.resource_owner,
        }),
        None => serde_json::json!({ "resourceOwner": user.org_id }),
    };
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "details": details }),
    ))
}

/// GetUserMetadata: `{"metadata": {details, key, value}}`, details as
/// `ToViewDetailsPb` gives them.
pub async fn get_user_metadata(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    path: MetadataPath,
) -> Result<Response, ApiError> {
    let header = org_header(&headers);
    let metadata = state
        .store
        .call(move |conn| {
            let org_id = org_context(conn, &caller, header.as_deref(), PERMISSION_USER_READ)?;
            user_metadata::get_in_org(conn, &path.user_id, &org_id, &path.key)
        })
        .await?;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({
            "metadata": {
                "details": {
                    "sequence": metadata.sequence.to_string(),
                    "creationDate": metadata.created.to_wire(),
                    "changeDate": metadata.changed.to_wire(),
                    "resourceOwner": metadata.resource_owner,
                },
                "key": metadata.key,
                "value": user_metadata::encode_value(&metadata.value),
            }
        }),
    ))
}
