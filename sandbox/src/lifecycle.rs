//! User lifecycle commands: the transition table of ZITADEL's user service v2
//! (contract §7.1, `internal/command/user_v2.go`) and the command that applies it.

use crate::auth::{
    Caller, PERMISSION_USER_DELETE, PERMISSION_USER_SELF_DELETE, PERMISSION_USER_WRITE,
};
use crate::errors::{ApiError, GrpcCode};
use crate::events::{event_type, Event, NewEvent, AGGREGATE_USER};
use crate::grants;
use crate::journal;
use crate::model::{User, UserState};
use crate::users;
use rusqlite::{Connection, TransactionBehavior};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Deactivate,
    Reactivate,
    Lock,
    Unlock,
    Delete,
}

impl Action {
    /// Error id when the user id is empty.
    fn missing_id_error_id(self) -> &'static str {
        match self {
            Action::Lock => "COMMAND-agz3eczifm",
            Action::Unlock => "COMMAND-a9ld4xckax",
            Action::Deactivate => "COMMAND-78iiirat8y",
            Action::Reactivate => "COMMAND-0nx1ie38fw",
            Action::Delete => "COMMAND-vaipl7s13l",
        }
    }

    /// Error id when the user is unknown or removed.
    fn not_found_error_id(self) -> &'static str {
        match self {
            Action::Lock => "COMMAND-450yxuqrh1",
            Action::Unlock => "COMMAND-x377t913pw",
            Action::Deactivate => "COMMAND-5gp2p62iin",
            Action::Reactivate => "COMMAND-9hy5kzbuk6",
            Action::Delete => "COMMAND-bd4ir1mblj",
        }
    }

    pub fn event_type(self) -> &'static str {
        match self {
            Action::Deactivate => event_type::DEACTIVATED,
            Action::Reactivate => event_type::REACTIVATED,
            Action::Lock => event_type::LOCKED,
            Action::Unlock => event_type::UNLOCKED,
            Action::Delete => event_type::REMOVED,
        }
    }

    pub fn permission(self) -> &'static str {
        match self {
            Action::Delete => PERMISSION_USER_DELETE,
            _ => PERMISSION_USER_WRITE,
        }
    }

    pub fn missing_id_error(self) -> ApiError {
        ApiError::zitadel(
            GrpcCode::InvalidArgument,
            self.missing_id_error_id(),
            "User ID missing",
        )
    }

    pub fn not_found_error(self) -> ApiError {
        ApiError::zitadel(
            GrpcCode::NotFound,
            self.not_found_error_id(),
            "User could not be found",
        )
    }

    /// The state a user in `from` ends up in, or the FailedPrecondition error ZITADEL
    /// answers (English texts from ZITADEL's `internal/static/i18n/en.yaml`).
    /// `Deleted` users never get here: they are not found.
    pub fn check(self, from: UserState) -> Result<UserState, ApiError> {
        use UserState::*;
        let refuse =
            |id: &str, text: &str| Err(ApiError::zitadel(GrpcCode::FailedPrecondition, id, text));
        match (self, from) {
            (Action::Lock, Active | Initial) => Ok(Locked),
            (Action::Lock, _) => refuse("COMMAND-lgws8wtsqf", "User is not active or initial"),
            (Action::Unlock, Locked) => Ok(Active),
            (Action::Unlock, _) => refuse("COMMAND-olb9vb0oca", "User is not locked"),
            (Action::Deactivate, Active | Locked) => Ok(Inactive),
            (Action::Deactivate, Initial) => refuse(
                "COMMAND-gvx4kct9r2",
                "User with state initial can only be deleted not deactivated",
            ),
            (Action::Deactivate, _) => refuse("COMMAND-5gunjw0cd7", "User already inactive"),
            (Action::Reactivate, Inactive) => Ok(Active),
            (Action::Reactivate, _) => refuse("COMMAND-s5qqcz97hf", "User is not inactive"),
            (Action::Delete, _) => Ok(Deleted),
        }
    }
}

/// A state change asked for.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub user_id: &'a str,
    pub action: Action,
    /// The console's audit note.
    pub reason: Option<&'a str>,
    /// Whether users may change their own state without the permission (ZITADEL
    /// before v4.3.0; `Switches::users_change_their_own_state`).
    pub self_managed: bool,
}

/// `checkPermissionUpdateUser` and `checkPermissionDeleteUser`
/// (`internal/command/permission_checks.go`). From v4.3.0 `user_v2.go` passes
/// `allowSelfManagement: false`: a user needs `user.write` for their own state like
/// anyone else, and deleting themselves needs `user.delete` or `user.self.delete`.
fn check_permission(caller: &Caller, user: &User, request: &Request) -> Result<(), ApiError> {
    let permission = request.action.permission();
    if request.self_managed {
        return caller.check_permission_on_user(permission, &user.id, &user.org_id);
    }
    let checked = caller.check_permission(permission, &user.org_id);
    if checked.is_ok() || request.action != Action::Delete || caller.user_id != user.id {
        return checked;
    }
    caller.check_permission(PERMISSION_USER_SELF_DELETE, &user.org_id)
}

/// Runs a state change for `caller`, in ZITADEL's order of checks: empty id (400),
/// existence (404), state precondition (400), permission (403, or 404 `AUTHZ-cdgFk`),
/// then the write. Returns the event written. The checks and the write share one
/// transaction, so concurrent commands on one user cannot both pass the same
/// precondition.
pub fn change_user_state(
    conn: &mut Connection,
    caller: &Caller,
    request: Request,
) -> Result<Event, ApiError> {
    let action = request.action;
    if request.user_id.is_empty() {
        return Err(action.missing_id_error());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let user = users::find_user(&tx, request.user_id)?.ok_or_else(|| action.not_found_error())?;
    action.check(user.state)?;
    check_permission(caller, &user, &request)?;
    let event = write_user_event(
        &tx,
        &caller.user_id,
        &user,
        action.event_type(),
        request.reason,
    )?;
    tx.commit()?;
    Ok(event)
}

/// Appends a state-change event of `user`, inside the caller's transaction. Removing a
/// user also removes their grants, as ZITADEL does.
pub fn write_user_event(
    conn: &Connection,
    actor: &str,
    user: &User,
    event_type: &'static str,
    reason: Option<&str>,
) -> Result<Event, ApiError> {
    let event = journal::record(
        conn,
        NewEvent {
            aggregate_type: AGGREGATE_USER,
            aggregate_id: &user.id,
            resource_owner: &user.org_id,
            event_type,
            actor,
            reason,
            payload: serde_json::json!({}),
            at: None,
        },
    )?;
    if event_type == event_type::REMOVED {
        grants::cascade_remove_for_user(conn, &user.id, actor)?;
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use UserState::*;

    /// A cell of the table: the new state, or the error id.
    type Cell = (UserState, Result<UserState, &'static str>);

    /// Contract §7.1, cell by cell (DELETED/unknown users are covered by the HTTP tests).
    #[test]
    fn transition_table_matches_the_contract() {
        let table: [(Action, [Cell; 4]); 5] = [
            (
                Action::Lock,
                [
                    (Active, Ok(Locked)),
                    (Initial, Ok(Locked)),
                    (Locked, Err("COMMAND-lgws8wtsqf")),
                    (Inactive, Err("COMMAND-lgws8wtsqf")),
                ],
            ),
            (
                Action::Unlock,
                [
                    (Active, Err("COMMAND-olb9vb0oca")),
                    (Initial, Err("COMMAND-olb9vb0oca")),
                    (Locked, Ok(Active)),
                    (Inactive, Err("COMMAND-olb9vb0oca")),
                ],
            ),
            (
                Action::Deactivate,
                [
                    (Active, Ok(Inactive)),
                    (Initial, Err("COMMAND-gvx4kct9r2")),
                    (Locked, Ok(Inactive)),
                    (Inactive, Err("COMMAND-5gunjw0cd7")),
                ],
            ),
            (
                Action::Reactivate,
                [
                    (Active, Err("COMMAND-s5qqcz97hf")),
                    (Initial, Err("COMMAND-s5qqcz97hf")),
                    (Locked, Err("COMMAND-s5qqcz97hf")),
                    (Inactive, Ok(Active)),
                ],
            ),
            (
                Action::Delete,
                [
                    (Active, Ok(Deleted)),
                    (Initial, Ok(Deleted)),
                    (Locked, Ok(Deleted)),
                    (Inactive, Ok(Deleted)),
                ],
            ),
        ];
        for (action, cells) in table {
            for (from, expected) in cells {
                let got = action.check(from).map_err(|err| {
                    assert_eq!(err.code, GrpcCode::FailedPrecondition);
                    err.detail.map(|(id, _)| id).unwrap_or_default()
                });
                assert_eq!(
                    got,
                    expected.map_err(str::to_string),
                    "{action:?} from {from:?}"
                );
            }
        }
    }
}
