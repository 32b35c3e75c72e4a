//! `POST /management/v1/users/{userId}/changes/_search` (ListUserChanges,
//! `proto/zitadel/management.proto`, permission `user.read` in the org in context;
//! handler `internal/api/grpc/management/user.go`, converter
//! `internal/api/grpc/change/changes.go` at v4.13.1).

use super::context::{org_context, org_header};
use crate::api_kit::{parse_body, UserId};
use crate::auth::{Caller, PERMISSION_USER_READ};
use crate::errors::{json_response, ApiError};
use crate::i18n;
use crate::state::AppState;
use crate::user_changes::{self, ChangeQuery};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use serde_json::Value;

/// ListUserChanges: the org in context owns the changes listed (`ResourceOwner(
/// authz.GetCtxData(ctx).OrgID)`), so a user of another org has none.
pub async fn list_user_changes(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    UserId(user_id): UserId,
    body: Bytes,
) -> Result<Response, ApiError> {
    let query = parse_query(&parse_body(&body)?)?;
    let header = org_header(&headers);
    let german = i18n::wants_german(
        Some(&caller.preferred_language),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    );
    let changes = state
        .store
        .call(move |conn| {
            let org_id = org_context(conn, &caller, header.as_deref(), PERMISSION_USER_READ)?;
            user_changes::list(conn, &user_id, &org_id, query)
        })
        .await?;
    let result: Vec<Value> = changes.iter().map(|c| change_json(c, german)).collect();
    // `details` is reserved in the response: only `result`, left out when empty.
    let body = if result.is_empty() {
        serde_json::json!({})
    } else {
        serde_json::json!({ "result": result })
    };
    Ok(json_response(StatusCode::OK, &body))
}

/// `zitadel.change.v1.ChangeQuery` from the request's `query`: 64-bit `sequence` as a
/// string or a number, 32-bit `limit` a number (or a string), `asc` a bool.
fn parse_query(body: &Value) -> Result<ChangeQuery, ApiError> {
    let Some(query) = body.get("query").filter(|q| !q.is_null()) else {
        return Ok(ChangeQuery::default());
    };
    let bad = |field: &str| ApiError::invalid_body(&format!("query.{field} is not valid"));
    let number = |field: &str| -> Result<u64, ApiError> {
        match query.get(field) {
            None | Some(Value::Null) => Ok(0),
            Some(Value::Number(n)) => n.as_u64().ok_or_else(|| bad(field)),
            Some(Value::String(s)) => s.parse().map_err(|_| bad(field)),
            Some(_) => Err(bad(field)),
        }
    };
    let limit = u32::try_from(number("limit")?).map_err(|_| bad("limit"))?;
    let asc = match query.get("asc") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(bad("asc")),
    };
    Ok(ChangeQuery {
        sequence: number("sequence")?,
        limit,
        asc,
    })
}

/// `EventToChangePb`, written as grpc-gateway writes it: empty strings and a zero
/// sequence left out, the sequence as a string. The avatar URL is empty: no sandbox
/// user has an avatar.
fn change_json(change: &user_changes::Change, german: bool) -> Value {
    let key = format!("EventTypes.{}", change.event_type);
    // A key without a text is answered with the key itself, as go-i18n does.
    let text = user_changes::event_type_text(&change.event_type, german)
        .map(str::to_string)
        .unwrap_or_else(|| key.clone());
    let mut json = serde_json::json!({
        "changeDate": change.at.to_wire(),
        "eventType": { "key": key, "localizedMessage": text },
        "sequence": change.sequence.to_string(),
        "editorId": change.editor.id,
    });
    let object = json.as_object_mut().expect("a JSON object");
    let mut put = |name: &str, value: &str| {
        if !value.is_empty() {
            object.insert(name.to_string(), Value::String(value.to_string()));
        }
    };
    put("editorDisplayName", &change.editor.display_name);
    put("resourceOwnerId", &change.resource_owner);
    put(
        "editorPreferredLoginName",
        &change.editor.preferred_login_name,
    );
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_query_as_the_gateway_does() {
        let query = parse_query(&serde_json::json!({
            "query": {"sequence": "12", "limit": 20, "asc": true}
        }))
        .unwrap();
        assert_eq!(
            query,
            ChangeQuery {
                sequence: 12,
                limit: 20,
                asc: true
            }
        );
        assert_eq!(
            parse_query(&serde_json::json!({})).unwrap(),
            ChangeQuery::default()
        );
        assert!(parse_query(&serde_json::json!({"query": {"limit": "many"}})).is_err());
    }
}
