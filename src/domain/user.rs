use super::{Details, UserAction, UserState};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserKind {
    Human,
    Machine,
    Unspecified,
}

/// A user as the console shows it, whatever provider it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub username: String,
    /// What to call the user: display name, else given + family name, else user name.
    pub display_name: String,
    pub login_name: Option<String>,
    pub email: Option<String>,
    pub kind: UserKind,
    pub state: UserState,
    pub details: Details,
}

impl User {
    /// The user after the server confirmed `action` and returned `details`.
    pub fn after(&self, action: UserAction, details: Details) -> User {
        User {
            state: action.resulting_state(),
            details: self.details.updated_with(details),
            ..self.clone()
        }
    }

    /// Combines a fresh read with what is already shown. Reads lag writes in
    /// ZITADEL, so a read older than the confirmed write is ignored rather
    /// than allowed to flip the page back to the previous state.
    pub fn reconciled_with(&self, read: User) -> User {
        if read.details.is_older_than(&self.details) {
            self.clone()
        } else {
            read
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Owner, OwnerKind, Timestamp};

    fn minnie(state: UserState, sequence: u64) -> User {
        User {
            id: "69629012906488334".into(),
            username: "minnie-mouse".into(),
            display_name: "Minnie Mouse".into(),
            login_name: Some("minnie-mouse@acme.example.com".into()),
            email: None,
            kind: UserKind::Human,
            state,
            details: Details {
                owner: Some(Owner {
                    kind: OwnerKind::Organization,
                    id: "69629023906488334".into(),
                }),
                created: None,
                changed: Some(Timestamp::parse("2024-08-02T11:00:00.5Z").unwrap()),
                sequence: Some(sequence),
            },
        }
    }

    #[test]
    fn a_confirmed_action_sets_the_resulting_state_and_the_returned_details() {
        let written = Details {
            sequence: Some(13),
            changed: Some(Timestamp::parse("2024-08-02T11:05:09.871Z").unwrap()),
            ..Default::default()
        };
        let after = minnie(UserState::Active, 12).after(UserAction::Deactivate, written);
        assert_eq!(after.state, UserState::Inactive);
        assert_eq!(after.details.sequence, Some(13));
        assert_eq!(
            after.details.changed.unwrap().as_str(),
            "2024-08-02T11:05:09.871Z"
        );
        assert_eq!(after.details.owner.unwrap().id, "69629023906488334");
    }

    #[test]
    fn a_stale_read_does_not_undo_a_confirmed_write() {
        let shown = minnie(UserState::Inactive, 13);
        let stale = minnie(UserState::Active, 12);
        assert_eq!(shown.reconciled_with(stale).state, UserState::Inactive);

        let fresh = minnie(UserState::Locked, 14);
        assert_eq!(shown.reconciled_with(fresh).state, UserState::Locked);
    }
}
