use crate::tr;

/// The lifecycle state of a user, as the server reported it.
///
/// `Unspecified` covers a missing state (ZITADEL omits enum value 0) and
/// `Unknown` keeps a value this version of the console does not know, so
/// that it is shown as it is and never mistaken for a known state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserState {
    Active,
    Inactive,
    Locked,
    Initial,
    Deleted,
    Unspecified,
    Unknown(String),
}

impl UserState {
    /// The word shown on the state badge.
    pub fn label(&self) -> &str {
        match self {
            UserState::Active => tr!(domain.state_active),
            UserState::Inactive => tr!(domain.state_inactive),
            UserState::Locked => tr!(domain.state_locked),
            UserState::Initial => tr!(domain.state_initial),
            UserState::Deleted => tr!(domain.state_deleted),
            UserState::Unspecified => tr!(domain.state_unspecified),
            UserState::Unknown(raw) => raw,
        }
    }

    /// A stable name for styling (CSS class suffix).
    pub fn css_name(&self) -> &'static str {
        match self {
            UserState::Active => "active",
            UserState::Inactive => "inactive",
            UserState::Locked => "locked",
            UserState::Initial => "initial",
            UserState::Deleted => "deleted",
            UserState::Unspecified | UserState::Unknown(_) => "unknown",
        }
    }
}
