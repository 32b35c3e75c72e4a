//! Provider-neutral model: what a user and their lifecycle look like to an
//! administrator, whichever identity provider answered. No I/O, no UI.

mod action;
mod details;
mod state;
mod timestamp;
mod user;

pub use action::UserAction;
pub use details::{Details, Owner, OwnerKind};
pub use state::UserState;
pub use timestamp::{Timestamp, TimestampError};
pub use user::{User, UserKind};
