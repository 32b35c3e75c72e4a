use super::{Details, LifecycleAction, Versioned};

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
            GrantState::Active => "Active",
            GrantState::Inactive => "Inactive",
            GrantState::Removed => "Removed",
            GrantState::Unspecified => "Unspecified",
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
            .unwrap_or_else(|| format!("Project {}", self.project_id))
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
            (_, GrantState::Removed) => "The grant is removed.".to_string(),
            (GrantAction::Deactivate, GrantState::Inactive) => {
                "The grant is already inactive.".to_string()
            }
            (GrantAction::Deactivate, _) => "Only an active grant can be deactivated.".to_string(),
            (GrantAction::Reactivate, GrantState::Active) => {
                "The grant is already active.".to_string()
            }
            (_, state) => format!("Not possible while the state is {}.", state.label()),
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
            GrantAction::Deactivate => "Deactivate",
            GrantAction::Reactivate => "Reactivate",
            GrantAction::Remove => "Remove",
        }
    }

    fn needs_confirmation(self) -> bool {
        matches!(self, GrantAction::Deactivate | GrantAction::Remove)
    }

    fn consequence(self) -> &'static str {
        match self {
            GrantAction::Deactivate => {
                "The user keeps the grant but its roles stop applying until it is reactivated."
            }
            GrantAction::Reactivate => "The grant's roles apply again.",
            GrantAction::Remove => "The user loses the grant and its roles. This cannot be undone.",
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
