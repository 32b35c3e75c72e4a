use super::{Confirmation, Details, LifecycleAction, Versioned};
use crate::tr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GrantState {
    Active,
    Inactive,
    /// Confirmed removed by the server; it will no longer be returned.
    Removed,
    Unspecified,
    Unknown(String),
}

impl GrantState {
    pub fn label(&self) -> &str {
        match self {
            GrantState::Active => tr!(domain.state_active),
            GrantState::Inactive => tr!(domain.state_inactive),
            GrantState::Removed => tr!(domain.grant_state_removed),
            GrantState::Unspecified => tr!(domain.state_unspecified),
            GrantState::Unknown(raw) => raw,
        }
    }

    pub fn css_name(&self) -> &'static str {
        match self {
            GrantState::Active => "active",
            GrantState::Inactive => "inactive",
            GrantState::Removed => "deleted",
            GrantState::Unspecified | GrantState::Unknown(_) => "unknown",
        }
    }
}

/// A user's authorisation for a project: its roles and whether it is in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub id: String,
    pub user_id: String,
    pub project_id: String,
    pub project_name: Option<String>,
    pub roles: Vec<String>,
    pub state: GrantState,
    pub organization_name: Option<String>,
    pub details: Details,
}

impl Grant {
    /// What to call the grant: its project, by name when the server sent one.
    pub fn title(&self) -> String {
        self.project_name
            .clone()
            .unwrap_or_else(|| tr!(domain.grant_title, project_id = &self.project_id))
    }

    pub fn after(&self, action: GrantAction, details: Details) -> Grant {
        Grant {
            state: action.resulting_state(),
            details: self.details.updated_with(details),
            ..self.clone()
        }
    }
}

impl Versioned for Grant {
    fn id(&self) -> &str {
        &self.id
    }

    fn details(&self) -> &Details {
        &self.details
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GrantAction {
    Deactivate,
    Reactivate,
    Remove,
}

impl GrantAction {
    pub const ALL: [GrantAction; 3] = [
        GrantAction::Deactivate,
        GrantAction::Reactivate,
        GrantAction::Remove,
    ];

    pub fn allows(self, state: &GrantState) -> bool {
        match self {
            GrantAction::Deactivate => *state == GrantState::Active,
            GrantAction::Reactivate => *state == GrantState::Inactive,
            GrantAction::Remove => *state != GrantState::Removed,
        }
    }

    pub fn refusal_reason(self, state: &GrantState) -> Option<String> {
        if self.allows(state) {
            return None;
        }
        Some(match (self, state) {
            (_, GrantState::Removed) => tr!(domain.grant_refused_removed).to_string(),
            (GrantAction::Deactivate, GrantState::Inactive) => {
                tr!(domain.grant_refused_already_inactive).to_string()
            }
            (GrantAction::Deactivate, _) => {
                tr!(domain.grant_refused_deactivate_not_active).to_string()
            }
            (GrantAction::Reactivate, GrantState::Active) => {
                tr!(domain.grant_refused_already_active).to_string()
            }
            (_, state) => tr!(domain.refused_in_state, state = state.label()),
        })
    }

    pub fn resulting_state(self) -> GrantState {
        match self {
            GrantAction::Deactivate => GrantState::Inactive,
            GrantAction::Reactivate => GrantState::Active,
            GrantAction::Remove => GrantState::Removed,
        }
    }
}

impl LifecycleAction for GrantAction {
    fn label(self) -> &'static str {
        match self {
            GrantAction::Deactivate => tr!(domain.action_deactivate),
            GrantAction::Reactivate => tr!(domain.action_reactivate),
            GrantAction::Remove => tr!(domain.action_remove),
        }
    }

    fn needs_confirmation(self) -> bool {
        matches!(self, GrantAction::Deactivate | GrantAction::Remove)
    }

    fn confirmation(self, subject: &str) -> Option<Confirmation> {
        match self {
            GrantAction::Deactivate => Confirmation::new(
                tr!(domain.confirm_deactivate, subject),
                tr!(domain.grant_deactivate_consequence),
            ),
            GrantAction::Remove => Confirmation::new(
                tr!(domain.confirm_remove, subject),
                tr!(domain.grant_remove_consequence),
            ),
            GrantAction::Reactivate => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_actions_follow_the_grant_state() {
        let allowed = |state: GrantState| -> Vec<GrantAction> {
            GrantAction::ALL
                .into_iter()
                .filter(|a| a.allows(&state))
                .collect()
        };
        assert_eq!(
            allowed(GrantState::Active),
            vec![GrantAction::Deactivate, GrantAction::Remove]
        );
        assert_eq!(
            allowed(GrantState::Inactive),
            vec![GrantAction::Reactivate, GrantAction::Remove]
        );
        assert_eq!(allowed(GrantState::Removed), vec![]);
        assert_eq!(allowed(GrantState::Unspecified), vec![GrantAction::Remove]);
        assert_eq!(
            GrantAction::Deactivate
                .refusal_reason(&GrantState::Inactive)
                .as_deref(),
            Some("The grant is already inactive.")
        );
    }

    #[test]
    fn destructive_grant_actions_ask_first() {
        assert!(GrantAction::Deactivate.needs_confirmation());
        assert!(GrantAction::Remove.needs_confirmation());
        assert!(!GrantAction::Reactivate.needs_confirmation());
        assert_eq!(GrantAction::Remove.resulting_state(), GrantState::Removed);
    }
}
