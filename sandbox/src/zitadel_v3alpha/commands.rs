//! State changes of ZITADEL's v3alpha user resources (contract §7.2,
//! `internal/command/user_v3_state.go`). They work on the same users and write the same
//! events as the v2 service, but follow the v3 model: lock is a flag beside
//! ACTIVE/INACTIVE, and every refused transition is a NotFound.

use crate::auth::{Caller, PERMISSION_USER_DELETE, PERMISSION_USER_WRITE};
use crate::errors::{ApiError, GrpcCode};
use crate::events::{event_type, Event};
use crate::lifecycle;
use crate::model::{User, UserState};
use crate::users;
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
    /// (empty id, refused or not found).
    fn error_ids(self) -> (&'static str, &'static str) {
        match self {
            V3Action::Lock => ("COMMAND-Eu8I2VAfjF", "COMMAND-G4LOrnjY7q"),
            V3Action::Unlock => ("COMMAND-krXtYscQZh", "COMMAND-gpBv46Lh9m"),
            V3Action::Deactivate => ("COMMAND-pjJhge86ZV", "COMMAND-Ob6lR5iFTe"),
            V3Action::Activate => ("COMMAND-17XupGvxBJ", "COMMAND-rQjbBr4J3j"),
            V3Action::Delete => ("COMMAND-Vs4wJCME7T", "COMMAND-syHyCsGmvM"),
        }
    }

    fn event_type(self) -> &'static str {
        match self {
            V3Action::Deactivate => event_type::DEACTIVATED,
            V3Action::Activate => event_type::REACTIVATED,
            V3Action::Lock => event_type::LOCKED,
            V3Action::Unlock => event_type::UNLOCKED,
            V3Action::Delete => event_type::REMOVED,
        }
    }

    fn permission(self) -> &'static str {
        match self {
            V3Action::Delete => PERMISSION_USER_DELETE,
            _ => PERMISSION_USER_WRITE,
        }
    }

    /// Whether the v3 model allows the action. Its "state" is ACTIVE or INACTIVE (there
    /// is no INITIAL: a v2 INITIAL or LOCKED user counts as ACTIVE), and the lock flag
    /// is separate.
    pub fn allowed(self, user: &User) -> bool {
        let inactive = user.state == UserState::Inactive;
        match self {
            V3Action::Lock => !user.locked,
            V3Action::Unlock => user.locked,
            V3Action::Deactivate => !inactive,
            V3Action::Activate => inactive,
            V3Action::Delete => true,
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

/// The optional `organization` of the request (`?organization.orgId=…` or
/// `?organization.orgDomain=…`): when set, the user must belong to it.
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    pub org_id: Option<String>,
    pub org_domain: Option<String>,
}

impl OrgFilter {
    fn admits(&self, user: &User) -> bool {
        self.org_id.as_ref().is_none_or(|id| *id == user.org_id)
            && self
                .org_domain
                .as_ref()
                .is_none_or(|domain| *domain == user.org_domain)
    }
}

/// Runs `action`: empty id (400), then existence, organization and state together
/// (404), then permission (403), then the write, all in one transaction. Returns the
/// user as it was and the event written.
pub fn change_user_state(
    conn: &mut Connection,
    caller: &Caller,
    user_id: &str,
    org: &OrgFilter,
    action: V3Action,
) -> Result<(User, Event), ApiError> {
    if user_id.is_empty() {
        return Err(ApiError::zitadel(
            GrpcCode::InvalidArgument,
            action.error_ids().0,
            "ID missing",
        ));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let user = users::find_user(&tx, user_id)?
        .filter(|user| org.admits(user) && action.allowed(user))
        .ok_or_else(|| action.not_found_error())?;
    if !caller.has_permission_on_user(action.permission(), &user.id, &user.org_id) {
        return Err(ApiError::permission_denied());
    }
    let event =
        lifecycle::write_user_event(&tx, &caller.user_id, &user, action.event_type(), None)?;
    tx.commit()?;
    Ok((user, event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::model::{Human, UserKind};

    fn user(state: UserState, locked: bool) -> User {
        User {
            id: "1".into(),
            org_id: "o".into(),
            org_domain: "o.example".into(),
            username: "u".into(),
            state,
            locked,
            kind: UserKind::Human(Human::default()),
            created: Timestamp::from_millis(0),
            changed: Timestamp::from_millis(0),
            sequence: 1,
        }
    }

    /// Contract §7.2: the lock flag and the ACTIVE/INACTIVE state are independent.
    #[test]
    fn transitions_follow_the_v3_model() {
        use UserState::*;
        let cases = [
            (Active, false, [true, false, true, false, true]),
            (Initial, false, [true, false, true, false, true]),
            (Locked, true, [false, true, true, false, true]),
            (Inactive, false, [true, false, false, true, true]),
            (Inactive, true, [false, true, false, true, true]),
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
