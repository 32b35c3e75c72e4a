//! A local HTTP server that honours the ZITADEL and Weavr REST contracts
//! (`shared/contracts/ZITADEL.md`, `WEAVR.md`) closely enough that the lifecycle console
//! works against it as against the real APIs, signs people in as ZITADEL's OpenID
//! Connect provider does (`oidc`), and can misbehave on demand (`faults`). State lives
//! in an embedded SQLite file: an event store plus projections of the current users,
//! user grants and Weavr users.

pub mod api_kit;
pub mod auth;
pub mod auth_v1;
pub mod clock;
pub mod cors;
pub mod db;
pub mod errors;
pub mod events;
pub mod faults;
pub mod grants;
pub mod i18n;
pub mod journal;
pub mod lag;
pub mod lifecycle;
pub mod management_v1;
pub mod model;
pub mod oidc;
pub mod org_v2;
pub mod orgs;
pub mod paths;
pub mod projection;
pub mod query;
pub mod random;
pub mod router;
pub mod schema_users;
pub mod seed;
pub mod server;
pub mod state;
pub mod static_files;
pub mod switches;
pub mod test_support;
pub mod user_grants;
pub mod users;
pub mod weavr;
pub mod zitadel_v2;
pub mod zitadel_v3alpha;
