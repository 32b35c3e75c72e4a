//! ZITADEL management v1 user grants (`/management/v1/users/{u}/grants/...`),
//! contracts/ZITADEL.md §5 and §7.3. Every call carries `x-zitadel-orgid`:
//! grants are owned by an organisation, and a grant of another one reads as missing.

use serde::{Deserialize, Serialize};

use super::wire::{non_empty, to_json, ListQuery};
use super::zitadel::{
    change_body, error_from_response, read_change_details, unreadable, ListDetailsWire,
    ObjectDetailsWire,
};
use crate::domain::{Details, Grant, GrantAction, GrantState};
use crate::http::{path_segment, ApiError, ApiRequest, ApiResponse};
use crate::tr;

const ORG_HEADER: &str = "x-zitadel-orgid";

/// The most grants one user's page lists; a user with more is rare and the
/// page says when the list is cut.
pub const LIST_LIMIT: u32 = 100;

pub fn list_request(user_id: &str, organization_id: Option<&str>) -> ApiRequest {
    #[derive(Serialize)]
    struct Search<'a> {
        query: ListQuery,
        queries: [GrantQuery<'a>; 1],
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
    enum GrantQuery<'a> {
        UserIdQuery { user_id: &'a str },
    }
    let body = Search {
        query: ListQuery::first(LIST_LIMIT),
        queries: [GrantQuery::UserIdQuery { user_id }],
    };
    ApiRequest::post(
        "/management/v1/users/grants/_search".into(),
        Some(to_json(&body)),
    )
    .with_header(ORG_HEADER, organization_id)
}

pub fn get_request(user_id: &str, grant_id: &str, organization_id: Option<&str>) -> ApiRequest {
    ApiRequest::get(grant_path(user_id, grant_id)).with_header(ORG_HEADER, organization_id)
}

pub fn action_request(
    user_id: &str,
    grant_id: &str,
    action: GrantAction,
    organization_id: Option<&str>,
    reason: Option<&str>,
) -> ApiRequest {
    let path = grant_path(user_id, grant_id);
    let request = match action {
        GrantAction::Deactivate => {
            ApiRequest::post(format!("{path}/_deactivate"), Some(change_body(reason)))
        }
        GrantAction::Reactivate => {
            ApiRequest::post(format!("{path}/_reactivate"), Some(change_body(reason)))
        }
        GrantAction::Remove => ApiRequest::delete(path),
    };
    request.with_header(ORG_HEADER, organization_id)
}

fn grant_path(user_id: &str, grant_id: &str) -> String {
    format!(
        "/management/v1/users/{}/grants/{}",
        path_segment(user_id),
        path_segment(grant_id)
    )
}

/// The grants and the total the server counted (which may exceed the list).
pub fn read_list(response: &ApiResponse) -> Result<(Vec<Grant>, u64), ApiError> {
    if !response.is_success() {
        return Err(error_from_response(response));
    }
    let body: ListResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_grant_list)))?;
    let grants: Vec<Grant> = body
        .result
        .unwrap_or_default()
        .into_iter()
        .map(GrantWire::into_domain)
        .collect();
    let total = body
        .details
        .and_then(|d| d.total_result)
        .unwrap_or(grants.len() as u64);
    Ok((grants, total))
}

pub fn read_grant(response: &ApiResponse) -> Result<Grant, ApiError> {
    if !response.is_success() {
        return Err(error_from_response(response));
    }
    let body: GetResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_grant)))?;
    body.user_grant
        .map(GrantWire::into_domain)
        .ok_or_else(|| unreadable(response, tr!(errors.expected_grant)))
}

/// Ids older servers send when the grant is already in the target state;
/// newer servers answer 200 instead (contracts §7.3). Both mean done.
const ALREADY_INACTIVE: &str = "COMMAND-1S9gx";
const ALREADY_ACTIVE: &str = "COMMAND-1ML0v";

pub fn read_action(action: GrantAction, response: &ApiResponse) -> Result<Details, ApiError> {
    if !response.is_success() {
        let error = error_from_response(response);
        let already = match action {
            GrantAction::Deactivate => ALREADY_INACTIVE,
            GrantAction::Reactivate => ALREADY_ACTIVE,
            GrantAction::Remove => return Err(error),
        };
        return match error {
            ApiError::Conflict(ref message) if message.id.as_deref() == Some(already) => {
                Ok(Details::default())
            }
            error => Err(error),
        };
    }
    read_change_details(response)
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct GetResponse {
    user_grant: Option<GrantWire>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListResponse {
    details: Option<ListDetailsWire>,
    result: Option<Vec<GrantWire>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct GrantWire {
    id: Option<String>,
    details: Option<ObjectDetailsWire>,
    role_keys: Option<Vec<String>>,
    state: Option<String>,
    user_id: Option<String>,
    org_name: Option<String>,
    project_id: Option<String>,
    project_name: Option<String>,
}

impl GrantWire {
    fn into_domain(self) -> Grant {
        Grant {
            id: non_empty(self.id).unwrap_or_default(),
            user_id: non_empty(self.user_id).unwrap_or_default(),
            project_id: non_empty(self.project_id).unwrap_or_default(),
            project_name: non_empty(self.project_name),
            roles: self.role_keys.unwrap_or_default(),
            state: grant_state(self.state.as_deref()),
            organization_name: non_empty(self.org_name),
            details: self
                .details
                .map(ObjectDetailsWire::into_domain)
                .unwrap_or_default(),
        }
    }
}

fn grant_state(wire: Option<&str>) -> GrantState {
    match wire {
        None | Some("") | Some("USER_GRANT_STATE_UNSPECIFIED") => GrantState::Unspecified,
        Some("USER_GRANT_STATE_ACTIVE") => GrantState::Active,
        Some("USER_GRANT_STATE_INACTIVE") => GrantState::Inactive,
        Some(other) => GrantState::Unknown(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    fn answer(status: u16, body: &str) -> ApiResponse {
        ApiResponse::json(status, body)
    }

    /// contracts/ZITADEL.md §5.2, verbatim.
    const LIST_EXAMPLE: &str = r#"{ "details": { "totalResult": "1", "processedSequence": "268002", "viewTimestamp": "2024-08-02T11:06:01Z" },
      "result": [ {
        "id": "70000000000000001",
        "details": { "sequence": "367", "creationDate": "2024-06-01T09:00:00Z", "changeDate": "2024-08-02T11:06:00.1Z",
                     "resourceOwner": "69629023906488334" },
        "roleKeys": ["reader"],
        "state": "USER_GRANT_STATE_INACTIVE",
        "userId": "69629012906488334", "userName": "minnie-mouse", "displayName": "Minnie Mouse",
        "orgId": "69629023906488334", "orgName": "ACME",
        "projectId": "69629099999999999", "projectName": "Portal",
        "userType": "TYPE_HUMAN"
      } ] }"#;

    #[test]
    fn builds_the_contract_requests_with_the_org_header() {
        let list = list_request("69629012906488334", Some("69629023906488334"));
        assert_eq!(
            (list.method, list.path.as_str()),
            (Method::Post, "/management/v1/users/grants/_search")
        );
        let body: serde_json::Value = serde_json::from_str(list.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body["queries"][0]["userIdQuery"]["userId"],
            "69629012906488334"
        );
        assert_eq!(body["query"]["offset"], "0");
        assert_eq!(
            list.headers,
            vec![("x-zitadel-orgid", "69629023906488334".to_string())]
        );

        let deactivate = action_request(
            "69629012906488334",
            "70000000000000001",
            GrantAction::Deactivate,
            Some("1"),
            None,
        );
        assert_eq!(
            deactivate.path,
            "/management/v1/users/69629012906488334/grants/70000000000000001/_deactivate"
        );
        assert_eq!(deactivate.body.as_deref(), Some("{}"));
        assert_eq!(
            action_request("u", "g", GrantAction::Reactivate, None, None).path,
            "/management/v1/users/u/grants/g/_reactivate"
        );
        let remove = action_request("u", "g", GrantAction::Remove, None, None);
        assert_eq!(
            (remove.method, remove.path.as_str(), remove.headers.len()),
            (Method::Delete, "/management/v1/users/u/grants/g", 0)
        );
        assert_eq!(
            get_request("u", "g", Some("1")).path,
            "/management/v1/users/u/grants/g"
        );
    }

    #[test]
    fn parses_the_contract_list_example() {
        let (grants, total) = read_list(&answer(200, LIST_EXAMPLE)).unwrap();
        assert_eq!(total, 1);
        let grant = &grants[0];
        assert_eq!(grant.id, "70000000000000001");
        assert_eq!(grant.title(), "Portal");
        assert_eq!(grant.roles, vec!["reader"]);
        assert_eq!(grant.state, GrantState::Inactive);
        assert_eq!(grant.organization_name.as_deref(), Some("ACME"));
        assert_eq!(grant.details.sequence, Some(367));
        assert_eq!(
            grant.details.created.as_ref().unwrap().as_str(),
            "2024-06-01T09:00:00Z"
        );
        assert_eq!(
            grant.details.changed.as_ref().unwrap().as_str(),
            "2024-08-02T11:06:00.1Z"
        );
    }

    #[test]
    fn parses_a_get_and_the_change_details_without_creation_date() {
        let body = r#"{"userGrant":{"id":"7","state":"USER_GRANT_STATE_ACTIVE","projectId":"9"}}"#;
        let grant = read_grant(&answer(200, body)).unwrap();
        assert_eq!(
            (grant.title(), grant.roles.len()),
            ("Project 9".to_string(), 0)
        );
        assert_eq!(grant.state, GrantState::Active);

        // contracts/ZITADEL.md §5.2 deactivate answer (DomainToChangeDetailsPb).
        let body = r#"{ "details": { "sequence": "367", "changeDate": "2024-08-02T11:06:00.1Z", "resourceOwner": "69629023906488334" } }"#;
        let details = read_action(GrantAction::Deactivate, &answer(200, body)).unwrap();
        assert_eq!((details.sequence, details.created), (Some(367), None));
    }

    #[test]
    fn a_repeat_on_an_older_server_counts_as_done() {
        let not_active = r#"{"code":9,"message":"User grant is not active (COMMAND-1S9gx)","details":[{"id":"COMMAND-1S9gx","message":"User grant is not active"}]}"#;
        assert_eq!(
            read_action(GrantAction::Deactivate, &answer(400, not_active)),
            Ok(Details::default())
        );
        let not_inactive = r#"{"code":9,"message":"User grant is not inactive (COMMAND-1ML0v)","details":[{"id":"COMMAND-1ML0v","message":"User grant is not inactive"}]}"#;
        assert_eq!(
            read_action(GrantAction::Reactivate, &answer(400, not_inactive)),
            Ok(Details::default())
        );
        // The other direction's id is a real refusal.
        assert!(read_action(GrantAction::Reactivate, &answer(400, not_active)).is_err());
        let missing = r#"{"code":5,"message":"not found (COMMAND-1My0t)","details":[{"id":"COMMAND-1My0t","message":"not found"}]}"#;
        let err = read_action(GrantAction::Remove, &answer(404, missing)).unwrap_err();
        assert_eq!(err.error_id(), Some("COMMAND-1My0t"));
    }

    #[test]
    fn unknown_states_and_unreadable_bodies() {
        let (grants, total) = read_list(&answer(
            200,
            r#"{"result":[{"state":"USER_GRANT_STATE_PAUSED"}]}"#,
        ))
        .unwrap();
        assert_eq!(
            (grants[0].state.clone(), total),
            (GrantState::Unknown("USER_GRANT_STATE_PAUSED".into()), 1)
        );
        assert_eq!(read_list(&answer(200, "{}")).unwrap().0.len(), 0);
        assert!(matches!(
            read_list(&answer(200, "<html>")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
        assert!(matches!(
            read_grant(&answer(200, "{}")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
    }
}
