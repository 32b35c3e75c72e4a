//! Starting and stopping: bind, open the database, print what a person needs, serve
//! until a signal or `--exit-after`.

use crate::clock::Timestamp;
use crate::db::{self, Store};
use crate::errors::ApiError;
use crate::state::{AppState, Settings};
use crate::{oidc, router, schema_users, seed, users, weavr};
use std::fmt;
use std::future::{pending, IntoFuture};
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// How long open connections get to finish once the server is told to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
/// At most this many users are listed at start.
const USERS_SHOWN: usize = 30;

/// What `sandbox` was asked to do (see the CLI in `main.rs`).
#[derive(Debug, Clone)]
pub struct Config {
    pub port: u16,
    pub db: PathBuf,
    pub reset: bool,
    pub serve: Option<PathBuf>,
    pub exit_after: Option<Duration>,
    pub seed_users: u32,
    /// Grant behaviour, Weavr api-key and server-wide fault.
    pub settings: Settings,
}

#[derive(Debug)]
pub enum RunError {
    PortInUse(u16),
    Bind(u16, std::io::Error),
    ServeDir(PathBuf),
    Database(String),
    Io(std::io::Error),
}

impl RunError {
    /// 2 for problems with what was asked (port, directory), 1 for the rest.
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::PortInUse(_) | RunError::Bind(..) | RunError::ServeDir(_) => 2,
            RunError::Database(_) | RunError::Io(_) => 1,
        }
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            RunError::PortInUse(port) => write!(
                f,
                "port {port} on 127.0.0.1 is already in use; pass --port to choose another"
            ),
            RunError::Bind(port, err) => write!(f, "cannot listen on 127.0.0.1:{port}: {err}"),
            RunError::ServeDir(dir) => write!(
                f,
                "--serve {}: no index.html in that directory (build the app first)",
                dir.display()
            ),
            RunError::Database(message) => f.write_str(message),
            RunError::Io(err) => write!(f, "{err}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Runs the sandbox until it is stopped.
pub async fn run(config: Config) -> Result<(), RunError> {
    if let Some(dir) = &config.serve {
        if !dir.join("index.html").is_file() {
            return Err(RunError::ServeDir(dir.clone()));
        }
    }
    let listener = bind(config.port).await?;
    let port = listener.local_addr().map_err(RunError::Io)?.port();

    let (db_path, reset, seed_users) = (config.db.clone(), config.reset, config.seed_users);
    let store = tokio::task::spawn_blocking(move || open_database(&db_path, reset, seed_users))
        .await
        .map_err(|err| RunError::Database(format!("opening the database: {err}")))??;

    // Output is for people: a closed or full stdout must not stop the server.
    let _ = print_banner(port, &store, &config.settings);
    let app = router::app_with(AppState::new(store, config.settings), config.serve);
    serve(listener, app, config.exit_after).await
}

/// Binds 127.0.0.1 only: the sandbox has fixed, published tokens.
async fn bind(port: u16) -> Result<TcpListener, RunError> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpListener::bind(address).await.map_err(|err| {
        if err.kind() == std::io::ErrorKind::AddrInUse {
            RunError::PortInUse(port)
        } else {
            RunError::Bind(port, err)
        }
    })
}

/// Opens the database at `path`, first deleting it if `reset`; a new file is seeded
/// with the fixed data plus `seed_users` generated users.
pub fn open_database(path: &Path, reset: bool, seed_users: u32) -> Result<Store, RunError> {
    let describe =
        |err: &dyn fmt::Display| RunError::Database(format!("database {}: {err}", path.display()));
    if reset {
        db::delete_database(path).map_err(|err| describe(&err))?;
    }
    let store = Store::open(path).map_err(|err| describe(&err))?;
    let seeded = store
        .initialise(|tx| seed::seed(tx, seed_users, Timestamp::now()))
        .map_err(|err| describe(&err))?;
    if !seeded && seed_users > 0 {
        eprintln!(
            "sandbox: --seed {seed_users} ignored: {} already exists (add --reset to seed anew)",
            path.display()
        );
    }
    Ok(store)
}

/// The start-up text: the address first (start scripts wait for that line), then the
/// tokens and users a person needs to try the API; the ZITADEL users come last.
fn print_banner(port: u16, store: &Store, settings: &Settings) -> std::io::Result<()> {
    let ((users, total), schema_users) = store
        .blocking(|conn| {
            Ok((
                users::first_users(conn, USERS_SHOWN)?,
                schema_users::overview(conn)?,
            ))
        })
        .map_err(|err: ApiError| std::io::Error::other(err.message))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "sandbox listening on http://127.0.0.1:{port}")?;
    out.flush()?;
    writeln!(
        out,
        "personal access tokens (sandbox only, valid nowhere else):"
    )?;
    for token in &seed::TOKENS {
        writeln!(
            out,
            "  {:<18} {:<17} ({:<19}) {}",
            token.username, token.role, token.scope, token.token
        )?;
    }
    writeln!(
        out,
        "instance {} (owner console-admin, IAM_OWNER); orgs ACME {} and Globex {}",
        seed::INSTANCE_ID,
        seed::ACME_ORG_ID,
        seed::GLOBEX_ORG_ID
    )?;
    writeln!(
        out,
        "user grants: --grant-behaviour {} (repeats answered {})",
        settings.grant_behaviour.name(),
        match settings.grant_behaviour {
            crate::model::GrantBehaviour::Idempotent => "200, nothing written",
            crate::model::GrantBehaviour::Legacy => "400 COMMAND-1S9gx / COMMAND-1ML0v",
        }
    )?;
    writeln!(
        out,
        "weavr (sandbox only): the app calls /weavr/multi/… and /weavr/payment-run/v1/…; \
         the API itself is /weavr-upstream/… with api-key: {}",
        settings.weavr_api_key
    )?;
    writeln!(
        out,
        "  {:<28} admin {} (ADMIN, both products)",
        weavr::seed::ADMIN_TOKEN,
        weavr::seed::ADMIN_ID
    )?;
    writeln!(
        out,
        "  {:<28} user  {} (CREATOR, not ADMIN)",
        weavr::seed::CREATOR_TOKEN,
        weavr::seed::CREATOR_USER_ID
    )?;
    writeln!(
        out,
        "  login_with_password: {} / {}",
        weavr::seed::ADMIN_EMAIL,
        weavr::seed::ADMIN_PASSWORD
    )?;
    writeln!(
        out,
        "OIDC sign-in (sandbox only): client {}, issuer http://127.0.0.1:{port}, \
         tokens live {} s",
        oidc::client::CLIENT_ID,
        settings.oidc_token_lifetime.as_secs()
    )?;
    for person in &seed::SIGN_INS {
        writeln!(
            out,
            "  {} / {} ({} on {})",
            person.login_name, person.password, person.role, person.scope
        )?;
    }
    let switches = settings.switches();
    writeln!(
        out,
        "imitating ZITADEL {}: user schema feature {}, lists lag {} ms{} \
         (POST /debug/settings changes these)",
        switches.zitadel_version,
        if switches.user_schema_feature {
            "on"
        } else {
            "off"
        },
        switches.list_lag.as_millis(),
        if switches.overcount_totals {
            ", ListUsers totals overcount"
        } else {
            ""
        },
    )?;
    if let Some(fault) = &settings.fault {
        writeln!(out, "fault on every API request: {fault}")?;
    }
    writeln!(out, "users:")?;
    for user in &users {
        writeln!(
            out,
            "  {}  {:<18} {}",
            user.id,
            user.username,
            user.state.wire_name()
        )?;
    }
    if total > users.len() {
        writeln!(
            out,
            "  … and {} more (POST /v2/users lists them)",
            total - users.len()
        )?;
    }
    writeln!(out, "v3alpha schema users (v2 does not see them):")?;
    for (id, name, state) in &schema_users {
        writeln!(out, "  {id}  {name:<18} {state}")?;
    }
    out.flush()
}

async fn serve(
    listener: TcpListener,
    app: axum::Router,
    exit_after: Option<Duration>,
) -> Result<(), RunError> {
    let stopping = Arc::new(Notify::new());
    let signal = {
        let stopping = stopping.clone();
        async move {
            wait_for_stop(exit_after).await;
            stopping.notify_one();
        }
    };
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(signal)
        .into_future();
    // A client that keeps a connection open must not keep the process alive.
    let deadline = async {
        stopping.notified().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = server => result.map_err(RunError::Io),
        () = deadline => Ok(()),
    }
}

/// Resolves on SIGINT, SIGTERM or when `exit_after` has passed.
async fn wait_for_stop(exit_after: Option<Duration>) {
    let timer = async {
        match exit_after {
            Some(duration) => tokio::time::sleep(duration).await,
            None => pending().await,
        }
    };
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = pending::<()>();
    tokio::select! {
        () = timer => {}
        () = interrupt => {}
        () = terminate => {}
    }
}
