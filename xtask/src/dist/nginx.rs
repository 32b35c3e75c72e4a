//! deploy/nginx.conf filled in for one build, and the envsubst nginx runs over it
//! when it starts.

use super::config::read_config;
use super::csp::{content_security_policy, origin_of};
use super::html::inspect_index_html;
use super::{check_root, normalize_public_url};
use crate::cmd::Result;

/// The nginx `server` template (see the file's own header for its two stages).
pub const NGINX_TEMPLATE: &str = include_str!("../../../deploy/nginx.conf");
/// The name `dist` gives the filled template: the official nginx image runs envsubst
/// over /etc/nginx/templates/*.template into /etc/nginx/conf.d/*.conf.
pub const TEMPLATE_NAME: &str = "lifecycle-console.conf.template";
/// Where the official nginx image serves from, and so the default `root`.
pub const DEFAULT_ROOT: &str = "/usr/share/nginx/html";

/// The environment variables the template reads when nginx starts.
pub const ENV_LISTEN: &str = "CONSOLE_LISTEN";
pub const ENV_WEAVR_API_KEY: &str = "WEAVR_API_KEY";
pub const ENV_WEAVR_MULTI_URL: &str = "WEAVR_MULTI_URL";
pub const ENV_WEAVR_PAYMENT_RUN_URL: &str = "WEAVR_PAYMENT_RUN_URL";
/// The nginx server for one built app, and what nginx needs from the environment.
#[derive(Clone, Debug)]
pub struct Server {
    pub template: String,
    pub csp: String,
    /// The `${NAME}`s left for envsubst, in order of appearance.
    pub env: Vec<String>,
    pub notes: Vec<String>,
}
/// deploy/nginx.conf filled in for one build: pure, so that it is tested as it is.
pub fn render_server(
    index_html: &str,
    config_json: &str,
    public_url: &str,
    root: &str,
    extra_connect_src: &[String],
) -> Result<Server> {
    let public_url = normalize_public_url(public_url)?;
    check_root(root)?;
    let page = inspect_index_html(index_html)?;
    let plan = read_config(config_json)?;
    let mut origins = plan.origins.clone();
    for extra in extra_connect_src {
        let origin = origin_of(extra).map_err(|e| format!("--connect-src {extra}: {e}"))?;
        if !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    let csp = content_security_policy(&page.script_hashes, &origins);
    let mut values = vec![
        ("ROOT", root.to_string()),
        ("PUBLIC_URL", public_url.clone()),
        ("PUBLIC_URL_REGEX", public_url.replace('.', "\\.")),
        (
            "PUBLIC_URL_BARE",
            public_url.trim_end_matches('/').to_string(),
        ),
        ("CONTENT_SECURITY_POLICY", csp.clone()),
    ];
    if let Some(path) = &plan.weavr_multi {
        values.push(("WEAVR_MULTI_PATH", path.clone()));
    }
    if let Some(path) = &plan.weavr_payment_run {
        values.push(("WEAVR_PAYMENT_RUN_PATH", path.clone()));
    }
    let sections = [
        ("SUB_PATH", public_url != "/"),
        ("WEAVR_MULTI", plan.weavr_multi.is_some()),
        ("WEAVR_PAYMENT_RUN", plan.weavr_payment_run.is_some()),
    ];
    let template = fill_template(NGINX_TEMPLATE, &values, &sections)?;
    let env = env_names(&template);
    let mut notes = plan.notes;
    notes.extend(page.notes);
    Ok(Server {
        template,
        csp,
        env,
        notes,
    })
}
/// Fills `{{NAME}}`s with `values` and keeps or drops the lines between
/// `# {{#SECTION}}` and `# {{/SECTION}}`. Every `{{NAME}}` left is an error: the
/// template and this code must agree.
pub fn fill_template(
    template: &str,
    values: &[(&str, String)],
    sections: &[(&str, bool)],
) -> Result<String> {
    let mut out = String::with_capacity(template.len());
    let mut open: Vec<(&str, bool)> = Vec::new();
    for line in template.lines() {
        let marker = line
            .trim()
            .strip_prefix("# {{")
            .and_then(|m| m.strip_suffix("}}"));
        if let Some(marker) = marker {
            if let Some(name) = marker.strip_prefix('#') {
                let keep = sections
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, keep)| *keep)
                    .ok_or_else(|| format!("the template has an unknown section `{name}`"))?;
                open.push((name, keep));
                continue;
            }
            if let Some(name) = marker.strip_prefix('/') {
                match open.pop() {
                    Some((n, _)) if n == name => continue,
                    _ => {
                        return Err(format!(
                            "the template closes section `{name}` it did not open"
                        ))
                    }
                }
            }
        }
        if open.iter().all(|(_, keep)| *keep) {
            out.push_str(line);
            out.push('\n');
        }
    }
    if let Some((name, _)) = open.last() {
        return Err(format!("the template leaves section `{name}` open"));
    }
    for (name, value) in values {
        // The CSP sits between double quotes; the regex too, where \. is literal.
        let forbidden = match *name {
            "CONTENT_SECURITY_POLICY" => "\"$\\",
            "PUBLIC_URL_REGEX" => "\"'$;{}#",
            _ => "\"'$\\;{}#",
        };
        let spaces_allowed = *name == "CONTENT_SECURITY_POLICY";
        let unsafe_char = value.chars().any(|c| {
            forbidden.contains(c) || c.is_control() || (c.is_whitespace() && !spaces_allowed)
        });
        if unsafe_char {
            return Err(format!(
                "`{value}` cannot go into the nginx config as {name}"
            ));
        }
        out = out.replace(&format!("{{{{{name}}}}}"), value);
    }
    if let Some(left) = placeholders(&out, "{{", "}}").first() {
        return Err(format!("the template's {{{{{left}}}}} has no value"));
    }
    // Blank lines where sections were dropped: at most one in a row.
    let mut tidy = String::with_capacity(out.len());
    let mut blank = false;
    for line in out.lines() {
        if line.trim().is_empty() {
            if blank {
                continue;
            }
            blank = true;
        } else {
            blank = false;
        }
        tidy.push_str(line);
        tidy.push('\n');
    }
    Ok(tidy)
}

/// Names between `open` and `close` that look like NAME (upper case, digits, _).
fn placeholders(text: &str, open: &str, close: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        if let Some(j) = rest.find(close) {
            let name = &rest[..j];
            let is_name = !name.is_empty()
                && name.starts_with(|c: char| c.is_ascii_uppercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if is_name && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// The `${NAME}`s envsubst fills when nginx starts.
pub fn env_names(template: &str) -> Vec<String> {
    placeholders(template, "${", "}")
}

/// envsubst for named variables only (what the nginx image does with
/// NGINX_ENVSUBST_FILTER): `${NAME}` and nothing else, so nginx's own `$uri` stays.
/// Values must be safe inside the config; every `${NAME}` must get one.
pub fn envsubst(template: &str, vars: &[(&str, &str)]) -> Result<String> {
    let mut out = template.to_string();
    for (name, value) in vars {
        if value.is_empty()
            || value
                .chars()
                .any(|c| "\"'$\\;{}#".contains(c) || c.is_whitespace() || c.is_control())
        {
            return Err(format!(
                "{name} is empty or has a character nginx would misread (quotes, $, \\, ;, \
                 braces, #, spaces)"
            ));
        }
        out = out.replace(&format!("${{{name}}}"), value);
    }
    let missing = env_names(&out);
    if !missing.is_empty() {
        return Err(format!("no value for {}", missing.join(", ")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::fixtures::{CONFIG, INDEX};

    #[test]
    fn the_template_fills_in_for_a_build() {
        let server = render_server(INDEX, CONFIG, "/admin", "/srv/console", &[]).unwrap();
        let t = &server.template;
        assert!(t.contains("root \"/srv/console\";"), "{t}");
        assert!(t.contains("location /admin/ {\n        try_files $uri /admin/index.html;"));
        assert!(t.contains("location = /admin/config.json {"));
        assert!(t.contains("location / {\n        return 404;"));
        assert!(t.contains("location = /admin {\n        return 301 /admin/;"));
        assert!(t.contains(
            r#"location ~ "^/admin/[^/]+-[0-9a-f]{1,16}(?:_bg)?\.(?:js|wasm|css|svg)$" {"#
        ));
        assert!(t.contains(&format!(
            "add_header Content-Security-Policy \"{}\" always;",
            server.csp
        )));
        assert!(server
            .csp
            .contains("connect-src 'self' https://acme.zitadel.cloud https://login.acme.example;"));
        assert!(t.contains("location ^~ /weavr/multi/ {"));
        assert!(t.contains("location = /weavr/payment-run/v1/users {"));
        assert!(!t.contains("{{"), "{t}");
        assert_eq!(
            server.env,
            [
                "CONSOLE_LISTEN",
                "WEAVR_API_KEY",
                "WEAVR_MULTI_URL",
                "WEAVR_PAYMENT_RUN_URL"
            ]
        );
        // add_header at server level only: a location with its own drops them all.
        let server_block = &t[t.find("\nserver {").unwrap()..];
        let mut depth = 0;
        for line in server_block.lines() {
            let code = line.split('#').next().unwrap();
            if code.trim_start().starts_with("add_header") {
                assert_eq!(depth, 1, "add_header inside a location: {line}");
            }
            depth += code.matches('{').count() as i32 - code.matches('}').count() as i32;
        }
    }

    #[test]
    fn without_weavr_connections_there_is_no_proxy_and_no_key() {
        let config = r#"{"connections": [{"name": "P", "provider": "zitadel-v2", "apiBaseUrl": "https://a.example"}]}"#;
        let server = render_server(
            INDEX,
            config,
            "/",
            DEFAULT_ROOT,
            &["https://b.example/".into()],
        )
        .unwrap();
        assert!(!server.template.contains("weavr/"), "{}", server.template);
        assert!(!server.template.contains("proxy_pass"));
        assert_eq!(server.env, ["CONSOLE_LISTEN"]);
        assert!(server
            .csp
            .contains("connect-src 'self' https://a.example https://b.example;"));
        assert!(server
            .template
            .contains("location / {\n        try_files $uri /index.html;"));
        assert!(!server.template.contains("return 301"));
        assert!(!server.template.contains("\n\n\n"));
        assert!(render_server(INDEX, config, "/", DEFAULT_ROOT, &["*".into()]).is_err());
        assert!(render_server(INDEX, config, "/", "relative/dir", &[]).is_err());
    }

    #[test]
    fn sections_and_placeholders_must_match_the_code() {
        let t = "a {{X}}\n# {{#S}}\nb\n# {{/S}}\nc\n";
        assert_eq!(
            fill_template(t, &[("X", "1".into())], &[("S", false)]).unwrap(),
            "a 1\nc\n"
        );
        assert_eq!(
            fill_template(t, &[("X", "1".into())], &[("S", true)]).unwrap(),
            "a 1\nb\nc\n"
        );
        assert!(fill_template(t, &[], &[("S", true)])
            .unwrap_err()
            .contains("{{X}}"));
        assert!(fill_template(t, &[("X", "1".into())], &[])
            .unwrap_err()
            .contains("unknown section"));
        assert!(fill_template("# {{#S}}\n", &[], &[("S", true)]).is_err());
        assert!(fill_template("a {{X}}\n", &[("X", "a;b".into())], &[]).is_err());
    }

    #[test]
    fn envsubst_fills_named_variables_only() {
        let t = "listen ${CONSOLE_LISTEN};\nset $x $uri;\nproxy_set_header api-key \"${WEAVR_API_KEY}\";\n";
        let filled = envsubst(
            t,
            &[
                ("CONSOLE_LISTEN", "127.0.0.1:8088"),
                ("WEAVR_API_KEY", "k-1/2+3="),
            ],
        )
        .unwrap();
        assert_eq!(
            filled,
            "listen 127.0.0.1:8088;\nset $x $uri;\nproxy_set_header api-key \"k-1/2+3=\";\n"
        );
        assert!(envsubst(t, &[("CONSOLE_LISTEN", "80")])
            .unwrap_err()
            .contains("WEAVR_API_KEY"));
        for bad in ["a\"b", "$uri", "a b", "", "a;b"] {
            assert!(
                envsubst(t, &[("CONSOLE_LISTEN", "80"), ("WEAVR_API_KEY", bad)]).is_err(),
                "{bad}"
            );
        }
    }
}
