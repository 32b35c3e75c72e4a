//! The last state the server confirmed by a write, per user and per grant,
//! kept across pages: ZITADEL's lists come from projections that lag writes
//! (contracts/ZITADEL.md Corrections 6), so a list read after going back can
//! be older than a change this console saw confirmed.

use std::collections::HashMap;

use super::{reconcile, Grant, User, Versioned};

#[derive(Clone, Debug, Default)]
pub struct ConfirmedWrites {
    users: HashMap<String, User>,
    grants: HashMap<String, Grant>,
}

impl ConfirmedWrites {
    /// Remembers `user` as a write left it.
    pub fn record_user(&mut self, user: User) {
        self.users.insert(user.id.clone(), user);
    }

    pub fn record_grant(&mut self, grant: Grant) {
        self.grants.insert(grant.id.clone(), grant);
    }

    /// What to show for a read of a user: the read, unless it is older than
    /// a confirmed write of the same user.
    pub fn user_over(&self, fresh: User) -> User {
        over(&self.users, fresh)
    }

    pub fn grant_over(&self, fresh: Grant) -> Grant {
        over(&self.grants, fresh)
    }

    /// The confirmed state of a user, when a write here confirmed one.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.get(id)
    }
}

fn over<T: Versioned>(confirmed: &HashMap<String, T>, fresh: T) -> T {
    match confirmed.get(fresh.id()) {
        Some(known) => reconcile(Some(known.clone()), fresh).0,
        None => fresh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Details, GrantState, UserKind, UserState};

    fn user(id: &str, state: UserState, sequence: u64) -> User {
        User {
            id: id.into(),
            username: id.into(),
            display_name: id.into(),
            login_name: None,
            email: None,
            kind: UserKind::Human,
            state,
            details: Details {
                sequence: Some(sequence),
                ..Default::default()
            },
        }
    }

    fn grant(id: &str, state: GrantState, sequence: u64) -> Grant {
        Grant {
            id: id.into(),
            user_id: "u".into(),
            project_id: "p".into(),
            project_name: None,
            roles: Vec::new(),
            state,
            organization_name: None,
            details: Details {
                sequence: Some(sequence),
                ..Default::default()
            },
        }
    }

    #[test]
    fn a_lagging_list_read_does_not_undo_a_confirmed_write() {
        let mut store = ConfirmedWrites::default();
        store.record_user(user("1", UserState::Inactive, 13));
        // The list projection still has the state before the write.
        let shown = store.user_over(user("1", UserState::Active, 12));
        assert_eq!(shown.state, UserState::Inactive);
        // Once it has caught up, or moved on, the read wins.
        assert_eq!(
            store.user_over(user("1", UserState::Inactive, 13)).state,
            UserState::Inactive
        );
        assert_eq!(
            store.user_over(user("1", UserState::Locked, 14)).state,
            UserState::Locked
        );
        // Users without a confirmed write are shown as read.
        assert_eq!(
            store.user_over(user("2", UserState::Active, 1)).state,
            UserState::Active
        );
        assert_eq!(store.user("1").unwrap().state, UserState::Inactive);
        assert!(store.user("2").is_none());
    }

    #[test]
    fn grants_are_kept_apart_from_users() {
        let mut store = ConfirmedWrites::default();
        store.record_grant(grant("7", GrantState::Removed, 20));
        assert_eq!(
            store.grant_over(grant("7", GrantState::Active, 19)).state,
            GrantState::Removed
        );
        assert_eq!(
            store.grant_over(grant("8", GrantState::Active, 1)).state,
            GrantState::Active
        );
        // A user with the same id as a grant is not affected.
        assert_eq!(
            store.user_over(user("7", UserState::Active, 1)).state,
            UserState::Active
        );
    }
}
