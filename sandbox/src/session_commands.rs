//! Session commands: a sign-in creates a session (as ZITADEL's login does through
//! `CreateSession` with a user and a password check), and `DeleteSession` terminates
//! one (`internal/command/session.go` at v4.13.1, `terminateSession`).

use crate::auth::{Caller, PERMISSION_SESSION_DELETE};
use crate::clock::Timestamp;
use crate::errors::ApiError;
use crate::events::{self, event_type, Event, NewEvent, AGGREGATE_SESSION};
use crate::journal;
use crate::model::{User, UserKind, INSTANCE_ID};
use crate::random;
use crate::sessions::{SessionAdded, UserChecked};
use rusqlite::{Connection, TransactionBehavior};

/// A new session id: a decimal number like ZITADEL's ids.
pub fn new_session_id() -> String {
    u64::from_str_radix(&random::hex(7), 16)
        .unwrap_or_default()
        .to_string()
}

/// Records a session of `user`, created by `creator`, whose user and password were
/// checked: the events `session.added`, `session.user.checked` and
/// `session.password.checked`. `at` is when (the seed sets past times).
pub fn add_session(
    conn: &Connection,
    session_id: &str,
    creator: &str,
    user: &User,
    user_agent: &str,
    at: Option<Timestamp>,
) -> Result<Event, ApiError> {
    let display_name = match &user.kind {
        UserKind::Human(human) => human.display_name.clone(),
        UserKind::Machine(machine) => machine.name.clone(),
    };
    let record = |event_type: &'static str, payload: serde_json::Value| {
        journal::record(
            conn,
            NewEvent {
                aggregate_type: AGGREGATE_SESSION,
                aggregate_id: session_id,
                // Sessions belong to the instance (`NewSessionWriteModel(id, instanceID)`).
                resource_owner: INSTANCE_ID,
                event_type,
                actor: creator,
                reason: None,
                payload,
                at,
            },
        )
    };
    let added = SessionAdded {
        user_agent: user_agent.to_string(),
    };
    record(event_type::SESSION_ADDED, to_payload(&added)?)?;
    let checked = UserChecked {
        user_id: user.id.clone(),
        user_org_id: user.org_id.clone(),
        login_name: user.login_name(),
        display_name,
    };
    record(event_type::SESSION_USER_CHECKED, to_payload(&checked)?)?;
    record(event_type::SESSION_PASSWORD_CHECKED, serde_json::json!({}))
}

/// What `terminateSession` answers with: its write model's details
/// (`writeModelToObjectDetails`). For an unknown session all of them are empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terminated {
    pub sequence: u64,
    pub changed: Option<Timestamp>,
    pub resource_owner: String,
}

/// `DeleteSession` without a session token. The session is read from its events, not
/// from the projection: a session ended with its user (see `sessions.rs`) can still be
/// terminated. Who may: the session's user, else whoever holds `session.delete` on the
/// user's org or the instance (`checkSessionTerminationPermission`; an unknown session
/// has no user, so only on the instance). An unknown or already terminated session is
/// answered with its details and nothing written.
pub fn terminate_session(
    conn: &mut Connection,
    caller: &Caller,
    session_id: &str,
) -> Result<Terminated, ApiError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let history = events::events_of(&tx, AGGREGATE_SESSION, session_id)?;
    let mut user: Option<UserChecked> = None;
    for event in &history {
        if event.event_type == event_type::SESSION_USER_CHECKED {
            user = serde_json::from_value(event.payload.clone()).ok();
        }
    }
    match &user {
        Some(user) if user.user_id == caller.user_id => {}
        Some(user) => caller.check_permission(PERMISSION_SESSION_DELETE, &user.user_org_id)?,
        None => caller.check_permission(PERMISSION_SESSION_DELETE, "")?,
    }
    let ended = history
        .iter()
        .any(|event| event.event_type == event_type::SESSION_TERMINATED);
    let Some(last) = history.last() else {
        return Ok(Terminated {
            sequence: 0,
            changed: None,
            resource_owner: String::new(),
        });
    };
    let written = if ended {
        last.clone()
    } else {
        journal::record(
            &tx,
            NewEvent {
                aggregate_type: AGGREGATE_SESSION,
                aggregate_id: session_id,
                resource_owner: &last.resource_owner,
                event_type: event_type::SESSION_TERMINATED,
                actor: &caller.user_id,
                reason: None,
                payload: serde_json::json!({}),
                at: None,
            },
        )?
    };
    tx.commit()?;
    Ok(Terminated {
        sequence: written.sequence,
        changed: Some(written.created_at),
        resource_owner: written.resource_owner,
    })
}

fn to_payload(value: &impl serde::Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(ApiError::internal)
}
