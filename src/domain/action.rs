use super::UserState;
use crate::tr;

/// What every lifecycle action, on a user or a grant, tells the action bar.
pub trait LifecycleAction: Copy + Eq + Send + Sync + std::fmt::Debug + 'static {
    fn label(self) -> &'static str;
    /// Destructive directions ask for confirmation first; undoing them does not.
    fn needs_confirmation(self) -> bool;
    /// Actions that cannot be undone also ask for the subject's name to be typed.
    fn needs_typed_confirmation(self) -> bool {
        false
    }
    /// The confirmation dialog of an action that asks first, `None` for the
    /// others (their dialog never opens, so they have no texts for one).
    fn confirmation(self, subject: &str) -> Option<Confirmation>;
    /// Whether a connection that records reasons keeps this action's reason
    /// on the user: `None` for actions on other objects (grants), whose
    /// reasons are never kept; `Some(false)` for deleting a user, who keeps
    /// no metadata once deleted.
    fn reason_kept_on_user(self) -> Option<bool> {
        None
    }
}

/// What the confirmation dialog asks and says will happen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Confirmation {
    /// The question about the subject: one text per action, because
    /// languages put the verb in different places.
    pub title: String,
    pub consequence: &'static str,
}

impl Confirmation {
    pub(crate) fn new(title: String, consequence: &'static str) -> Option<Confirmation> {
        Some(Confirmation { title, consequence })
    }
}

/// A lifecycle change an administrator can ask for on a user.
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

    /// The state the user is in once the server has confirmed the action.
    pub fn resulting_state(self) -> UserState {
        match self {
            UserAction::Deactivate => UserState::Inactive,
            UserAction::Reactivate | UserAction::Unlock => UserState::Active,
            UserAction::Lock => UserState::Locked,
            UserAction::Delete => UserState::Deleted,
        }
    }

    /// What the answer to this action confirms on a user whose state the
    /// API cannot read, and no more: v3alpha's lock is a flag beside the
    /// state, so unlock confirms "not locked", not "active", and
    /// (de)activation says nothing of the flag
    /// (`internal/command/user_v3_model.go` at v4.13.1).
    pub fn confirmed_sentence(self) -> &'static str {
        match self {
            UserAction::Lock => tr!(user.confirmed_locked),
            UserAction::Unlock => tr!(user.confirmed_not_locked),
            UserAction::Deactivate => tr!(user.confirmed_inactive),
            UserAction::Reactivate => tr!(user.confirmed_active),
            UserAction::Delete => tr!(user.confirmed_deleted),
        }
    }
}

impl LifecycleAction for UserAction {
    fn reason_kept_on_user(self) -> Option<bool> {
        Some(self != UserAction::Delete)
    }

    fn label(self) -> &'static str {
        match self {
            UserAction::Deactivate => tr!(domain.action_deactivate),
            UserAction::Reactivate => tr!(domain.action_reactivate),
            UserAction::Lock => tr!(domain.action_lock),
            UserAction::Unlock => tr!(domain.action_unlock),
            UserAction::Delete => tr!(domain.action_delete),
        }
    }

    fn needs_confirmation(self) -> bool {
        matches!(
            self,
            UserAction::Deactivate | UserAction::Lock | UserAction::Delete
        )
    }

    fn needs_typed_confirmation(self) -> bool {
        self == UserAction::Delete
    }

    fn confirmation(self, subject: &str) -> Option<Confirmation> {
        match self {
            UserAction::Deactivate => Confirmation::new(
                tr!(domain.confirm_deactivate, subject),
                tr!(domain.user_deactivate_consequence),
            ),
            UserAction::Lock => Confirmation::new(
                tr!(domain.confirm_lock, subject),
                tr!(domain.user_lock_consequence),
            ),
            UserAction::Delete => Confirmation::new(
                tr!(domain.confirm_delete, subject),
                tr!(domain.user_delete_consequence),
            ),
            UserAction::Reactivate | UserAction::Unlock => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use UserAction::*;

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
        let confirmed: Vec<_> = UserAction::ALL
            .into_iter()
            .filter(|a| a.needs_confirmation())
            .collect();
        assert_eq!(confirmed, vec![Deactivate, Lock, Delete]);
        for action in UserAction::ALL {
            assert_eq!(
                action.confirmation("Minnie").is_some(),
                action.needs_confirmation(),
                "{action:?}: a dialog exactly for the actions that ask"
            );
        }
        assert!(Delete.needs_typed_confirmation());
        assert!(!Deactivate.needs_typed_confirmation());
    }
}
