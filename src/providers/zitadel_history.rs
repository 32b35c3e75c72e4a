//! A ZITADEL user's history and the reasons the console keeps on the user:
//!
//! - management v1 `ListUserChanges`, `POST /management/v1/users/{id}/changes/_search`
//!   (`user.read`): the user's events owned by the organisation in context
//!   (`x-zitadel-orgid`), newest first; `query.sequence` asks for those older
//!   than it, `query.limit` caps a page (`internal/api/grpc/management/user.go`).
//! - user metadata: v2 `SetUserMetadata`, `POST /v2/users/{id}/metadata` (from
//!   ZITADEL 4.0.0), else management v1 `POST /management/v1/users/{id}/metadata/{key}`;
//!   read back with v1 ListUserMetadata, `POST /management/v1/users/{id}/metadata/_search`
//!   by key (`user.read`; an unset key lists nothing, where GetUserMetadata would
//!   answer 404, which a browser logs as an error). Values are
//!   bytes, base64 in JSON (`proto/zitadel/metadata.proto`); both writes need
//!   `user.write`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use super::wire::{int64, non_empty, timestamp, to_json, QueryOnly};
use super::zitadel::{error_from_response, unreadable};
use crate::domain::history::{Change, Editor, ReasonLog, REASON_METADATA_KEY};
use crate::http::{path_segment, ApiError, ApiRequest, ApiResponse};
use crate::tr;

const ORG_HEADER: &str = "x-zitadel-orgid";
/// The prefix of ZITADEL's event type keys (`pkg/grpc/message/message.go`).
const EVENT_TYPES_PREFIX: &str = "EventTypes.";

/// One page of the user's changes, newest first, older than `before` when given.
/// `organization_id` must be the user's own organisation: the server lists
/// only changes owned by the organisation in context.
pub fn changes_request(
    user_id: &str,
    organization_id: Option<&str>,
    before: Option<u64>,
    limit: u32,
) -> ApiRequest {
    #[derive(Serialize)]
    struct ChangesQuery {
        limit: u32,
        /// A 64-bit integer: text.
        #[serde(skip_serializing_if = "Option::is_none")]
        sequence: Option<String>,
    }
    let query = ChangesQuery {
        limit,
        sequence: before.map(|sequence| sequence.to_string()),
    };
    ApiRequest::post(
        format!(
            "/management/v1/users/{}/changes/_search",
            path_segment(user_id)
        ),
        Some(to_json(&QueryOnly { query })),
    )
    .with_header(ORG_HEADER, organization_id)
}

pub fn read_changes(response: &ApiResponse) -> Result<Vec<Change>, ApiError> {
    if !response.is_success() {
        return Err(error_from_response(response));
    }
    let body: ChangesResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(history.expected_changes)))?;
    body.result
        .into_iter()
        .map(|wire| {
            wire.into_domain()
                .ok_or_else(|| unreadable(response, tr!(history.expected_changes)))
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangesResponse {
    result: Vec<ChangeWire>,
}

/// `zitadel.change.v1.Change`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ChangeWire {
    change_date: Option<String>,
    event_type: Option<LocalizedMessageWire>,
    #[serde(deserialize_with = "int64")]
    sequence: Option<u64>,
    editor_id: Option<String>,
    editor_display_name: Option<String>,
    editor_preferred_login_name: Option<String>,
}

/// `zitadel.v1.LocalizedMessage`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct LocalizedMessageWire {
    key: Option<String>,
    localized_message: Option<String>,
}

impl ChangeWire {
    /// A change needs its type and its sequence (what pairs a reason with it);
    /// the rest is shown when present.
    fn into_domain(self) -> Option<Change> {
        let event_type = self.event_type.unwrap_or_default();
        let key = non_empty(event_type.key)?;
        let event_type_name = key
            .strip_prefix(EVENT_TYPES_PREFIX)
            .unwrap_or(&key)
            .to_string();
        // A text equal to its key is one ZITADEL could not translate.
        let text = non_empty(event_type.localized_message).filter(|text| *text != key);
        Some(Change {
            at: timestamp(self.change_date.as_deref()),
            event_type: event_type_name,
            text,
            sequence: self.sequence?,
            editor: Editor {
                id: self.editor_id.unwrap_or_default(),
                display_name: non_empty(self.editor_display_name),
                login_name: non_empty(self.editor_preferred_login_name),
            },
        })
    }
}

fn metadata_path(user_id: &str) -> String {
    format!(
        "/management/v1/users/{}/metadata/{}",
        path_segment(user_id),
        path_segment(REASON_METADATA_KEY)
    )
}

/// Reads the reasons kept on the user (ListUserMetadata by key, `user.read`).
pub fn reasons_request(user_id: &str, organization_id: Option<&str>) -> ApiRequest {
    // Method left out: TEXT_QUERY_METHOD_EQUALS, enum value 0.
    #[derive(Serialize)]
    struct Search {
        queries: [MetadataQuery; 1],
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    enum MetadataQuery {
        KeyQuery { key: &'static str },
    }
    let body = to_json(&Search {
        queries: [MetadataQuery::KeyQuery {
            key: REASON_METADATA_KEY,
        }],
    });
    ApiRequest::post(
        format!(
            "/management/v1/users/{}/metadata/_search",
            path_segment(user_id)
        ),
        Some(body),
    )
    .with_header(ORG_HEADER, organization_id)
}

/// The reasons kept on the user: none when the key was never set. A value
/// this console did not write pairs with nothing.
pub fn read_reasons(response: &ApiResponse) -> Result<ReasonLog, ApiError> {
    if !response.is_success() {
        return Err(error_from_response(response));
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct ListResponse {
        result: Vec<MetadataWire>,
    }
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct MetadataWire {
        key: Option<String>,
        value: Option<String>,
    }
    let body: ListResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(history.expected_metadata)))?;
    let Some(found) = body
        .result
        .into_iter()
        .find(|m| m.key.as_deref() == Some(REASON_METADATA_KEY))
    else {
        return Ok(ReasonLog::default());
    };
    let value = found
        .value
        .and_then(|v| STANDARD.decode(v.trim()).ok())
        .ok_or_else(|| unreadable(response, tr!(history.expected_metadata)))?;
    Ok(ReasonLog::parse(&value).unwrap_or_default())
}

/// Writes the reasons with v2 SetUserMetadata (ZITADEL 4.0.0 and later).
pub fn set_reasons_v2_request(user_id: &str, log: &ReasonLog) -> ApiRequest {
    #[derive(Serialize)]
    struct Set {
        metadata: [Metadata; 1],
    }
    #[derive(Serialize)]
    struct Metadata {
        key: &'static str,
        value: String,
    }
    let body = to_json(&Set {
        metadata: [Metadata {
            key: REASON_METADATA_KEY,
            value: STANDARD.encode(log.to_bytes()),
        }],
    });
    ApiRequest::post(
        format!("/v2/users/{}/metadata", path_segment(user_id)),
        Some(body),
    )
}

/// Writes the reasons with management v1 SetUserMetadata, for older servers.
pub fn set_reasons_v1_request(
    user_id: &str,
    organization_id: Option<&str>,
    log: &ReasonLog,
) -> ApiRequest {
    #[derive(Serialize)]
    struct Set {
        value: String,
    }
    let body = to_json(&Set {
        value: STANDARD.encode(log.to_bytes()),
    });
    ApiRequest::post(metadata_path(user_id), Some(body)).with_header(ORG_HEADER, organization_id)
}

/// Either write's answer: success is all the console needs.
pub fn read_set(response: &ApiResponse) -> Result<(), ApiError> {
    if response.is_success() {
        Ok(())
    } else {
        Err(error_from_response(response))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_changes_as_the_gateway_writes_them() {
        let body = r#"{"result":[
            {"changeDate":"2026-12-05T10:00:00.5Z",
             "eventType":{"key":"EventTypes.user.deactivated","localizedMessage":"Benutzer deaktiviert"},
             "sequence":"8","editorId":"226","editorDisplayName":"Ada Admin",
             "resourceOwnerId":"6962","editorPreferredLoginName":"ada@acme.example"},
            {"changeDate":"2026-12-01T10:00:00Z",
             "eventType":{"key":"EventTypes.user.human.added","localizedMessage":"EventTypes.user.human.added"},
             "sequence":"1","editorId":"SYSTEM"}
        ]}"#;
        let changes = read_changes(&ApiResponse::json(200, body)).unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].event_type, "user.deactivated");
        assert_eq!(changes[0].label(), "Benutzer deaktiviert");
        assert_eq!(changes[0].sequence, 8);
        assert_eq!(changes[0].editor.label(), "Ada Admin");
        assert!(changes[0].at.is_some());
        // Untranslated: the type is shown, not ZITADEL's key.
        assert_eq!(changes[1].label(), "user.human.added");
        assert_eq!(changes[1].editor.label(), "SYSTEM");
        assert_eq!(
            read_changes(&ApiResponse::json(200, "{}")).unwrap(),
            Vec::new()
        );
    }

    #[test]
    fn a_change_without_type_or_sequence_is_unreadable() {
        let no_sequence = r#"{"result":[{"eventType":{"key":"EventTypes.user.locked"}}]}"#;
        assert!(matches!(
            read_changes(&ApiResponse::json(200, no_sequence)),
            Err(ApiError::UnreadableAnswer { .. })
        ));
    }

    #[test]
    fn pages_ask_for_changes_older_than_the_last_shown() {
        let first = changes_request("1", Some("42"), None, 20);
        assert_eq!(first.body.as_deref(), Some(r#"{"query":{"limit":20}}"#));
        assert!(first.headers.contains(&(ORG_HEADER, "42".to_string())));
        let next = changes_request("1", None, Some(7), 20);
        assert_eq!(
            next.body.as_deref(),
            Some(r#"{"query":{"limit":20,"sequence":"7"}}"#)
        );
    }

    #[test]
    fn reasons_round_trip_through_base64_metadata() {
        use crate::domain::history::ReasonRecord;
        let log = ReasonLog::default().with(ReasonRecord {
            action: "deactivate".into(),
            reason: "left".into(),
            admin: "ada".into(),
            at: "2026-12-05T10:00:00Z".into(),
            sequence: 8,
        });
        let request = set_reasons_v2_request("1", &log);
        let sent: serde_json::Value =
            serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        let value = sent["metadata"][0]["value"].as_str().unwrap();
        let answer = serde_json::json!({
            "details": {"totalResult": "1"},
            "result": [{"key": REASON_METADATA_KEY, "value": value}]
        });
        let read = read_reasons(&ApiResponse::json(200, &answer.to_string())).unwrap();
        assert_eq!(read, log);
        let unset = r#"{"details":{"viewTimestamp":"2026-12-05T10:00:00Z"}}"#;
        assert_eq!(
            read_reasons(&ApiResponse::json(200, unset)).unwrap(),
            ReasonLog::default()
        );
        let denied = r#"{"code":7,"message":"No matching permissions found (AUTH-5mWD2)"}"#;
        assert!(read_reasons(&ApiResponse::json(403, denied)).is_err());
    }
}
