//! Debian packages through apt-get, as root: chromium with its driver, and nginx.

use std::path::Path;
use std::time::Instant;

use super::{installed, major, report, version_after, CHROMEDRIVER, CHROMIUM, NGINX};
use crate::cmd::{Ctx, Result};

/// Debian's hook that keeps package scripts from starting services (exit 101).
const POLICY_RC_D: &str = "/usr/sbin/policy-rc.d";

pub fn chromium(ctx: &Ctx) -> Result<String> {
    let item = "chromium + chromedriver (Debian)";
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    let since = Instant::now();
    if !present {
        apt_install(ctx, &["chromium", "chromium-driver"])?;
        if !(Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()) {
            return Err(format!(
                "apt-get installed chromium and chromium-driver but {CHROMIUM} or \
                 {CHROMEDRIVER} is still missing"
            ));
        }
    }
    // `<program> --version`, the word after `name` in it ("?" when unreadable).
    let version = |program: &str, name: &str| {
        ctx.cmd(program)
            .arg("--version")
            .probe()
            .and_then(|out| version_after(&out, name))
            .unwrap_or_else(|| "?".into())
    };
    let browser = version(CHROMIUM, "Chromium");
    let driver = version(CHROMEDRIVER, "ChromeDriver");
    let versions = format!("{browser} / chromedriver {driver}");
    if present {
        report(item, &format!("found {versions}"));
    } else {
        installed(item, &versions, since);
    }
    if major(&browser) != major(&driver) {
        println!(
            "setup: warning: chromium {browser} and chromedriver {driver} differ in major \
             version; the browser unit tests need them to match"
        );
    }
    Ok(browser)
}

/// nginx for `cargo xtask test hosting`, which runs its own instance on 127.0.0.1.
/// Installed without letting the package start the system service (which would
/// listen on port 80 of every interface, or fail the install when 80 is taken).
pub fn nginx(ctx: &Ctx) -> Result {
    let item = "nginx (Debian)";
    let version = || {
        ctx.cmd(NGINX)
            .arg("-v")
            .probe()
            .and_then(|out| {
                out.split_whitespace()
                    .find_map(|w| w.strip_prefix("nginx/").map(str::to_string))
            })
            .unwrap_or_else(|| "?".into())
    };
    if Path::new(NGINX).is_file() {
        report(item, &format!("found {} ({NGINX})", version()));
        return Ok(());
    }
    let since = Instant::now();
    let made_policy = !Path::new(POLICY_RC_D).exists();
    if made_policy {
        as_root(ctx, &["nginx"])?
            .args(["sh", "-c"])
            .arg(format!(
                "printf '#!/bin/sh\\nexit 101\\n' > {POLICY_RC_D} && chmod 755 {POLICY_RC_D}"
            ))
            .what("writing policy-rc.d (no service start during the install)")
            .run()?;
    }
    let installed_ok = apt_install(ctx, &["nginx"]);
    if made_policy {
        as_root(ctx, &["nginx"])?
            .args(["rm", "-f", POLICY_RC_D])
            .what("removing policy-rc.d")
            .run()?;
    }
    installed_ok?;
    if !Path::new(NGINX).is_file() {
        return Err(format!(
            "apt-get installed nginx but {NGINX} is still missing"
        ));
    }
    installed(item, &version(), since);
    Ok(())
}

/// A command prefix that runs as root: nothing when we are root, `sudo` when it
/// works without a password, else an error that says what to run.
fn as_root(ctx: &Ctx, packages: &[&str]) -> Result<crate::cmd::Cmd> {
    let is_root = ctx
        .cmd("id")
        .arg("-u")
        .probe()
        .is_some_and(|uid| uid.trim() == "0");
    if is_root {
        return Ok(ctx.cmd("env"));
    }
    if ctx.cmd("sudo").args(["-n", "true"]).probe().is_none() {
        return Err(format!(
            "installing {} needs root. Run:\n  sudo apt-get update && sudo \
             DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {}\n\
             then run this command again",
            packages.join(" "),
            packages.join(" ")
        ));
    }
    Ok(ctx.cmd("sudo").arg("env"))
}

/// `apt-get update` then install, as root, through sudo when that is available.
fn apt_install(ctx: &Ctx, packages: &[&str]) -> Result {
    let apt = |args: &[&str]| -> Result<crate::cmd::Cmd> {
        Ok(as_root(ctx, packages)?
            .args(["DEBIAN_FRONTEND=noninteractive", "apt-get"])
            .args(args))
    };
    apt(&["update"])?.what("apt-get update").run()?;
    apt(&["install", "-y", "--no-install-recommends"])?
        .args(packages)
        .what("apt-get install")
        .run()
}
