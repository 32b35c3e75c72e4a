//! The embedded SQLite database: one connection behind a mutex, so every command runs
//! its checks and its write as one unit, without interleaving with other requests.
//!
//! Tables:
//! * `events`: the source of truth, one row per change of an aggregate (the v3alpha
//!   schema users live only here: no projection reads them, as on ZITADEL);
//! * `users`, `user_grants`, `weavr_users`, `sessions`, `machine_credentials`: projections of the events (current state),
//!   written in the same transaction as each event (see `journal::record`);
//! * `orgs`, `projects`, `personal_access_tokens`, `memberships`, `user_passwords`:
//!   fixed reference data from the seed;
//! * `oidc_codes`, `oidc_tokens`: the sign-ins of the OpenID Connect provider (`oidc`),
//!   sessions rather than lifecycle changes, so no events either;
//! * `weavr_tokens`: Weavr auth tokens, the seeded ones and those `login_with_password`
//!   hands out (sessions, not lifecycle changes, so no events).

use crate::errors::ApiError;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Bump when the schema changes; an older file is then refused (use `--reset`).
const SCHEMA_VERSION: i64 = 5;

const SCHEMA: &str = "
CREATE TABLE events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    aggregate_type TEXT    NOT NULL,
    aggregate_id   TEXT    NOT NULL,
    resource_owner TEXT    NOT NULL,
    sequence       INTEGER NOT NULL,
    event_type     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    actor          TEXT    NOT NULL,
    reason         TEXT,
    payload        TEXT    NOT NULL DEFAULT '{}',
    UNIQUE (aggregate_type, aggregate_id, sequence)
);

CREATE TABLE orgs (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    primary_domain TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE users (
    id                  TEXT    PRIMARY KEY,
    org_id              TEXT    NOT NULL REFERENCES orgs (id),
    user_type           INTEGER NOT NULL,
    state               INTEGER NOT NULL,
    username            TEXT    NOT NULL,
    given_name          TEXT    NOT NULL DEFAULT '',
    family_name         TEXT    NOT NULL DEFAULT '',
    nick_name           TEXT    NOT NULL DEFAULT '',
    display_name        TEXT    NOT NULL DEFAULT '',
    preferred_language  TEXT    NOT NULL DEFAULT '',
    gender              INTEGER NOT NULL DEFAULT 0,
    email               TEXT    NOT NULL DEFAULT '',
    email_verified      INTEGER NOT NULL DEFAULT 0,
    phone               TEXT    NOT NULL DEFAULT '',
    phone_verified      INTEGER NOT NULL DEFAULT 0,
    machine_name        TEXT    NOT NULL DEFAULT '',
    machine_description TEXT    NOT NULL DEFAULT '',
    access_token_type   INTEGER NOT NULL DEFAULT 0,
    has_secret          INTEGER NOT NULL DEFAULT 0,
    -- Set by `user.locked`, cleared by `user.unlocked`, kept across
    -- deactivate/reactivate (see `projection.rs`).
    locked              INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT    NOT NULL,
    changed_at          TEXT    NOT NULL,
    sequence            INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE projects (
    id     TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs (id),
    name   TEXT NOT NULL
);

-- Projection of the 'usergrant' events. org_id is the grant's owner (resourceOwner).
CREATE TABLE user_grants (
    id         TEXT    PRIMARY KEY,
    org_id     TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    project_id TEXT    NOT NULL,
    role_keys  TEXT    NOT NULL DEFAULT '[]',
    state      INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    changed_at TEXT    NOT NULL,
    sequence   INTEGER NOT NULL
);
CREATE INDEX user_grants_user ON user_grants (user_id);

-- Projection of the 'weavr_user' events; one row per product and user, so Multi and
-- Payment Run never see each other's changes. aggregate_id is '<product>:<user id>'.
CREATE TABLE weavr_users (
    aggregate_id TEXT    PRIMARY KEY,
    product      TEXT    NOT NULL,
    id           TEXT    NOT NULL,
    email        TEXT    NOT NULL,
    active       INTEGER NOT NULL,
    profile      TEXT    NOT NULL,
    sequence     INTEGER NOT NULL,
    UNIQUE (product, id)
);

-- product NULL: valid on both products. seeded tokens survive logout.
CREATE TABLE weavr_tokens (
    token   TEXT    PRIMARY KEY,
    product TEXT,
    user_id TEXT    NOT NULL,
    roles   TEXT    NOT NULL DEFAULT '[]',
    seeded  INTEGER NOT NULL DEFAULT 0
);

-- Projection of the 'session' events (session API v2): one row per session not
-- terminated. ended_with_user: its user was deactivated, locked or removed since,
-- which v4.12 and later drop from the projection (see `sessions.rs`).
CREATE TABLE sessions (
    id                   TEXT    PRIMARY KEY,
    creator              TEXT    NOT NULL,
    user_agent           TEXT    NOT NULL DEFAULT '',
    user_id              TEXT    NOT NULL DEFAULT '',
    user_org_id          TEXT    NOT NULL DEFAULT '',
    login_name           TEXT    NOT NULL DEFAULT '',
    display_name         TEXT    NOT NULL DEFAULT '',
    user_checked_at      TEXT,
    password_checked_at  TEXT,
    ended_with_user      INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT    NOT NULL,
    changed_at           TEXT    NOT NULL,
    sequence             INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Projection of a service user's personal access tokens (kind 'pat') and keys
-- (kind 'key'), from the user aggregate's events (see `machine_credentials.rs`).
CREATE TABLE machine_credentials (
    id         TEXT    PRIMARY KEY,
    kind       TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    org_id     TEXT    NOT NULL,
    scopes     TEXT    NOT NULL DEFAULT '[]',
    expires_at TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    sequence   INTEGER NOT NULL
);
CREATE INDEX machine_credentials_user ON machine_credentials (user_id, kind);

CREATE TABLE personal_access_tokens (
    token   TEXT PRIMARY KEY,
    user_id TEXT NOT NULL
);

-- A role held by a user on the instance (resource_id = instance id) or on one org,
-- given at created_at.
CREATE TABLE memberships (
    user_id     TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    role        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, resource_id, role)
);

-- Users who can sign in through the OIDC provider. hash = hex(SHA-256(salt || password)).
-- No foreign key: `users` is a projection, whose rows are deleted and rebuilt.
CREATE TABLE user_passwords (
    user_id TEXT PRIMARY KEY,
    salt    TEXT NOT NULL,
    hash    TEXT NOT NULL
);

-- Authorization codes: single-use (used = 1 once exchanged), bound to everything the
-- authorization request said. session is the browser's sign-in session (its cookie),
-- which logout ends. Times are Unix milliseconds.
CREATE TABLE oidc_codes (
    code           TEXT    PRIMARY KEY,
    session        TEXT    NOT NULL,
    client_id      TEXT    NOT NULL,
    redirect_uri   TEXT    NOT NULL,
    code_challenge TEXT    NOT NULL,
    nonce          TEXT,
    scope          TEXT    NOT NULL,
    user_id        TEXT    NOT NULL,
    auth_time      INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used           INTEGER NOT NULL DEFAULT 0
);

-- Opaque access tokens issued by the token endpoint; code is the one exchanged for it,
-- so that a replayed code can revoke them. Revoked tokens are deleted.
CREATE TABLE oidc_tokens (
    token      TEXT    PRIMARY KEY,
    session    TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    client_id  TEXT    NOT NULL,
    scope      TEXT    NOT NULL,
    code       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX oidc_tokens_user ON oidc_tokens (user_id, client_id);
";

/// Shared handle to the database.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// Opens (or creates) the database file and sets it up for durable writes.
    pub fn open(path: &Path) -> Result<Store, rusqlite::Error> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // WAL + synchronous=FULL: a write the API acknowledged survives a killed process.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        register_functions(&conn)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Creates the schema and runs `seed` when the file is new, all in one transaction,
    /// so a half-seeded file cannot exist. Returns whether it seeded.
    pub fn initialise<F>(&self, seed: F) -> Result<bool, String>
    where
        F: FnOnce(&Transaction) -> Result<(), ApiError>,
    {
        let found_version = self
            .blocking(|conn| {
                let version: i64 =
                    conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
                if version == 0 {
                    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                    tx.execute_batch(SCHEMA)?;
                    seed(&tx)?;
                    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
                    tx.commit()?;
                }
                Ok(version)
            })
            .map_err(|err| format!("could not set up the database: {}", err.message))?;
        match found_version {
            0 => Ok(true),
            SCHEMA_VERSION => Ok(false),
            other => Err(format!(
                "the database has schema version {other}, this sandbox needs \
                 {SCHEMA_VERSION}; pass --reset to start over"
            )),
        }
    }

    /// Runs `work` on the connection from async code, on a blocking thread.
    pub async fn call<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Connection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.blocking(work))
            .await
            .map_err(|err| ApiError::internal(format!("database worker: {err}")))?
    }

    /// Runs `work` on the connection, blocking the current thread.
    pub fn blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut Connection) -> Result<T, ApiError>,
    {
        // A panic inside `work` poisons the mutex, but the connection is still sound
        // (an open transaction rolls back when dropped), so keep using it.
        let mut conn = self
            .conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        work(&mut conn)
    }
}

/// Deletes the database file and its WAL companions, for `--reset`.
pub fn delete_database(path: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// `fold(text)`: Unicode lower case. SQLite's own `lower()` only knows ASCII, and the
/// `*_IGNORE_CASE` search methods should find "Zoë" as "ZOË" does on ZITADEL.
fn register_functions(conn: &Connection) -> Result<(), rusqlite::Error> {
    conn.create_scalar_function(
        "fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: String = ctx.get(0)?;
            Ok(text.to_lowercase())
        },
    )
}
