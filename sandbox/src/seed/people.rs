//! How the seed writes a person or a service account: its "added" event, then the
//! events of its history.

use super::directory::{ids, SeedOrg};
use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{self, event_type, HumanAdded, MachineAdded, NewEvent, AGGREGATE_USER};
use crate::journal;
use crate::model::{AccessTokenType, Gender, Human, Machine};
use chrono::Duration;
use rusqlite::Connection;

pub(super) enum Profile {
    Person {
        given: &'static str,
        family: &'static str,
        display: Option<&'static str>,
        gender: Gender,
        /// Empty: not set; ZITADEL then still writes `nickName: ""`.
        nick: &'static str,
        /// Empty: none chosen; ZITADEL then writes `preferredLanguage: "und"`.
        language: &'static str,
        /// Empty: none; ZITADEL then writes `phone: {}`. A seeded phone is verified.
        phone: &'static str,
        /// Empty: the user name when it is an address, else user name @ org domain.
        email: &'static str,
    },
    Service {
        name: &'static str,
        description: &'static str,
        access_token_type: AccessTokenType,
    },
}

pub(super) struct SeedUser {
    pub(super) id: &'static str,
    pub(super) username: &'static str,
    pub(super) org: &'static SeedOrg,
    pub(super) profile: Profile,
    /// Events after the user was added; they decide the current state.
    pub(super) history: &'static [&'static str],
}

pub(super) const ACTIVE: &[&str] = &[];
pub(super) const INACTIVE: &[&str] = &[event_type::DEACTIVATED];
pub(super) const LOCKED: &[&str] = &[event_type::LOCKED];
pub(super) const INITIAL: &[&str] = &[event_type::INIT_CODE_ADDED];

pub(super) const fn person(given: &'static str, family: &'static str, gender: Gender) -> Profile {
    Profile::Person {
        given,
        family,
        display: None,
        gender,
        nick: "",
        language: "en",
        phone: "",
        email: "",
    }
}

/// A person whose email address is `email`. ZITADEL keeps only user names unique
/// (`HumanAddedEvent.UniqueConstraints` in `internal/repository/user/human.go`,
/// v4.13.1): two users may share one address.
pub(super) const fn person_with_email(
    given: &'static str,
    family: &'static str,
    gender: Gender,
    email: &'static str,
) -> Profile {
    Profile::Person {
        given,
        family,
        display: None,
        gender,
        nick: "",
        language: "en",
        phone: "",
        email,
    }
}

pub(super) const fn service(name: &'static str, description: &'static str) -> Profile {
    Profile::Service {
        name,
        description,
        access_token_type: AccessTokenType::Bearer,
    }
}

pub(super) fn added_event(
    username: &str,
    org: &SeedOrg,
    profile: &Profile,
) -> (&'static str, serde_json::Value) {
    let payload = match profile {
        Profile::Person {
            given,
            family,
            display,
            gender,
            nick,
            language,
            phone,
            email,
        } => serde_json::to_value(HumanAdded {
            username: username.to_string(),
            human: Human {
                given_name: given.to_string(),
                family_name: family.to_string(),
                display_name: display.map_or_else(|| format!("{given} {family}"), str::to_string),
                nick_name: nick.to_string(),
                preferred_language: language.to_string(),
                gender: *gender,
                phone: phone.to_string(),
                phone_verified: !phone.is_empty(),
                // A user named by an email address has that address.
                email: if !email.is_empty() {
                    email.to_string()
                } else if username.contains('@') {
                    username.to_string()
                } else {
                    format!("{username}@{}", org.domain)
                },
                email_verified: true,
            },
        }),
        Profile::Service {
            name,
            description,
            access_token_type,
        } => serde_json::to_value(MachineAdded {
            username: username.to_string(),
            machine: Machine {
                name: name.to_string(),
                description: description.to_string(),
                access_token_type: *access_token_type,
                has_secret: false,
            },
        }),
    };
    let event_type = match profile {
        Profile::Person { .. } => event_type::HUMAN_ADDED,
        Profile::Service { .. } => event_type::MACHINE_ADDED,
    };
    // Serialising plain structs of strings cannot fail.
    (event_type, payload.unwrap_or_default())
}

/// Writes the "added" event and then each event of `history`, `step` apart. The
/// users came in before the console (their "added" event is the system's, as for
/// users ZITADEL's setup or an import creates); the later changes were made by the
/// instance's console admin, so a seeded user's history names a real editor.
pub(super) fn add_user(
    conn: &Connection,
    user_id: &str,
    org_id: &str,
    (added_type, payload): (&'static str, serde_json::Value),
    added_at: Timestamp,
    history: &[&'static str],
    step: Duration,
) -> Result<(), ApiError> {
    let event = |event_type, actor, payload, at| NewEvent {
        aggregate_type: AGGREGATE_USER,
        aggregate_id: user_id,
        resource_owner: org_id,
        event_type,
        actor,
        reason: None,
        payload,
        at: Some(at),
    };
    journal::record(
        conn,
        event(added_type, events::SYSTEM_ACTOR, payload, added_at),
    )?;
    let mut at = added_at;
    for event_type in history {
        at = at.plus(step);
        let change = event(event_type, ids::CONSOLE_ADMIN, serde_json::json!({}), at);
        journal::record(conn, change)?;
    }
    Ok(())
}
