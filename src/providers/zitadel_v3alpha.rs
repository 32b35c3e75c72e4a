//! ZITADEL user resources v3alpha (`/resources/v3alpha/users/...`),
//! contracts/ZITADEL.md §2.1, §6 and §7.2 with its Corrections. These routes
//! act only on schema users, which neither v2 nor v1 returns. No release
//! implements GetUser (501) nor a real search, so a connection works by id:
//! the state changes, and what their answers confirm.

use serde::Deserialize;

use super::wire::{non_empty, timestamp};
use super::zitadel::{error_from_api_since, unreadable};
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

pub fn read_user(user_id: &str, response: &ApiResponse) -> Result<User, ApiError> {
    if !response.is_success() {
        return Err(error(response));
    }
    let body: GetUserResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_user)))?;
    let user = body
        .user
        .ok_or_else(|| unreadable(response, tr!(errors.expected_user)))?;
    Ok(user.into_domain(user_id))
}

/// The ZITADEL release that added the v3alpha user resources.
pub const SINCE_VERSION: &str = "2.63";

/// The ids of v3alpha's NotFound for each state change. ZITADEL throws the
/// same one whether the id is no schema user, no user at all, or a user in a
/// state that refuses the change (`internal/command/user_v3.go` at v4.13.1:
/// `!writeModel.Exists() || writeModel.Locked` for lock, and so on; delete's
/// in `user_v3_model.go`, `NewDelete`).
const NOT_FOUND_OR_NOT_ALLOWED_IDS: [&str; 5] = [
    "COMMAND-G4LOrnjY7q", // lock
    "COMMAND-gpBv46Lh9m", // unlock
    "COMMAND-Ob6lR5iFTe", // deactivate
    "COMMAND-rQjbBr4J3j", // activate
    "COMMAND-syHyCsGmvM", // delete
];

/// The id of the feature check's FailedPrecondition (see [`error`]).
const FEATURE_OFF_ID: &str = "TODO";

/// Reads a failed v3alpha answer.
pub fn error(response: &ApiResponse) -> ApiError {
    match error_from_api_since(response, SINCE_VERSION) {
        ApiError::NotFound(message)
            if message
                .id
                .as_deref()
                .is_some_and(|id| NOT_FOUND_OR_NOT_ALLOWED_IDS.contains(&id)) =>
        {
            ApiError::NotFoundOrNotAllowed(message)
        }
        // The only FailedPrecondition of these routes is the feature check
        // (`internal/api/grpc/resources/user/v3alpha/user.go` at v4.13.1,
        // `checkUserSchemaEnabled`: 400, code 9, id "TODO",
        // Errors.UserSchema.NotEnabled); state refusals come as NotFound above.
        // Any other conflict (a proxy's 409) is not said to be the feature.
        ApiError::Conflict(message)
            if response.status == 400 && message.id.as_deref() == Some(FEATURE_OFF_ID) =>
        {
            ApiError::FeatureDisabled(message)
        }
        other => other,
    }
}

/// Reads the answer to a state change. A 501 there means a release before
/// v2.63: v2.61 and v2.62 route the state changes but implement none of them
/// (`internal/api/grpc/resources/user/v3alpha/user.go` at v2.62.0 has only
/// CreateUser and DeleteUser). GetUser's 501 ([`read_user`]) is every
/// release's, so it stays [`ApiError::NotImplemented`].
pub fn read_action(response: &ApiResponse) -> Result<Details, ApiError> {
    if !response.is_success() {
        return Err(match error(response) {
            ApiError::NotImplemented(_) => ApiError::ServerTooOld {
                needs: SINCE_VERSION,
            },
            other => other,
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
        let details = read_action(&ok(body)).unwrap();
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
        let details = read_action(&ok(body)).unwrap();
        assert_eq!(
            details.created.unwrap().as_str(),
            "2024-08-01T10:00:00.123456Z"
        );

        // The published OpenAPI example shows the owner as a plain string.
        let body = r#"{"details":{"id":"1","changed":"2024-08-02T11:00:00Z","owner":"69629023906488334"}}"#;
        let details = read_action(&ok(body)).unwrap();
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
            assert_eq!(read_action(&ok(&body)).unwrap().owner.unwrap().kind, kind);
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
    fn a_not_found_with_a_v3_command_id_may_be_any_of_three_things() {
        // internal/command/user_v3.go: one id per action for "no schema user",
        // "no user" and "not in a state that allows it".
        for id in NOT_FOUND_OR_NOT_ALLOWED_IDS {
            let body = format!(
                r#"{{"code":5,"message":"User could not be found ({id})","details":[{{"id":"{id}","message":"User could not be found"}}]}}"#
            );
            let err = read_action(&ApiResponse::json(404, &body)).unwrap_err();
            assert!(matches!(err, ApiError::NotFoundOrNotAllowed(_)), "{err:?}");
            assert_eq!(err.error_id(), Some(id));
        }
        // Another 404 with an id stays a plain NotFound.
        let other = r#"{"code":5,"message":"x (QUERY-Dfbg2)","details":[{"id":"QUERY-Dfbg2","message":"x"}]}"#;
        assert!(matches!(
            read_action(&ApiResponse::json(404, other)),
            Err(ApiError::NotFound(_))
        ));
    }

    #[test]
    fn feature_off_unimplemented_and_old_servers_are_told_apart() {
        let feature_off = r#"{"code":9,"message":"Feature \"User Schema\" is not enabled (TODO)","details":[{"id":"TODO","message":"Feature \"User Schema\" is not enabled"}]}"#;
        assert!(matches!(
            read_action(&ApiResponse::json(400, feature_off)),
            Err(ApiError::FeatureDisabled(_))
        ));
        let unimplemented =
            r#"{"code":12,"message":"method GetUser not implemented","details":[]}"#;
        assert!(matches!(
            read_user("1", &ApiResponse::json(501, unimplemented)),
            Err(ApiError::NotImplemented(_))
        ));
        // v2.61-v2.62: the state changes are routed but not implemented.
        let lock_unimplemented = r#"{"code":12,"message":"method LockUser not implemented"}"#;
        assert_eq!(
            read_action(&ApiResponse::json(501, lock_unimplemented)),
            Err(ApiError::ServerTooOld { needs: "2.63" })
        );
        let no_route = r#"{"code":5,"message":"Not Found","details":[]}"#;
        assert_eq!(
            read_action(&ApiResponse::json(404, no_route)),
            Err(ApiError::ServerTooOld { needs: "2.63" })
        );
        assert_eq!(
            read_user("1", &ApiResponse::json(404, no_route)),
            Err(ApiError::ServerTooOld { needs: "2.63" })
        );
        // Only the feature check's shape means "feature off": a 409, or a
        // FailedPrecondition with another id, stays a conflict.
        let conflict = r#"{"code":9,"message":"x (COMMAND-abc)","details":[{"id":"COMMAND-abc","message":"x"}]}"#;
        assert!(matches!(
            read_action(&ApiResponse::json(400, conflict)),
            Err(ApiError::Conflict(_))
        ));
        let proxy_409 = r#"{"code":10,"message":"Aborted (TODO)","details":[{"id":"TODO","message":"Aborted"}]}"#;
        assert!(matches!(
            read_action(&ApiResponse::json(409, proxy_409)),
            Err(ApiError::Conflict(_))
        ));
        assert!(matches!(
            read_action(&ok("{}")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
        assert!(matches!(
            read_user("1", &ok("{}")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
    }
}
