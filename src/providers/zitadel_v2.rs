//! ZITADEL user service v2 (`/v2/users/...`), contracts/ZITADEL.md §4 and §7.1.

use serde::{Deserialize, Serialize};

use super::wire::{non_empty, to_json, ListQuery};
use super::zitadel::{
    change_body, error_from_api_since, read_change_details, unreadable, ListDetailsWire,
    ObjectDetailsWire,
};
use crate::domain::{
    Details, SortField, User, UserAction, UserKind, UserPage, UserQuery, UserState,
};
use crate::http::{path_segment, ApiError, ApiRequest, ApiResponse};
use crate::tr;

/// The ZITADEL release whose gateway routes the user service v2 under
/// `/v2/users` (older servers answer the gateway's bare 404).
pub const SINCE_VERSION: &str = "2.58";

pub fn get_user_request(user_id: &str) -> ApiRequest {
    ApiRequest::get(format!("/v2/users/{}", path_segment(user_id)))
}

pub fn action_request(user_id: &str, action: UserAction, reason: Option<&str>) -> ApiRequest {
    let id = path_segment(user_id);
    let post =
        |verb: &str| ApiRequest::post(format!("/v2/users/{id}/{verb}"), Some(change_body(reason)));
    match action {
        UserAction::Deactivate => post("deactivate"),
        UserAction::Reactivate => post("reactivate"),
        UserAction::Lock => post("lock"),
        UserAction::Unlock => post("unlock"),
        // DELETE takes no body (the RPC has no body annotation).
        UserAction::Delete => ApiRequest::delete(format!("/v2/users/{id}")),
    }
}

/// ListUsers (contracts §4.2). The search matches user name, display name
/// or email, case-insensitively; an explicit limit is always sent because
/// servers reject one above their maximum and default to their own.
pub fn list_request(query: &UserQuery) -> ApiRequest {
    let mut queries = Vec::new();
    if !query.search.is_empty() {
        let method = "TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE";
        let search = query.search.as_str();
        let mut any_of = vec![
            SearchQuery::UserNameQuery {
                user_name: search,
                method,
            },
            SearchQuery::DisplayNameQuery {
                display_name: search,
                method,
            },
            SearchQuery::EmailQuery {
                email_address: search,
                method,
            },
        ];
        // An id pasted into the search finds that user.
        if query.search.bytes().all(|b| b.is_ascii_digit()) {
            any_of.push(SearchQuery::InUserIdsQuery {
                user_ids: vec![search],
            });
        }
        queries.push(SearchQuery::OrQuery { queries: any_of });
    }
    if let Some(state) = &query.state {
        queries.push(SearchQuery::StateQuery {
            state: state_wire(state),
        });
    }
    let sorting_column = match query.sort {
        SortField::UserName => "USER_FIELD_NAME_USER_NAME",
        SortField::DisplayName => "USER_FIELD_NAME_DISPLAY_NAME",
        SortField::Email => "USER_FIELD_NAME_EMAIL",
        SortField::State => "USER_FIELD_NAME_STATE",
        SortField::CreationDate => "USER_FIELD_NAME_CREATION_DATE",
    };
    let body = ListUsersBody {
        query: ListQuery {
            offset: Some(query.offset().to_string()),
            limit: query.page_size,
            asc: query.ascending,
        },
        sorting_column,
        queries,
    };
    ApiRequest::post("/v2/users".into(), Some(to_json(&body)))
}

/// The body of ListUsers (`POST /v2/users`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ListUsersBody<'a> {
    pub(super) query: ListQuery,
    pub(super) sorting_column: &'a str,
    pub(super) queries: Vec<SearchQuery<'a>>,
}

/// One search query of ListUsers (`proto/zitadel/user/v2/query.proto`), as
/// protojson writes a oneof: `{"emailQuery": {"emailAddress": …, "method": …}}`.
// The variants are named as the wire names them.
#[allow(clippy::enum_variant_names)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub(super) enum SearchQuery<'a> {
    UserNameQuery {
        user_name: &'a str,
        method: &'a str,
    },
    DisplayNameQuery {
        display_name: &'a str,
        method: &'a str,
    },
    EmailQuery {
        email_address: &'a str,
        method: &'a str,
    },
    LoginNameQuery {
        login_name: &'a str,
        method: &'a str,
    },
    InUserIdsQuery {
        user_ids: Vec<&'a str>,
    },
    StateQuery {
        state: &'a str,
    },
    OrQuery {
        queries: Vec<SearchQuery<'a>>,
    },
}

pub fn read_list(response: &ApiResponse) -> Result<UserPage, ApiError> {
    if !response.is_success() {
        return Err(error_from_api_since(response, SINCE_VERSION));
    }
    let body: ListResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_user_list)))?;
    let users: Vec<User> = body
        .result
        .unwrap_or_default()
        .into_iter()
        .map(|u| u.into_domain(""))
        .collect();
    let total = body
        .details
        .and_then(|d| d.total_result)
        .unwrap_or(users.len() as u64);
    Ok(UserPage { users, total })
}

fn state_wire(state: &UserState) -> &'static str {
    match state {
        UserState::Active => "USER_STATE_ACTIVE",
        UserState::Inactive => "USER_STATE_INACTIVE",
        UserState::Locked => "USER_STATE_LOCKED",
        UserState::Initial => "USER_STATE_INITIAL",
        UserState::Deleted => "USER_STATE_DELETED",
        UserState::Unspecified | UserState::Unknown(_) => "USER_STATE_UNSPECIFIED",
    }
}

/// Reads the answer to [`get_user_request`].
pub fn read_user(user_id: &str, response: &ApiResponse) -> Result<User, ApiError> {
    if !response.is_success() {
        return Err(error_from_api_since(response, SINCE_VERSION));
    }
    let body: GetUserResponse = serde_json::from_str(&response.body)
        .map_err(|_| unreadable(response, tr!(errors.expected_user)))?;
    let user = body
        .user
        .ok_or_else(|| unreadable(response, tr!(errors.expected_user)))?;
    Ok(user.into_domain(user_id))
}

/// Reads the answer to [`action_request`]: the details of the event written.
pub fn read_action(response: &ApiResponse) -> Result<Details, ApiError> {
    if !response.is_success() {
        return Err(error_from_api_since(response, SINCE_VERSION));
    }
    read_change_details(response)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GetUserResponse {
    user: Option<UserWire>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ListResponse {
    pub(super) details: Option<ListDetailsWire>,
    pub(super) result: Option<Vec<UserWire>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct UserWire {
    user_id: Option<String>,
    details: Option<ObjectDetailsWire>,
    state: Option<String>,
    username: Option<String>,
    pub(super) login_names: Option<Vec<String>>,
    preferred_login_name: Option<String>,
    human: Option<HumanWire>,
    machine: Option<MachineWire>,
}

/// What the console reads of a human. ZITADEL always writes `phone` (`{}` when there
/// is none) and the profile's `nickName` (`""`), `preferredLanguage` (`"und"`) and
/// `gender` (`"GENDER_UNSPECIFIED"`), set or not (contracts/ZITADEL.md Corrections 9):
/// none of them is read, so none can show up as a placeholder value. `email` is always
/// written too, and read only when it holds an address.
#[derive(Deserialize, Default)]
#[serde(default)]
struct HumanWire {
    profile: Option<ProfileWire>,
    email: Option<EmailWire>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ProfileWire {
    given_name: Option<String>,
    family_name: Option<String>,
    display_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmailWire {
    email: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MachineWire {
    name: Option<String>,
}

pub(super) fn user_state(wire: Option<&str>) -> UserState {
    match wire {
        None | Some("") | Some("USER_STATE_UNSPECIFIED") => UserState::Unspecified,
        Some("USER_STATE_ACTIVE") => UserState::Active,
        Some("USER_STATE_INACTIVE") => UserState::Inactive,
        Some("USER_STATE_DELETED") => UserState::Deleted,
        Some("USER_STATE_LOCKED") => UserState::Locked,
        Some("USER_STATE_INITIAL") => UserState::Initial,
        Some(other) => UserState::Unknown(other.to_string()),
    }
}

impl UserWire {
    pub(super) fn into_domain(self, requested_id: &str) -> User {
        let username = non_empty(self.username).unwrap_or_default();
        let login_name = non_empty(self.preferred_login_name).or_else(|| {
            self.login_names
                .unwrap_or_default()
                .into_iter()
                .find(|n| !n.is_empty())
        });
        let (kind, display_name, email) = match (self.human, self.machine) {
            (Some(human), _) => {
                let profile = human.profile.unwrap_or_default();
                let full_name = [
                    non_empty(profile.given_name),
                    non_empty(profile.family_name),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
                let display = non_empty(profile.display_name).or(non_empty(Some(full_name)));
                (
                    UserKind::Human,
                    display,
                    human.email.and_then(|e| non_empty(e.email)),
                )
            }
            (None, Some(machine)) => (UserKind::Machine, non_empty(machine.name), None),
            (None, None) => (UserKind::Unspecified, None, None),
        };
        let id = non_empty(self.user_id).unwrap_or_else(|| requested_id.to_string());
        User {
            display_name: display_name
                .or_else(|| non_empty(Some(username.clone())))
                .unwrap_or_else(|| id.clone()),
            id,
            username,
            login_name,
            email,
            kind,
            state: user_state(self.state.as_deref()),
            details: self
                .details
                .map(ObjectDetailsWire::into_domain)
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Owner, OwnerKind, Timestamp};
    use crate::http::Method;

    fn ok(body: &str) -> ApiResponse {
        ApiResponse::json(200, body)
    }

    /// contracts/ZITADEL.md §4.1, verbatim.
    const GET_USER_EXAMPLE: &str = r#"{
      "details": { "sequence": "12", "changeDate": "2024-08-02T11:00:00.5Z", "resourceOwner": "69629023906488334" },
      "user": {
        "userId": "69629012906488334",
        "details": { "sequence": "12", "changeDate": "2024-08-02T11:00:00.5Z", "resourceOwner": "69629023906488334" },
        "state": "USER_STATE_ACTIVE",
        "username": "minnie-mouse",
        "loginNames": ["minnie-mouse@acme.example.com"],
        "preferredLoginName": "minnie-mouse@acme.example.com",
        "human": {
          "profile": { "givenName": "Minnie", "familyName": "Mouse", "displayName": "Minnie Mouse",
                       "preferredLanguage": "en", "gender": "GENDER_FEMALE" },
          "email": { "email": "minnie@acme.example.com", "isVerified": true },
          "passwordChanged": "2024-07-01T08:00:00Z"
        }
      }
    }"#;

    #[test]
    fn builds_the_contract_paths() {
        assert_eq!(
            get_user_request("69629012906488334").path,
            "/v2/users/69629012906488334"
        );
        let deactivate = action_request("69629012906488334", UserAction::Deactivate, None);
        assert_eq!(
            (deactivate.method, deactivate.path.as_str()),
            (Method::Post, "/v2/users/69629012906488334/deactivate")
        );
        assert_eq!(deactivate.body.as_deref(), Some("{}"));
        let with_reason = action_request("1", UserAction::Lock, Some("phished \"again\""));
        assert_eq!(
            with_reason.body.as_deref(),
            Some(r#"{"reason":"phished \"again\""}"#)
        );
        assert_eq!(
            action_request("1", UserAction::Reactivate, None).path,
            "/v2/users/1/reactivate"
        );
        assert_eq!(
            action_request("1", UserAction::Lock, None).path,
            "/v2/users/1/lock"
        );
        assert_eq!(
            action_request("1", UserAction::Unlock, None).path,
            "/v2/users/1/unlock"
        );
        let delete = action_request("1", UserAction::Delete, None);
        assert_eq!(
            (delete.method, delete.path.as_str(), delete.body),
            (Method::Delete, "/v2/users/1", None)
        );
    }

    #[test]
    fn ids_cannot_change_the_path() {
        assert_eq!(
            action_request("a/b", UserAction::Lock, None).path,
            "/v2/users/a%2Fb/lock"
        );
    }

    #[test]
    fn parses_the_contract_get_user_example() {
        let user = read_user("69629012906488334", &ok(GET_USER_EXAMPLE)).unwrap();
        assert_eq!(user.id, "69629012906488334");
        assert_eq!(user.username, "minnie-mouse");
        assert_eq!(user.display_name, "Minnie Mouse");
        assert_eq!(
            user.login_name.as_deref(),
            Some("minnie-mouse@acme.example.com")
        );
        assert_eq!(user.email.as_deref(), Some("minnie@acme.example.com"));
        assert_eq!(user.kind, UserKind::Human);
        assert_eq!(user.state, UserState::Active);
        assert_eq!(user.details.sequence, Some(12));
        assert_eq!(
            user.details.changed.as_ref().unwrap().as_str(),
            "2024-08-02T11:00:00.5Z"
        );
        assert_eq!(user.details.created, None);
        assert_eq!(
            user.details.owner,
            Some(Owner {
                kind: OwnerKind::Organization,
                id: "69629023906488334".into()
            })
        );
    }

    /// What ZITADEL v4.13.1 writes for a human with no nickname, language, gender or
    /// phone (`humanToPb` in `internal/api/grpc/user/v2/convert/human.go` sets those
    /// fields even when empty) and for a machine (`convert/machine.go`, defaults left out).
    const ZITADEL_V4_LIST: &str = r#"{
      "details": { "totalResult": "2", "processedSequence": "5120", "timestamp": "2026-07-01T09:12:45.000123Z" },
      "result": [
        {
          "userId": "226000000000000007",
          "details": { "sequence": "1", "changeDate": "2026-06-30T08:00:00.5Z", "resourceOwner": "69629023906488335",
                       "creationDate": "2026-06-30T08:00:00.5Z" },
          "state": "USER_STATE_ACTIVE",
          "username": "pluto",
          "loginNames": ["pluto@globex.example.com"],
          "preferredLoginName": "pluto@globex.example.com",
          "human": {
            "profile": { "givenName": "Pluto", "familyName": "Pup", "nickName": "", "displayName": "Pluto Pup",
                         "preferredLanguage": "und", "gender": "GENDER_UNSPECIFIED" },
            "email": { "email": "pluto@globex.example.com", "isVerified": true },
            "phone": {}
          }
        },
        {
          "userId": "226000000000000006",
          "details": { "sequence": "1", "changeDate": "2026-06-30T08:00:01Z", "resourceOwner": "69629023906488334",
                       "creationDate": "2026-06-30T08:00:01Z" },
          "state": "USER_STATE_ACTIVE",
          "username": "build-bot",
          "loginNames": ["build-bot@acme.example.com"],
          "preferredLoginName": "build-bot@acme.example.com",
          "machine": { "name": "Build Bot", "description": "CI deployments" }
        }
      ]
    }"#;

    fn org_details(org: &str, at: &str) -> Details {
        Details {
            owner: Some(Owner {
                kind: OwnerKind::Organization,
                id: org.into(),
            }),
            created: Timestamp::parse(at).ok(),
            changed: Timestamp::parse(at).ok(),
            sequence: Some(1),
        }
    }

    #[test]
    fn a_zitadel_v4_answer_shows_no_placeholder_profile_values() {
        let page = read_list(&ok(ZITADEL_V4_LIST)).unwrap();
        assert_eq!(
            page,
            UserPage {
                users: vec![
                    User {
                        id: "226000000000000007".into(),
                        username: "pluto".into(),
                        display_name: "Pluto Pup".into(),
                        login_name: Some("pluto@globex.example.com".into()),
                        email: Some("pluto@globex.example.com".into()),
                        kind: UserKind::Human,
                        state: UserState::Active,
                        details: org_details("69629023906488335", "2026-06-30T08:00:00.5Z"),
                    },
                    User {
                        id: "226000000000000006".into(),
                        username: "build-bot".into(),
                        display_name: "Build Bot".into(),
                        login_name: Some("build-bot@acme.example.com".into()),
                        email: None,
                        kind: UserKind::Machine,
                        state: UserState::Active,
                        details: org_details("69629023906488334", "2026-06-30T08:00:01Z"),
                    },
                ],
                total: 2,
            }
        );
    }

    #[test]
    fn empty_always_written_fields_fall_back_like_missing_ones() {
        // `displayName: ""` and `email: {}`: the name is built from given and family
        // name, and there is no email, rather than an empty one.
        let body = r#"{"user":{"userId":"9","username":"goofy","human":{
            "profile":{"givenName":"Goofy","familyName":"Goof","nickName":"","displayName":"",
                       "preferredLanguage":"und","gender":"GENDER_UNSPECIFIED"},
            "email":{},"phone":{}}}}"#;
        let user = read_user("9", &ok(body)).unwrap();
        assert_eq!(
            (user.display_name.as_str(), user.email, user.kind),
            ("Goofy Goof", None, UserKind::Human)
        );
        // With neither, the user name: never the nickname field's "" nor "und".
        let body = r#"{"user":{"userId":"9","username":"goofy","human":{
            "profile":{"nickName":"","displayName":"","preferredLanguage":"und","gender":"GENDER_UNSPECIFIED"},
            "email":{},"phone":{}}}}"#;
        assert_eq!(read_user("9", &ok(body)).unwrap().display_name, "goofy");
    }

    #[test]
    fn builds_a_list_request_from_the_query() {
        let query = UserQuery {
            search: "duck".into(),
            state: Some(UserState::Locked),
            sort: SortField::CreationDate,
            ascending: false,
            page: 3,
            page_size: 50,
        };
        let request = list_request(&query);
        assert_eq!(
            (request.method, request.path.as_str()),
            (Method::Post, "/v2/users")
        );
        let body: serde_json::Value =
            serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body["query"],
            serde_json::json!({ "offset": "100", "limit": 50, "asc": false })
        );
        assert_eq!(body["sortingColumn"], "USER_FIELD_NAME_CREATION_DATE");
        assert_eq!(
            body["queries"][0]["orQuery"]["queries"][1]["displayNameQuery"]["displayName"],
            "duck"
        );
        assert_eq!(
            body["queries"][1]["stateQuery"]["state"],
            "USER_STATE_LOCKED"
        );

        let by_id = list_request(&UserQuery {
            search: "226000000000000001".into(),
            ..UserQuery::default()
        });
        let body: serde_json::Value = serde_json::from_str(by_id.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body["queries"][0]["orQuery"]["queries"][3]["inUserIdsQuery"]["userIds"][0],
            "226000000000000001"
        );

        let plain: serde_json::Value =
            serde_json::from_str(list_request(&UserQuery::default()).body.as_deref().unwrap())
                .unwrap();
        assert_eq!(plain["queries"], serde_json::json!([]));
    }

    #[test]
    fn parses_the_contract_list_example() {
        // contracts/ZITADEL.md §4.2, with the elided user filled in.
        let body = r#"{
          "details": { "totalResult": "2", "processedSequence": "267831", "timestamp": "2024-08-02T11:00:01.2Z" },
          "sortingColumn": "USER_FIELD_NAME_CREATION_DATE",
          "result": [ { "userId": "1", "state": "USER_STATE_LOCKED", "username": "a" }, { "userId": "2" } ]
        }"#;
        let page = read_list(&ok(body)).unwrap();
        assert_eq!(page.total, 2);
        assert_eq!(page.users[0].state, UserState::Locked);
        assert_eq!(page.users[1].state, UserState::Unspecified);
        assert_eq!(
            read_list(&ok("{}")).unwrap(),
            UserPage {
                users: vec![],
                total: 0
            }
        );
        assert!(matches!(
            read_list(&ok("[")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
    }

    #[test]
    fn parses_the_contract_state_change_example() {
        // contracts/ZITADEL.md §4.3
        let body = r#"{ "details": { "sequence": "13", "changeDate": "2024-08-02T11:05:09.871Z", "resourceOwner": "69629023906488334" } }"#;
        let details = read_action(&ok(body)).unwrap();
        assert_eq!(details.sequence, Some(13));
        assert_eq!(
            details.changed.unwrap().as_str(),
            "2024-08-02T11:05:09.871Z"
        );
        assert_eq!(details.owner.unwrap().kind, OwnerKind::Organization);
    }

    #[test]
    fn tolerates_omitted_defaults_numbers_and_unknown_values() {
        // Every default omitted: no state means UNSPECIFIED, never ACTIVE.
        let user = read_user("42", &ok(r#"{"user":{}}"#)).unwrap();
        assert_eq!(user.state, UserState::Unspecified);
        assert_eq!(user.id, "42");
        assert_eq!(user.display_name, "42");
        assert_eq!(user.details, Details::default());

        let body = r#"{"user":{"userId":"7","state":"USER_STATE_SUSPENDED","username":"bot",
            "machine":{"name":"Build Bot","hasSecret":true},"details":{"sequence":99},"futureField":{"x":1}}}"#;
        let user = read_user("7", &ok(body)).unwrap();
        assert_eq!(
            user.state,
            UserState::Unknown("USER_STATE_SUSPENDED".into())
        );
        assert_eq!(user.kind, UserKind::Machine);
        assert_eq!(user.display_name, "Build Bot");
        assert_eq!(user.details.sequence, Some(99));

        let body = r#"{"user":{"state":"USER_STATE_INITIAL","human":{"profile":{"givenName":"Goofy","familyName":"Goof"}}}}"#;
        let user = read_user("5", &ok(body)).unwrap();
        assert_eq!(
            (user.display_name.as_str(), user.state),
            ("Goofy Goof", UserState::Initial)
        );
    }

    #[test]
    fn each_known_state_maps() {
        for (wire, state) in [
            ("USER_STATE_ACTIVE", UserState::Active),
            ("USER_STATE_INACTIVE", UserState::Inactive),
            ("USER_STATE_DELETED", UserState::Deleted),
            ("USER_STATE_LOCKED", UserState::Locked),
            ("USER_STATE_INITIAL", UserState::Initial),
            ("USER_STATE_UNSPECIFIED", UserState::Unspecified),
        ] {
            assert_eq!(user_state(Some(wire)), state);
        }
    }

    #[test]
    fn unreadable_bodies_become_clear_errors() {
        for body in [
            "",
            "not json",
            "[]",
            r#"{"details":{}}"#,
            r#"{"user":{"details":{"sequence":"twelve"}}}"#,
            "<html></html>",
        ] {
            let err = read_user("1", &ok(body)).unwrap_err();
            assert!(
                matches!(err, ApiError::UnreadableAnswer { status: 200, .. }),
                "{body:?} gave {err:?}"
            );
        }
        assert!(matches!(
            read_action(&ok("oops")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
    }

    #[test]
    fn a_success_without_details_is_not_taken_as_confirmed() {
        for body in ["{}", r#"{"unexpected":true}"#, r#"{"details":"13"}"#] {
            assert!(
                matches!(
                    read_action(&ok(body)),
                    Err(ApiError::UnreadableAnswer { status: 200, .. })
                ),
                "{body}"
            );
        }
        assert!(
            read_action(&ok(r#"{"details":{}}"#)).is_ok(),
            "details with every default omitted"
        );
    }

    #[test]
    fn transition_errors_keep_their_ids() {
        let body = r#"{"code":9,"message":"User in initial state can not be deactivated (COMMAND-gvx4kct9r2)",
            "details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"COMMAND-gvx4kct9r2",
            "message":"User in initial state can not be deactivated"}]}"#;
        let response = ApiResponse {
            status: 400,
            ..ok(body)
        };
        let err = read_action(&response).unwrap_err();
        assert!(matches!(err, ApiError::Conflict(_)));
        assert_eq!(err.error_id(), Some("COMMAND-gvx4kct9r2"));
    }
}
