//! Router, layout and the context every page relies on.

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::path;

use crate::api::Api;
use crate::auth::{self, Session};
use crate::config::{AppConfig, ConfigError, Connection};
use crate::pages::{GrantDetailPage, NotFoundPage, SignInPage, UserDetailPage, UsersPage};

#[component]
pub fn App() -> impl IntoView {
    let config = LocalResource::new(AppConfig::load);
    move || match config.get() {
        None => view! { <p class="muted boot">"Loading configuration…"</p> }.into_any(),
        Some(Ok(config)) => view! { <Console config=config/> }.into_any(),
        Some(Err(error)) => view! { <ConfigErrorPage error=error/> }.into_any(),
    }
}

/// The console for a loaded configuration, on the connection the tab chose.
#[component]
pub fn Console(config: AppConfig) -> impl IntoView {
    let active = RwSignal::new(config.position_of(auth::remembered_connection().as_deref()));
    let connections = StoredValue::new(config.connections);
    move || {
        let connection = connections.with_value(|c| c[active.get()].clone());
        view! { <Connected connection=connection connections=connections active=active/> }
    }
}

/// Everything below the choice of connection: its session, its API, the routes.
#[component]
fn Connected(
    connection: Connection,
    connections: StoredValue<Vec<Connection>>,
    active: RwSignal<usize>,
) -> impl IntoView {
    let session = Session::from_tab(&connection.name);
    provide_context(session);
    provide_context(Api::new(&connection, session));
    let switch = move |ev: leptos::ev::Event| {
        let Ok(index) = event_target_value(&ev).parse::<usize>() else {
            return;
        };
        if let Some(name) = connections.with_value(|c| c.get(index).map(|c| c.name.clone())) {
            auth::remember_connection(&name);
            // An id of one provider means nothing to another: start at the list.
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ =
                    history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/users"));
            }
            active.set(index);
        }
    };
    let options = connections.with_value(|all| {
        all.iter()
            .enumerate()
            .map(|(index, c)| {
                let selected = index == active.get_untracked();
                view! { <option value=index.to_string() selected=selected>{c.name.clone()}</option> }
            })
            .collect_view()
    });

    view! {
        <Router>
            <header class="top-bar">
                <A href="/users" attr:class="brand">"Lifecycle console"</A>
                <label class="connection" title=connection.provider.label()>
                    <span>"Connection"</span>
                    <select on:change=switch>{options}</select>
                </label>
                <Show when=move || session.is_signed_in()>
                    <button type="button" class="link" on:click=move |_| session.sign_out()>"Sign out"</button>
                </Show>
            </header>
            <main>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=|| view! { <Redirect path="/users"/> }/>
                    <Route path=path!("/users") view=UsersPage/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/users/:id") view=UserDetailPage/>
                    <Route path=path!("/users/:id/grants/:grantId") view=GrantDetailPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// Shown instead of a blank screen when `config.json` is missing or wrong.
#[component]
fn ConfigErrorPage(error: ConfigError) -> impl IntoView {
    view! {
        <main>
            <section class="card narrow" role="alert">
                <h1>"The console is not configured"</h1>
                <p><strong>{error.to_string()}</strong></p>
                <p>
                    "Put a config.json next to index.html, for example: "
                    <code>{r#"{"connections":[{"name":"ZITADEL","provider":"zitadel-v2","apiBaseUrl":"https://my-instance.zitadel.cloud"}]}"#}</code>
                </p>
            </section>
        </main>
    }
}
