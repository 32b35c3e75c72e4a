use super::UserState;

/// A lifecycle change an administrator can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserAction {
    Deactivate,
    Reactivate,
    Lock,
    Unlock,
    Delete,
}

impl UserAction {
    /// Every action, in the order the action bar shows them.
    pub const ALL: [UserAction; 5] = [
        UserAction::Deactivate,
        UserAction::Reactivate,
        UserAction::Lock,
        UserAction::Unlock,
        UserAction::Delete,
    ];

    pub fn label(self) -> &'static str {
        match self {
            UserAction::Deactivate => "Deactivate",
            UserAction::Reactivate => "Reactivate",
            UserAction::Lock => "Lock",
            UserAction::Unlock => "Unlock",
            UserAction::Delete => "Delete",
        }
    }

    /// Whether the server accepts this action from `state`.
    ///
    /// ZITADEL user v2 rules (contracts/ZITADEL.md §7.1): lock only from
    /// ACTIVE or INITIAL, unlock only from LOCKED, deactivate from ACTIVE or
    /// LOCKED (not INITIAL), reactivate only from INACTIVE, delete from any
    /// existing user. An unspecified or unknown state allows nothing but
    /// delete: guessing would risk acting on a state the server never sent.
    pub fn is_allowed_from(self, state: &UserState) -> bool {
        use UserState::*;
        match self {
            UserAction::Lock => matches!(state, Active | Initial),
            UserAction::Unlock => matches!(state, Locked),
            UserAction::Deactivate => matches!(state, Active | Locked),
            UserAction::Reactivate => matches!(state, Inactive),
            UserAction::Delete => !matches!(state, Deleted),
        }
    }

    /// Why the action is not offered from `state`, for the disabled button's hint.
    pub fn refusal_reason(self, state: &UserState) -> Option<String> {
        if self.is_allowed_from(state) {
            return None;
        }
        let reason = match (self, state) {
            (_, UserState::Deleted) => "The user is deleted.".to_string(),
            (UserAction::Deactivate, UserState::Initial) => {
                "A user who has not finished initialisation cannot be deactivated.".to_string()
            }
            (UserAction::Deactivate, UserState::Inactive) => "The user is already inactive.".to_string(),
            (UserAction::Reactivate, _) => "Only an inactive user can be reactivated.".to_string(),
            (UserAction::Lock, UserState::Locked) => "The user is already locked.".to_string(),
            (UserAction::Lock, _) => "Only an active or initial user can be locked.".to_string(),
            (UserAction::Unlock, _) => "Only a locked user can be unlocked.".to_string(),
            (_, state) => format!("Not possible while the state is {}.", state.label()),
        };
        Some(reason)
    }

    /// The state the user is in once the server has confirmed the action.
    pub fn resulting_state(self) -> UserState {
        match self {
            UserAction::Deactivate => UserState::Inactive,
            UserAction::Reactivate | UserAction::Unlock => UserState::Active,
            UserAction::Lock => UserState::Locked,
            UserAction::Delete => UserState::Deleted,
        }
    }

    /// Destructive directions ask for confirmation first; undoing them does not.
    pub fn needs_confirmation(self) -> bool {
        matches!(self, UserAction::Deactivate | UserAction::Lock | UserAction::Delete)
    }

    /// Delete cannot be undone, so the admin types the user name to confirm it.
    pub fn needs_typed_confirmation(self) -> bool {
        self == UserAction::Delete
    }

    /// What the confirmation dialog says will happen.
    pub fn consequence(self) -> &'static str {
        match self {
            UserAction::Deactivate => {
                "The user can no longer sign in until an administrator reactivates them."
            }
            UserAction::Lock => "The user can no longer sign in until an administrator unlocks them.",
            UserAction::Delete => "The user and their grants are removed. This cannot be undone.",
            UserAction::Reactivate => "The user can sign in again.",
            UserAction::Unlock => "The user can sign in again.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use UserAction::*;

    fn allowed(state: UserState) -> Vec<UserAction> {
        UserAction::ALL
            .into_iter()
            .filter(|a| a.is_allowed_from(&state))
            .collect()
    }

    #[test]
    fn actions_follow_the_zitadel_v2_transition_table() {
        assert_eq!(allowed(UserState::Active), vec![Deactivate, Lock, Delete]);
        assert_eq!(allowed(UserState::Initial), vec![Lock, Delete]);
        assert_eq!(allowed(UserState::Locked), vec![Deactivate, Unlock, Delete]);
        assert_eq!(allowed(UserState::Inactive), vec![Reactivate, Delete]);
        assert_eq!(allowed(UserState::Deleted), Vec::<UserAction>::new());
    }

    #[test]
    fn unknown_states_only_allow_delete() {
        assert_eq!(allowed(UserState::Unspecified), vec![Delete]);
        assert_eq!(allowed(UserState::Unknown("USER_STATE_SUSPENDED".into())), vec![Delete]);
    }

    #[test]
    fn every_refused_action_explains_why() {
        let states = [
            UserState::Active,
            UserState::Initial,
            UserState::Locked,
            UserState::Inactive,
            UserState::Deleted,
            UserState::Unspecified,
        ];
        for state in states {
            for action in UserAction::ALL {
                let reason = action.refusal_reason(&state);
                assert_eq!(reason.is_none(), action.is_allowed_from(&state), "{action:?} from {state:?}");
            }
        }
        assert_eq!(
            Deactivate.refusal_reason(&UserState::Initial).as_deref(),
            Some("A user who has not finished initialisation cannot be deactivated.")
        );
    }

    #[test]
    fn resulting_states() {
        assert_eq!(Deactivate.resulting_state(), UserState::Inactive);
        assert_eq!(Reactivate.resulting_state(), UserState::Active);
        assert_eq!(Lock.resulting_state(), UserState::Locked);
        assert_eq!(Unlock.resulting_state(), UserState::Active);
        assert_eq!(Delete.resulting_state(), UserState::Deleted);
    }

    #[test]
    fn only_destructive_directions_ask_for_confirmation() {
        let confirmed: Vec<_> = UserAction::ALL.into_iter().filter(|a| a.needs_confirmation()).collect();
        assert_eq!(confirmed, vec![Deactivate, Lock, Delete]);
        assert!(Delete.needs_typed_confirmation());
        assert!(!Deactivate.needs_typed_confirmation());
    }
}
