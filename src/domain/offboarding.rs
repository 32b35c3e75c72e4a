//! Offboarding: one confirmed action that ends a user's access, and the
//! checklist of what the server confirmed afterwards. Plain logic: which
//! parts apply, and what each part's writes and read-back add up to. The
//! requests are the provider modules'; the page only shows [`PartOutcome`]s.
//!
//! Nothing is claimed that was not read back: a part is `Confirmed` only
//! when a read after the writes shows the state it aimed for.

use super::{UserAction, UserState};
use crate::http::ApiError;

/// How the admin chose to end the user's access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndAccess {
    Deactivate,
    Lock,
}

impl EndAccess {
    pub fn action(self) -> UserAction {
        match self {
            EndAccess::Deactivate => UserAction::Deactivate,
            EndAccess::Lock => UserAction::Lock,
        }
    }
}

/// One part of an offboarding, in the order it runs and is listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// Deactivate or lock the user.
    UserState,
    /// End every session (ZITADEL session API v2).
    Sessions,
    /// Deactivate every active grant in the organisation.
    Grants,
    /// Remove a service user's personal access tokens.
    Tokens,
    /// Remove a service user's keys.
    Keys,
}

impl Part {
    pub const ALL: [Part; 5] = [
        Part::UserState,
        Part::Sessions,
        Part::Grants,
        Part::Tokens,
        Part::Keys,
    ];

    /// The parts an offboarding runs on a user of this kind, given what the
    /// API can do: Weavr has only deactivation; tokens and keys belong to
    /// service users only.
    pub fn applies(self, reach: Reach, is_service_user: bool) -> bool {
        match self {
            Part::UserState => true,
            Part::Sessions => reach == Reach::Full,
            Part::Grants => reach == Reach::Full,
            Part::Tokens | Part::Keys => reach == Reach::Full && is_service_user,
        }
    }
}

/// A service user's credential of one kind, as offboarding removes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    PersonalAccessToken,
    Key,
}

/// How far an API's offboarding reaches (a capability).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// No offboarding at all.
    None,
    /// Only the user's state: no sessions, grants or credentials to end.
    DeactivationOnly,
    /// The user's state, sessions, grants, and a service user's tokens and keys.
    Full,
}

/// Why a part is not confirmed.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A request failed; the error says what the server answered.
    Request(ApiError),
    /// Every write was answered, but the read-back still finds this many.
    StillThere(u64),
    /// The server counts this many it does not show the admin (no right to
    /// read them), so it cannot be confirmed that none is left.
    Hidden(u64),
    /// The read-back shows the user in this state, not the one aimed for.
    StateIs(UserState),
    /// Not sent: another change of the user was in flight (one at a time).
    Busy,
}

/// The outcome of one part, as the checklist shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum PartOutcome {
    /// Not run yet, or running.
    Pending,
    /// Does not apply to this user or API.
    NotApplicable,
    /// The admin lacks a permission for this part; the server's refusal.
    /// `ended` and `left` are what was done and read back nonetheless.
    NotPermitted {
        error: ApiError,
        ended: u64,
        left: Option<u64>,
    },
    /// Failed: can be retried.
    Failed {
        problem: Problem,
        ended: u64,
        left: Option<u64>,
    },
    /// The read-back confirms the user's new state.
    StateConfirmed(UserState),
    /// The read-back confirms none is left; `ended` were ended now.
    Confirmed { ended: u64 },
}

impl PartOutcome {
    pub fn can_retry(&self) -> bool {
        matches!(
            self,
            PartOutcome::Failed { .. } | PartOutcome::NotPermitted { .. }
        )
    }

    pub fn is_done(&self) -> bool {
        matches!(
            self,
            PartOutcome::StateConfirmed(_)
                | PartOutcome::Confirmed { .. }
                | PartOutcome::NotApplicable
        )
    }
}

/// Whether the server refused for lack of a right: a permission, or no role
/// that reaches the user's organisation any more.
pub fn is_permission(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::PermissionDenied(_) | ApiError::AccessLost(_)
    )
}

/// What a read-back of a list found: the ids still there, and how many the
/// server counted (more when it leaves out what the admin may not see).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Remaining {
    pub ids: Vec<String>,
    pub total: u64,
}

impl Remaining {
    pub fn new(ids: Vec<String>, total: u64) -> Remaining {
        Remaining { ids, total }
    }

    /// What a list answer names: its items' non-empty ids, and the total the
    /// server counted (the ids' number when it did not say).
    pub fn listed(ids: impl IntoIterator<Item = Option<String>>, total: Option<u64>) -> Remaining {
        let ids: Vec<String> = ids
            .into_iter()
            .filter_map(|id| id.filter(|id| !id.is_empty()))
            .collect();
        let total = total.unwrap_or(ids.len() as u64);
        Remaining { ids, total }
    }

    fn hidden(&self) -> u64 {
        self.total.saturating_sub(self.ids.len() as u64)
    }
}

/// A counted part (sessions, grants, tokens, keys): the list before the
/// writes, one result per write, and the read-back after them.
pub fn counted_outcome(
    listed: &Result<Remaining, ApiError>,
    writes: &[Result<(), ApiError>],
    read_back: &Result<Remaining, ApiError>,
) -> PartOutcome {
    let ended = writes.iter().filter(|w| w.is_ok()).count() as u64;
    let left = read_back.as_ref().ok().map(|r| r.ids.len() as u64);
    let failure = listed
        .as_ref()
        .err()
        .or_else(|| writes.iter().find_map(|w| w.as_ref().err()))
        .or_else(|| read_back.as_ref().err());
    if let Some(error) = failure {
        // A refusal for lack of a right is said as such, unless something
        // else also failed: that one can be retried.
        let other = std::iter::once(listed.as_ref().err())
            .chain(writes.iter().map(|w| w.as_ref().err()))
            .chain(std::iter::once(read_back.as_ref().err()))
            .flatten()
            .find(|e| !is_permission(e));
        return match other {
            None => PartOutcome::NotPermitted {
                error: error.clone(),
                ended,
                left,
            },
            Some(other) => PartOutcome::Failed {
                problem: Problem::Request(other.clone()),
                ended,
                left,
            },
        };
    }
    let after = match read_back {
        Ok(after) => after,
        Err(error) => {
            return PartOutcome::Failed {
                problem: Problem::Request(error.clone()),
                ended,
                left,
            }
        }
    };
    if !after.ids.is_empty() {
        return PartOutcome::Failed {
            problem: Problem::StillThere(after.ids.len() as u64),
            ended,
            left,
        };
    }
    if after.hidden() > 0 {
        return PartOutcome::Failed {
            problem: Problem::Hidden(after.hidden()),
            ended,
            left,
        };
    }
    PartOutcome::Confirmed { ended }
}

/// The user's state part: the answer to the state change, and the state a
/// read afterwards shows. A refused change still counts as done when the
/// read shows the user already without access in the state aimed for (for
/// example a second offboarding of an inactive user).
pub fn state_outcome(
    aim: EndAccess,
    write: &Result<(), ApiError>,
    read_back: &Result<UserState, ApiError>,
) -> PartOutcome {
    let target = aim.action().resulting_state();
    match (write, read_back) {
        (_, Ok(state)) if *state == target => PartOutcome::StateConfirmed(state.clone()),
        (Err(error), _) if is_permission(error) => PartOutcome::NotPermitted {
            error: error.clone(),
            ended: 0,
            left: None,
        },
        (Err(error), _) => PartOutcome::Failed {
            problem: Problem::Request(error.clone()),
            ended: 0,
            left: None,
        },
        (Ok(()), Err(error)) => PartOutcome::Failed {
            problem: Problem::Request(error.clone()),
            ended: 0,
            left: None,
        },
        (Ok(()), Ok(state)) => PartOutcome::Failed {
            problem: Problem::StateIs(state.clone()),
            ended: 0,
            left: None,
        },
    }
}

/// The ids to end: those listed before the state change, and any a second
/// list found (a server older than v4.12 still lists them after it), once each.
pub fn to_end(before: &[String], after: &[String]) -> Vec<String> {
    let mut ids = before.to_vec();
    for id in after {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    ids
}

/// The ids whose write failed, to be tried again on a retry: from v4.12
/// ZITADEL no longer lists a deactivated user's sessions, so a retry cannot
/// find them by listing.
pub fn failed_ids(ids: &[String], writes: &[Result<(), ApiError>]) -> Vec<String> {
    ids.iter()
        .zip(writes)
        .filter(|(_, write)| write.is_err())
        .map(|(id, _)| id.clone())
        .collect()
}

/// How many deletions run at once: enough to be quick, few enough not to
/// trip a server's rate limit.
pub const CONCURRENT_WRITES: usize = 4;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ServerMessage;

    fn denied() -> ApiError {
        ApiError::PermissionDenied(ServerMessage {
            text: Some("No matching permissions found".into()),
            id: Some("AUTH-AWfge".into()),
        })
    }

    fn server_error() -> ApiError {
        ApiError::ServerError {
            status: 503,
            message: ServerMessage::default(),
        }
    }

    fn listed(ids: &[&str]) -> Result<Remaining, ApiError> {
        Ok(Remaining::new(
            ids.iter().map(|s| s.to_string()).collect(),
            ids.len() as u64,
        ))
    }

    #[test]
    fn ended_and_none_left_is_confirmed() {
        let outcome = counted_outcome(&listed(&["1", "2"]), &[Ok(()), Ok(())], &listed(&[]));
        assert_eq!(outcome, PartOutcome::Confirmed { ended: 2 });
        assert!(outcome.is_done() && !outcome.can_retry());
    }

    #[test]
    fn nothing_to_end_is_confirmed_with_none_ended() {
        assert_eq!(
            counted_outcome(&listed(&[]), &[], &listed(&[])),
            PartOutcome::Confirmed { ended: 0 }
        );
    }

    #[test]
    fn a_write_that_failed_is_a_failure_with_what_was_read_back() {
        let outcome = counted_outcome(
            &listed(&["1", "2"]),
            &[Ok(()), Err(server_error())],
            &listed(&["2"]),
        );
        assert_eq!(
            outcome,
            PartOutcome::Failed {
                problem: Problem::Request(server_error()),
                ended: 1,
                left: Some(1),
            }
        );
        assert!(outcome.can_retry() && !outcome.is_done());
    }

    #[test]
    fn answered_writes_are_not_enough_when_the_read_back_still_finds_some() {
        let outcome = counted_outcome(&listed(&["1"]), &[Ok(())], &listed(&["1"]));
        assert_eq!(
            outcome,
            PartOutcome::Failed {
                problem: Problem::StillThere(1),
                ended: 1,
                left: Some(1),
            }
        );
    }

    #[test]
    fn sessions_the_server_counts_but_does_not_show_are_not_confirmed_gone() {
        let after = Ok(Remaining::new(vec![], 2));
        assert_eq!(
            counted_outcome(&listed(&[]), &[], &after),
            PartOutcome::Failed {
                problem: Problem::Hidden(2),
                ended: 0,
                left: Some(0),
            }
        );
    }

    #[test]
    fn a_refusal_for_lack_of_a_right_is_said_as_such() {
        let outcome = counted_outcome(&listed(&["1"]), &[Err(denied())], &listed(&["1"]));
        assert_eq!(
            outcome,
            PartOutcome::NotPermitted {
                error: denied(),
                ended: 0,
                left: Some(1),
            }
        );
        let lost = ApiError::AccessLost(ServerMessage::default());
        let listing_refused = counted_outcome(&Err(lost.clone()), &[], &Err(lost.clone()));
        assert!(matches!(
            listing_refused,
            PartOutcome::NotPermitted { left: None, .. }
        ));
    }

    #[test]
    fn a_refusal_next_to_another_failure_is_a_retryable_failure() {
        let outcome = counted_outcome(
            &listed(&["1", "2"]),
            &[Err(denied()), Err(server_error())],
            &listed(&["1", "2"]),
        );
        assert!(matches!(
            outcome,
            PartOutcome::Failed {
                problem: Problem::Request(ApiError::ServerError { .. }),
                ..
            }
        ));
    }

    #[test]
    fn a_read_back_that_failed_confirms_nothing() {
        let outcome = counted_outcome(&listed(&["1"]), &[Ok(())], &Err(server_error()));
        assert_eq!(
            outcome,
            PartOutcome::Failed {
                problem: Problem::Request(server_error()),
                ended: 1,
                left: None,
            }
        );
    }

    #[test]
    fn the_state_is_confirmed_only_by_the_read() {
        use EndAccess::*;
        assert_eq!(
            state_outcome(Deactivate, &Ok(()), &Ok(UserState::Inactive)),
            PartOutcome::StateConfirmed(UserState::Inactive)
        );
        assert_eq!(
            state_outcome(Lock, &Ok(()), &Ok(UserState::Locked)),
            PartOutcome::StateConfirmed(UserState::Locked)
        );
        assert!(matches!(
            state_outcome(Deactivate, &Ok(()), &Ok(UserState::Active)),
            PartOutcome::Failed {
                problem: Problem::StateIs(UserState::Active),
                ..
            }
        ));
        assert!(matches!(
            state_outcome(Deactivate, &Ok(()), &Err(server_error())),
            PartOutcome::Failed {
                problem: Problem::Request(_),
                ..
            }
        ));
    }

    #[test]
    fn a_refused_state_change_of_a_user_already_there_is_done() {
        let already = ApiError::Conflict(ServerMessage::default());
        assert_eq!(
            state_outcome(
                EndAccess::Deactivate,
                &Err(already.clone()),
                &Ok(UserState::Inactive)
            ),
            PartOutcome::StateConfirmed(UserState::Inactive)
        );
        assert!(matches!(
            state_outcome(EndAccess::Lock, &Err(already), &Ok(UserState::Inactive)),
            PartOutcome::Failed {
                problem: Problem::Request(ApiError::Conflict(_)),
                ..
            }
        ));
        assert!(matches!(
            state_outcome(
                EndAccess::Deactivate,
                &Err(denied()),
                &Ok(UserState::Active)
            ),
            PartOutcome::NotPermitted { .. }
        ));
    }

    #[test]
    fn which_parts_apply() {
        let person = Part::ALL.map(|p| p.applies(Reach::Full, false));
        assert_eq!(person, [true, true, true, false, false]);
        let service = Part::ALL.map(|p| p.applies(Reach::Full, true));
        assert_eq!(service, [true; 5]);
        let weavr = Part::ALL.map(|p| p.applies(Reach::DeactivationOnly, true));
        assert_eq!(weavr, [true, false, false, false, false]);
    }

    #[test]
    fn the_ids_whose_write_failed_are_kept_for_a_retry() {
        let ids = vec!["1".to_string(), "2".to_string(), "3".to_string()];
        let writes = [Ok(()), Err(server_error()), Err(denied())];
        assert_eq!(failed_ids(&ids, &writes), ["2", "3"]);
        assert!(failed_ids(&ids, &[Ok(()), Ok(()), Ok(())]).is_empty());
    }

    #[test]
    fn ids_to_end_are_the_listed_ones_and_any_found_later_once() {
        let before = vec!["1".to_string(), "2".to_string()];
        let after = vec!["2".to_string(), "3".to_string()];
        assert_eq!(to_end(&before, &after), ["1", "2", "3"]);
        assert_eq!(to_end(&before, &[]), ["1", "2"]);
    }
}
