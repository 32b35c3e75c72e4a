//! The project's commands: `cargo xtask setup | build | dist | demo | test | bench | fuzz`.
//! Run `cargo xtask --help` for what each does.

mod bench;
mod cmd;
mod dist;
mod hosting;
mod sandbox;
mod setup;
mod suites;

use std::process::ExitCode;

use cmd::{Ctx, Result};
use sandbox::SandboxArgs;
use suites::Suite;

const HELP: &str = "\
cargo xtask: the project's commands

USAGE:
    cargo xtask <COMMAND> [OPTIONS]

COMMANDS:
    setup               Install what is missing, and say what was found:
                        rust target wasm32-unknown-unknown (+ rustfmt, clippy),
                        trunk 0.21.14, wasm-bindgen-cli (= Cargo.lock's wasm-bindgen)
                        and wasm-opt (npm binaryen@132) into tools/,
                        Debian chromium + chromium-driver and nginx, e2e/ npm packages.
                        Every other command runs this first.
    build               Release bundle into dist/ (trunk build --release --offline).
    dist [OPTIONS]      Release build for a static host, and its nginx server:
                        <out>/site/ (the app under its public URL, hashed assets
                        also gzipped) and <out>/nginx/lifecycle-console.conf.template
                        (deploy/nginx.conf with the CSP for this build: the hash of
                        trunk's loader script, connect-src from config.json; the
                        Weavr proxy for config.json's same-origin Weavr paths).
                        nginx fills in at start, from its environment:
                        CONSOLE_LISTEN, and with a Weavr proxy WEAVR_API_KEY,
                        WEAVR_MULTI_URL, WEAVR_PAYMENT_RUN_URL.
        --public-url PATH   Where the app is served from (default /), e.g. /admin/.
        --config FILE       The deployment's config.json (default public/config.json).
        --out DIR           Output folder (default target/deploy).
        --root DIR          nginx root, where <out>/site/ is copied on the server
                            (default /usr/share/nginx/html, the nginx image's).
        --connect-src URL   One more origin the app may call (repeatable), e.g.
                            for connections admins add in Settings.
    demo [OPTIONS]      Build, then serve dist/ with the sandbox back end.
        --port N            Port on 127.0.0.1 (default 8080).
        --reset             Start from the seeded data again.
    test [SUITE...]     Run the suites in order, stopping at the first failure:
                          fmt      cargo fmt --all -- --check
                          clippy   clippy -D warnings, native workspace and app on wasm32
                          native   cargo test --workspace
                          proto    the sandbox's answers to every ZITADEL call of the app,
                                   read strictly with ZITADEL's protos (@zitadel/proto)
                          wasm     wasm-bindgen-test in headless Chromium, against a sandbox
                          e2e      Playwright journeys against dist/ served by the sandbox
                          hosting  Playwright journeys through Debian's nginx on 127.0.0.1
                                   with the `dist` server (and a build for /admin/): deep
                                   links, no CSP violation, headers, the Weavr api-key proxy
                        With no SUITE, all of them; name one or more to run only those.
    bench [OPTIONS]     Build dist/ and measure it; write bench/results.json and a table:
                        index.html, JS, wasm and CSS sizes, raw and gzip; in headless
                        Chromium against the release sandbox with 100,000 users: cold
                        load, action overhead, 100/1,000-row list rendering, memory
                        after 500 navigations; a twiggy size profile of the wasm.
                        Takes 3 to 5 minutes.
        --check             Fail when a figure is over its budget or was not measured
                            (gzip 250 KB, cold load 300 ms, action p95 16 ms,
                            1,000 rows 100 ms, memory growth 5 MB).
        --size-profile      Sizes and the size profile only (no sandbox, no browser).
    fuzz [CASES]        Fuzz every parser of server answers (and of config.json,
                        timestamps, the list URL) with arbitrary bytes, mutated
                        contract examples and arbitrary JSON: CASES per property
                        (default 100000; a short run is part of `test native`).
    help, --help, -h    This text.

Project-local tools live in tools/ (git-ignored); every command runs with
tools/bin and tools/node_modules/.bin first on PATH.
";

#[derive(Debug, PartialEq, Eq)]
enum Task {
    Help,
    Setup,
    Build,
    Dist(dist::Options),
    Demo { port: u16, reset: bool },
    Test(Vec<Suite>),
    Bench(bench::Options),
    Fuzz { cases: u32 },
}

/// Cases per property of `cargo xtask fuzz` unless given.
const FUZZ_CASES: u32 = 100_000;

fn parse_args(args: &[String]) -> Result<Task> {
    let Some((command, rest)) = args.split_first() else {
        return Ok(Task::Help);
    };
    let no_options = |task: Task| {
        if let Some(extra) = rest.first() {
            Err(format!("`{command}` takes no arguments (got `{extra}`)"))
        } else {
            Ok(task)
        }
    };
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(Task::Help),
        "setup" => no_options(Task::Setup),
        "build" => no_options(Task::Build),
        "dist" => {
            let mut options = dist::Options::default();
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                let (flag, inline) = match arg.split_once('=') {
                    Some((flag, value)) if flag.starts_with("--") => {
                        (flag, Some(value.to_string()))
                    }
                    _ => (arg.as_str(), None),
                };
                let mut value = || {
                    inline
                        .clone()
                        .or_else(|| it.next().cloned())
                        .ok_or_else(|| format!("`{flag}` needs a value"))
                };
                match flag {
                    "--public-url" => options.public_url = dist::normalize_public_url(&value()?)?,
                    "--config" => options.config = Some(value()?.into()),
                    "--out" => options.out = Some(value()?.into()),
                    "--root" => options.root = value()?,
                    "--connect-src" => {
                        let url = value()?;
                        dist::origin_of(&url).map_err(|e| format!("--connect-src: {e}"))?;
                        options.connect_src.push(url);
                    }
                    other => return Err(format!("unknown option for dist: `{other}`")),
                }
            }
            Ok(Task::Dist(options))
        }
        "demo" => {
            let mut port = 8080;
            let mut reset = false;
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                match arg.as_str() {
                    "--reset" => reset = true,
                    "--port" => {
                        let value = it.next().ok_or("`--port` needs a number")?;
                        port = parse_port(value)?;
                    }
                    other => match other.strip_prefix("--port=") {
                        Some(value) => port = parse_port(value)?,
                        None => return Err(format!("unknown option for demo: `{other}`")),
                    },
                }
            }
            Ok(Task::Demo { port, reset })
        }
        "test" => {
            let mut suites = Vec::new();
            for name in rest {
                let suite = Suite::parse(name).ok_or_else(|| {
                    let names: Vec<&str> = suites::ALL.iter().map(|s| s.name()).collect();
                    format!("unknown suite `{name}`: choose from {}", names.join(", "))
                })?;
                if !suites.contains(&suite) {
                    suites.push(suite);
                }
            }
            if suites.is_empty() {
                suites = suites::ALL.to_vec();
            }
            Ok(Task::Test(suites))
        }
        "bench" => {
            let mut options = bench::Options::default();
            for arg in rest {
                match arg.as_str() {
                    "--check" => options.check = true,
                    "--size-profile" => options.size_profile_only = true,
                    other => return Err(format!("unknown option for bench: `{other}`")),
                }
            }
            Ok(Task::Bench(options))
        }
        "fuzz" => match rest {
            [] => Ok(Task::Fuzz { cases: FUZZ_CASES }),
            [cases] => match cases.parse::<u32>() {
                Ok(cases) if cases > 0 => Ok(Task::Fuzz { cases }),
                _ => Err(format!(
                    "fuzz takes a number of cases above 0 (got `{cases}`)"
                )),
            },
            [_, extra, ..] => Err(format!("fuzz takes at most one argument (got `{extra}`)")),
        },
        other => Err(format!("unknown command `{other}`")),
    }
}

/// The property-based fuzzing of the parsers (tests/fuzz_parsers.rs), at length.
fn fuzz(ctx: &Ctx, cases: u32) -> Result {
    println!("fuzz: {cases} cases per property");
    ctx.cargo()
        .args(["test", "-p", "lifecycle-console", "--test", "fuzz_parsers"])
        .env("PROPTEST_CASES", cases.to_string())
        .what("cargo test --test fuzz_parsers")
        .run()
}

fn parse_port(value: &str) -> Result<u16> {
    match value.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(format!("`{value}` is not a port number (1-65535)")),
    }
}

/// `trunk build --release --offline` into dist/: offline so that trunk uses the
/// wasm-bindgen and wasm-opt on PATH (ours) and never tries to download them.
pub fn build_bundle(ctx: &Ctx) -> Result {
    ctx.cmd("trunk")
        .args(["build", "--release", "--offline"])
        .what("trunk build")
        .run()?;
    let index = ctx.root.join("dist/index.html");
    if !index.is_file() {
        return Err("trunk build finished but dist/index.html is missing".into());
    }
    println!("build: release bundle in dist/");
    Ok(())
}

fn demo(ctx: &Ctx, port: u16, reset: bool) -> Result {
    setup::run(ctx)?;
    build_bundle(ctx)?;
    ctx.cargo()
        .args(["build", "--release", "-p", "sandbox"])
        .what("cargo build --release -p sandbox")
        .run()?;
    if std::net::TcpListener::bind(("127.0.0.1", port)).is_err() {
        return Err(format!(
            "port {port} on 127.0.0.1 is in use: pick another with `cargo xtask demo --port N`"
        ));
    }
    let db_dir = ctx.target_dir().join("demo");
    std::fs::create_dir_all(&db_dir)
        .map_err(|e| format!("cannot create {}: {e}", db_dir.display()))?;
    println!();
    println!("Open http://127.0.0.1:{port} and sign in with the owner token printed below");
    println!(
        "(Ctrl-C stops the sandbox; its data stays in {}.)",
        ctx.rel(&db_dir)
    );
    println!();
    let args = SandboxArgs {
        reset,
        serve: Some(ctx.root.join("dist")),
        ..SandboxArgs::new(port, db_dir.join("sandbox.sqlite"))
    };
    ctx.cmd(ctx.target_dir().join("release/sandbox"))
        .args(args.to_args())
        .what("the sandbox")
        .run()
}

fn run(args: &[String]) -> Result {
    let task = parse_args(args)?;
    if task == Task::Help {
        print!("{HELP}");
        return Ok(());
    }
    let ctx = Ctx::new()?;
    match task {
        Task::Help => unreachable!("handled above"),
        Task::Setup => setup::run(&ctx).map(|_| ()),
        Task::Build => {
            setup::run(&ctx)?;
            build_bundle(&ctx)
        }
        Task::Dist(options) => dist::run(&ctx, &options),
        Task::Demo { port, reset } => demo(&ctx, port, reset),
        Task::Test(suites) => suites::run(&ctx, &suites),
        Task::Bench(options) => bench::run(&ctx, options),
        Task::Fuzz { cases } => fuzz(&ctx, cases),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            if parse_args(&args).is_err() {
                eprintln!("run `cargo xtask --help` for the commands");
            }
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Task> {
        let args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        parse_args(&args)
    }

    #[test]
    fn no_command_or_help_prints_help() {
        assert_eq!(parse(""), Ok(Task::Help));
        assert_eq!(parse("--help"), Ok(Task::Help));
        assert_eq!(parse("-h"), Ok(Task::Help));
        assert_eq!(parse("help"), Ok(Task::Help));
    }

    #[test]
    fn parses_each_command() {
        assert_eq!(parse("setup"), Ok(Task::Setup));
        assert_eq!(parse("build"), Ok(Task::Build));
        assert_eq!(parse("bench"), Ok(Task::Bench(bench::Options::default())));
        assert_eq!(parse("fuzz"), Ok(Task::Fuzz { cases: FUZZ_CASES }));
        assert_eq!(parse("fuzz 5000"), Ok(Task::Fuzz { cases: 5000 }));
        assert!(parse("fuzz 0").is_err());
        assert!(parse("fuzz lots").is_err());
        assert_eq!(
            parse("bench --check"),
            Ok(Task::Bench(bench::Options {
                check: true,
                size_profile_only: false
            }))
        );
        assert_eq!(
            parse("bench --size-profile --check"),
            Ok(Task::Bench(bench::Options {
                check: true,
                size_profile_only: true
            }))
        );
        assert!(parse("setup now").is_err());
        assert!(parse("bench --fast").is_err());
        assert!(parse("deploy").unwrap_err().contains("unknown command"));
    }

    #[test]
    fn demo_takes_a_port_and_reset() {
        assert_eq!(
            parse("demo"),
            Ok(Task::Demo {
                port: 8080,
                reset: false
            })
        );
        assert_eq!(
            parse("demo --port 9000 --reset"),
            Ok(Task::Demo {
                port: 9000,
                reset: true
            })
        );
        assert_eq!(
            parse("demo --port=9001"),
            Ok(Task::Demo {
                port: 9001,
                reset: false
            })
        );
        assert!(parse("demo --port").is_err());
        assert!(parse("demo --port 0").is_err());
        assert!(parse("demo --port http").is_err());
        assert!(parse("demo --open").is_err());
    }

    #[test]
    fn test_runs_all_suites_or_the_named_ones() {
        assert_eq!(parse("test"), Ok(Task::Test(suites::ALL.to_vec())));
        assert_eq!(
            parse("test wasm e2e wasm"),
            Ok(Task::Test(vec![Suite::Wasm, Suite::E2e]))
        );
        let err = parse("test --skip-install").unwrap_err();
        assert!(
            err.contains("fmt, clippy, native, proto, wasm, e2e, hosting"),
            "{err}"
        );
    }

    #[test]
    fn dist_takes_a_public_url_config_and_origins() {
        assert_eq!(parse("dist"), Ok(Task::Dist(dist::Options::default())));
        assert_eq!(
            parse(
                "dist --public-url /admin --config prod.json --out /tmp/o --root /srv/www \
                   --connect-src https://a.example --connect-src=https://b.example"
            ),
            Ok(Task::Dist(dist::Options {
                public_url: "/admin/".into(),
                out: Some("/tmp/o".into()),
                config: Some("prod.json".into()),
                root: "/srv/www".into(),
                connect_src: vec!["https://a.example".into(), "https://b.example".into()],
            }))
        );
        assert_eq!(
            parse("dist --public-url=/a/b/"),
            Ok(Task::Dist(dist::Options {
                public_url: "/a/b/".into(),
                ..Default::default()
            }))
        );
        assert!(parse("dist --public-url").is_err());
        assert!(parse("dist --public-url admin").is_err());
        assert!(parse("dist --connect-src *").is_err());
        assert!(parse("dist --fast").is_err());
    }
}
