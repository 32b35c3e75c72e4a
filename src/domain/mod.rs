//! Provider-neutral model: what a user, a grant and their lifecycles look
//! like to an administrator, whichever identity provider answered. No I/O,
//! no UI.

mod action;
mod confirmed;
pub mod csv;
mod details;
mod grant;
pub mod history;
mod lifecycle;
mod list;
pub mod offboarding;
mod pasted_list;
mod state;
mod timestamp;
mod user;

pub use action::{Confirmation, LifecycleAction, UserAction};
pub use confirmed::ConfirmedWrites;
pub use details::{reconcile, Details, Owner, OwnerKind, Versioned};
pub use grant::{Grant, GrantAction, GrantState};
pub use lifecycle::Lifecycle;
pub use list::{
    plan_bulk, BulkOutcome, BulkReport, PageWindow, SortField, UserPage, UserQuery,
    DEFAULT_PAGE_SIZE, FILTER_STATES, PAGE_SIZES,
};
pub use pasted_list::{
    entries_from_csv, entries_from_text, outcome_csv, plan, plan_counts, Candidate, Entry, Me,
    PlannedLine, Verdict, LIST_ACTION,
};
pub use state::UserState;
pub use timestamp::{Timestamp, TimestampError};
pub use user::{User, UserKind};
