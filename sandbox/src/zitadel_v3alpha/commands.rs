//! State changes of ZITADEL's v3alpha user resource (`internal/command/user_v3.go` at
//! v4.13.1). They act only on schema users (`crate::schema_users`): for any other id,
//! a v2 user included, the write model is empty and the answer is NotFound. Every
//! refused transition is the same NotFound, so a 404 means "not a schema user, not
//! found, or not in a state that allows this action".

use crate::auth::{Caller, PERMISSION_USER_DELETE, PERMISSION_USER_WRITE};
use crate::errors::{ApiError, GrpcCode};
use crate::events::{Event, NewEvent};
use crate::journal;
use crate::schema_users::{event_type, ModelState, SchemaUserModel, AGGREGATE_SCHEMA_USER};
use rusqlite::{Connection, TransactionBehavior};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V3Action {
    Deactivate,
    Activate,
    Lock,
    Unlock,
    Delete,
}

impl V3Action {
    /// (empty id `Errors.IDMissing`, refused or not found `Errors.User.NotFound`).
    fn error_ids(self) -> (&'static str, &'static str) {
        match self {
            V3Action::Lock => ("COMMAND-Eu8I2VAfjF", "COMMAND-G4LOrnjY7q"),
            V3Action::Unlock => ("COMMAND-krXtYscQZh", "COMMAND-gpBv46Lh9m"),
            V3Action::Deactivate => ("COMMAND-pjJhge86ZV", "COMMAND-Ob6lR5iFTe"),
            V3Action::Activate => ("COMMAND-17XupGvxBJ", "COMMAND-rQjbBr4J3j"),
            V3Action::Delete => ("COMMAND-Vs4wJCME7T", "COMMAND-syHyCsGmvM"),
        }
    }

    /// The RPC's name, as gRPC's Unimplemented answer quotes it.
    pub fn method(self) -> &'static str {
        match self {
            V3Action::Deactivate => "DeactivateUser",
            V3Action::Activate => "ActivateUser",
            V3Action::Lock => "LockUser",
            V3Action::Unlock => "UnlockUser",
            V3Action::Delete => "DeleteUser",
        }
    }

    fn event_type(self) -> &'static str {
        match self {
            V3Action::Deactivate => event_type::DEACTIVATED,
            V3Action::Activate => event_type::ACTIVATED,
            V3Action::Lock => event_type::LOCKED,
            V3Action::Unlock => event_type::UNLOCKED,
            V3Action::Delete => event_type::DELETED,
        }
    }

    /// Lock, unlock, deactivate and activate check `user.write` even for the caller's
    /// own user (`checkPermissionUpdateUserState`); delete exempts the caller
    /// (`checkPermissionDelete`).
    fn check_permission(self, caller: &Caller, user: &SchemaUserModel) -> Result<(), ApiError> {
        match self {
            V3Action::Delete => caller.check_permission_on_user(
                PERMISSION_USER_DELETE,
                &user.id,
                &user.resource_owner,
            ),
            _ => caller.check_permission(PERMISSION_USER_WRITE, &user.resource_owner),
        }
    }

    /// Whether the write model allows the action: lock is a flag beside the state.
    pub fn allowed(self, user: &SchemaUserModel) -> bool {
        match self {
            V3Action::Lock => user.exists() && !user.locked,
            V3Action::Unlock => user.exists() && user.locked,
            V3Action::Deactivate => user.state == ModelState::Active,
            V3Action::Activate => user.state == ModelState::Inactive,
            V3Action::Delete => user.exists(),
        }
    }

    pub fn not_found_error(self) -> ApiError {
        ApiError::zitadel(
            GrpcCode::NotFound,
            self.error_ids().1,
            "User could not be found",
        )
    }
}

/// Runs `action` on schema user `user_id`: empty id (400), then existence and state
/// together (404), then permission (403 or 404 `AUTHZ-cdgFk`), then the write, in one
/// transaction. `org_id` is the request's `organization.orgId`: only that org's events
/// are read, so a user of another org is not found. Returns the write model after the
/// write and the event written.
pub fn change_user_state(
    conn: &mut Connection,
    caller: &Caller,
    user_id: &str,
    org_id: Option<&str>,
    action: V3Action,
) -> Result<(SchemaUserModel, Event), ApiError> {
    if user_id.is_empty() {
        return Err(ApiError::zitadel(
            GrpcCode::InvalidArgument,
            action.error_ids().0,
            "ID missing",
        ));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut user = SchemaUserModel::load(&tx, org_id, user_id)?;
    if !action.allowed(&user) {
        return Err(action.not_found_error());
    }
    action.check_permission(caller, &user)?;
    let event = journal::record(
        &tx,
        NewEvent {
            aggregate_type: AGGREGATE_SCHEMA_USER,
            aggregate_id: &user.id,
            resource_owner: &user.resource_owner,
            event_type: action.event_type(),
            actor: &caller.user_id,
            reason: None,
            payload: serde_json::json!({}),
            at: None,
        },
    )?;
    tx.commit()?;
    user.apply(&event);
    Ok((user, event))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(state: ModelState, locked: bool) -> SchemaUserModel {
        SchemaUserModel {
            id: "1".into(),
            resource_owner: "o".into(),
            state,
            locked,
            changed: None,
            sequence: 1,
        }
    }

    /// `internal/command/user_v3.go`: lock needs `Exists() && !Locked`, unlock
    /// `Exists() && Locked`, deactivate state ACTIVE, activate state INACTIVE, delete
    /// `Exists()`; the lock flag does not change the state.
    #[test]
    fn transitions_follow_the_v3_write_model() {
        use ModelState::*;
        let cases = [
            (Active, false, [true, false, true, false, true]),
            (Active, true, [false, true, true, false, true]),
            (Inactive, false, [true, false, false, true, true]),
            (Inactive, true, [false, true, false, true, true]),
            (Deleted, false, [false, false, false, false, false]),
            (Unspecified, false, [false, false, false, false, false]),
        ];
        let actions = [
            V3Action::Lock,
            V3Action::Unlock,
            V3Action::Deactivate,
            V3Action::Activate,
            V3Action::Delete,
        ];
        for (state, locked, expected) in cases {
            let user = user(state, locked);
            for (action, allowed) in actions.into_iter().zip(expected) {
                assert_eq!(
                    action.allowed(&user),
                    allowed,
                    "{action:?} on {state:?}/{locked}"
                );
            }
        }
    }
}
