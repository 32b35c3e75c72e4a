//! ZITADEL user resources v3alpha (`/resources/v3alpha/users/...`),
//! contracts/ZITADEL.md §2.1, §6 and §7.2. Current servers do not implement
//! GetUser (501), so the API service falls back to v2 for reads.

use serde::Deserialize;

use super::wire::{non_empty, timestamp};
use super::zitadel::{error_from_response, unreadable};
use crate::domain::{Details, Owner, OwnerKind, User, UserAction, UserKind};
use crate::http::{path_segment, ApiError, ApiRequest, ApiResponse};
use crate::tr;

pub fn get_user_request(user_id: &str) -> ApiRequest {
    ApiRequest::get(format!(
        "/resources/v3alpha/users/{}",
        path_segment(user_id)
    ))
}

/// State changes take no body; the organisation, when known, goes in the
/// query string and makes the server check the user belongs to it.
pub fn action_request(
    user_id: &str,
    action: UserAction,
    organization_id: Option<&str>,
) -> ApiRequest {
    let id = path_segment(user_id);
    let query = organization_id
        .map(|org| format!("?organization.orgId={}", path_segment(org)))
        .unwrap_or_default();
    let post =
        |verb: &str| ApiRequest::post(format!("/resources/v3alpha/users/{id}/{verb}{query}"), None);
    match action {
        UserAction::Deactivate => post("_deactivate"),
        UserAction::Reactivate => post("_activate"),
        UserAction::Lock => post("_lock"),
        UserAction::Unlock => post("_unlock"),
        UserAction::Delete => ApiRequest::delete(format!("/resources/v3alpha/users/{id}{query}")),
    }
}

/// True when the server does not implement GetUser (every current release).
pub fn get_is_unimplemented(response: &ApiResponse) -> bool {
    response.status == 501
}

pub fn read_user(user_id: &str, response: &ApiResponse) -> Result<User, ApiError> {
    if !response.is_success() {
        return Err(error_from_response(response));
    }
    let body: GetUserResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_user)))?;
    let user = body
        .user
        .ok_or_else(|| unreadable(response, tr!(errors.expected_user)))?;
    Ok(user.into_domain(user_id))
}

/// Ids v3alpha gives a refused transition (contracts §7.2). They come as
/// NotFound, but the user was just read: it is the state that is wrong.
fn refused_transition_id(action: UserAction) -> Option<&'static str> {
    match action {
        UserAction::Lock => Some("COMMAND-G4LOrnjY7q"),
        UserAction::Unlock => Some("COMMAND-gpBv46Lh9m"),
        UserAction::Deactivate => Some("COMMAND-Ob6lR5iFTe"),
        UserAction::Reactivate => Some("COMMAND-rQjbBr4J3j"),
        UserAction::Delete => None,
    }
}

pub fn read_action(action: UserAction, response: &ApiResponse) -> Result<Details, ApiError> {
    if !response.is_success() {
        return Err(match error_from_response(response) {
            ApiError::NotFound(message)
                if message
                    .id
                    .as_deref()
                    .is_some_and(|id| Some(id) == refused_transition_id(action)) =>
            {
                ApiError::Conflict(message)
            }
            error => error,
        });
    }
    let body: ActionResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_change_details)))?;
    body.details
        .map(DetailsWire::into_domain)
        .ok_or_else(|| unreadable(response, tr!(errors.expected_change_details)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActionResponse {
    details: Option<DetailsWire>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GetUserResponse {
    user: Option<UserWire>,
}

/// `zitadel.resources.object.v3alpha.Details`: no sequence; `created` only when non-zero.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DetailsWire {
    id: Option<String>,
    created: Option<String>,
    changed: Option<String>,
    owner: Option<OwnerWire>,
}

/// The schema says an object; the published example shows a bare id.
#[derive(Deserialize)]
#[serde(untagged)]
enum OwnerWire {
    Object {
        #[serde(default, rename = "type")]
        kind: Option<String>,
        #[serde(default)]
        id: Option<String>,
    },
    Id(String),
}

impl DetailsWire {
    fn into_domain(self) -> Details {
        let owner = self.owner.and_then(|owner| match owner {
            OwnerWire::Object { kind, id } => non_empty(id).map(|id| Owner {
                kind: owner_kind(kind.as_deref()),
                id,
            }),
            OwnerWire::Id(id) => non_empty(Some(id)).map(|id| Owner {
                kind: OwnerKind::Unspecified,
                id,
            }),
        });
        Details {
            owner,
            created: timestamp(self.created.as_deref()),
            changed: timestamp(self.changed.as_deref()),
            sequence: None,
        }
    }
}

fn owner_kind(wire: Option<&str>) -> OwnerKind {
    match wire {
        Some("OWNER_TYPE_ORG") => OwnerKind::Organization,
        Some("OWNER_TYPE_INSTANCE") => OwnerKind::Instance,
        Some("OWNER_TYPE_SYSTEM") => OwnerKind::System,
        _ => OwnerKind::Unspecified,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserWire {
    details: Option<DetailsWire>,
    state: Option<String>,
    contact: Option<ContactWire>,
    /// Free-form, shaped by the user schema.
    data: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ContactWire {
    email: Option<EmailWire>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmailWire {
    address: Option<String>,
}

impl UserWire {
    fn into_domain(self, requested_id: &str) -> User {
        let details = self.details.unwrap_or_default();
        let id = non_empty(details.id.clone()).unwrap_or_else(|| requested_id.to_string());
        let email = self
            .contact
            .and_then(|c| c.email)
            .and_then(|e| non_empty(e.address));
        let data = self.data.unwrap_or_default();
        let text =
            |key: &str| non_empty(data.get(key).and_then(|v| v.as_str()).map(str::to_string));
        let full_name = [text("givenName"), text("familyName")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let username = text("username")
            .or_else(|| email.clone())
            .unwrap_or_default();
        let display_name = text("displayName")
            .or_else(|| text("name"))
            .or(non_empty(Some(full_name)))
            .or_else(|| non_empty(Some(username.clone())))
            .unwrap_or_else(|| id.clone());
        User {
            id,
            display_name,
            login_name: email.clone(),
            username,
            email,
            kind: UserKind::Unspecified,
            state: super::zitadel_v2::user_state(self.state.as_deref()),
            details: details.into_domain(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UserState;
    use crate::http::Method;

    fn ok(body: &str) -> ApiResponse {
        ApiResponse::json(200, body)
    }

    #[test]
    fn builds_the_contract_paths() {
        let lock = action_request(
            "69629012906488334",
            UserAction::Lock,
            Some("69629023906488334"),
        );
        assert_eq!(lock.method, Method::Post);
        assert_eq!(
            lock.path,
            "/resources/v3alpha/users/69629012906488334/_lock?organization.orgId=69629023906488334"
        );
        assert_eq!(lock.body, None);
        assert_eq!(
            action_request("1", UserAction::Reactivate, None).path,
            "/resources/v3alpha/users/1/_activate"
        );
        assert_eq!(
            action_request("1", UserAction::Deactivate, None).path,
            "/resources/v3alpha/users/1/_deactivate"
        );
        assert_eq!(
            action_request("1", UserAction::Unlock, None).path,
            "/resources/v3alpha/users/1/_unlock"
        );
        let delete = action_request("1", UserAction::Delete, None);
        assert_eq!(
            (delete.method, delete.path.as_str()),
            (Method::Delete, "/resources/v3alpha/users/1")
        );
    }

    #[test]
    fn parses_the_contract_lock_example_with_an_owner_object() {
        // contracts/ZITADEL.md §6
        let body = r#"{ "details": { "id": "69629012906488334", "changed": "2024-08-02T11:07:00Z",
                       "owner": { "type": "OWNER_TYPE_ORG", "id": "69629023906488334" } } }"#;
        let details = read_action(UserAction::Lock, &ok(body)).unwrap();
        assert_eq!(
            details.owner,
            Some(Owner {
                kind: OwnerKind::Organization,
                id: "69629023906488334".into()
            })
        );
        assert_eq!(details.changed.unwrap().as_str(), "2024-08-02T11:07:00Z");
        assert_eq!((details.created, details.sequence), (None, None));
    }

    #[test]
    fn parses_the_details_example_of_section_2_1_and_a_bare_owner_string() {
        let body = r#"{"details":{"id":"69629012906488334","created":"2024-08-01T10:00:00.123456Z",
            "changed":"2024-08-02T11:00:00Z","owner":{"type":"OWNER_TYPE_ORG","id":"69629023906488334"}}}"#;
        let details = read_action(UserAction::Lock, &ok(body)).unwrap();
        assert_eq!(
            details.created.unwrap().as_str(),
            "2024-08-01T10:00:00.123456Z"
        );

        // The published OpenAPI example shows the owner as a plain string.
        let body = r#"{"details":{"id":"1","changed":"2024-08-02T11:00:00Z","owner":"69629023906488334"}}"#;
        let details = read_action(UserAction::Lock, &ok(body)).unwrap();
        assert_eq!(
            details.owner,
            Some(Owner {
                kind: OwnerKind::Unspecified,
                id: "69629023906488334".into()
            })
        );

        for (wire, kind) in [
            ("OWNER_TYPE_INSTANCE", OwnerKind::Instance),
            ("OWNER_TYPE_SYSTEM", OwnerKind::System),
            ("OWNER_TYPE_UNSPECIFIED", OwnerKind::Unspecified),
            ("OWNER_TYPE_GALAXY", OwnerKind::Unspecified),
        ] {
            let body = format!(r#"{{"details":{{"owner":{{"type":"{wire}","id":"9"}}}}}}"#);
            assert_eq!(
                read_action(UserAction::Lock, &ok(&body))
                    .unwrap()
                    .owner
                    .unwrap()
                    .kind,
                kind
            );
        }
    }

    #[test]
    fn parses_a_get_user_answer() {
        let body = r#"{"user":{"details":{"id":"7","changed":"2024-08-02T11:00:00Z","owner":{"type":"OWNER_TYPE_ORG","id":"1"}},
            "state":"USER_STATE_LOCKED","contact":{"email":{"address":"ada@example.com","isVerified":true}},
            "data":{"givenName":"Ada","familyName":"Lovelace"},"schema":{"id":"s","type":"human","revision":7}}}"#;
        let user = read_user("7", &ok(body)).unwrap();
        assert_eq!(user.display_name, "Ada Lovelace");
        assert_eq!(user.state, UserState::Locked);
        assert_eq!(user.email.as_deref(), Some("ada@example.com"));
        assert_eq!(user.details.owner.unwrap().kind, OwnerKind::Organization);
    }

    #[test]
    fn refused_transitions_and_the_unimplemented_get_are_read() {
        // §7.2: every refused transition is NotFound.
        let body = r#"{"code":5,"message":"User could not be found (COMMAND-G4LOrnjY7q)","details":[{"id":"COMMAND-G4LOrnjY7q","message":"User could not be found"}]}"#;
        let refused = ApiResponse {
            status: 404,
            ..ok(body)
        };
        let err = read_action(UserAction::Lock, &refused).unwrap_err();
        assert!(
            matches!(err, ApiError::Conflict(_)),
            "a refused lock is about state, not existence: {err:?}"
        );
        assert_eq!(err.error_id(), Some("COMMAND-G4LOrnjY7q"));
        // The same answer to another action, or to delete, means the user is gone.
        assert!(matches!(
            read_action(UserAction::Unlock, &refused),
            Err(ApiError::NotFound(_))
        ));
        assert!(matches!(
            read_action(UserAction::Delete, &refused),
            Err(ApiError::NotFound(_))
        ));

        let unimplemented = ApiResponse {
            status: 501,
            ..ok(r#"{"code":12,"message":"method GetUser not implemented"}"#)
        };
        assert!(get_is_unimplemented(&unimplemented));
        assert!(matches!(
            read_action(UserAction::Lock, &ok("{}")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
        assert!(matches!(
            read_user("1", &ok("{}")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
    }
}
