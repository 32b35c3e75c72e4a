use clap::Parser;
use sandbox::server::{self, Config};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Local stand-in for the ZITADEL user API (v2) with an embedded database: the back end
/// of the lifecycle-console demo and of its browser tests. Sandbox only: it prints
/// fixed access tokens and must never face a network.
#[derive(Debug, Parser)]
#[command(
    name = "sandbox",
    version,
    after_help = "Endpoints: GET /debug/healthz (no token); the ZITADEL user service v2 at \
                  /v2/users (get, list, deactivate, reactivate, lock, unlock, delete) with \
                  `Authorization: Bearer <token>`, using a token printed at start."
)]
struct Cli {
    /// TCP port to listen on. The server binds 127.0.0.1 only; 0 picks a free port
    /// (read it from the first line printed).
    #[arg(long, value_name = "N", default_value_t = 8080)]
    port: u16,

    /// SQLite database file. Created and seeded when it does not exist; otherwise its
    /// state (every change made through the API) is kept across restarts.
    #[arg(long, value_name = "PATH", default_value = "sandbox.sqlite")]
    db: PathBuf,

    /// Delete the database file first, then create and seed it anew.
    #[arg(long)]
    reset: bool,

    /// Also serve the built app from DIR (which must contain index.html): existing files
    /// as they are, any other non-API GET as DIR/index.html (single-page-app fallback).
    /// index.html and config.json are sent with Cache-Control: no-cache.
    #[arg(long, value_name = "DIR")]
    serve: Option<PathBuf>,

    /// Stop by itself after SECONDS (tests pass it so no server lingers). Without it the
    /// server runs until SIGINT (Ctrl-C) or SIGTERM.
    #[arg(long, value_name = "SECONDS")]
    exit_after: Option<u64>,

    /// Generate N extra users (deterministic ids, names and states) when the database
    /// is seeded, i.e. when it is new or with --reset.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u32,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = Config {
        port: cli.port,
        db: cli.db,
        reset: cli.reset,
        serve: cli.serve,
        exit_after: cli.exit_after.map(Duration::from_secs),
        seed_users: cli.seed,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::from(err.exit_code())
        }
    }
}
