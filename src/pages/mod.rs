//! One file per route (and the user page's grants section).

mod auth_callback;
mod bulk_queue;
mod confirmed;
mod export_users;
mod grant_detail;
mod not_found;
mod offboard;
mod open_by_id;
mod paste_list;
mod settings;
mod sign_in;
mod user_detail;
mod user_grants;
mod user_rows;
mod users_list;

pub use auth_callback::AuthCallbackPage;
pub use grant_detail::{GrantDetail, GrantDetailPage};
pub use not_found::NotFoundPage;
pub use open_by_id::OpenUserById;
pub use paste_list::PasteListPage;
pub use settings::SettingsPage;
pub use sign_in::{SignInPage, SignedIn};
pub use user_detail::{UserDetail, UserDetailPage};
pub use user_grants::GrantList;
pub use users_list::{UsersList, UsersPage};
