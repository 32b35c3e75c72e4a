//! The seeded schema users of the v3alpha user resource (`crate::schema_users`): made
//! through `schemauser.created` events with a user schema of the sandbox, then brought
//! into their states by the same events ZITADEL writes.

use super::directory::schema_user_ids as ids;
use super::directory::{SeedOrg, ACME, GLOBEX};
use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{self, NewEvent};
use crate::journal;
use crate::schema_users::{event_type, AGGREGATE_SCHEMA_USER};
use chrono::Duration;
use rusqlite::Connection;

/// The user schema the seeded users were made with (the sandbox keeps no schemas:
/// nothing reads them, as on ZITADEL v4.13.1).
pub const SCHEMA_ID: &str = "326000000000000900";

struct SeedSchemaUser {
    id: &'static str,
    username: &'static str,
    given_name: &'static str,
    org: &'static SeedOrg,
    /// Events after `schemauser.created`.
    history: &'static [&'static str],
}

const SCHEMA_USERS: [SeedSchemaUser; 5] = [
    SeedSchemaUser {
        id: ids::SCARLETT,
        username: "scarlett",
        given_name: "Scarlett",
        org: &ACME,
        history: &[],
    },
    SeedSchemaUser {
        id: ids::ROSE,
        username: "rose",
        given_name: "Rose",
        org: &ACME,
        history: &[event_type::DEACTIVATED],
    },
    SeedSchemaUser {
        id: ids::RUBY,
        username: "ruby",
        given_name: "Ruby",
        org: &ACME,
        history: &[event_type::LOCKED],
    },
    SeedSchemaUser {
        id: ids::AMBER,
        username: "amber",
        given_name: "Amber",
        org: &ACME,
        history: &[],
    },
    SeedSchemaUser {
        id: ids::JADE,
        username: "jade",
        given_name: "Jade",
        org: &GLOBEX,
        history: &[],
    },
];

/// Writes the schema users' events, starting six days before `now`.
pub fn seed(conn: &Connection, now: Timestamp) -> Result<(), ApiError> {
    let start = now.plus(-Duration::days(6));
    for (k, user) in SCHEMA_USERS.iter().enumerate() {
        let mut at = start.plus(Duration::minutes(29 * k as i64));
        let event = |event_type, payload, at| NewEvent {
            aggregate_type: AGGREGATE_SCHEMA_USER,
            aggregate_id: user.id,
            resource_owner: user.org.id,
            event_type,
            actor: events::SYSTEM_ACTOR,
            reason: None,
            payload,
            at: Some(at),
        };
        let created = serde_json::json!({
            "schemaID": SCHEMA_ID,
            "schemaRevision": 1,
            "data": {"username": user.username, "givenName": user.given_name},
            "email": format!("{}@{}", user.username, user.org.domain),
        });
        journal::record(conn, event(event_type::CREATED, created, at))?;
        for event_type in user.history {
            at = at.plus(Duration::hours(5));
            journal::record(conn, event(event_type, serde_json::json!({}), at))?;
        }
    }
    Ok(())
}
