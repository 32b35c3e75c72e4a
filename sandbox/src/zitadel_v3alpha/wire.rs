//! JSON shapes of `zitadel.resources.user.v3alpha` and
//! `zitadel.resources.object.v3alpha`, written as grpc-gateway writes them
//! (contract §1, §2.1, §2.4, §6): default values left out, 64-bit integers as strings.

use crate::clock::Timestamp;
use crate::events::Event;
use crate::model::{User, UserKind};
use serde::{Serialize, Serializer};

/// Ids and names of the two user schemas the sandbox reports. Its users were not made
/// from schemas; these stand for "a person" and "a service account".
pub const HUMAN_SCHEMA: (&str, &str) = ("69629026806480001", "human");
pub const MACHINE_SCHEMA: (&str, &str) = ("69629026806480002", "machine");

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn u64_as_string<S: Serializer>(n: &u64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&n.to_string())
}

/// `zitadel.object.v3alpha.Owner`. The user handlers always send an org owner.
#[derive(Debug, Serialize)]
pub struct Owner {
    #[serde(rename = "type")]
    pub owner_type: &'static str,
    pub id: String,
}

/// `zitadel.resources.object.v3alpha.Details`: `created` and `changed` only when set
/// (`DomainToDetailsPb`), and no `sequence` (removed in ZITADEL PR #8357).
#[derive(Debug, Serialize)]
pub struct Details {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<String>,
    pub owner: Owner,
}

impl Details {
    fn with(user: &User, created: Option<Timestamp>, changed: Timestamp) -> Self {
        Details {
            id: user.id.clone(),
            created: created.map(Timestamp::to_wire),
            changed: Some(changed.to_wire()),
            owner: Owner {
                owner_type: "OWNER_TYPE_ORG",
                id: user.org_id.clone(),
            },
        }
    }

    /// After a state change: the event written; the creation date is not known there.
    pub fn of_change(user: &User, event: &Event) -> Self {
        Self::with(user, None, event.created_at)
    }

    /// On reads: first and last event of the user.
    pub fn of_user(user: &User) -> Self {
        Self::with(user, Some(user.created), user.changed)
    }
}

/// Response of the state-change RPCs.
#[derive(Debug, Serialize)]
pub struct ChangeResponse {
    pub details: Details,
}

/// `zitadel.resources.user.v3alpha.GetUser`, fields in proto order.
#[derive(Debug, Serialize)]
pub struct GetUser {
    pub details: Details,
    pub schema: Schema,
    pub data: serde_json::Value,
    #[serde(skip_serializing_if = "Contact::is_empty")]
    pub contact: Contact,
    pub state: &'static str,
}

/// `GetSchema`; `revision` is a uint32, so a JSON number.
#[derive(Debug, Serialize)]
pub struct Schema {
    pub id: &'static str,
    #[serde(rename = "type")]
    pub schema_type: &'static str,
    pub revision: u32,
}

#[derive(Debug, Serialize)]
pub struct Contact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
}

impl Contact {
    fn is_empty(&self) -> bool {
        self.email.is_none() && self.phone.is_none()
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Email {
    pub address: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_verified: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Phone {
    pub number: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub is_verified: bool,
}

impl From<&User> for GetUser {
    fn from(user: &User) -> Self {
        let mut data = serde_json::Map::new();
        let mut put = |key: &str, value: &str| {
            if !value.is_empty() {
                data.insert(key.to_string(), value.into());
            }
        };
        put("username", &user.username);
        let (schema, contact) = match &user.kind {
            UserKind::Human(h) => {
                put("givenName", &h.given_name);
                put("familyName", &h.family_name);
                put("nickName", &h.nick_name);
                put("displayName", &h.display_name);
                put("preferredLanguage", &h.preferred_language);
                if let Some(gender) = h.gender.wire_name() {
                    put("gender", gender);
                }
                let contact = Contact {
                    email: (!h.email.is_empty()).then(|| Email {
                        address: h.email.clone(),
                        is_verified: h.email_verified,
                    }),
                    phone: (!h.phone.is_empty()).then(|| Phone {
                        number: h.phone.clone(),
                        is_verified: h.phone_verified,
                    }),
                };
                (HUMAN_SCHEMA, contact)
            }
            UserKind::Machine(m) => {
                put("name", &m.name);
                put("description", &m.description);
                let contact = Contact {
                    email: None,
                    phone: None,
                };
                (MACHINE_SCHEMA, contact)
            }
        };
        GetUser {
            details: Details::of_user(user),
            schema: Schema {
                id: schema.0,
                schema_type: schema.1,
                revision: 1,
            },
            data: serde_json::Value::Object(data),
            contact,
            state: user.v3_state().wire_name(),
        }
    }
}

/// Response of `GetUser`.
#[derive(Debug, Serialize)]
pub struct GetUserResponse {
    pub user: GetUser,
}

/// `zitadel.resources.object.v3alpha.ListDetails`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDetails {
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub applied_limit: u64,
    #[serde(serialize_with = "u64_as_string", skip_serializing_if = "is_zero")]
    pub total_result: u64,
    pub timestamp: String,
}

/// Response of `SearchUsers`.
#[derive(Debug, Serialize)]
pub struct SearchUsersResponse {
    pub details: ListDetails,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub result: Vec<GetUser>,
}
