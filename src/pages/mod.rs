//! One file per route, and the parts those pages are made of: the controller
//! for what the server confirmed (`confirmed`), bulk runs (`bulk_queue`), the
//! user page's sections (`user_grants`, `offboard`), the users list's rows
//! (`user_rows`), tools (`export_users`) and its by-id form (`open_by_id`).

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
