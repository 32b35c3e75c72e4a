//! The user grant commands deactivate, reactivate and remove, with the exact errors of
//! both server generations (contract §7.3). The projection they change is `user_grants`.

use crate::errors::{ApiError, GrpcCode};
use crate::events::{event_type, Event, NewEvent, AGGREGATE_USER_GRANT};
use crate::journal;
pub use crate::model::GrantBehaviour;
use crate::user_grants::{find_grant, Grant, GrantState};
use rusqlite::{params, Connection, TransactionBehavior};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantAction {
    Deactivate,
    Reactivate,
    Remove,
}

impl GrantAction {
    /// Error ids of `internal/command/user_grant.go` (contract §7.3):
    /// (empty id, not found).
    fn error_ids(self) -> (&'static str, &'static str) {
        match self {
            GrantAction::Deactivate => ("COMMAND-N2OhG", "COMMAND-3M9sd"),
            GrantAction::Reactivate => ("COMMAND-Qxy8v", "COMMAND-Lp0gs"),
            GrantAction::Remove => ("COMMAND-J9sc5", "COMMAND-1My0t"),
        }
    }

    fn event_type(self) -> &'static str {
        match self {
            GrantAction::Deactivate => event_type::GRANT_DEACTIVATED,
            GrantAction::Reactivate => event_type::GRANT_REACTIVATED,
            GrantAction::Remove => event_type::GRANT_REMOVED,
        }
    }

    /// `Ok(true)`: write the event; `Ok(false)`: already there, write nothing (the
    /// idempotent behaviour); `Err`: the legacy FailedPrecondition.
    fn check(self, from: GrantState, behaviour: GrantBehaviour) -> Result<bool, ApiError> {
        let already = match (self, from) {
            (GrantAction::Remove, _) => return Ok(true),
            (GrantAction::Deactivate, GrantState::Active) => return Ok(true),
            (GrantAction::Reactivate, GrantState::Inactive) => return Ok(true),
            (GrantAction::Deactivate, GrantState::Inactive) => {
                ("COMMAND-1S9gx", "User grant is not active")
            }
            // `Errors.UserGrant.NotInactive` in v2.x's `internal/static/i18n/en.yaml`
            // (v2.71.4); the legacy behaviour is theirs.
            (GrantAction::Reactivate, GrantState::Active) => {
                ("COMMAND-1ML0v", "User grant is not deactivated")
            }
        };
        match behaviour {
            GrantBehaviour::Idempotent => Ok(false),
            GrantBehaviour::Legacy => Err(ApiError::zitadel(
                GrpcCode::FailedPrecondition,
                already.0,
                already.1,
            )),
        }
    }
}

/// What a grant command did.
#[derive(Debug, Clone)]
pub enum GrantChange {
    /// The event it wrote.
    Written(Event),
    /// Nothing: the grant already was in the target state (idempotent behaviour).
    Unchanged(Grant),
}

/// Runs `action` on the grant `grant_id` owned by `org_id` (the request's org context:
/// a grant of another org is not found). The checks and the write share one transaction.
pub fn change_grant(
    conn: &mut Connection,
    actor: &str,
    org_id: &str,
    grant_id: &str,
    action: GrantAction,
    behaviour: GrantBehaviour,
    reason: Option<&str>,
) -> Result<GrantChange, ApiError> {
    let (missing_id, not_found) = action.error_ids();
    if grant_id.is_empty() {
        return Err(ApiError::zitadel(
            GrpcCode::InvalidArgument,
            missing_id,
            "Id missing",
        ));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let grant = find_grant(&tx, grant_id, org_id)?
        .ok_or_else(|| ApiError::zitadel(GrpcCode::NotFound, not_found, "User grant not found"))?;
    if !action.check(grant.state, behaviour)? {
        return Ok(GrantChange::Unchanged(grant));
    }
    let event = journal::record(
        &tx,
        NewEvent {
            aggregate_type: AGGREGATE_USER_GRANT,
            aggregate_id: &grant.id,
            resource_owner: &grant.org_id,
            event_type: action.event_type(),
            actor,
            reason,
            payload: serde_json::json!({}),
            at: None,
        },
    )?;
    tx.commit()?;
    Ok(GrantChange::Written(event))
}

/// Writes `user.grant.cascade.removed` for every grant of a user who is being removed,
/// in the caller's transaction (ZITADEL does the same when a user is removed).
pub fn cascade_remove_for_user(
    conn: &Connection,
    user_id: &str,
    actor: &str,
) -> Result<(), ApiError> {
    let grants: Vec<(String, String)> = conn
        .prepare_cached("SELECT id, org_id FROM user_grants WHERE user_id = ?1 ORDER BY id")?
        .query_map(params![user_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (grant_id, org_id) in grants {
        journal::record(
            conn,
            NewEvent {
                aggregate_type: AGGREGATE_USER_GRANT,
                aggregate_id: &grant_id,
                resource_owner: &org_id,
                event_type: event_type::GRANT_CASCADE_REMOVED,
                actor,
                reason: None,
                payload: serde_json::json!({}),
                at: None,
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use GrantAction::*;
    use GrantBehaviour::*;
    use GrantState::*;

    fn outcome(
        action: GrantAction,
        from: GrantState,
        behaviour: GrantBehaviour,
    ) -> Result<bool, String> {
        action
            .check(from, behaviour)
            .map_err(|err| err.detail.map(|(id, _)| id).unwrap_or_default())
    }

    /// Contract §7.3 for grants that exist; missing grants are covered over HTTP.
    #[test]
    fn transition_table_matches_the_contract() {
        assert_eq!(outcome(Deactivate, Active, Legacy), Ok(true));
        assert_eq!(
            outcome(Deactivate, Inactive, Legacy),
            Err("COMMAND-1S9gx".into())
        );
        assert_eq!(outcome(Deactivate, Inactive, Idempotent), Ok(false));
        assert_eq!(outcome(Reactivate, Inactive, Legacy), Ok(true));
        assert_eq!(
            outcome(Reactivate, Active, Legacy),
            Err("COMMAND-1ML0v".into())
        );
        assert_eq!(outcome(Reactivate, Active, Idempotent), Ok(false));
        for behaviour in [Legacy, Idempotent] {
            assert_eq!(outcome(Remove, Active, behaviour), Ok(true));
            assert_eq!(outcome(Remove, Inactive, behaviour), Ok(true));
        }
    }
}
