//! The projections: the current state of users, user grants and Weavr users, derived
//! from the events. Like ZITADEL's own projections, a removed object's row is deleted,
//! so reads and searches simply do not find it.

use crate::errors::ApiError;
use crate::events::{
    self, event_type, Event, HumanAdded, MachineAdded, AGGREGATE_SESSION, AGGREGATE_USER,
    AGGREGATE_USER_GRANT, AGGREGATE_WEAVR_USER,
};
use crate::machine_credentials;
use crate::model::{UserState, UserType};
use crate::sessions;
use crate::user_grants;
use crate::weavr::store as weavr_store;
use rusqlite::{params, Connection};

/// Applies one event to the projection of its aggregate.
pub fn apply(conn: &Connection, event: &Event) -> Result<(), ApiError> {
    match event.aggregate_type.as_str() {
        // A service user's tokens and keys are events of the user that ZITADEL's user
        // projection does not reduce.
        AGGREGATE_USER if machine_credentials::is_credential_event(&event.event_type) => {
            machine_credentials::apply(conn, event)
        }
        AGGREGATE_USER => {
            apply_user(conn, event)?;
            sessions::apply_user_event(conn, event)?;
            machine_credentials::apply(conn, event)
        }
        AGGREGATE_SESSION => sessions::apply(conn, event),
        AGGREGATE_USER_GRANT => user_grants::apply(conn, event),
        AGGREGATE_WEAVR_USER => weavr_store::apply(conn, event),
        _ => Ok(()),
    }
}

/// The `users` table keeps the v2 state and, beside it, a lock flag. Only the v2
/// commands write these events (v3alpha writes the separate `schemauser` aggregate,
/// which no projection reads), and they only lock ACTIVE/INITIAL and unlock LOCKED
/// users, so the guarded updates below are the plain v2 state machine.
fn apply_user(conn: &Connection, event: &Event) -> Result<(), ApiError> {
    use UserState::*;
    let state_update = |new_state: UserState, only_from: &[UserState], locked: Option<bool>| {
        let from = only_from
            .iter()
            .map(|s| s.number().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        conn.prepare_cached(&format!(
            "UPDATE users SET
                state = CASE WHEN state IN ({from}) THEN ?1 ELSE state END,
                locked = COALESCE(?2, locked), changed_at = ?3, sequence = ?4
             WHERE id = ?5"
        ))?
        .execute(params![
            new_state.number(),
            locked,
            event.created_at.to_storage(),
            event.sequence as i64,
            event.aggregate_id,
        ])?;
        Ok(())
    };
    match event.event_type.as_str() {
        event_type::HUMAN_ADDED => insert_human(conn, event),
        event_type::MACHINE_ADDED => insert_machine(conn, event),
        event_type::REMOVED => {
            conn.prepare_cached("DELETE FROM users WHERE id = ?1")?
                .execute(params![event.aggregate_id])?;
            Ok(())
        }
        event_type::INIT_CODE_ADDED => state_update(Initial, &UserState::ALL, None),
        event_type::INIT_CHECK_SUCCEEDED | event_type::REACTIVATED => {
            state_update(Active, &UserState::ALL, None)
        }
        event_type::DEACTIVATED => state_update(Inactive, &UserState::ALL, None),
        event_type::LOCKED => state_update(Locked, &[Active, Initial], Some(true)),
        event_type::UNLOCKED => state_update(Active, &[Locked], Some(false)),
        // ZITADEL's user projection has no reducer for metadata events
        // (`internal/query/projection/user.go` at v4.13.1): the user's details stay.
        event_type::METADATA_SET | event_type::METADATA_REMOVED => Ok(()),
        // Events that do not change the state still move `changed`/`sequence`.
        _ => state_update(Active, &[], None),
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
    tx.execute_batch(
        "DELETE FROM users; DELETE FROM user_grants; DELETE FROM weavr_users;
         DELETE FROM sessions; DELETE FROM machine_credentials;",
    )?;
    for event in events::all_events(&tx)? {
        apply(&tx, &event)?;
    }
    tx.commit()?;
    Ok(())
}
