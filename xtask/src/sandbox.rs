//! Starting the sandbox for a browser suite, waiting until it answers, and always
//! stopping it afterwards (the guard's Drop kills and reaps it).

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cmd::{quote, Ctx, Result};

/// A port free on 127.0.0.1: `preferred` when it is free, else one the OS picks.
pub fn free_port(preferred: Option<u16>) -> Result<u16> {
    if let Some(port) = preferred {
        if TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| format!("cannot find a free port on 127.0.0.1: {e}"))
}

/// The sandbox's command line, written in one place (see `sandbox --help` for the
/// flags); `None` and `false` leave a flag out, so the sandbox's default applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxArgs {
    pub port: u16,
    pub db: PathBuf,
    /// `--reset`: delete the database first, so the run starts from the seed.
    pub reset: bool,
    /// `--seed N`: generated users on top of the fixed seed.
    pub seed: Option<u32>,
    /// `--exit-after`: the sandbox stops by itself, should xtask be killed outright.
    pub exit_after: Option<Duration>,
    /// `--serve DIR`: also serve the built app.
    pub serve: Option<PathBuf>,
    /// Any other flags, passed as they are after the ones above.
    pub extra: Vec<String>,
}

impl SandboxArgs {
    /// `--port` and `--db` only.
    pub fn new(port: u16, db: impl Into<PathBuf>) -> Self {
        SandboxArgs {
            port,
            db: db.into(),
            reset: false,
            seed: None,
            exit_after: None,
            serve: None,
            extra: Vec::new(),
        }
    }

    pub fn to_args(&self) -> Vec<String> {
        let mut args = vec![
            "--port".to_string(),
            self.port.to_string(),
            "--db".to_string(),
            self.db.display().to_string(),
        ];
        if self.reset {
            args.push("--reset".into());
        }
        if let Some(users) = self.seed {
            args.push("--seed".into());
            args.push(users.to_string());
        }
        if let Some(after) = self.exit_after {
            args.push("--exit-after".into());
            args.push(after.as_secs().to_string());
        }
        if let Some(dir) = &self.serve {
            args.push("--serve".into());
            args.push(dir.display().to_string());
        }
        args.extend(self.extra.iter().cloned());
        args
    }
}

/// A running sandbox; dropping it stops it.
pub struct Sandbox {
    child: Child,
    pub port: u16,
    log: PathBuf,
    shown: String,
}

impl Sandbox {
    /// Starts `binary args...` with stdout and stderr going to `log`.
    pub fn start(ctx: &Ctx, binary: &Path, args: &[String], port: u16, log: &Path) -> Result<Self> {
        if !binary.is_file() {
            return Err(format!(
                "{} does not exist: the sandbox build did not produce it",
                ctx.rel(binary)
            ));
        }
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out
            .try_clone()
            .map_err(|e| format!("cannot open {}: {e}", log.display()))?;
        let mut shown = format!("$ {}", ctx.rel(binary));
        for arg in args {
            shown.push(' ');
            shown.push_str(&quote(&ctx.rel(Path::new(arg))));
        }
        println!("{shown} &   (output in {})", ctx.rel(log));
        let child = Command::new(binary)
            .args(args)
            .current_dir(&ctx.root)
            .env("PATH", ctx.path_env())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", ctx.rel(binary)))?;
        Ok(Sandbox {
            child,
            port,
            log: log.to_path_buf(),
            shown,
        })
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until `GET /debug/healthz` answers 200, the sandbox exits, or time runs out.
    pub fn wait_healthy(&mut self, timeout: Duration) -> Result {
        let start = Instant::now();
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let mut last = String::from("no answer yet");
        while start.elapsed() < timeout {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "the sandbox exited ({status}) before it answered on {}/debug/healthz.\n\
                     {}\nIts output ({}):\n{}",
                    self.base_url(),
                    self.shown,
                    self.log.display(),
                    tail(&self.log, 60)
                ));
            }
            match http_get_status(addr, "/debug/healthz", Duration::from_secs(2)) {
                Ok(200) => {
                    println!(
                        "sandbox: ready at {} (after {:.1}s)",
                        self.base_url(),
                        start.elapsed().as_secs_f64()
                    );
                    return Ok(());
                }
                Ok(code) => last = format!("HTTP {code}"),
                Err(e) => last = e,
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!(
            "the sandbox did not answer 200 on {}/debug/healthz within {}s (last: {last}).\n\
             {}\nIts output ({}):\n{}",
            self.base_url(),
            timeout.as_secs(),
            self.shown,
            self.log.display(),
            tail(&self.log, 60)
        ))
    }

    /// The end of the sandbox's output, for failure messages.
    pub fn log_tail(&self, lines: usize) -> String {
        tail(&self.log, lines)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        println!(
            "sandbox: stopped (pid {}, output kept in {})",
            self.child.id(),
            self.log.display()
        );
    }
}

/// A minimal HTTP/1.1 GET: the status code of the answer.
pub fn http_get_status(
    addr: SocketAddr,
    path: &str,
    timeout: Duration,
) -> std::result::Result<u16, String> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|_| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| e.to_string())?;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: */*\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    let mut buf = [0u8; 512];
    while !head.windows(2).any(|w| w == b"\r\n") {
        let n = stream.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > 8192 {
            break;
        }
    }
    let text = String::from_utf8_lossy(&head);
    let status_line = text.lines().next().unwrap_or("");
    parse_status_line(status_line).ok_or_else(|| format!("not an HTTP answer: {status_line:?}"))
}

/// "HTTP/1.1 200 OK" -> 200.
pub fn parse_status_line(line: &str) -> Option<u16> {
    let mut words = line.split_whitespace();
    let version = words.next()?;
    if !version.starts_with("HTTP/") {
        return None;
    }
    let code = words.next()?;
    if code.len() != 3 {
        return None;
    }
    code.parse().ok()
}

fn tail(path: &Path, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            let from = all.len().saturating_sub(lines);
            if all.is_empty() {
                "  (no output)".into()
            } else {
                all[from..]
                    .iter()
                    .map(|l| format!("  | {l}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
        }
        Err(e) => format!("  (cannot read {}: {e})", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandbox_args_hold_only_the_flags_that_are_set() {
        assert_eq!(
            SandboxArgs::new(18081, "/t/wasm.sqlite").to_args(),
            ["--port", "18081", "--db", "/t/wasm.sqlite"]
        );
        let full = SandboxArgs {
            reset: true,
            seed: Some(60),
            exit_after: Some(Duration::from_secs(1800)),
            serve: Some(PathBuf::from("/t/dist")),
            extra: vec!["--weavr-api-key".into(), "k".into()],
            ..SandboxArgs::new(0, "/t/e2e.sqlite")
        };
        assert_eq!(
            full.to_args(),
            [
                "--port",
                "0",
                "--db",
                "/t/e2e.sqlite",
                "--reset",
                "--seed",
                "60",
                "--exit-after",
                "1800",
                "--serve",
                "/t/dist",
                "--weavr-api-key",
                "k"
            ]
        );
    }

    #[test]
    fn parses_http_status_lines() {
        assert_eq!(parse_status_line("HTTP/1.1 200 OK"), Some(200));
        assert_eq!(
            parse_status_line("HTTP/1.0 503 Service Unavailable"),
            Some(503)
        );
        assert_eq!(parse_status_line("HTTP/1.1 204"), Some(204));
        assert_eq!(parse_status_line("SSH-2.0-OpenSSH"), None);
        assert_eq!(parse_status_line(""), None);
        assert_eq!(parse_status_line("HTTP/1.1 2000 Nope"), None);
    }

    #[test]
    fn prefers_the_given_port_when_free_and_falls_back_otherwise() {
        let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let taken_port = taken.local_addr().unwrap().port();
        let other = free_port(Some(taken_port)).unwrap();
        assert_ne!(other, taken_port);
        drop(taken);
        assert_eq!(free_port(Some(taken_port)).unwrap(), taken_port);
        assert_ne!(free_port(None).unwrap(), 0);
    }

    #[test]
    fn talks_http_to_a_local_server() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let n = conn.read(&mut buf).unwrap();
            let request = String::from_utf8_lossy(&buf[..n]).to_string();
            conn.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                .unwrap();
            request
        });
        let status = http_get_status(addr, "/debug/healthz", Duration::from_secs(5)).unwrap();
        assert_eq!(status, 200);
        let request = server.join().unwrap();
        assert!(
            request.starts_with("GET /debug/healthz HTTP/1.1\r\n"),
            "{request}"
        );
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        let path = std::env::temp_dir().join(format!("xtask-tail-{}.log", std::process::id()));
        std::fs::write(&path, "one\ntwo\nthree\n").unwrap();
        assert_eq!(tail(&path, 2), "  | two\n  | three");
        std::fs::write(&path, "").unwrap();
        assert_eq!(tail(&path, 2), "  (no output)");
        std::fs::remove_file(&path).unwrap();
    }
}
