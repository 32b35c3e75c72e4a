//! User metadata in management v1 (`proto/zitadel/management.proto` at v4.13.1):
//! `POST /management/v1/users/{id}/metadata/{key}` (SetUserMetadata, `user.write`),
//! `GET /management/v1/users/{id}/metadata/{key}` (GetUserMetadata, `user.read`) and
//! `POST /management/v1/users/{id}/metadata/_search` (ListUserMetadata, `user.read`),
//! all in the org in context (`internal/api/grpc/management/user.go`).

use super::context::{org_context, org_header};
use crate::api_kit::v1::ListDetails;
use crate::api_kit::{parse_body, UserId, TEXT_METHODS};
use crate::auth::{Caller, PERMISSION_USER_READ, PERMISSION_USER_WRITE};
use crate::clock::Timestamp;
use crate::errors::{json_response, ApiError, GrpcCode};
use crate::events;
use crate::state::AppState;
use crate::user_metadata::{self, Metadata, WriteCheck};
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use serde_json::Value;

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

/// `zitadel.metadata.v1.Metadata`, details as `ToViewDetailsPb` gives them
/// (`internal/api/grpc/metadata/metadata.go`).
fn metadata_json(metadata: &Metadata) -> Value {
    serde_json::json!({
        "details": {
            "sequence": metadata.sequence.to_string(),
            "creationDate": metadata.created.to_wire(),
            "changeDate": metadata.changed.to_wire(),
            "resourceOwner": metadata.resource_owner,
        },
        "key": metadata.key,
        "value": user_metadata::encode_value(&metadata.value),
    })
}

/// A `keyQuery` of ListUserMetadata: the key and its text method (EQUALS when left
/// out), as `UserMetadataQueryToQuery` reads it.
struct KeyQuery {
    key: String,
    method: &'static str,
}

impl KeyQuery {
    fn parse(query: &Value) -> Result<KeyQuery, ApiError> {
        let invalid = || {
            ApiError::zitadel(
                GrpcCode::InvalidArgument,
                "METAD-Vn7qy",
                "List.Query.Invalid",
            )
        };
        let key_query = query.get("keyQuery").ok_or_else(invalid)?;
        let key = key_query
            .get("key")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let method = match key_query.get("method") {
            None | Some(Value::Null) => TEXT_METHODS[0],
            Some(Value::String(name)) => TEXT_METHODS
                .iter()
                .find(|m| *m == name)
                .copied()
                .ok_or_else(invalid)?,
            Some(_) => return Err(invalid()),
        };
        Ok(KeyQuery {
            key: key.to_string(),
            method,
        })
    }

    fn matches(&self, key: &str) -> bool {
        let ignore_case = self.method.ends_with("_IGNORE_CASE");
        let (key, wanted) = if ignore_case {
            (key.to_lowercase(), self.key.to_lowercase())
        } else {
            (key.to_string(), self.key.clone())
        };
        let method = self.method.trim_end_matches("_IGNORE_CASE");
        match method {
            "TEXT_QUERY_METHOD_STARTS_WITH" => key.starts_with(&wanted),
            "TEXT_QUERY_METHOD_CONTAINS" => key.contains(&wanted),
            "TEXT_QUERY_METHOD_ENDS_WITH" => key.ends_with(&wanted),
            _ => key == wanted,
        }
    }
}

/// ListUserMetadata: the user's metadata owned by the org in context
/// (`AppendMyResourceOwnerQuery`), filtered by the key queries; an unknown user has
/// none.
pub async fn list_user_metadata(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    UserId(user_id): UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body = parse_body(&body)?;
    let queries = match body.get("queries") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list.iter().map(KeyQuery::parse).collect::<Result<_, _>>()?,
        Some(_) => return Err(ApiError::invalid_body("queries must be a list")),
    };
    let header = org_header(&headers);
    let (found, processed) = state
        .store
        .call(move |conn| {
            let org_id = org_context(conn, &caller, header.as_deref(), PERMISSION_USER_READ)?;
            let found: Vec<Metadata> = user_metadata::list(conn, &user_id)?
                .into_iter()
                .filter(|m| m.resource_owner == org_id)
                .filter(|m| queries.iter().all(|q| q.matches(&m.key)))
                .collect();
            Ok((found, events::last_event_id(conn)? as u64))
        })
        .await?;
    let details = ListDetails::new(found.len() as u64, processed, Timestamp::now());
    let mut answer = serde_json::json!({ "details": details });
    if !found.is_empty() {
        answer["result"] = found.iter().map(metadata_json).collect();
    }
    Ok(json_response(StatusCode::OK, &answer))
}

/// GetUserMetadata: `{"metadata": {details, key, value}}`.
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
        &serde_json::json!({ "metadata": metadata_json(&metadata) }),
    ))
}
