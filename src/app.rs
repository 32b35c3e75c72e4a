//! Router, layout and the context every page relies on.

use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::path;

use crate::api::Api;
use crate::auth::Session;
use crate::config::{AppConfig, ConfigError};
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

/// The console for a loaded configuration.
#[component]
pub fn Console(config: AppConfig) -> impl IntoView {
    let connection = config.active_connection().clone();
    let session = Session::from_tab();
    provide_context(session);
    provide_context(Api::new(&connection, session));

    view! {
        <Router>
            <header class="top-bar">
                <A href="/users" attr:class="brand">"Lifecycle console"</A>
                <span class="connection" title=connection.provider.label()>
                    "Connection: " <strong>{connection.name.clone()}</strong>
                </span>
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
