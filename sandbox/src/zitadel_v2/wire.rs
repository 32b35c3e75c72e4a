//! JSON shapes of `zitadel.user.v2` and `zitadel.object.v2`, written the way
//! grpc-gateway writes them (contract §1): lowerCamelCase, 64-bit integers as strings,
//! and every default value (`""`, `false`, `0`, `[]`, enum 0, unset message) left out.
//!
//! Except where a field has presence: ZITADEL's gateway marshals with protojson's default
//! options (`runtime.JSONPb` in `internal/api/grpc/server/gateway.go` sets only
//! `DiscardUnknown` for reading; no `EmitUnpopulated`, no `UseProtoNames`), and protojson
//! writes a proto3 `optional` field or a message field whenever it is set, even to its
//! default. `humanToPb` (`internal/api/grpc/user/v2/convert/human.go`, v2.58 ... v4.13.1)
//! sets every `optional` field of `HumanProfile` and both the `email` and the `phone`
//! message (`proto/zitadel/user/v2/user.proto`), so a human always carries `nickName`,
//! `displayName`, `preferredLanguage` (`"und"` when none), `gender` (also
//! `GENDER_UNSPECIFIED`), `email` and `phone` (`{}` when none). `machineToPb`
//! (`convert/machine.go`) sets plain fields only, so a machine keeps omitting defaults.

pub use crate::api_kit::v2::{Details, ListDetails};
use crate::model::{Human, Machine, User, UserKind};
use serde::Serialize;

fn is_false(b: &bool) -> bool {
    !*b
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

/// `zitadel.user.v2.HumanUser`, as `humanToPb` fills it: `email` and `phone` are
/// always set, so an empty one is written as `{}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HumanJson {
    pub profile: ProfileJson,
    pub email: EmailJson,
    pub phone: PhoneJson,
    #[serde(skip_serializing_if = "is_false")]
    pub password_change_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_changed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_init_skipped: Option<String>,
}

/// `zitadel.user.v2.HumanProfile`. Given and family name are plain proto3 strings
/// (left out when empty); the other four are `optional` and always set by `humanToPb`,
/// so they are written even when empty. ZITADEL has no avatars here: `avatarUrl` is
/// empty and left out.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileJson {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub given_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub family_name: String,
    pub nick_name: String,
    pub display_name: String,
    pub preferred_language: String,
    pub gender: &'static str,
}

/// `zitadel.user.v2.HumanEmail` (`proto/zitadel/user/v2/email.proto`): plain fields.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailJson {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(skip_serializing_if = "is_false")]
    pub is_verified: bool,
}

/// `zitadel.user.v2.HumanPhone` (`proto/zitadel/user/v2/phone.proto`): plain fields,
/// so a user without a phone gets `"phone": {}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneJson {
    #[serde(skip_serializing_if = "String::is_empty")]
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
                preferred_language: language_tag(&h.preferred_language),
                gender: h.gender.wire_name(),
            },
            email: EmailJson {
                email: h.email.clone(),
                is_verified: h.email_verified,
            },
            phone: PhoneJson {
                phone: h.phone.clone(),
                is_verified: h.phone_verified,
            },
            password_change_required: false,
            password_changed: None,
            mfa_init_skipped: None,
        }
    }
}

/// The language as ZITADEL writes it: `userQ.PreferredLanguage.String()` of a Go
/// `language.Tag`, whose zero value (no language) is `"und"`, BCP 47's "undetermined".
fn language_tag(language: &str) -> String {
    if language.is_empty() {
        "und".to_string()
    } else {
        language.to_string()
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

/// Response of `ListUsers`. ZITADEL's handler never sets its `sortingColumn`
/// (`internal/api/grpc/user/v2/user_query.go` at v4.13.1), so it is never sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListUsersResponse {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<UserJson>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AccessTokenType, Gender};
    use serde_json::json;

    #[test]
    fn a_human_with_nothing_optional_set_still_carries_the_fields_zitadel_sets() {
        let human = Human {
            given_name: "Pluto".into(),
            family_name: "Pup".into(),
            email: "pluto@globex.example.com".into(),
            ..Human::default()
        };
        assert_eq!(
            serde_json::to_value(HumanJson::from(&human)).unwrap(),
            json!({
                "profile": {
                    "givenName": "Pluto", "familyName": "Pup", "nickName": "", "displayName": "",
                    "preferredLanguage": "und", "gender": "GENDER_UNSPECIFIED"
                },
                "email": { "email": "pluto@globex.example.com" },
                "phone": {}
            })
        );
    }

    #[test]
    fn a_human_with_everything_set() {
        let human = Human {
            given_name: "Mickey".into(),
            family_name: "Mouse".into(),
            nick_name: "Mick".into(),
            display_name: "Mickey Mouse".into(),
            preferred_language: "de".into(),
            gender: Gender::Male,
            email: "mickey@acme.example.com".into(),
            email_verified: true,
            phone: "+41791234567".into(),
            phone_verified: true,
        };
        assert_eq!(
            serde_json::to_value(HumanJson::from(&human)).unwrap(),
            json!({
                "profile": {
                    "givenName": "Mickey", "familyName": "Mouse", "nickName": "Mick",
                    "displayName": "Mickey Mouse", "preferredLanguage": "de", "gender": "GENDER_MALE"
                },
                "email": { "email": "mickey@acme.example.com", "isVerified": true },
                "phone": { "phone": "+41791234567", "isVerified": true }
            })
        );
    }

    #[test]
    fn a_machine_leaves_every_default_out() {
        let machine = Machine {
            name: "Bot".into(),
            access_token_type: AccessTokenType::Bearer,
            ..Machine::default()
        };
        assert_eq!(
            serde_json::to_value(MachineJson::from(&machine)).unwrap(),
            json!({ "name": "Bot" })
        );
    }
}
