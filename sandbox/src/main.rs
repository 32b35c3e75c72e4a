use clap::Parser;
use sandbox::faults::FaultSpec;
use sandbox::model::GrantBehaviour;
use sandbox::server::{self, Config};
use sandbox::state::{Settings, DEFAULT_WEAVR_API_KEY};
use sandbox::switches::{ZitadelVersion, DEFAULT_LIST_LAG, DEFAULT_ZITADEL_VERSION};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Local stand-in for the identity-provider APIs of the lifecycle console (ZITADEL user
/// v2 and v3alpha, ZITADEL management v1 user grants, ZITADEL's OpenID Connect sign-in,
/// Weavr Multi and Payment Run authorised users) with an embedded database: the back
/// end of the demo and of the browser tests. Sandbox only: it prints fixed access tokens
/// and passwords and must never face a network.
#[derive(Debug, Parser)]
#[command(
    name = "sandbox",
    version,
    after_help = "\
Endpoints (ZITADEL ones need `Authorization: Bearer <token>`: a personal access token printed at
start, or an access token from the OIDC sign-in below):
  GET  /debug/healthz                       no token
  /v2/users…                                ZITADEL user service v2: get, list (POST /v2/users),
                                            deactivate, reactivate, lock, unlock, delete
  /resources/v3alpha/users…                 ZITADEL user resources v3alpha as v4.13.1: _deactivate,
                                            _activate, _lock, _unlock, DELETE (optional
                                            ?organization.orgId=) on the seeded schema users only
                                            (404 for any other id); GET answers 501, POST _search {}
  /management/v1/users/…/grants…            ZITADEL management v1 user grants: get, POST
                                            users/grants/_search, _deactivate, _reactivate, DELETE;
                                            scoped by the x-zitadel-orgid header
  GET  /management/v1/orgs/me               ZITADEL GetMyOrg: the org of the x-zitadel-orgid
                                            header, or the caller's own
  POST /auth/v1/global/projectorgs/_search  ZITADEL ListMyProjectOrgs: orgs where the caller has a
                                            user grant on the token's project (seeded: none)
  POST /auth/v1/memberships/me/_search      ZITADEL ListMyMemberships: the caller's roles
  POST /v2/organizations/_search            ZITADEL ListOrganizations: the orgs the caller may read
  /weavr/multi/…, /weavr/payment-run/v1/…   the same-origin Weavr proxy the app calls: adds the
                                            api-key, passes users…, login_with_password, logout
  /weavr-upstream/…                         the Weavr API itself: api-key header + Bearer token
  Weavr tokens and the login are printed at start. activate/deactivate of a user already in that
  state answers 204 and writes nothing; a repeated idempotency-ref replays the first answer
  (409 IDEMPOTENT_REQUEST_IN_PROGRESS while the first still runs).

OpenID Connect provider for the console's \"Sign in with ZITADEL\" (no token needed; the users
and passwords are printed at start):
  GET  /.well-known/openid-configuration    discovery; the issuer is the request's origin
                                            (X-Forwarded-Proto and -Host behind a proxy)
  GET  /oauth/v2/authorize                  code flow + PKCE S256 for client lifecycle-console,
                                            redirect_uri http://127.0.0.1:<port>/…/auth/callback
                                            (or localhost): the sign-in form; its POST signs in
                                            and redirects back with code and state
  POST /oauth/v2/token                      grant_type=authorization_code: an opaque access token
                                            and an HS256 ID token. The access token works on the
                                            ZITADEL routes if it has the scope
                                            urn:zitadel:iam:org:project:id:zitadel:aud, from
                                            loopback origins only (else 403 AUTH-DZG21), until
                                            it expires (--oidc-token-lifetime)
  GET  /oauth/v2/keys                       {\"keys\":[]}: ID tokens are HS256
  GET  /oidc/v1/userinfo                    the signed-in user's claims
  GET  /oidc/v1/end_session                 logout: revokes the tokens of the id_token_hint's
                                            user and of this browser's sign-ins, then redirects
                                            to post_logout_redirect_uri (any loopback URI)
  POST /debug/tokens/_expire                {\"token\":\"…\"}, or no body for every OIDC token:
                                            expired now, as if their lifetime had run out

Settings switchable at runtime (no token): GET /debug/settings lists them, POST /debug/settings
{\"userSchemaFeature\":false,\"listLagMs\":0,\"overcountTotals\":true,\"zitadelVersion\":\"2.57.0\",
\"grantBehaviour\":\"legacy\"} changes any of them until the next start (the flags below set them).
{\"v3alphaGetUser\":true} is no ZITADEL release: v3alpha GetUser answers 200 with the schema user.

Faults (sandbox-only; real servers have nothing like it), applied to API paths before auth:
  per request:  header `x-sandbox-fault: <spec>`
  armed:        POST /debug/faults {\"pathPrefix\":\"/v2/users/1\",\"method\":\"POST\",\"fault\":\"status=503\",
                \"times\":1} (no token); GET lists, DELETE clears
  every request: --fault <spec>
  <spec> is items joined with `;`: latency=MS, status=CODE, status=CODE,nobody, retry-after=SECONDS,
  truncate, non-json, html=CODE, drop, wrong-shape. Example: `latency=300;status=503`."
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

    /// How a repeated user-grant _deactivate/_reactivate is answered: `legacy` like
    /// ZITADEL v2.x (400 COMMAND-1S9gx NotActive / COMMAND-1ML0v NotInactive), or
    /// `idempotent` like the newest servers (200, details unchanged, nothing written).
    #[arg(long, value_name = "BEHAVIOUR", value_enum, default_value_t = GrantBehaviour::Idempotent)]
    grant_behaviour: GrantBehaviour,

    /// The secret the Weavr API (/weavr-upstream/…) expects in the `api-key` header;
    /// the built-in proxy (/weavr/…) adds it for the app.
    #[arg(long, value_name = "KEY", default_value = DEFAULT_WEAVR_API_KEY)]
    weavr_api_key: String,

    /// Apply this fault to every API request (sandbox-only), e.g. `latency=500` or
    /// `status=503`; see the fault syntax below. The x-sandbox-fault header and faults
    /// armed through /debug/faults take precedence.
    #[arg(long, value_name = "SPEC")]
    fault: Option<FaultSpec>,

    /// Lifetime of the access and ID tokens the OIDC sign-in issues (ZITADEL's default:
    /// 12 hours). After it, the access token answers 401 like an unknown one.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = sandbox::oidc::DEFAULT_TOKEN_LIFETIME.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    oidc_token_lifetime: u64,

    /// The instance feature "User Schema": `off` answers every v3alpha user call but
    /// GetUser with 400 `Feature "User Schema" is not enabled (TODO)`.
    #[arg(long, value_name = "STATE", value_parser = ["on", "off"], default_value = "on")]
    user_schema_feature: String,

    /// How long list reads (v2 ListUsers, management v1 ListUserGrants) keep showing the
    /// state before a write; single reads are always current, as on ZITADEL.
    #[arg(long, value_name = "MS", default_value_t = DEFAULT_LIST_LAG.as_millis() as u64,
          value_parser = clap::value_parser!(u64).range(0..=600_000))]
    list_lag_ms: u64,

    /// v2 ListUsers drops the rows the caller may not read after paging and keeps them
    /// in totalResult, as ZITADEL v2.58-v2.71, v3.0-v3.4 and v4.0-v4.5 do.
    #[arg(long)]
    overcount_totals: bool,

    /// The ZITADEL release to imitate: below 2.58.0 there is no /v2/users nor
    /// /v2/sessions, below 2.63.0 no v3alpha user state changes (the gateway's routing
    /// 404); below 4.12.0 a deactivated or locked user's sessions stay listed.
    #[arg(long, value_name = "VERSION", default_value_t = DEFAULT_ZITADEL_VERSION)]
    zitadel_version: ZitadelVersion,
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
        settings: Settings {
            grant_behaviour: cli.grant_behaviour,
            weavr_api_key: cli.weavr_api_key,
            fault: cli.fault,
            oidc_token_lifetime: Duration::from_secs(cli.oidc_token_lifetime),
            user_schema_feature: cli.user_schema_feature == "on",
            list_lag: Duration::from_millis(cli.list_lag_ms),
            overcount_totals: cli.overcount_totals,
            zitadel_version: cli.zitadel_version,
        },
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
