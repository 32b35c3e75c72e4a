//! What every ZITADEL API shares: the error bodies (grpc-gateway REST and
//! Connect) and how they map to [`ApiError`].

use serde::Deserialize;
use serde_json::Value;

use super::wire::{self, int64, non_empty, timestamp};
use crate::domain::{Details, Owner, OwnerKind};
use crate::http::{ApiError, ApiResponse, ServerMessage};
use crate::tr;

/// `zitadel.object.v2.Details` and `zitadel.v1.ObjectDetails`: the same four
/// fields, each present only when the converter fills it (contracts §2.2, §2.3).
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectDetailsWire {
    #[serde(deserialize_with = "int64")]
    sequence: Option<u64>,
    change_date: Option<String>,
    creation_date: Option<String>,
    resource_owner: Option<String>,
}

impl ObjectDetailsWire {
    pub fn into_domain(self) -> Details {
        Details {
            // v1/v2 objects of this console belong to an organisation; resourceOwner is its id.
            owner: non_empty(self.resource_owner).map(|id| Owner {
                kind: OwnerKind::Organization,
                id,
            }),
            created: timestamp(self.creation_date.as_deref()),
            changed: timestamp(self.change_date.as_deref()),
            sequence: self.sequence,
        }
    }
}

/// gRPC FAILED_PRECONDITION: ZITADEL's "not in the right state", sent as HTTP 400.
const GRPC_FAILED_PRECONDITION: i64 = 9;

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusBody {
    /// A number (grpc-gateway) or a snake_case string (Connect).
    code: Option<Value>,
    message: Option<String>,
    details: Vec<ErrorDetail>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ErrorDetail {
    id: Option<String>,
    message: Option<String>,
    /// Connect's protojson form of the detail.
    debug: Option<DebugDetail>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DebugDetail {
    id: Option<String>,
    message: Option<String>,
}

/// The body of a state change: `{}`, or `{"reason": …}` when the admin gave
/// one. The gateway drops fields it does not know, so servers without the
/// field ignore it; the sandbox keeps it on the change's event.
pub fn change_body(reason: Option<&str>) -> String {
    match reason {
        Some(reason) => {
            #[derive(serde::Serialize)]
            struct Change<'a> {
                reason: &'a str,
            }
            super::wire::to_json(&Change { reason })
        }
        None => "{}".to_string(),
    }
}

/// Reads the `{"details": …}` a v1 or v2 write answers with. ZITADEL always
/// sends the details of the event written: an answer without them is not a
/// confirmation the page can show.
pub fn read_change_details(response: &ApiResponse) -> Result<Details, ApiError> {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct ChangeResponse {
        details: Option<ObjectDetailsWire>,
    }
    let body: ChangeResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_change_details)))?;
    body.details
        .map(ObjectDetailsWire::into_domain)
        .ok_or_else(|| unreadable(response, tr!(errors.expected_change_details)))
}

/// `ListDetails` of v1 and v2 lists: the total the server counted.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ListDetailsWire {
    #[serde(deserialize_with = "int64")]
    pub total_result: Option<u64>,
}

/// Reads a failed ZITADEL answer. The body may be a grpc-gateway status, a
/// Connect error, plain text (a proxy's or the gateway's own), HTML, or empty.
pub fn error_from_response(response: &ApiResponse) -> ApiError {
    let parsed = match wire::error_body(response, |body: &StatusBody| {
        body.code.is_some() || body.message.is_some()
    }) {
        Ok(parsed) => parsed,
        Err(unreadable) => return unreadable,
    };
    let (message, precondition) = match parsed {
        Some(body) => {
            let precondition = match &body.code {
                Some(Value::Number(n)) => n.as_i64() == Some(GRPC_FAILED_PRECONDITION),
                Some(Value::String(s)) => s == "failed_precondition",
                _ => false,
            };
            (server_message(body), precondition)
        }
        None => (plain_text_message(response), false),
    };
    if response.status == 404 && message.id.as_deref() == Some(MEMBERSHIP_NOT_FOUND) {
        return ApiError::AccessLost(message);
    }
    // No `Retry-After`: ZITADEL does not expose it to another origin
    // (`internal/api/http/middleware/cors_interceptor.go`), so the console
    // never depends on it.
    ApiError::from_status(response.status, message, precondition, None)
}

/// A message key ZITADEL did not translate (`Errors.Token.Invalid`): the
/// console says it in its own words instead.
fn is_untranslated_key(text: &str) -> bool {
    text.strip_prefix("Errors.").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
    })
}

/// ZITADEL's authorisation interceptor answers 404 with this id when the
/// caller has no membership in the object's organisation nor on the
/// instance (`internal/api/authz/permissions.go` at v4.13.1, "membership not found").
const MEMBERSHIP_NOT_FOUND: &str = "AUTHZ-cdgFk";

/// Reads a failed answer from an API that ZITADEL introduced in version
/// `needs`: the gateway's own 404 for a route it does not know
/// (`{"code":5,"message":"Not Found"}`, no error id) means the server is older.
pub fn error_from_api_since(response: &ApiResponse, needs: &'static str) -> ApiError {
    if is_unknown_route(response) {
        return ApiError::ServerTooOld { needs };
    }
    error_from_response(response)
}

/// The grpc-gateway's answer for a path it has no route for: 404, code 5,
/// its status text "Not Found", and no error details. ZITADEL's own
/// NotFound errors always carry an id.
pub fn is_unknown_route(response: &ApiResponse) -> bool {
    if response.status != 404 {
        return false;
    }
    match serde_json::from_str::<StatusBody>(&response.body) {
        Ok(body) => {
            body.details.is_empty()
                && matches!(&body.code, Some(Value::Number(n)) if n.as_i64() == Some(5))
                && body.message.as_deref() == Some("Not Found")
        }
        Err(_) => false,
    }
}

fn server_message(body: StatusBody) -> ServerMessage {
    let detail = body.details.into_iter().next().unwrap_or_default();
    let debug = detail.debug.unwrap_or_default();
    let mut id = detail.id.or(debug.id).filter(|id| !id.is_empty());
    // Errors without details (the auth interceptor's) carry the id only at
    // the end of the message: `Errors.Token.Invalid (AUTH-7fs1e)`.
    if id.is_none() {
        id = body.message.as_deref().and_then(trailing_id);
    }
    let text = detail
        .message
        .or(debug.message)
        .or_else(|| body.message.map(|m| strip_id_suffix(&m, id.as_deref())))
        .filter(|t| !t.is_empty() && !is_untranslated_key(t));
    ServerMessage { text, id }
}

/// ZITADEL writes messages as `"User already inactive (COMMAND-5gunjw0cd7)"`;
/// the id is shown on its own, so it is taken off the text.
fn strip_id_suffix(message: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => message
            .trim_end()
            .strip_suffix(&format!("({id})"))
            .unwrap_or(message)
            .trim_end()
            .to_string(),
        None => message.to_string(),
    }
}

/// The `(PREFIX-id)` ZITADEL appends to a message, if it has one.
fn trailing_id(message: &str) -> Option<String> {
    let inner = message.trim_end().strip_suffix(')')?;
    let (_, id) = inner.rsplit_once('(')?;
    let (prefix, rest) = id.split_once('-')?;
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    (word(prefix) && word(rest)).then(|| id.to_string())
}

/// A short plain-text body is worth showing (grpc-gateway's plain-text 403 for
/// an unknown host); an HTML page or a long dump is not.
fn plain_text_message(response: &ApiResponse) -> ServerMessage {
    let is_html = response
        .content_type
        .as_deref()
        .is_some_and(|c| c.contains("html"))
        || response.body.trim_start().starts_with('<');
    let text = response.body.trim();
    if is_html || text.is_empty() || text.len() > 300 {
        ServerMessage::default()
    } else {
        ServerMessage {
            text: Some(text.to_string()),
            id: None,
        }
    }
}

/// The error for a 2xx answer whose body is not what the API promises.
/// `what` is one of the catalogue's `errors.expected_*` phrases, which fit
/// into each of the sentences below in every language.
pub fn unreadable(response: &ApiResponse, what: &str) -> ApiError {
    let detail = if response.body.trim().is_empty() {
        tr!(errors.empty_answer, what)
    } else if response.body.trim_start().starts_with('<') {
        tr!(errors.web_page_answer, what)
    } else {
        tr!(errors.answer_lacks, what)
    };
    ApiError::UnreadableAnswer {
        status: response.status,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> ApiResponse {
        ApiResponse::json(status, body)
    }

    #[test]
    fn reads_the_grpc_gateway_error_from_the_contract() {
        // contracts/ZITADEL.md §8.1
        let body = r#"{
          "code": 9,
          "message": "User already inactive (COMMAND-5gunjw0cd7)",
          "details": [
            { "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
              "id": "COMMAND-5gunjw0cd7",
              "message": "User already inactive" }
          ]
        }"#;
        let err = error_from_response(&response(400, body));
        assert!(matches!(err, ApiError::Conflict(_)), "{err:?}");
        assert_eq!(err.error_id(), Some("COMMAND-5gunjw0cd7"));
        assert_eq!(err.server_text(), Some("User already inactive"));
    }

    #[test]
    fn reads_the_connect_error_from_the_contract() {
        // contracts/ZITADEL.md §8.3
        let body = r#"{
          "code": "failed_precondition",
          "message": "User already inactive (COMMAND-5gunjw0cd7)",
          "details": [
            { "type": "zitadel.v1.ErrorDetail",
              "value": "CgtDT01NQU5ELTVndW5qdzBjZDcSFVVzZXIgYWxyZWFkeSBpbmFjdGl2ZQ",
              "debug": { "id": "COMMAND-5gunjw0cd7", "message": "User already inactive" } }
          ]
        }"#;
        let err = error_from_response(&response(400, body));
        assert!(matches!(err, ApiError::Conflict(_)), "{err:?}");
        assert_eq!(err.error_id(), Some("COMMAND-5gunjw0cd7"));
        assert_eq!(err.server_text(), Some("User already inactive"));
    }

    #[test]
    fn a_400_without_precondition_code_is_an_invalid_request() {
        let body = r#"{"code":3,"message":"invalid user id (COMMAND-78iiirat8y)","details":[{"id":"COMMAND-78iiirat8y","message":"invalid user id"}]}"#;
        assert!(matches!(
            error_from_response(&response(400, body)),
            ApiError::InvalidRequest(_)
        ));
    }

    #[test]
    fn errors_without_details_keep_the_message() {
        let err = error_from_response(&response(404, r#"{"code":5,"message":"Not Found"}"#));
        assert_eq!(
            err,
            ApiError::NotFound(ServerMessage {
                text: Some("Not Found".into()),
                id: None
            })
        );
        let err = error_from_response(&response(
            501,
            r#"{"code":12,"message":"method GetUser not implemented"}"#,
        ));
        assert_eq!(err.server_text(), Some("method GetUser not implemented"));
    }

    #[test]
    fn only_the_gateways_bare_404_means_an_older_server() {
        let no_route = response(404, r#"{"code":5,"message":"Not Found","details":[]}"#);
        assert_eq!(
            error_from_api_since(&no_route, "2.58"),
            ApiError::ServerTooOld { needs: "2.58" }
        );
        let membership = response(
            404,
            r#"{"code":5,"message":"membership not found (AUTHZ-cdgFk)","details":[{"id":"AUTHZ-cdgFk","message":"membership not found"}]}"#,
        );
        assert!(matches!(
            error_from_api_since(&membership, "2.58"),
            ApiError::AccessLost(_)
        ));
        for other in [
            r#"{"code":5,"message":"User could not be found (QUERY-Dfbg2)","details":[{"id":"QUERY-Dfbg2","message":"User could not be found"}]}"#,
            r#"{"code":5,"message":"proxy: Not Found"}"#,
        ] {
            assert!(matches!(
                error_from_api_since(&response(404, other), "2.58"),
                ApiError::NotFound(_)
            ));
        }
    }

    #[test]
    fn an_untranslated_key_is_never_shown_but_its_id_is_kept() {
        let body = r#"{"code":16,"message":"Errors.Token.Invalid (AUTH-7fs1e)"}"#;
        let err = error_from_response(&response(401, body));
        assert!(matches!(err, ApiError::Unauthenticated(_)));
        assert_eq!(err.server_text(), None, "our own text is shown instead");
        assert_eq!(err.error_id(), Some("AUTH-7fs1e"));
        let detailed = r#"{"code":9,"message":"Errors.User.NotInactive (COMMAND-x)","details":[{"id":"COMMAND-x","message":"Errors.User.NotInactive"}]}"#;
        assert_eq!(
            error_from_response(&response(400, detailed)).server_text(),
            None
        );
        // Translated texts that merely mention "Errors." stay.
        assert!(!is_untranslated_key("Errors. Something went wrong"));
        assert!(is_untranslated_key("Errors.UserSchema.NotEnabled"));
        assert!(!is_untranslated_key("Errors."));
        // Another auth header error keeps its message and takes its id from it.
        let err = error_from_response(&response(
            401,
            r#"{"code":16,"message":"invalid auth header (AUTH-toLo1)"}"#,
        ));
        assert_eq!(err.server_text(), Some("invalid auth header"));
        assert_eq!(err.error_id(), Some("AUTH-toLo1"));
        assert_eq!(trailing_id("Not Found"), None);
        assert_eq!(trailing_id("Fehler (siehe oben)"), None);
    }

    #[test]
    fn answers_that_are_not_the_error_shape_are_unreadable_never_quoted() {
        for body in ["{\"code\":", "[1,2]", "{\"foo\":1}"] {
            for status in [400, 404, 500] {
                let err = error_from_response(&response(status, body));
                assert!(
                    matches!(err, ApiError::UnreadableAnswer { status: s, .. } if s == status),
                    "{status} {body}: {err:?}"
                );
                assert_eq!(err.server_text(), None);
            }
        }
    }

    #[test]
    fn the_rate_limit_advice_does_not_depend_on_retry_after() {
        let limited = ApiResponse {
            retry_after: Some("30".into()),
            ..response(429, r#"{"code":8,"message":"quota exceeded (QUOTA-1)"}"#)
        };
        let err = error_from_response(&limited);
        assert_eq!(
            err,
            ApiError::RateLimited {
                retry_after_seconds: None
            }
        );
        assert_eq!(err.advice(), "Wait a moment, then try again.");
    }

    #[test]
    fn plain_text_html_and_empty_bodies_never_fail() {
        let plain = ApiResponse {
            content_type: Some("text/plain".into()),
            ..response(403, "instance not found")
        };
        assert_eq!(
            error_from_response(&plain).server_text(),
            Some("instance not found")
        );

        let html = ApiResponse {
            content_type: Some("text/html".into()),
            ..response(502, "<html><body><h1>502 Bad Gateway</h1></body></html>")
        };
        assert_eq!(
            error_from_response(&html),
            ApiError::ServerError {
                status: 502,
                message: ServerMessage::default()
            }
        );

        assert!(matches!(
            error_from_response(&response(503, "")),
            ApiError::ServerError { status: 503, .. }
        ));
        assert!(matches!(
            error_from_response(&response(500, "{\"code\":")),
            ApiError::UnreadableAnswer { status: 500, .. }
        ));
    }

    #[test]
    fn unreadable_answers_say_what_was_wrong() {
        let err = unreadable(&response(200, ""), "a user");
        assert_eq!(
            err,
            ApiError::UnreadableAnswer {
                status: 200,
                detail: "The server sent an empty answer where a user was expected".into()
            }
        );
        let err = unreadable(&response(200, "<!doctype html>"), "a user");
        assert!(
            matches!(err, ApiError::UnreadableAnswer { detail, .. } if detail.contains("web page"))
        );
    }
}
