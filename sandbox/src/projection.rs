//! The `users` projection: the current state of every user, derived from the events.
//! Like ZITADEL's own projection, a removed user's row is deleted, so reads and searches
//! simply do not find it.

use crate::errors::ApiError;
use crate::events::{self, event_type, Event, HumanAdded, MachineAdded, AGGREGATE_USER};
use crate::model::{UserState, UserType};
use rusqlite::{params, Connection};

/// Applies one event to the projection.
pub fn apply(conn: &Connection, event: &Event) -> Result<(), ApiError> {
    if event.aggregate_type != AGGREGATE_USER {
        return Ok(());
    }
    match event.event_type.as_str() {
        event_type::HUMAN_ADDED => insert_human(conn, event),
        event_type::MACHINE_ADDED => insert_machine(conn, event),
        event_type::REMOVED => {
            conn.prepare_cached("DELETE FROM users WHERE id = ?1")?
                .execute(params![event.aggregate_id])?;
            Ok(())
        }
        other => {
            let new_state = match other {
                event_type::INIT_CODE_ADDED => Some(UserState::Initial),
                event_type::INIT_CHECK_SUCCEEDED
                | event_type::REACTIVATED
                | event_type::UNLOCKED => Some(UserState::Active),
                event_type::DEACTIVATED => Some(UserState::Inactive),
                event_type::LOCKED => Some(UserState::Locked),
                // Events that do not change the state still move `changed`/`sequence`.
                _ => None,
            };
            conn.prepare_cached(
                "UPDATE users SET state = COALESCE(?1, state), changed_at = ?2, sequence = ?3
                 WHERE id = ?4",
            )?
            .execute(params![
                new_state.map(UserState::number),
                event.created_at.to_storage(),
                event.sequence as i64,
                event.aggregate_id,
            ])?;
            Ok(())
        }
    }
}

fn insert_human(conn: &Connection, event: &Event) -> Result<(), ApiError> {
    let added: HumanAdded = parse_payload(event)?;
    let h = &added.human;
    conn.prepare_cached(
        "INSERT INTO users (id, org_id, user_type, state, username, given_name, family_name,
            nick_name, display_name, preferred_language, gender, email, email_verified,
            phone, phone_verified, created_at, changed_at, sequence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?17)",
    )?
    .execute(params![
        event.aggregate_id,
        event.resource_owner,
        UserType::Human.number(),
        UserState::Active.number(),
        added.username,
        h.given_name,
        h.family_name,
        h.nick_name,
        h.display_name,
        h.preferred_language,
        h.gender.number(),
        h.email,
        h.email_verified,
        h.phone,
        h.phone_verified,
        event.created_at.to_storage(),
        event.sequence as i64,
    ])?;
    Ok(())
}

fn insert_machine(conn: &Connection, event: &Event) -> Result<(), ApiError> {
    let added: MachineAdded = parse_payload(event)?;
    let m = &added.machine;
    conn.prepare_cached(
        "INSERT INTO users (id, org_id, user_type, state, username, machine_name,
            machine_description, access_token_type, has_secret, created_at, changed_at, sequence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
    )?
    .execute(params![
        event.aggregate_id,
        event.resource_owner,
        UserType::Machine.number(),
        UserState::Active.number(),
        added.username,
        m.name,
        m.description,
        m.access_token_type.number(),
        m.has_secret,
        event.created_at.to_storage(),
        event.sequence as i64,
    ])?;
    Ok(())
}

fn parse_payload<T: serde::de::DeserializeOwned>(event: &Event) -> Result<T, ApiError> {
    serde_json::from_value(event.payload.clone()).map_err(|err| {
        ApiError::internal(format!(
            "event {} ({}) has an unreadable payload: {err}",
            event.id, event.event_type
        ))
    })
}

/// Throws the projection away and replays every event: proof that the events alone
/// hold the truth.
pub fn rebuild(conn: &mut Connection) -> Result<(), ApiError> {
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM users", [])?;
    for event in events::all_events(&tx)? {
        apply(&tx, &event)?;
    }
    tx.commit()?;
    Ok(())
}
