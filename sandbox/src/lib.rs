//! A local HTTP server that honours the ZITADEL and Weavr REST contracts
//! (`shared/contracts/ZITADEL.md`, `WEAVR.md`) closely enough that the lifecycle console
//! works against it as against the real APIs, signs people in as ZITADEL's OpenID
//! Connect provider does (`oidc`), and can misbehave on demand (`faults`). State lives
//! in an embedded SQLite file: an event store plus projections of the current users,
//! user grants and Weavr users.
//!
//! The modules form layers; each imports only its own layer and those below it, the
//! API surfaces never import one another, and no modules import each other in a
//! circle (`tests/layers.rs` checks all three, file by file):
//!
//! - L5 `router`, `cors`, `faults` (the middleware), `server`, `static_files`, `seed`,
//!   `weavr::seed`, `test_support`;
//! - L4 one module per API surface: `zitadel_v2`, `zitadel_v3alpha`, `management_v1`,
//!   `auth_v1`, `org_v2`, `session_v2`, `oidc` (its routes and pages), `weavr` (routes,
//!   gate, handlers);
//! - L3 commands (`lifecycle`, `grants`, `user_metadata`, `session_commands`,
//!   `credential_commands`, `weavr::commands`), the user history query `user_changes`,
//!   `auth`, `state`, and
//!   `api_kit::{v1, v2}`, the wire types several surfaces answer with;
//! - L2 read models (`users`, `user_grants`, `orgs`, `schema_users`, `sessions`,
//!   `machine_credentials`, `weavr::store`, `oidc::store`), `projection` (dispatch to them), `journal` (record an event and
//!   apply it in one transaction) and `lag`;
//! - L1 `events`, the append-only log, which knows no projection;
//! - L0 `clock`, `random`, `errors`, `db`, `query`, `paths` (which paths are whose),
//!   `model` (ids, `INSTANCE_ID`, `GrantBehaviour`), `switches`, `i18n`, `api_kit`,
//!   `faults::spec`, `oidc::{client, crypto}`, `weavr::{wire, account, idempotency}`.

pub mod api_kit;
pub mod auth;
pub mod auth_v1;
pub mod clock;
pub mod cors;
pub mod credential_commands;
pub mod db;
pub mod errors;
pub mod events;
pub mod faults;
pub mod grants;
pub mod i18n;
pub mod journal;
pub mod lag;
pub mod lifecycle;
pub mod machine_credentials;
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
pub mod session_commands;
pub mod session_v2;
pub mod sessions;
pub mod state;
pub mod static_files;
pub mod switches;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod user_changes;
pub mod user_grants;
pub mod user_metadata;
pub mod users;
pub mod weavr;
pub mod zitadel_v2;
pub mod zitadel_v3alpha;
