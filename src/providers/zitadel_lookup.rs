//! Finding the users a pasted list names, and who the signed-in admin is,
//! on ZITADEL.
//!
//! The lines of one chunk go in one ListUsers request (`POST /v2/users`): an
//! `orQuery` of `emailQuery` and `loginNameQuery` with
//! `TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE` (whole value, `LOWER(col) = lower(text)`:
//! `internal/query/search_query.go`, textQuery.comp) and one `inUserIdsQuery`
//! (exact ids), as `proto/zitadel/user/v2/query.proto` and
//! `internal/api/grpc/user/v2/convert/user.go` (v4.13.1) define them. No
//! method that matches a prefix or a part is used. Which line a returned user
//! belongs to is decided by [`Candidate::matches`], by the same exact rules.

use serde::Deserialize;

use super::wire::{to_json, ListQuery};
use super::zitadel::unreadable;
use super::zitadel_v2::{ListResponse, ListUsersBody, SearchQuery, SINCE_VERSION};
use crate::domain::Candidate;
use crate::http::{ApiError, ApiRequest, ApiResponse};
use crate::tr;

/// `LoginNameQuery.login_name` and `EmailQuery.email_address` are at most
/// 200 characters (`query.proto` validate rules): a longer line cannot match
/// and would fail the whole request, so it is not sent.
pub const MAX_TEXT: usize = 200;

/// Enough rows for every line of a chunk to match a few users (ZITADEL's
/// default maximum list limit is 1000).
const LIMIT: u32 = 1000;

pub fn lookup_request(texts: &[String]) -> ApiRequest {
    let method = "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE";
    let sendable: Vec<&str> = texts
        .iter()
        .map(String::as_str)
        .filter(|t| !t.is_empty() && t.chars().count() <= MAX_TEXT)
        .collect();
    let mut any_of = Vec::new();
    for &text in &sendable {
        if text.contains('@') {
            any_of.push(SearchQuery::EmailQuery {
                email_address: text,
                method,
            });
        }
        any_of.push(SearchQuery::LoginNameQuery {
            login_name: text,
            method,
        });
    }
    any_of.push(SearchQuery::InUserIdsQuery { user_ids: sendable });
    let body = ListUsersBody {
        query: ListQuery::first(LIMIT),
        sorting_column: "USER_FIELD_NAME_CREATION_DATE",
        queries: vec![SearchQuery::OrQuery { queries: any_of }],
    };
    ApiRequest::post("/v2/users".into(), Some(to_json(&body)))
}

/// The users of an answer to [`lookup_request`], with all their login names.
pub fn read_lookup(response: &ApiResponse) -> Result<Vec<Candidate>, ApiError> {
    if !response.is_success() {
        return Err(super::zitadel::error_from_api_since(
            response,
            SINCE_VERSION,
        ));
    }
    let body: ListResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_user_list)))?;
    Ok(body
        .result
        .unwrap_or_default()
        .into_iter()
        .map(|wire| {
            let login_names = wire.login_names.clone().unwrap_or_default();
            Candidate {
                user: wire.into_domain(""),
                login_names,
            }
        })
        .collect())
}

/// GetMyUser of the auth API (`proto/zitadel/auth.proto`, `GET /auth/v1/users/me`,
/// permission "authenticated"): the user the token belongs to.
pub fn me_request() -> ApiRequest {
    ApiRequest::get("/auth/v1/users/me".into())
}

#[derive(Deserialize)]
struct MeResponse {
    user: Option<MeWire>,
}

#[derive(Deserialize)]
struct MeWire {
    id: Option<String>,
}

/// The signed-in user's id, when the answer names one.
pub fn read_me(response: &ApiResponse) -> Option<String> {
    if !response.is_success() {
        return None;
    }
    serde_json::from_str::<MeResponse>(&response.body)
        .ok()?
        .user?
        .id
        .filter(|id| !id.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(body: &str) -> ApiResponse {
        ApiResponse::json(200, body)
    }

    #[test]
    fn a_chunk_is_one_request_of_exact_queries() {
        let texts = vec![
            "ada@example.com".to_string(),
            "123".to_string(),
            "x".repeat(201),
        ];
        let request = lookup_request(&texts);
        assert_eq!(request.path, "/v2/users");
        let body: serde_json::Value =
            serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        let any_of = &body["queries"][0]["orQuery"]["queries"];
        assert_eq!(
            any_of[0]["emailQuery"],
            serde_json::json!({ "emailAddress": "ada@example.com", "method": "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE" })
        );
        assert_eq!(any_of[1]["loginNameQuery"]["loginName"], "ada@example.com");
        assert_eq!(any_of[2]["loginNameQuery"]["loginName"], "123");
        assert_eq!(
            any_of[3]["inUserIdsQuery"]["userIds"],
            serde_json::json!(["ada@example.com", "123"])
        );
        assert_eq!(any_of.as_array().unwrap().len(), 4);
        assert!(!request.body.unwrap().contains("CONTAINS") && !request.path.contains('?'));
    }

    #[test]
    fn reads_candidates_with_every_login_name() {
        let found = read_lookup(&ok(r#"{"details":{"totalResult":"1"},"result":[{"userId":"7","state":"USER_STATE_ACTIVE","username":"ada","loginNames":["ada@acme.ch","ada@acme.io"],"preferredLoginName":"ada@acme.ch","human":{"email":{"email":"ada@x.ch"}}}]}"#)).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].user.id, "7");
        assert_eq!(found[0].login_names, ["ada@acme.ch", "ada@acme.io"]);
        assert!(found[0].matches("ADA@acme.io") && found[0].matches("ada@x.ch"));
    }

    #[test]
    fn reads_the_signed_in_user_or_nothing() {
        assert_eq!(
            read_me(&ok(r#"{"user":{"id":"42","userName":"admin"}}"#)),
            Some("42".into())
        );
        assert_eq!(read_me(&ok(r#"{"user":{}}"#)), None);
        assert_eq!(read_me(&ApiResponse::json(404, "{}")), None);
    }
}
