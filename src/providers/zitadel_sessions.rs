//! ZITADEL session service v2 (`/v2/sessions…`): a user's sessions and ending
//! them, as v4.13.1 serves them (`proto/zitadel/session/v2/session_service.proto`).
//! ListSessions leaves out the sessions the admin may not read (`session.read`,
//! `internal/query/session.go`) while its total may still count them.

use serde::{Deserialize, Serialize};

use super::wire::{to_json, ListQuery};
use super::zitadel::{error_from_api_since, read_change_details, unreadable, ListDetailsWire};
use crate::domain::offboarding::Remaining;
use crate::http::{path_segment, ApiError, ApiRequest, ApiResponse};
use crate::tr;

/// Session API v2 came with this release; older servers have no such route.
const SESSIONS_SINCE: &str = "2.58";

/// ZITADEL's largest page: a user with more sessions is read again after
/// the first ones are ended.
pub const LIST_LIMIT: u32 = 1000;

/// `POST /v2/sessions/search` for the sessions of `user_id`.
pub fn list_request(user_id: &str) -> ApiRequest {
    #[derive(Serialize)]
    struct Search<'a> {
        query: ListQuery,
        queries: [SessionQuery<'a>; 1],
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    enum SessionQuery<'a> {
        UserIdQuery { id: &'a str },
    }
    let body = Search {
        query: ListQuery::first_without_offset(LIST_LIMIT),
        queries: [SessionQuery::UserIdQuery { id: user_id }],
    };
    ApiRequest::post("/v2/sessions/search".into(), Some(to_json(&body)))
}

/// `DELETE /v2/sessions/{sessionId}` without a session token: needs
/// `session.delete` on the user's organisation or the instance.
pub fn delete_request(session_id: &str) -> ApiRequest {
    ApiRequest::delete(format!("/v2/sessions/{}", path_segment(session_id)))
}

/// The session ids listed and the total the server counted.
pub fn read_list(response: &ApiResponse) -> Result<Remaining, ApiError> {
    if !response.is_success() {
        return Err(error_from_api_since(response, SESSIONS_SINCE));
    }
    let body: ListResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(offboard.expected_session_list)))?;
    let ids = body.sessions.unwrap_or_default().into_iter().map(|s| s.id);
    Ok(Remaining::listed(
        ids,
        body.details.and_then(|d| d.total_result),
    ))
}

/// A session ended: ZITADEL answers the details of its write model, also for
/// a session already ended (nothing is written then).
pub fn read_delete(response: &ApiResponse) -> Result<(), ApiError> {
    if !response.is_success() {
        return Err(error_from_api_since(response, SESSIONS_SINCE));
    }
    read_change_details(response).map(|_| ())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListResponse {
    details: Option<ListDetailsWire>,
    sessions: Option<Vec<SessionWire>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SessionWire {
    id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    /// As the sandbox answers, in the shape of `zitadel.session.v2.Session`.
    const LIST: &str = r#"{"details":{"totalResult":"2","processedSequence":"120","timestamp":"2026-12-05T10:00:00.5Z"},
      "sessions":[
        {"id":"80000000000000004","creationDate":"2026-12-03T10:00:00Z","changeDate":"2026-12-03T10:00:00.002Z","sequence":"3",
         "factors":{"user":{"verifiedAt":"2026-12-03T10:00:00.001Z","id":"226000000000000013","loginName":"gyro-gearloose@acme.example.com",
                            "displayName":"Gyro Gearloose","organizationId":"69629023906488334"},
                    "password":{"verifiedAt":"2026-12-03T10:00:00.002Z"}},
         "userAgent":{"description":"Firefox on Linux"}},
        {"id":"80000000000000005","creationDate":"2026-12-03T11:00:00Z","changeDate":"2026-12-03T11:00:00Z"}]}"#;

    #[test]
    fn builds_the_requests() {
        let list = list_request("226000000000000013");
        assert_eq!(
            (list.method, list.path.as_str()),
            (Method::Post, "/v2/sessions/search")
        );
        let body: serde_json::Value = serde_json::from_str(list.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body["queries"][0]["userIdQuery"]["id"],
            "226000000000000013"
        );
        let delete = delete_request("80000000000000004");
        assert_eq!(
            (delete.method, delete.path.as_str()),
            (Method::Delete, "/v2/sessions/80000000000000004")
        );
    }

    #[test]
    fn reads_the_ids_and_the_total() {
        let read = read_list(&ApiResponse::json(200, LIST)).unwrap();
        assert_eq!(read.ids, ["80000000000000004", "80000000000000005"]);
        assert_eq!(read.total, 2);
        // No sessions: both fields left out.
        let none = read_list(&ApiResponse::json(
            200,
            r#"{"details":{"timestamp":"2026-12-05T10:00:00Z"}}"#,
        ))
        .unwrap();
        assert_eq!(none, Remaining::default());
        // Sessions left out for lack of session.read, still counted.
        let hidden = read_list(&ApiResponse::json(
            200,
            r#"{"details":{"totalResult":"2"}}"#,
        ))
        .unwrap();
        assert_eq!((hidden.ids.len(), hidden.total), (0, 2));
    }

    #[test]
    fn reads_a_deletion_and_its_refusals() {
        let done = r#"{"details":{"sequence":"4","changeDate":"2026-12-05T10:00:01Z","resourceOwner":"69629023906488300"}}"#;
        assert_eq!(read_delete(&ApiResponse::json(200, done)), Ok(()));
        // An unknown session: empty details, still an answer.
        assert_eq!(
            read_delete(&ApiResponse::json(200, r#"{"details":{}}"#)),
            Ok(())
        );
        let refused = r#"{"code":7,"message":"No matching permissions found (AUTH-AWfge)","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"AUTH-AWfge","message":"No matching permissions found"}]}"#;
        assert!(matches!(
            read_delete(&ApiResponse::json(403, refused)),
            Err(ApiError::PermissionDenied(_))
        ));
        assert!(matches!(
            read_delete(&ApiResponse::json(200, "{}")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
        assert!(matches!(
            read_list(&ApiResponse::json(200, r#"{"sessions":"no"}"#)),
            Err(ApiError::UnreadableAnswer { .. })
        ));
        // A server older than session API v2: the gateway's routing 404.
        assert_eq!(
            read_list(&ApiResponse::json(
                404,
                r#"{"code":5,"message":"Not Found"}"#
            )),
            Err(ApiError::ServerTooOld { needs: "2.58" })
        );
    }
}
