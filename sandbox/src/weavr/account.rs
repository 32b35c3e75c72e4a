//! The one corporate identity (Multi) and buyer (Payment Run) and its root admin: who
//! the Weavr API knows at login. The seed writes the identity's users.

/// The corporate identity (Multi) and buyer (Payment Run) the users belong to.
pub const IDENTITY_ID: &str = "110747174434373120";
/// The root / admin credentials, which are not an authorised user (not under /users).
pub const ADMIN_ID: &str = "110747174434373001";
pub const ADMIN_NAME: &str = "Root Admin";
pub const ADMIN_EMAIL: &str = "root@example.com";
/// The password value `login_with_password` accepts for the admin.
pub const ADMIN_PASSWORD: &str = "sandbox-password";
