//! Running external commands: every one is shown before it runs, gets the project's
//! tool folders first on PATH, streams its output, and fails with a message that
//! names what failed.

use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

pub type Result<T = ()> = std::result::Result<T, String>;

/// Paths every command needs: the repository root and the PATH that puts the
/// project-local tools first (trunk runs whatever wasm-bindgen and wasm-opt it
/// finds first on PATH, so they must be ours).
#[derive(Clone, Debug)]
pub struct Ctx {
    pub root: PathBuf,
    path_env: OsString,
}

impl Ctx {
    pub fn new() -> Result<Self> {
        let root = repo_root();
        if !root.join("Cargo.toml").is_file() || !root.join("xtask").is_dir() {
            return Err(format!(
                "cannot find the repository root (looked at {})",
                root.display()
            ));
        }
        let mut dirs = vec![root.join("tools/bin"), root.join("tools/node_modules/.bin")];
        if let Some(old) = std::env::var_os("PATH") {
            dirs.extend(std::env::split_paths(&old));
        }
        let path_env = std::env::join_paths(dirs).map_err(|e| format!("cannot build PATH: {e}"))?;
        Ok(Ctx { root, path_env })
    }

    /// The PATH every command gets: tools/bin, tools/node_modules/.bin, then the rest.
    pub fn path_env(&self) -> &OsStr {
        &self.path_env
    }

    pub fn tools(&self) -> PathBuf {
        self.root.join("tools")
    }

    /// Cargo's target directory, honouring CARGO_TARGET_DIR like cargo does.
    pub fn target_dir(&self) -> PathBuf {
        match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => {
                let dir = PathBuf::from(dir);
                if dir.is_absolute() {
                    dir
                } else {
                    self.root.join(dir)
                }
            }
            _ => self.root.join("target"),
        }
    }

    /// A command run from the repository root with the project PATH.
    pub fn cmd(&self, program: impl AsRef<OsStr>) -> Cmd {
        let program = program.as_ref();
        let mut inner = Command::new(program);
        inner.current_dir(&self.root).env("PATH", &self.path_env);
        Cmd {
            inner,
            root: self.root.clone(),
            cwd: self.root.clone(),
            shown_program: shown_path(&self.root, Path::new(program)),
            shown_args: Vec::new(),
            shown_env: Vec::new(),
            what: None,
        }
    }

    /// `cargo`, as the one that runs xtask (so the same toolchain builds everything).
    pub fn cargo(&self) -> Cmd {
        let mut cmd = self.cmd(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.shown_program = "cargo".into();
        cmd
    }

    /// Shows a path relative to the repository root when it is inside it.
    pub fn rel(&self, path: &Path) -> String {
        shown_path(&self.root, path)
    }
}

fn repo_root() -> PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR at run time too; the compile-time value is the
    // fallback for running target/debug/xtask directly.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.join("src/main.rs").is_file() && dir.ends_with("xtask"))
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or(manifest_dir)
}

fn shown_path(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if path.is_absolute() => rel.display().to_string(),
        _ => path.display().to_string(),
    }
}

pub struct Cmd {
    inner: Command,
    root: PathBuf,
    cwd: PathBuf,
    shown_program: String,
    shown_args: Vec<String>,
    shown_env: Vec<String>,
    what: Option<String>,
}

impl Cmd {
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        let arg = arg.as_ref();
        self.shown_args
            .push(shown_path(&self.root, Path::new(arg)).to_string());
        self.inner.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }

    /// An environment variable for this command; shown in the command line.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        let value = value.as_ref();
        self.shown_env
            .push(format!("{key}={}", quote(&value.to_string_lossy())));
        self.inner.env(key, value);
        self
    }

    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = dir.as_ref().to_path_buf();
        self.inner.current_dir(&self.cwd);
        self
    }

    /// What this command does, for the failure message ("trunk build failed ...").
    pub fn what(mut self, what: &str) -> Self {
        self.what = Some(what.to_string());
        self
    }

    /// The command as a person would type it: `$ VAR=x program args (in dir/)`.
    pub fn shown(&self) -> String {
        let mut parts: Vec<String> = self.shown_env.clone();
        parts.push(quote(&self.shown_program));
        parts.extend(self.shown_args.iter().map(|a| quote(a)));
        let mut line = format!("$ {}", parts.join(" "));
        if self.cwd != self.root {
            line.push_str(&format!("   (in {}/)", shown_path(&self.root, &self.cwd)));
        }
        line
    }

    fn name(&self) -> String {
        self.what.clone().unwrap_or_else(|| {
            let mut name = self.shown_program.clone();
            if let Some(first) = self.shown_args.first() {
                name.push(' ');
                name.push_str(first);
            }
            name
        })
    }

    fn announce(&self) {
        println!("{}", self.shown());
        let _ = std::io::stdout().flush();
    }

    fn spawn_error(&self, err: std::io::Error) -> String {
        if err.kind() == std::io::ErrorKind::NotFound {
            format!(
                "{} failed: `{}` was not found on PATH (run `cargo xtask setup`)",
                self.name(),
                self.shown_program
            )
        } else {
            format!(
                "{} failed: could not start `{}`: {err}",
                self.name(),
                self.shown_program
            )
        }
    }

    /// Runs with inherited stdio, after showing the command.
    pub fn run(mut self) -> Result {
        self.announce();
        let status = self.inner.status().map_err(|e| self.spawn_error(e))?;
        check_status(&self.name(), status)
    }

    /// Runs showing the command, streams stdout through while keeping its lines, so
    /// that a summary can be read from them; stderr is passed through untouched.
    /// The lines come back even when the command fails.
    pub fn run_tee(mut self) -> (Vec<String>, Result) {
        self.announce();
        let mut child = match self.inner.stdout(Stdio::piped()).spawn() {
            Ok(child) => child,
            Err(e) => return (Vec::new(), Err(self.spawn_error(e))),
        };
        let mut lines = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            let mut reader = BufReader::new(stdout);
            let mut buf = Vec::new();
            let out = std::io::stdout();
            loop {
                buf.clear();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let mut out = out.lock();
                        let _ = out.write_all(&buf);
                        let _ = out.flush();
                        let line = String::from_utf8_lossy(&buf);
                        lines.push(line.trim_end_matches(['\n', '\r']).to_string());
                    }
                }
            }
        }
        let result = match child.wait() {
            Ok(status) => check_status(&self.name(), status),
            Err(e) => Err(format!("{} failed: {e}", self.name())),
        };
        (lines, result)
    }

    /// Runs quietly and returns stdout and stderr together; for version probes.
    /// `None` when the program is missing or exits non-zero.
    pub fn probe(mut self) -> Option<String> {
        let output = self
            .inner
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        Some(text)
    }
}

pub fn check_status(what: &str, status: ExitStatus) -> Result {
    if status.success() {
        return Ok(());
    }
    match status.code() {
        Some(code) => Err(format!("{what} failed (exit {code}): see the output above")),
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt;
                if let Some(signal) = status.signal() {
                    return Err(format!(
                        "{what} was killed by signal {signal}: see the output above"
                    ));
                }
            }
            Err(format!("{what} failed ({status}): see the output above"))
        }
    }
}

/// Quotes a word for display the way a shell would need it.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@%+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// "1.2s", "3m 04s": durations for people.
pub fn human_duration(d: std::time::Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m {:02}s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn quotes_only_what_a_shell_needs() {
        assert_eq!(quote("--release"), "--release");
        assert_eq!(quote("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(quote("=0.2.130"), "=0.2.130");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote(""), "''");
    }

    #[test]
    fn shows_paths_relative_to_the_root() {
        let root = Path::new("/repo");
        assert_eq!(
            shown_path(root, Path::new("/repo/target/debug/sandbox")),
            "target/debug/sandbox"
        );
        assert_eq!(
            shown_path(root, Path::new("/usr/bin/chromium")),
            "/usr/bin/chromium"
        );
        assert_eq!(shown_path(root, Path::new("dist")), "dist");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_millis(1234)), "1.2s");
        assert_eq!(human_duration(Duration::from_secs(184)), "3m 04s");
    }

    #[test]
    fn failure_messages_name_the_step_and_exit_code() {
        let status = Command::new("sh").args(["-c", "exit 3"]).status().unwrap();
        assert_eq!(
            check_status("trunk build", status).unwrap_err(),
            "trunk build failed (exit 3): see the output above"
        );
        let ok = Command::new("true").status().unwrap();
        assert!(check_status("true", ok).is_ok());
    }

    #[test]
    fn shown_command_lists_env_and_directory() {
        let ctx = Ctx {
            root: PathBuf::from("/repo"),
            path_env: OsString::from("/usr/bin"),
        };
        let cmd = ctx
            .cmd("npx")
            .args(["playwright", "test"])
            .env("BASE_URL", "http://127.0.0.1:1234")
            .cwd("/repo/e2e");
        assert_eq!(
            cmd.shown(),
            "$ BASE_URL=http://127.0.0.1:1234 npx playwright test   (in e2e/)"
        );
    }
}
