//! Helpers shared by the browser suites: mount a page against the sandbox
//! that `cargo xtask test wasm` starts (SANDBOX_URL), wait for the DOM, click.
#![allow(dead_code)] // each suite uses its own subset

use leptos::prelude::*;
use leptos_router::components::Router;
use lifecycle_console::auth::Session;
use lifecycle_console::config::Connection;
use lifecycle_console::pages::UserDetail;
use lifecycle_console::providers::ProviderApi;
use lifecycle_console::workspace::provide_connection;
use wasm_bindgen::JsCast;
use web_sys::{HtmlButtonElement, HtmlElement};

pub const OWNER: &str = "sandbox-owner-pat";
pub const VIEWER: &str = "sandbox-viewer-pat";
/// An org manager of ACME only: Globex's users are not hers to read.
pub const ACME_MANAGER: &str = "sandbox-acme-manager-pat";
/// An org manager of Globex only: ACME's users answer 404 `AUTHZ-cdgFk`.
pub const GLOBEX_MANAGER: &str = "sandbox-globex-manager-pat";
pub const ACME: &str = "69629023906488334";
pub const WEAVR_ADMIN: &str = "sandbox-weavr-admin-token";
pub const WEAVR_CREATOR: &str = "sandbox-weavr-creator-token";

// A build without SANDBOX_URL should fail at run time with this message,
// not refuse to compile (clippy lints the suites without a sandbox).
#[allow(clippy::option_env_unwrap)]
pub fn sandbox_url() -> &'static str {
    option_env!("SANDBOX_URL")
        .expect("SANDBOX_URL is not set at build time: run `cargo xtask test wasm`, which starts the sandbox")
}

/// A connection to the sandbox; `path` is the proxy prefix for Weavr.
pub fn connection(provider: ProviderApi, path: &str, organization_id: Option<&str>) -> Connection {
    Connection {
        name: "Sandbox".into(),
        provider,
        api_base_url: format!("{}{path}", sandbox_url()),
        organization_id: organization_id.map(str::to_string),
        timeout_seconds: None,
        issuer: None,
        client_id: None,
        record_reasons: false,
    }
}

pub fn zitadel_v2() -> Connection {
    connection(ProviderApi::ZitadelV2, "", Some(ACME))
}

/// Mounts the user page of `id` on `connection` as `token`, and hands back
/// the session, so a test can change the token under the shown page.
pub fn open_user_as(connection: Connection, token: &str, id: &str) -> (Mounted, Session) {
    let id = id.to_string();
    mount_as(connection, token, move || {
        view! { <UserDetail user_id=id/> }.into_any()
    })
}

/// A mounted page; unmounts and removes its container when dropped.
pub struct Mounted {
    pub container: HtmlElement,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.container.remove();
    }
}

pub fn mount(
    connection: Connection,
    token: &str,
    page: impl FnOnce() -> AnyView + Send + 'static,
) -> Mounted {
    mount_as(connection, token, page).0
}

/// Mounts like [`mount`] and hands back the session, so a test can change
/// the token under a shown page (another admin took a role away).
pub fn mount_as(
    connection: Connection,
    token: &str,
    page: impl FnOnce() -> AnyView + Send + 'static,
) -> (Mounted, Session) {
    let document = document();
    let container: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    // Appended, never replacing the body: the runner reports through it.
    document.body().unwrap().append_child(&container).unwrap();
    let token = token.to_string();
    let session = std::sync::Arc::new(std::sync::Mutex::new(None));
    let handed = session.clone();
    let handle = leptos::mount::mount_to(container.clone(), move || {
        let session = Session::in_memory(Some(token));
        *handed.lock().unwrap() = Some(session);
        provide_connection(connection, session);
        view! { <Router>{page()}</Router> }.into_any()
    });
    let session = session.lock().unwrap().expect("mounted");
    (
        Mounted {
            container,
            _handle: handle,
        },
        session,
    )
}

pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits up to 10 s for `condition`, then fails showing what the page says.
pub async fn wait_until(page: &Mounted, what: &str, condition: impl Fn(&Mounted) -> bool) {
    for _ in 0..200 {
        if condition(page) {
            return;
        }
        sleep(50).await;
    }
    panic!(
        "timed out waiting for {what}; the page shows:\n{}",
        page.text()
    );
}

impl Mounted {
    pub fn text(&self) -> String {
        self.container.inner_text()
    }

    pub fn query(&self, selector: &str) -> Option<HtmlElement> {
        self.container
            .query_selector(selector)
            .unwrap()
            .map(|e| e.unchecked_into())
    }

    pub fn badge(&self) -> String {
        self.query("[data-testid=state-badge]")
            .map(|b| b.inner_text())
            .unwrap_or_default()
    }

    pub fn heading(&self) -> String {
        self.query("h1")
            .map(|h| h.text_content().unwrap_or_default())
            .unwrap_or_default()
    }

    /// The page's own alert, not one inside the grants section.
    pub fn alert(&self) -> Option<String> {
        let alerts = self.container.query_selector_all("[role=alert]").unwrap();
        (0..alerts.length())
            .filter_map(|i| alerts.item(i))
            .map(|n| n.unchecked_into::<HtmlElement>())
            .find(|a| a.closest(".grants").ok().flatten().is_none())
            .map(|a| a.inner_text())
    }

    pub fn dialog(&self) -> Option<HtmlElement> {
        self.query("dialog[open]")
    }

    pub fn details(&self) -> String {
        self.query("[data-testid=details]")
            .map(|d| d.inner_text())
            .unwrap_or_default()
    }

    /// The action bar's button labelled `label`.
    pub fn action(&self, label: &str) -> HtmlButtonElement {
        let bar = self
            .query(".action-bar")
            .unwrap_or_else(|| panic!("no action bar; page shows:\n{}", self.text()));
        button_in(&bar, label).unwrap_or_else(|| panic!("no {label} button"))
    }

    pub fn action_labels(&self) -> Vec<String> {
        let buttons = self
            .query(".action-bar")
            .map(|bar| bar.query_selector_all("button").unwrap());
        buttons
            .map(|b| {
                (0..b.length())
                    .filter_map(|i| b.item(i))
                    .map(|n| n.text_content().unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn enabled_actions(&self) -> Vec<String> {
        self.action_labels()
            .into_iter()
            .filter(|label| !self.action(label).disabled())
            .collect()
    }

    /// Clicks `label` in the open confirmation dialog.
    pub fn confirm(&self, label: &str) {
        let dialog = self.dialog().expect("the confirmation dialog is open");
        button_in(&dialog, label)
            .unwrap_or_else(|| panic!("no {label} button in the dialog"))
            .click();
    }

    /// Clicks the alert's "Try again".
    pub fn retry(&self) {
        let alert = self.query("[role=alert]").expect("an alert");
        button_in(&alert, "Try again")
            .expect("a Try again button")
            .click();
    }
}

pub fn button_in(scope: &HtmlElement, label: &str) -> Option<HtmlButtonElement> {
    let buttons = scope.query_selector_all("button").unwrap();
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .map(|b| b.unchecked_into::<HtmlButtonElement>())
        .find(|b| b.text_content().unwrap_or_default().trim() == label)
}

pub fn type_into(input: &web_sys::HtmlInputElement, text: &str) {
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Sends a request straight to the sandbox, as another admin in another tab
/// would, and returns the status and body.
pub async fn direct(
    method: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, String) {
    let url = format!("{}{path}", sandbox_url());
    let mut builder = gloo_net::http::RequestBuilder::new(&url)
        .method(method.parse().unwrap())
        .header("Authorization", &format!("Bearer {token}"));
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let request = match body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body)
            .unwrap(),
        None => builder.build().unwrap(),
    };
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap_or_default())
}

/// The v2 state the sandbox reports for a user (`USER_STATE_…`).
pub async fn server_state(user_id: &str) -> String {
    let (_, body) = direct("GET", &format!("/v2/users/{user_id}"), OWNER, &[], None).await;
    let body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    body["user"]["state"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Whether the sandbox's Weavr user `id` under `prefix` (`/weavr/multi/users`,
/// `/weavr/payment-run/v1/users`) is active, as its admin reads it.
pub async fn weavr_active(prefix: &str, id: &str) -> Option<bool> {
    let (_, body) = direct("GET", &format!("{prefix}/{id}"), WEAVR_ADMIN, &[], None).await;
    serde_json::from_str::<serde_json::Value>(&body).ok()?["active"].as_bool()
}

/// Pastes `text` into the pasted-list page's box and asks for the dry run.
pub fn paste(page: &Mounted, text: &str) {
    let area: web_sys::HtmlTextAreaElement = page
        .query("#paste-list")
        .expect("a text area")
        .unchecked_into();
    area.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    area.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
    button_in(&page.container, "Check the list")
        .expect("the check button")
        .click();
}

/// Waits for the pasted list's dry run to show its plan.
pub async fn wait_for_plan(page: &Mounted) {
    wait_until(page, "the plan", |p| {
        p.query("[data-testid=plan]").is_some()
    })
    .await;
}

/// Starts the pasted list's run with its button `label` ("Deactivate 1 user") and
/// confirms it.
pub async fn start_run(page: &Mounted, label: &str) {
    button_in(&page.container, label)
        .expect("the run button")
        .click();
    wait_until(page, "the confirmation", |p| p.dialog().is_some()).await;
    page.confirm("Deactivate");
}

/// Arms a sandbox fault for the next matching request(s).
pub async fn arm_fault(method: &str, path_prefix: &str, fault: &str, times: u32) {
    let body = serde_json::json!({ "pathPrefix": path_prefix, "method": method, "fault": fault, "times": times });
    post_debug(
        "/debug/faults",
        &body,
        &format!("arming fault {fault} on {path_prefix}"),
    )
    .await;
}

/// POSTs `body` to one of the sandbox's `/debug/` endpoints (no token) and
/// fails the test, saying `what`, unless the sandbox accepts it.
async fn post_debug(path: &str, body: &serde_json::Value, what: &str) {
    let response = gloo_net::http::Request::post(&format!("{}{path}", sandbox_url()))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .unwrap()
        .send()
        .await
        .unwrap();
    assert!(response.ok(), "{what}: HTTP {}", response.status());
}

/// Points the test page's address at `url` (path and query), as a pasted
/// link would, before a page that reads the URL is mounted.
pub fn set_url(url: &str) {
    let history = web_sys::window().unwrap().history().unwrap();
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        .unwrap();
}

/// The test page's current query string (`?state=locked`).
pub fn current_search() -> String {
    web_sys::window().unwrap().location().search().unwrap()
}

/// The n-th generated user (`sandbox --seed`): n % 10 == 6 is inactive,
/// 7 locked, 8 initial, the rest active; n % 4 == 3 belongs to Globex.
pub fn generated(n: u64) -> String {
    (226_000_001_000_000_000 + n).to_string()
}

/// Chooses `value` in a `<select>` as a person would.
pub fn choose(select: &web_sys::HtmlSelectElement, value: &str) {
    select.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    select
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
}

/// Disarms every sandbox fault.
pub async fn clear_faults() {
    let response = gloo_net::http::Request::delete(&format!("{}/debug/faults", sandbox_url()))
        .send()
        .await
        .unwrap();
    assert!(response.ok(), "clearing faults: HTTP {}", response.status());
}

/// Changes the sandbox's runtime settings (`POST /debug/settings`), e.g.
/// `{"userSchemaFeature": false}`; `sandbox --help` lists them.
pub async fn debug_settings(settings: serde_json::Value) {
    post_debug(
        "/debug/settings",
        &settings,
        &format!("changing sandbox settings {settings}"),
    )
    .await;
}

/// The sandbox's seeded v3alpha schema users (`sandbox/src/seed.rs`,
/// `schema_user_ids`): no v2 or v1 call returns them.
pub mod schema_users {
    pub const SCARLETT_ACTIVE: &str = "326000000000000001";
    pub const ROSE_INACTIVE: &str = "326000000000000002";
    pub const RUBY_LOCKED: &str = "326000000000000003";
    pub const AMBER_ACTIVE: &str = "326000000000000004";
    pub const JADE_GLOBEX: &str = "326000000000000005";
}
