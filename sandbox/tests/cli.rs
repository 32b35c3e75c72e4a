//! The `sandbox` binary as start scripts and test harnesses use it.

use sandbox::test_support::TempDir;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn sandbox_command(dir: &TempDir) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sandbox"));
    command.current_dir(dir.path());
    command
}

/// Starts the sandbox on a free port; returns the child, the port and the rest of the
/// start-up text (read until the user list ends).
fn start(dir: &TempDir, extra_args: &[&str]) -> (Child, u16, Vec<String>) {
    let mut child = sandbox_command(dir)
        .args(["--port", "0"])
        .args(extra_args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sandbox");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    let port = first
        .strip_prefix("sandbox listening on http://127.0.0.1:")
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"));
    // The banner ends with the user list; the last seeded user is Max Manager.
    let mut rest = Vec::new();
    for line in lines.map_while(Result::ok) {
        let last = line.contains("226000000000000104") || line.contains("more (");
        rest.push(line);
        if last {
            break;
        }
    }
    (child, port, rest)
}

/// A plain HTTP/1.1 request; returns the status code and the body.
fn http(port: u16, method: &str, path: &str, token: Option<&str>) -> (u16, String) {
    let auth = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|a| vec![("Authorization", a)])
        .unwrap_or_default();
    http_with(port, method, path, &headers)
}

/// Like `http`, with any headers.
fn http_with(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let extra: String = headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}\r\n"))
        .collect();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {response}"));
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

fn wait_for_exit(child: &mut Child, limit: Duration) -> Option<i32> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn help_explains_every_flag() {
    let dir = TempDir::new("cli-help");
    let output = sandbox_command(&dir).arg("--help").output().expect("run");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--port",
        "--db",
        "--reset",
        "--serve",
        "--exit-after",
        "--seed",
        "--grant-behaviour",
        "--weavr-api-key",
        "--fault",
        "--oidc-token-lifetime",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
    for text in [
        "legacy",
        "idempotent",
        "[default: idempotent]",
        "sandbox-weavr-api-key",
        "x-sandbox-fault",
        "sandbox-only",
        "/debug/faults",
        "latency=MS",
        "status=CODE,nobody",
        "retry-after=SECONDS",
        "truncate",
        "non-json",
        "html=CODE",
        "drop",
        "wrong-shape",
        "/resources/v3alpha/users",
        "/management/v1/users",
        "/weavr/multi/",
        "/weavr-upstream/",
        "/.well-known/openid-configuration",
        "/oauth/v2/authorize",
        "/oauth/v2/token",
        "/oidc/v1/userinfo",
        "/oidc/v1/end_session",
        "/debug/tokens/_expire",
        "AUTH-DZG21",
        "/management/v1/orgs/me",
        "/auth/v1/global/projectorgs/_search",
        "[default: 43200]",
    ] {
        assert!(help.contains(text), "{text} missing from:\n{help}");
    }
}

#[test]
fn bad_values_of_the_new_flags_are_clear_errors() {
    let dir = TempDir::new("cli-bad");
    for (args, expected) in [
        (["--fault", "explode"], "unknown fault `explode`"),
        (["--fault", "status=200"], "status=200"),
        (["--grant-behaviour", "sometimes"], "legacy"),
        (["--oidc-token-lifetime", "0"], "--oidc-token-lifetime"),
    ] {
        let output = sandbox_command(&dir).args(args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn the_new_flags_change_what_the_server_does() {
    let dir = TempDir::new("cli-flags");
    let (mut child, port, banner) = start(
        &dir,
        &[
            "--exit-after",
            "20",
            "--grant-behaviour",
            "legacy",
            "--weavr-api-key",
            "my-key",
            "--fault",
            "latency=0",
            "--oidc-token-lifetime",
            "90",
        ],
    );
    let text = banner.join("\n");
    for expected in [
        "sandbox-weavr-admin-token",
        "sandbox-weavr-creator-token",
        "api-key: my-key",
        "root@example.com / sandbox-password",
        "--grant-behaviour legacy",
        "fault on every API request: latency=0",
        "instance 69629000000000001",
        "tokens live 90 s",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    // Legacy grants: a repeated deactivate is a 400.
    let grant = "/management/v1/users/226000000000000001/grants/70000000000000002/_deactivate";
    let (status, body) = http(port, "POST", grant, Some("sandbox-owner-pat"));
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("COMMAND-1S9gx"), "{body}");
    // The Weavr API wants the key given; the proxy adds it.
    let bearer = "Bearer sandbox-weavr-admin-token";
    let users = "/weavr-upstream/multi/users";
    assert_eq!(
        http_with(
            port,
            "GET",
            users,
            &[("Authorization", bearer), ("api-key", "my-key")]
        )
        .0,
        200
    );
    assert_eq!(
        http_with(
            port,
            "GET",
            users,
            &[
                ("Authorization", bearer),
                ("api-key", "sandbox-weavr-api-key")
            ]
        )
        .0,
        401
    );
    assert_eq!(
        http_with(
            port,
            "GET",
            "/weavr/multi/users",
            &[("Authorization", bearer)]
        )
        .0,
        200
    );
    let _ = child.kill();
    let _ = child.wait();

    let dir = TempDir::new("cli-fault");
    let (mut child, port, _) = start(&dir, &["--exit-after", "20", "--fault", "status=503"]);
    let (status, body) = http(
        port,
        "GET",
        "/v2/users/226000000000000001",
        Some("sandbox-owner-pat"),
    );
    assert_eq!(status, 503, "{body}");
    assert_eq!(http(port, "GET", "/debug/healthz", None).0, 200);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_busy_port_is_a_clear_error_with_exit_code_2() {
    let dir = TempDir::new("cli-busy");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let output = sandbox_command(&dir)
        .args(["--port", &port.to_string(), "--exit-after", "5"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr).trim(),
        format!("port {port} on 127.0.0.1 is already in use; pass --port to choose another")
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn serve_needs_a_built_app() {
    let dir = TempDir::new("cli-serve");
    let output = sandbox_command(&dir)
        .args(["--port", "0", "--serve", "no-such-dir", "--exit-after", "5"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("index.html"));
}

#[test]
fn serves_prints_tokens_and_exits_by_itself() {
    let dir = TempDir::new("cli-run");
    let (mut child, port, banner) = start(&dir, &["--exit-after", "2"]);
    let text = banner.join("\n");
    for expected in [
        "sandbox-owner-pat",
        "sandbox-acme-manager-pat",
        "sandbox-viewer-pat",
        "IAM_OWNER",
        "ORG_USER_MANAGER",
        "226000000000000001  minnie-mouse",
        "USER_STATE_LOCKED",
        "OIDC sign-in",
        "client lifecycle-console",
        "admin@acme.example / Sandbox-Password-1 (IAM_OWNER on instance)",
        "manager@acme.example / Sandbox-Password-1 (ORG_USER_MANAGER on org ACME)",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert_eq!(
        http(port, "GET", "/debug/healthz", None),
        (200, "ok".to_string())
    );
    let (status, body) = http(
        port,
        "POST",
        "/v2/users/226000000000000001/lock",
        Some("sandbox-owner-pat"),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(wait_for_exit(&mut child, Duration::from_secs(15)), Some(0));
    assert!(dir.path().join("sandbox.sqlite").is_file());

    // A restart keeps the state; --reset starts over.
    let (mut child, port, _) = start(&dir, &["--exit-after", "1"]);
    let (_, body) = http(
        port,
        "GET",
        "/v2/users/226000000000000001",
        Some("sandbox-owner-pat"),
    );
    assert!(body.contains("USER_STATE_LOCKED"), "{body}");
    assert_eq!(wait_for_exit(&mut child, Duration::from_secs(15)), Some(0));

    let (mut child, port, _) = start(&dir, &["--exit-after", "1", "--reset"]);
    let (_, body) = http(
        port,
        "GET",
        "/v2/users/226000000000000001",
        Some("sandbox-owner-pat"),
    );
    assert!(body.contains("USER_STATE_ACTIVE"), "{body}");
    assert_eq!(wait_for_exit(&mut child, Duration::from_secs(15)), Some(0));
}

#[cfg(unix)]
#[test]
fn sigterm_stops_it_cleanly() {
    let dir = TempDir::new("cli-term");
    let (mut child, port, _) = start(&dir, &["--exit-after", "60"]);
    assert_eq!(http(port, "GET", "/debug/healthz", None).0, 200);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert_eq!(wait_for_exit(&mut child, Duration::from_secs(10)), Some(0));
}
