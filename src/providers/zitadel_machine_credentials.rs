//! A ZITADEL service user's personal access tokens and keys through
//! management v1 (`/management/v1/users/{userId}/pats…`, `…/keys…`), as
//! v4.13.1 serves them (`proto/zitadel/management.proto`). The lists need
//! `user.read`, the removals `user.write`, in the organisation of
//! `x-zitadel-orgid`: the one that owns the user.

use serde::Deserialize;

use super::wire::{to_json, ListQuery, QueryOnly};
use super::zitadel::{error_from_response, read_change_details, unreadable, ListDetailsWire};
use crate::domain::offboarding::{Credential, Remaining};
use crate::http::{path_segment, ApiError, ApiRequest, ApiResponse};
use crate::tr;

const ORG_HEADER: &str = "x-zitadel-orgid";

/// ZITADEL's largest page.
pub const LIST_LIMIT: u32 = 1000;

/// The path segment of a kind of credential.
fn segment(kind: Credential) -> &'static str {
    match kind {
        Credential::PersonalAccessToken => "pats",
        Credential::Key => "keys",
    }
}

pub fn list_request(kind: Credential, user_id: &str, organization_id: Option<&str>) -> ApiRequest {
    let body = to_json(&QueryOnly {
        query: ListQuery::first_without_offset(LIST_LIMIT),
    });
    ApiRequest::post(
        format!(
            "/management/v1/users/{}/{}/_search",
            path_segment(user_id),
            segment(kind)
        ),
        Some(body),
    )
    .with_header(ORG_HEADER, organization_id)
}

pub fn remove_request(
    kind: Credential,
    user_id: &str,
    id: &str,
    organization_id: Option<&str>,
) -> ApiRequest {
    ApiRequest::delete(format!(
        "/management/v1/users/{}/{}/{}",
        path_segment(user_id),
        segment(kind),
        path_segment(id)
    ))
    .with_header(ORG_HEADER, organization_id)
}

/// The ids listed and the total the server counted.
pub fn read_list(response: &ApiResponse) -> Result<Remaining, ApiError> {
    if !response.is_success() {
        return Err(error_from_response(response));
    }
    let body: ListResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(offboard.expected_credential_list)))?;
    let ids = body.result.unwrap_or_default().into_iter().map(|c| c.id);
    Ok(Remaining::listed(
        ids,
        body.details.and_then(|d| d.total_result),
    ))
}

/// A removal. "Not found" (`COMMAND-4m77G`) means it is gone already, for
/// instance after an answer that was lost: the read-back decides.
pub fn read_remove(response: &ApiResponse) -> Result<(), ApiError> {
    if !response.is_success() {
        return match error_from_response(response) {
            ApiError::NotFound(_) => Ok(()),
            error => Err(error),
        };
    }
    read_change_details(response).map(|_| ())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListResponse {
    details: Option<ListDetailsWire>,
    result: Option<Vec<CredentialWire>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CredentialWire {
    id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    const PATS: &str = r#"{"details":{"totalResult":"2","processedSequence":"130","viewTimestamp":"2026-12-05T10:00:00Z"},
      "result":[
        {"id":"81000000000000001","details":{"sequence":"2","creationDate":"2026-12-02T10:00:00Z","changeDate":"2026-12-02T10:00:00Z","resourceOwner":"69629023906488334"},
         "expirationDate":"2027-12-05T10:00:00Z","scopes":["openid"]},
        {"id":"81000000000000002","details":{"sequence":"3"},"expirationDate":"2027-12-05T10:00:00Z"}]}"#;

    const KEYS: &str = r#"{"details":{"totalResult":"1"},"result":[{"id":"82000000000000001","type":"KEY_TYPE_JSON","expirationDate":"2027-12-05T10:00:00Z"}]}"#;

    #[test]
    fn builds_the_requests_with_the_org_header() {
        let list = list_request(
            Credential::PersonalAccessToken,
            "226000000000000015",
            Some("69629023906488334"),
        );
        assert_eq!(
            (list.method, list.path.as_str()),
            (
                Method::Post,
                "/management/v1/users/226000000000000015/pats/_search"
            )
        );
        assert_eq!(
            list.headers,
            [(ORG_HEADER, "69629023906488334".to_string())]
        );
        let remove = remove_request(
            Credential::Key,
            "226000000000000015",
            "82000000000000001",
            None,
        );
        assert_eq!(
            (remove.method, remove.path.as_str()),
            (
                Method::Delete,
                "/management/v1/users/226000000000000015/keys/82000000000000001"
            )
        );
        assert!(remove.headers.is_empty());
    }

    #[test]
    fn reads_tokens_and_keys() {
        let pats = read_list(&ApiResponse::json(200, PATS)).unwrap();
        assert_eq!(pats.ids, ["81000000000000001", "81000000000000002"]);
        assert_eq!(pats.total, 2);
        let keys = read_list(&ApiResponse::json(200, KEYS)).unwrap();
        assert_eq!(keys.ids, ["82000000000000001"]);
        let none = read_list(&ApiResponse::json(
            200,
            r#"{"details":{"viewTimestamp":"2026-12-05T10:00:00Z"}}"#,
        ))
        .unwrap();
        assert_eq!(none, Remaining::default());
    }

    #[test]
    fn a_removal_of_what_is_gone_already_is_no_failure() {
        let gone = r#"{"code":5,"message":"Personal Access Token not found (COMMAND-4m77G)","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"COMMAND-4m77G","message":"Personal Access Token not found"}]}"#;
        assert_eq!(read_remove(&ApiResponse::json(404, gone)), Ok(()));
        let done = r#"{"details":{"sequence":"6","changeDate":"2026-12-05T10:00:01Z","resourceOwner":"69629023906488334"}}"#;
        assert_eq!(read_remove(&ApiResponse::json(200, done)), Ok(()));
        let refused = r#"{"code":7,"message":"No matching permissions found (AUTH-5mWD2)","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"AUTH-5mWD2","message":"No matching permissions found"}]}"#;
        assert!(matches!(
            read_remove(&ApiResponse::json(403, refused)),
            Err(ApiError::PermissionDenied(_))
        ));
    }
}
