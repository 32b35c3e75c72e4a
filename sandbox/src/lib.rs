//! A local HTTP server that honours the ZITADEL REST contract
//! (`shared/contracts/ZITADEL.md`) closely enough that the lifecycle console works
//! against it as against real ZITADEL. State lives in an embedded SQLite file: an event
//! store plus a projection of the current users.

pub mod auth;
pub mod clock;
pub mod db;
pub mod errors;
pub mod events;
pub mod lifecycle;
pub mod model;
pub mod projection;
pub mod router;
pub mod seed;
pub mod server;
pub mod static_files;
pub mod test_support;
pub mod users;
pub mod zitadel_v2;
