//! `cargo xtask test hosting`: the nginx recipe for real. Debian's nginx, on
//! 127.0.0.1 only, serves dist/ at / and a build for /admin/ (each with the server
//! `cargo xtask dist` renders from deploy/nginx.conf), in front of a sandbox that
//! plays the APIs: ZITADEL cross-origin (so that connect-src and CORS are exercised),
//! Weavr through nginx's api-key proxy. Playwright journeys (e2e/hosting/) go
//! through it.

use std::fs::File;
use std::hash::BuildHasher;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cmd::{human_duration, Ctx, Result};
use crate::dist;
use crate::sandbox::{free_port, http_get_status, Sandbox, SandboxArgs};
use crate::suites::{fresh_sandbox, run_playwright, SANDBOX_STARTUP};

pub const NGINX: &str = "/usr/sbin/nginx";
/// The sub-path build the journeys also go through.
const SUB_PATH: &str = "/admin/";
/// nginx stops by itself after this long, should xtask be killed outright.
const NGINX_LIFETIME_SECS: &str = "1800";
const NGINX_STARTUP: Duration = Duration::from_secs(20);

pub fn run(ctx: &Ctx, detail: &mut String, bundle_built: bool) -> Result {
    if !Path::new(NGINX).is_file() {
        return Err(format!(
            "{NGINX} is missing: run `cargo xtask setup` (it installs Debian's nginx)"
        ));
    }
    if !bundle_built {
        crate::build_bundle(ctx)?;
    }
    ctx.cargo()
        .args(["build", "-p", "sandbox"])
        .what("cargo build -p sandbox")
        .run()?;
    let dir = ctx.target_dir().join("xtask/hosting");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("cannot empty {}: {e}", dir.display()))?;
    }

    // The root build is dist/ itself; the sub-path build is trunk again with another
    // public URL (cargo has nothing to do: wasm-bindgen and wasm-opt run again).
    let root_site = dir.join("site-root");
    copy_files(&ctx.root.join("dist"), &root_site)?;
    let sub_site = dir.join("site-admin");
    let sub_app = dist::app_dir(&sub_site, SUB_PATH);
    let start = Instant::now();
    dist::trunk_build(ctx, SUB_PATH, &sub_app)?;
    println!(
        "hosting: the build for {SUB_PATH} took {}",
        human_duration(start.elapsed())
    );

    let api_key = test_secret();
    let sandbox_port = free_port(None)?;
    let mut sandbox = Sandbox::start(
        ctx,
        &ctx.target_dir().join("debug/sandbox"),
        &SandboxArgs {
            extra: vec!["--weavr-api-key".into(), api_key.clone()],
            ..fresh_sandbox(sandbox_port, dir.join("hosting.sqlite"))
        }
        .to_args(),
        sandbox_port,
        &dir.join("sandbox.log"),
    )?;
    sandbox.wait_healthy(SANDBOX_STARTUP)?;
    let sandbox_url = sandbox.base_url();

    let shipped = std::fs::read_to_string(ctx.root.join("dist/config.json"))
        .map_err(|e| format!("cannot read dist/config.json: {e}"))?;
    let config = test_config(&shipped, &sandbox_url)?;
    let root_port = free_port(None)?;
    let mut sub_port = free_port(None)?;
    while sub_port == root_port {
        sub_port = free_port(None)?;
    }
    let conf_d = dir.join("nginx/conf.d");
    std::fs::create_dir_all(&conf_d)
        .map_err(|e| format!("cannot create {}: {e}", conf_d.display()))?;
    for (site, public_url, port, name) in [
        (&root_site, "/", root_port, "root"),
        (&sub_site, SUB_PATH, sub_port, "admin"),
    ] {
        let app = dist::app_dir(site, public_url);
        write(&app.join("config.json"), &config)?;
        let server = dist::prepare_site(&app, public_url, &site.display().to_string(), &[])?;
        let listen = format!("127.0.0.1:{port}");
        let multi = format!("{sandbox_url}/weavr-upstream/multi");
        let payment_run = format!("{sandbox_url}/weavr-upstream/payment-run");
        let filled = dist::envsubst(
            &server.template,
            &[
                (dist::ENV_LISTEN, &listen),
                (dist::ENV_WEAVR_API_KEY, &api_key),
                (dist::ENV_WEAVR_MULTI_URL, &multi),
                (dist::ENV_WEAVR_PAYMENT_RUN_URL, &payment_run),
            ],
        )?;
        write(&conf_d.join(format!("{name}.conf")), &filled)?;
        println!(
            "hosting: {public_url} on http://{listen}; CSP: {}",
            server.csp
        );
    }

    let nginx_dir = dir.join("nginx");
    write(
        &nginx_dir.join("nginx.conf"),
        &main_config(&nginx_dir, run_as_root(ctx)),
    )?;
    let mut nginx = Nginx::start(ctx, &nginx_dir)?;
    nginx.wait_ready(&[root_port, sub_port])?;

    let started = Instant::now();
    let root_url = format!("http://127.0.0.1:{root_port}");
    let sub_url = format!("http://127.0.0.1:{sub_port}{SUB_PATH}");
    let outcome = run_playwright(
        ctx,
        "hosting",
        "playwright (nginx)",
        &[
            ("BASE_URL", root_url.as_str()),
            ("NGINX_URL", root_url.as_str()),
            ("NGINX_SUB_PATH_URL", sub_url.as_str()),
            ("SANDBOX_URL", sandbox_url.as_str()),
            ("WEAVR_API_KEY", api_key.as_str()),
        ],
        detail,
    );
    println!(
        "hosting: the journeys through nginx took {}",
        human_duration(started.elapsed())
    );
    if outcome.is_err() {
        println!("nginx error log (last lines):\n{}", nginx.log_tail(30));
        println!("sandbox output (last lines):\n{}", sandbox.log_tail(30));
    }
    outcome
}

/// The shipped config.json with the ZITADEL connections (and their OIDC issuer)
/// moved to the sandbox's origin: another origin than nginx's, as in production.
/// The Weavr connections keep their same-origin paths: nginx proxies them.
pub fn test_config(shipped: &str, sandbox_url: &str) -> Result<String> {
    let mut config: serde_json::Value = serde_json::from_str(shipped)
        .map_err(|e| format!("dist/config.json is not valid JSON: {e}"))?;
    let connections = config["connections"]
        .as_array_mut()
        .ok_or("dist/config.json has no `connections` list")?;
    for connection in connections {
        let provider = connection["provider"].as_str().unwrap_or("").to_string();
        if provider.starts_with("zitadel") {
            connection["apiBaseUrl"] = sandbox_url.into();
            if connection.get("issuer").is_some() {
                connection["issuer"] = sandbox_url.into();
            }
        }
    }
    serde_json::to_string_pretty(&config).map_err(|e| e.to_string())
}

/// A fresh Weavr API key for the run, so that the journeys can look for it.
fn test_secret() -> String {
    let state = std::collections::hash_map::RandomState::new();
    let a = state.hash_one((std::process::id(), Instant::now()));
    let b = state.hash_one(std::time::SystemTime::now());
    format!("hosting-test-key-{a:016x}{b:016x}")
}

/// Workers drop root for nobody, as a real server's would; without root there is
/// nobody to switch to.
fn run_as_root(ctx: &Ctx) -> bool {
    ctx.cmd("id")
        .arg("-u")
        .probe()
        .is_some_and(|uid| uid.trim() == "0")
}

/// The main config around the rendered servers: Debian's mime types, and every file
/// nginx writes inside `dir`.
pub fn main_config(dir: &Path, as_root: bool) -> String {
    let d = dir.display();
    let user = if as_root {
        "user nobody nogroup;\n"
    } else {
        ""
    };
    format!(
        "# Written by `cargo xtask test hosting`: nginx on 127.0.0.1 only, for the journeys.\n\
         {user}worker_processes 1;\n\
         daemon off;\n\
         pid {d}/nginx.pid;\n\
         error_log {d}/error.log notice;\n\
         events {{\n    worker_connections 128;\n}}\n\
         http {{\n\
         \x20   include /etc/nginx/mime.types;\n\
         \x20   default_type application/octet-stream;\n\
         \x20   access_log {d}/access.log;\n\
         \x20   client_body_temp_path {d}/tmp/body;\n\
         \x20   proxy_temp_path {d}/tmp/proxy;\n\
         \x20   fastcgi_temp_path {d}/tmp/fastcgi;\n\
         \x20   uwsgi_temp_path {d}/tmp/uwsgi;\n\
         \x20   scgi_temp_path {d}/tmp/scgi;\n\
         \x20   sendfile on;\n\
         \x20   include {d}/conf.d/*.conf;\n\
         }}\n"
    )
}

/// A running nginx; dropping it stops it. It runs under `timeout`, so that it
/// stops by itself should xtask die without dropping it.
pub struct Nginx {
    child: Child,
    dir: PathBuf,
}

impl Nginx {
    pub fn start(ctx: &Ctx, dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir.join("tmp"))
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let out_path = dir.join("nginx.out");
        let out = File::create(&out_path)
            .map_err(|e| format!("cannot create {}: {e}", out_path.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot open {}: {e}", out_path.display()))?;
        let conf = dir.join("nginx.conf");
        let args = [
            "--kill-after=10".to_string(),
            NGINX_LIFETIME_SECS.to_string(),
            NGINX.to_string(),
            "-p".to_string(),
            dir.display().to_string(),
            "-c".to_string(),
            conf.display().to_string(),
        ];
        println!(
            "$ timeout {} &   (output in {})",
            args.join(" "),
            ctx.rel(&dir.join("error.log"))
        );
        let child = Command::new("timeout")
            .args(&args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start nginx: {e}"))?;
        Ok(Nginx {
            child,
            dir: dir.to_path_buf(),
        })
    }

    /// Waits until every port answers `GET /` (200 for the root build, 404 outside
    /// /admin/ for the other), or nginx exits, or time runs out.
    pub fn wait_ready(&mut self, ports: &[u16]) -> Result {
        let start = Instant::now();
        let mut last = String::from("no answer yet");
        'ports: for &port in ports {
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            while start.elapsed() < NGINX_STARTUP {
                if let Ok(Some(status)) = self.child.try_wait() {
                    return Err(format!(
                        "nginx exited ({status}) before it answered on {addr}.\n{}",
                        self.log_tail(40)
                    ));
                }
                match http_get_status(addr, "/", Duration::from_secs(2)) {
                    Ok(_) => continue 'ports,
                    Err(e) => last = e,
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            return Err(format!(
                "nginx did not answer on {addr} within {}s (last: {last}).\n{}",
                NGINX_STARTUP.as_secs(),
                self.log_tail(40)
            ));
        }
        println!("nginx: ready (after {:.1}s)", start.elapsed().as_secs_f64());
        Ok(())
    }

    /// The end of nginx's error log and of its own output.
    pub fn log_tail(&self, lines: usize) -> String {
        let mut text = String::new();
        for name in ["nginx.out", "error.log"] {
            let path = self.dir.join(name);
            if let Ok(content) = std::fs::read_to_string(&path) {
                let all: Vec<&str> = content.lines().collect();
                for line in &all[all.len().saturating_sub(lines)..] {
                    text.push_str(&format!("  | {line}\n"));
                }
            }
        }
        if text.is_empty() {
            "  (no output)".into()
        } else {
            text
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // TERM to `timeout` reaches nginx's master, which stops its workers.
        if let Ok(None) = self.child.try_wait() {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if let Ok(None) = self.child.try_wait() {
                let _ = self.child.kill();
            }
        }
        let _ = self.child.wait();
        println!("nginx: stopped (logs kept in {})", self.dir.display());
    }
}

/// Copies the files of `from` (trunk's output is flat) into a new `to`.
fn copy_files(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_file() {
            std::fs::copy(&path, to.join(entry.file_name()))
                .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_config_moves_zitadel_to_the_sandbox_origin() {
        let shipped = r#"{"connections": [
          {"name": "Z", "provider": "zitadel-v2", "apiBaseUrl": "", "organizationId": "1",
           "issuer": "http://127.0.0.1:8080", "clientId": "c"},
          {"name": "W", "provider": "weavr-multi", "apiBaseUrl": "/weavr/multi"}]}"#;
        let config: serde_json::Value =
            serde_json::from_str(&test_config(shipped, "http://127.0.0.1:4321").unwrap()).unwrap();
        let z = &config["connections"][0];
        assert_eq!(z["apiBaseUrl"], "http://127.0.0.1:4321");
        assert_eq!(z["issuer"], "http://127.0.0.1:4321");
        assert_eq!(z["organizationId"], "1");
        assert_eq!(config["connections"][1]["apiBaseUrl"], "/weavr/multi");
        assert!(config["connections"][1].get("issuer").is_none());
        assert!(test_config("{}", "http://x").is_err());
    }

    #[test]
    fn test_secrets_differ_and_are_safe_in_the_config() {
        let a = test_secret();
        assert_ne!(a, test_secret());
        assert!(dist::envsubst("${K}", &[("K", &a)]).is_ok());
    }

    #[test]
    fn the_main_config_keeps_everything_in_its_folder() {
        let conf = main_config(Path::new("/t/n"), true);
        assert!(conf.starts_with("# Written by"));
        assert!(conf.contains("user nobody nogroup;\n"));
        assert!(conf.contains("pid /t/n/nginx.pid;\n"));
        assert!(conf.contains("    include /t/n/conf.d/*.conf;\n}\n"));
        assert!(!main_config(Path::new("/t/n"), false).contains("user "));
    }

    /// The rendered servers pass `nginx -t` (where nginx is installed).
    #[test]
    fn rendered_servers_pass_nginx_t() {
        if !Path::new(NGINX).is_file() {
            eprintln!("skipped: {NGINX} is not installed");
            return;
        }
        let dir = std::env::temp_dir().join(format!("xtask-nginx-t-{}", std::process::id()));
        let site = dir.join("site");
        std::fs::create_dir_all(site.join("admin")).unwrap();
        let index = "<html><head><base href=\"/admin/\" /><script type=\"module\">import '/admin/a-0123456789abcdef.js';</script></head></html>";
        let config = r#"{"connections": [
          {"name": "Z", "provider": "zitadel-v2", "apiBaseUrl": "https://z.example"},
          {"name": "M", "provider": "weavr-multi", "apiBaseUrl": "/weavr/multi"},
          {"name": "P", "provider": "weavr-payment-run", "apiBaseUrl": "/weavr/payment-run"}]}"#;
        let server =
            dist::render_server(index, config, "/admin/", &site.display().to_string(), &[])
                .unwrap();
        let filled = dist::envsubst(
            &server.template,
            &[
                (dist::ENV_LISTEN, "127.0.0.1:1"),
                (dist::ENV_WEAVR_API_KEY, "k"),
                (dist::ENV_WEAVR_MULTI_URL, "https://127.0.0.1:2/multi"),
                (
                    dist::ENV_WEAVR_PAYMENT_RUN_URL,
                    "http://127.0.0.1:2/payment-run",
                ),
            ],
        )
        .unwrap();
        write(&dir.join("conf.d/admin.conf"), &filled).unwrap();
        write(&dir.join("nginx.conf"), &main_config(&dir, false)).unwrap();
        std::fs::create_dir_all(dir.join("tmp")).unwrap();
        let out = Command::new(NGINX)
            .args(["-t", "-q", "-p"])
            .arg(&dir)
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stderr).to_string();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(out.status.success(), "{text}");
    }
}
