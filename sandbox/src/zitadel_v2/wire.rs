//! JSON shapes of `zitadel.user.v2` and `zitadel.object.v2`, written the way
//! grpc-gateway writes them (contract §1): lowerCamelCase, 64-bit integers as strings,
//! and every default value (`""`, `false`, `0`, `[]`, enum 0, unset message) left out.

use crate::clock::Timestamp;
use crate::events::Event;
use crate::model::{Human, Machine, User, UserKind};
use serde::{Serialize, Serializer};

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn u64_as_string<S: Serializer>(n: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&n.to_string())
}

/// `zitadel.object.v2.Details`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub sequence: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_date: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_owner: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,
}

impl Details {
    /// On reads: the last event the projection processed, plus the creation time.
    pub fn of_user(user: &User) -> Self {
        Details {
            sequence: user.sequence,
            change_date: Some(user.changed.to_wire()),
            resource_owner: user.org_id.clone(),
            creation_date: Some(user.created.to_wire()),
        }
    }

    /// After a command: the event it wrote (ZITADEL's `DomainToDetailsPb`, which has no
    /// creation date).
    pub fn of_event(event: &Event) -> Self {
        Details {
            sequence: event.sequence,
            change_date: Some(event.created_at.to_wire()),
            resource_owner: event.resource_owner.clone(),
            creation_date: None,
        }
    }
}

/// Response of the state-change RPCs: `{"details": …}`.
#[derive(Debug, Serialize)]
pub struct ChangeResponse {
    pub details: Details,
}

/// Response of `GetUserByID`. The top-level `details` is deprecated in ZITADEL and
/// duplicates `user.details`.
#[derive(Debug, Serialize)]
pub struct GetUserResponse {
    pub details: Details,
    pub user: UserJson,
}

/// `zitadel.user.v2.User`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserJson {
    pub user_id: String,
    pub details: Details,
    pub state: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub username: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub login_names: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub preferred_login_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human: Option<HumanJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine: Option<MachineJson>,
}

impl From<&User> for UserJson {
    fn from(user: &User) -> Self {
        let (human, machine) = match &user.kind {
            UserKind::Human(h) => (Some(HumanJson::from(h)), None),
            UserKind::Machine(m) => (None, Some(MachineJson::from(m))),
        };
        UserJson {
            user_id: user.id.clone(),
            details: Details::of_user(user),
            state: user.state.wire_name(),
            username: user.username.clone(),
            login_names: vec![user.login_name()],
            preferred_login_name: user.login_name(),
            human,
            machine,
        }
    }
}

/// `zitadel.user.v2.HumanUser`, as the v2 query fills it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HumanJson {
    pub profile: ProfileJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<PhoneJson>,
    #[serde(skip_serializing_if = "is_false")]
    pub password_change_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_changed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_init_skipped: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileJson {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub given_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub family_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub nick_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub display_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub preferred_language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailJson {
    pub email: String,
    #[serde(skip_serializing_if = "is_false")]
    pub is_verified: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneJson {
    pub phone: String,
    #[serde(skip_serializing_if = "is_false")]
    pub is_verified: bool,
}

impl From<&Human> for HumanJson {
    fn from(h: &Human) -> Self {
        HumanJson {
            profile: ProfileJson {
                given_name: h.given_name.clone(),
                family_name: h.family_name.clone(),
                nick_name: h.nick_name.clone(),
                display_name: h.display_name.clone(),
                preferred_language: h.preferred_language.clone(),
                gender: h.gender.wire_name(),
            },
            email: (!h.email.is_empty()).then(|| EmailJson {
                email: h.email.clone(),
                is_verified: h.email_verified,
            }),
            phone: (!h.phone.is_empty()).then(|| PhoneJson {
                phone: h.phone.clone(),
                is_verified: h.phone_verified,
            }),
            password_change_required: false,
            password_changed: None,
            mfa_init_skipped: None,
        }
    }
}

/// `zitadel.user.v2.MachineUser`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineJson {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "is_false")]
    pub has_secret: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_type: Option<&'static str>,
}

impl From<&Machine> for MachineJson {
    fn from(m: &Machine) -> Self {
        MachineJson {
            name: m.name.clone(),
            description: m.description.clone(),
            has_secret: m.has_secret,
            access_token_type: m.access_token_type.wire_name(),
        }
    }
}

/// `zitadel.object.v2.ListDetails`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDetails {
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub total_result: u64,
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub processed_sequence: u64,
    pub timestamp: String,
}

/// Response of `ListUsers`. ZITADEL's handler never sets its `sortingColumn`
/// (`internal/api/grpc/user/v2/user_query.go` at v4.13.1), so it is never sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListUsersResponse {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<UserJson>,
}

impl ListDetails {
    pub fn new(total_result: u64, processed_sequence: u64, timestamp: Timestamp) -> Self {
        ListDetails {
            total_result,
            processed_sequence,
            timestamp: timestamp.to_wire(),
        }
    }
}
