//! The event store: an append-only log. Every change is an event; `journal::record`
//! appends it and applies it to the projections. This module knows no projection.

use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::model::{Human, Machine};
use chrono::Duration;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// Aggregate types (the kind of object an event belongs to).
pub const AGGREGATE_USER: &str = "user";
pub const AGGREGATE_USER_GRANT: &str = "usergrant";
/// A Weavr authorised user of one product; its id is `<product>:<user id>`.
pub const AGGREGATE_WEAVR_USER: &str = "weavr_user";
/// A sign-in session of session API v2 (`internal/repository/session/aggregate.go`).
pub const AGGREGATE_SESSION: &str = "session";

/// Event types, named as ZITADEL names them.
pub mod event_type {
    pub const HUMAN_ADDED: &str = "user.human.added";
    pub const MACHINE_ADDED: &str = "user.machine.added";
    /// An initialisation code was sent: the user stays INITIAL until it is used.
    pub const INIT_CODE_ADDED: &str = "user.human.initialization.code.added";
    pub const INIT_CHECK_SUCCEEDED: &str = "user.human.initialization.check.succeeded";
    pub const DEACTIVATED: &str = "user.deactivated";
    pub const REACTIVATED: &str = "user.reactivated";
    pub const LOCKED: &str = "user.locked";
    pub const UNLOCKED: &str = "user.unlocked";
    pub const REMOVED: &str = "user.removed";
    /// A metadata key set on a user (`internal/repository/user/metadata.go`); its
    /// payload is `{"key": …, "value": <base64>}`.
    pub const METADATA_SET: &str = "user.metadata.set";
    /// A metadata key removed; its payload is `{"key": …}`.
    pub const METADATA_REMOVED: &str = "user.metadata.removed";

    pub const GRANT_ADDED: &str = "user.grant.added";
    pub const GRANT_DEACTIVATED: &str = "user.grant.deactivated";
    pub const GRANT_REACTIVATED: &str = "user.grant.reactivated";
    pub const GRANT_REMOVED: &str = "user.grant.removed";
    /// Written for each grant of a user who is removed.
    pub const GRANT_CASCADE_REMOVED: &str = "user.grant.cascade.removed";

    /// A service user's personal access tokens and keys: events of the user aggregate
    /// (`internal/repository/user/personal_access_token.go`, `machine_key.go`).
    pub const PAT_ADDED: &str = "user.personal.access.token.added";
    pub const PAT_REMOVED: &str = "user.personal.access.token.removed";
    pub const MACHINE_KEY_ADDED: &str = "user.machine.key.added";
    pub const MACHINE_KEY_REMOVED: &str = "user.machine.key.removed";

    /// Session API v2 (`internal/repository/session/session.go`).
    pub const SESSION_ADDED: &str = "session.added";
    pub const SESSION_USER_CHECKED: &str = "session.user.checked";
    pub const SESSION_PASSWORD_CHECKED: &str = "session.password.checked";
    pub const SESSION_TERMINATED: &str = "session.terminated";

    pub const WEAVR_USER_ADDED: &str = "weavr.user.added";
    pub const WEAVR_USER_DEACTIVATED: &str = "weavr.user.deactivated";
    pub const WEAVR_USER_ACTIVATED: &str = "weavr.user.activated";
}

/// Actor of events the sandbox writes itself (the seed).
pub const SYSTEM_ACTOR: &str = "SYSTEM";

/// Payload of `user.human.added`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HumanAdded {
    pub username: String,
    #[serde(flatten)]
    pub human: Human,
}

/// Payload of `user.machine.added`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineAdded {
    pub username: String,
    #[serde(flatten)]
    pub machine: Machine,
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub aggregate_type: &'static str,
    pub aggregate_id: &'a str,
    pub resource_owner: &'a str,
    pub event_type: &'static str,
    /// Id of the user whose token caused the event.
    pub actor: &'a str,
    pub reason: Option<&'a str>,
    pub payload: serde_json::Value,
    /// When it happened; `None` means now. The seed sets past times.
    pub at: Option<Timestamp>,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub resource_owner: String,
    /// 1, 2, 3… per aggregate.
    pub sequence: u64,
    pub event_type: String,
    pub created_at: Timestamp,
    pub actor: String,
    pub reason: Option<String>,
    pub payload: serde_json::Value,
}

/// Appends `new` to the event store. Changes go through `journal::record`, which also
/// applies the event to the projections.
pub fn append(conn: &Connection, new: NewEvent) -> Result<Event, ApiError> {
    let last: Option<(i64, String)> = conn
        .prepare_cached(
            "SELECT sequence, created_at FROM events
             WHERE aggregate_type = ?1 AND aggregate_id = ?2
             ORDER BY sequence DESC LIMIT 1",
        )?
        .query_row(params![new.aggregate_type, new.aggregate_id], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let (sequence, created_at) = match last {
        None => (1, new.at.unwrap_or_else(Timestamp::now)),
        Some((last_sequence, last_time)) => {
            let at = new.at.unwrap_or_else(Timestamp::now);
            // Keep each aggregate's times strictly increasing even when two writes fall
            // in the same millisecond, so a client can see that `changeDate` moved.
            let after_last = Timestamp::from_storage(&last_time)
                .map(|t| t.plus(Duration::milliseconds(1)))
                .unwrap_or(at);
            (last_sequence as u64 + 1, at.max(after_last))
        }
    };
    let payload_text = new.payload.to_string();
    conn.prepare_cached(
        "INSERT INTO events (aggregate_type, aggregate_id, resource_owner, sequence,
                             event_type, created_at, actor, reason, payload)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        new.aggregate_type,
        new.aggregate_id,
        new.resource_owner,
        sequence as i64,
        new.event_type,
        created_at.to_storage(),
        new.actor,
        new.reason,
        payload_text,
    ])?;
    let event = Event {
        id: conn.last_insert_rowid(),
        aggregate_type: new.aggregate_type.to_string(),
        aggregate_id: new.aggregate_id.to_string(),
        resource_owner: new.resource_owner.to_string(),
        sequence,
        event_type: new.event_type.to_string(),
        created_at,
        actor: new.actor.to_string(),
        reason: new.reason.map(str::to_string),
        payload: new.payload,
    };
    Ok(event)
}

/// All events of one aggregate, oldest first.
pub fn events_of(
    conn: &Connection,
    aggregate_type: &str,
    aggregate_id: &str,
) -> Result<Vec<Event>, ApiError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT_EVENT} WHERE aggregate_type = ?1 AND aggregate_id = ?2 ORDER BY sequence"
    ))?;
    let rows = stmt.query_map(params![aggregate_type, aggregate_id], read_event)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Every event in the order it was written.
pub fn all_events(conn: &Connection) -> Result<Vec<Event>, ApiError> {
    let mut stmt = conn.prepare(&format!("{SELECT_EVENT} ORDER BY id"))?;
    let rows = stmt.query_map([], read_event)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Id of the newest event, i.e. how far the projection has got.
pub fn last_event_id(conn: &Connection) -> Result<i64, ApiError> {
    Ok(
        conn.query_row("SELECT COALESCE(MAX(id), 0) FROM events", [], |row| {
            row.get(0)
        })?,
    )
}

const SELECT_EVENT: &str = "SELECT id, aggregate_type, aggregate_id, resource_owner, sequence,
    event_type, created_at, actor, reason, payload FROM events";

fn read_event(row: &rusqlite::Row) -> rusqlite::Result<Event> {
    let created_at: String = row.get(6)?;
    let payload: String = row.get(9)?;
    Ok(Event {
        id: row.get(0)?,
        aggregate_type: row.get(1)?,
        aggregate_id: row.get(2)?,
        resource_owner: row.get(3)?,
        sequence: row.get::<_, i64>(4)? as u64,
        event_type: row.get(5)?,
        created_at: Timestamp::from_storage(&created_at).ok_or_else(|| {
            rusqlite::Error::InvalidColumnType(
                6,
                "created_at".to_string(),
                rusqlite::types::Type::Text,
            )
        })?,
        actor: row.get(7)?,
        reason: row.get(8)?,
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
    })
}
