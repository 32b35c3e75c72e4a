use super::{UserAction, UserState};
use crate::tr;

/// Which state machine a provider's users follow: the actions it offers at
/// all, and which of them it accepts from each state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// ZITADEL user service v2 (contracts/ZITADEL.md §7.1).
    ZitadelV2,
    /// ZITADEL v3alpha user resources (§7.2): lock is a flag beside the state.
    ZitadelV3Alpha,
    /// Weavr authorised users: only `active: bool` (contracts/WEAVR.md §6).
    Weavr,
}

impl Lifecycle {
    /// The actions the provider has at all, in the order the action bar shows them.
    pub fn offered(self) -> &'static [UserAction] {
        match self {
            Lifecycle::ZitadelV2 | Lifecycle::ZitadelV3Alpha => &UserAction::ALL,
            Lifecycle::Weavr => &[UserAction::Deactivate, UserAction::Reactivate],
        }
    }

    /// Whether the server accepts `action` from `state`. An unspecified or
    /// unknown state allows nothing but delete: guessing would risk acting on
    /// a state the server never sent.
    pub fn allows(self, action: UserAction, state: &UserState) -> bool {
        use UserState::*;
        if !self.offered().contains(&action) {
            return false;
        }
        match (self, action) {
            // v2: lock only from ACTIVE or INITIAL, deactivate not from INITIAL.
            (Lifecycle::ZitadelV2, UserAction::Lock) => matches!(state, Active | Initial),
            // v3alpha: lock whenever not locked (v3 has no INITIAL; the v2 read
            // model may still report it, and locking it is allowed in both).
            // Weavr never gets here: it offers no lock.
            (_, UserAction::Lock) => matches!(state, Active | Inactive | Initial),
            (_, UserAction::Unlock) => matches!(state, Locked),
            (_, UserAction::Deactivate) => matches!(state, Active | Locked),
            (_, UserAction::Reactivate) => matches!(state, Inactive),
            (_, UserAction::Delete) => !matches!(state, Deleted),
        }
    }

    /// Why `action` is not offered from `state`, for the disabled button's hint.
    pub fn refusal_reason(self, action: UserAction, state: &UserState) -> Option<String> {
        if self.allows(action, state) {
            return None;
        }
        let reason = match (action, state) {
            (_, UserState::Deleted) => tr!(domain.user_refused_deleted).to_string(),
            (UserAction::Deactivate, UserState::Initial) => {
                tr!(domain.user_refused_deactivate_initial).to_string()
            }
            (UserAction::Deactivate, UserState::Inactive) => {
                tr!(domain.user_refused_already_inactive).to_string()
            }
            (UserAction::Reactivate, UserState::Active) if self == Lifecycle::Weavr => {
                tr!(domain.user_refused_already_active).to_string()
            }
            (UserAction::Reactivate, _) => {
                tr!(domain.user_refused_reactivate_not_inactive).to_string()
            }
            (UserAction::Lock, UserState::Locked) => {
                tr!(domain.user_refused_already_locked).to_string()
            }
            (UserAction::Lock, _) => {
                tr!(domain.user_refused_lock_not_active_or_initial).to_string()
            }
            (UserAction::Unlock, _) => tr!(domain.user_refused_unlock_not_locked).to_string(),
            (_, state) => tr!(domain.refused_in_state, state = state.label()),
        };
        Some(reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use UserAction::*;

    fn allowed(lifecycle: Lifecycle, state: UserState) -> Vec<UserAction> {
        lifecycle
            .offered()
            .iter()
            .copied()
            .filter(|a| lifecycle.allows(*a, &state))
            .collect()
    }

    #[test]
    fn zitadel_v2_follows_its_transition_table() {
        let v2 = Lifecycle::ZitadelV2;
        assert_eq!(
            allowed(v2, UserState::Active),
            vec![Deactivate, Lock, Delete]
        );
        assert_eq!(allowed(v2, UserState::Initial), vec![Lock, Delete]);
        assert_eq!(
            allowed(v2, UserState::Locked),
            vec![Deactivate, Unlock, Delete]
        );
        assert_eq!(allowed(v2, UserState::Inactive), vec![Reactivate, Delete]);
        assert_eq!(allowed(v2, UserState::Deleted), Vec::<UserAction>::new());
    }

    #[test]
    fn zitadel_v3alpha_locks_whenever_not_locked() {
        let v3 = Lifecycle::ZitadelV3Alpha;
        assert_eq!(
            allowed(v3, UserState::Active),
            vec![Deactivate, Lock, Delete]
        );
        assert_eq!(
            allowed(v3, UserState::Inactive),
            vec![Reactivate, Lock, Delete]
        );
        assert_eq!(
            allowed(v3, UserState::Locked),
            vec![Deactivate, Unlock, Delete]
        );
        assert_eq!(allowed(v3, UserState::Deleted), Vec::<UserAction>::new());
    }

    #[test]
    fn weavr_only_activates_and_deactivates() {
        let weavr = Lifecycle::Weavr;
        assert_eq!(weavr.offered(), &[Deactivate, Reactivate]);
        assert_eq!(allowed(weavr, UserState::Active), vec![Deactivate]);
        assert_eq!(allowed(weavr, UserState::Inactive), vec![Reactivate]);
        assert!(!weavr.allows(Lock, &UserState::Active));
        assert_eq!(
            weavr
                .refusal_reason(Reactivate, &UserState::Active)
                .as_deref(),
            Some("The user is already active.")
        );
    }

    #[test]
    fn unknown_states_only_allow_delete() {
        for lifecycle in [Lifecycle::ZitadelV2, Lifecycle::ZitadelV3Alpha] {
            assert_eq!(allowed(lifecycle, UserState::Unspecified), vec![Delete]);
            assert_eq!(
                allowed(lifecycle, UserState::Unknown("USER_STATE_SUSPENDED".into())),
                vec![Delete]
            );
        }
        assert!(allowed(Lifecycle::Weavr, UserState::Unspecified).is_empty());
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
        for lifecycle in [
            Lifecycle::ZitadelV2,
            Lifecycle::ZitadelV3Alpha,
            Lifecycle::Weavr,
        ] {
            for state in &states {
                for action in UserAction::ALL {
                    let reason = lifecycle.refusal_reason(action, state);
                    assert_eq!(
                        reason.is_none(),
                        lifecycle.allows(action, state),
                        "{lifecycle:?} {action:?} from {state:?}"
                    );
                }
            }
        }
        assert_eq!(
            Lifecycle::ZitadelV2
                .refusal_reason(Deactivate, &UserState::Initial)
                .as_deref(),
            Some("A user who has not finished initialisation cannot be deactivated.")
        );
    }
}
