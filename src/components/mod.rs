//! Reusable views. Each takes domain values and callbacks; none calls the API
//! (the owner label only reads names a list already brought).

mod action_bar;
mod confirm_dialog;
mod details_panel;
mod error_alert;
mod made_after_all;
mod state_badge;
mod timestamp;
mod user_history;

pub use action_bar::ActionBar;
pub use confirm_dialog::ConfirmDialog;
pub use details_panel::{owner_label_named, DetailsPanel};
pub use error_alert::ErrorAlert;
pub use made_after_all::MadeAfterAll;
pub use state_badge::StateBadge;
pub use timestamp::{prepare_formatters, TimeTexts, TimestampView};
pub use user_history::{HistoryFeed, UserHistory};
