//! One file per route.

mod home;
mod not_found;
mod sign_in;
mod user_detail;

pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use sign_in::SignInPage;
pub use user_detail::{UserDetail, UserDetailPage};
