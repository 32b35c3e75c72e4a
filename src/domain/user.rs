use super::{Details, UserAction, UserState, Versioned};

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
}

impl Versioned for User {
    fn id(&self) -> &str {
        &self.id
    }

    fn details(&self) -> &Details {
        &self.details
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{reconcile, Owner, OwnerKind, Timestamp};

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
        let (kept, stale_read) = reconcile(Some(shown.clone()), stale);
        assert_eq!((kept.state, stale_read), (UserState::Inactive, true));

        let fresh = minnie(UserState::Locked, 14);
        let (taken, stale_read) = reconcile(Some(shown.clone()), fresh.clone());
        assert_eq!((taken.state, stale_read), (UserState::Locked, false));
        // Another user's read is never mixed in, nor is there anything to keep at first.
        let other = User {
            id: "other".into(),
            ..minnie(UserState::Active, 1)
        };
        assert_eq!(reconcile(Some(shown), other.clone()).0.id, "other");
        assert_eq!(reconcile(None, fresh).0.state, UserState::Locked);
    }
}
