//! Router, layout and the context every page relies on.

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::auth::{self, Connections, Session};
use crate::config::{AppConfig, ConfigError, Connection};
use crate::layout::TopBar;
use crate::pages::{
    AuthCallbackPage, GrantDetailPage, NotFoundPage, PasteListPage, SettingsPage, SignInPage,
    SignedIn, UserDetailPage, UsersPage,
};
use crate::routes;
use crate::site;
use crate::tr;
use crate::workspace::{provide_connection, Workspace};

#[component]
pub fn App() -> impl IntoView {
    let config = LocalResource::new(AppConfig::load);
    move || match config.get() {
        None => view! { <p class="muted boot">{tr!(common.loading_configuration)}</p> }.into_any(),
        Some(Ok(config)) => view! { <Console config=config/> }.into_any(),
        Some(Err(error)) => view! { <ConfigErrorPage error=error/> }.into_any(),
    }
}

/// The console for a loaded configuration, on the connection the tab chose.
#[component]
pub fn Console(config: AppConfig) -> impl IntoView {
    let connections = Connections::new(config.connections);
    provide_context(connections);
    let workspace = Workspace {
        active: RwSignal::new(connections.position_of(auth::remembered_connection().as_deref())),
        revision: RwSignal::new(0),
    };
    provide_context(workspace);
    move || {
        workspace.revision.track();
        let index = workspace.active.get();
        let mut connection = connections
            .get_untracked(index)
            .or_else(|| connections.get_untracked(0))
            .expect("config.json has at least one connection");
        if let Some(chosen) = auth::remembered_organization(&connection.name) {
            connection.organization_id = Some(chosen);
        }
        view! { <Connected connection=connection/> }
    }
}

/// Everything below the choice of connection: its session, its API, the routes.
#[component]
fn Connected(connection: Connection) -> impl IntoView {
    let session = Session::from_tab(&connection.name);
    provide_connection(connection, session);

    view! {
        <Router base=site::base_path()>
            <TopBar/>
            <main>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=|| view! { <Redirect path=routes::USERS/> }/>
                    <Route path=path!("/sign-in") view=SignInPage/>
                    <Route path=path!("/auth/callback") view=AuthCallbackPage/>
                    <Route path=path!("/settings") view=SettingsPage/>
                    // Every page of users needs a session: signed out, it sends
                    // the admin to sign in and back.
                    <ParentRoute path=path!("/users") view=SignedIn>
                        <Route path=path!("") view=UsersPage/>
                        <Route path=path!("paste") view=PasteListPage/>
                        <Route path=path!(":id") view=UserDetailPage/>
                        <Route path=path!(":id/grants/:grant_id") view=GrantDetailPage/>
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

/// Shown instead of a blank screen when `config.json` is missing or wrong.
#[component]
fn ConfigErrorPage(error: ConfigError) -> impl IntoView {
    let example = format!(
        r#"{{"connections":[{{"name":"ZITADEL","provider":"zitadel-v2","apiBaseUrl":"https://my-instance.zitadel.cloud","issuer":"https://my-instance.zitadel.cloud","clientId":"<{client_id}>","organizationId":"<{organization_id}>"}}]}}"#,
        client_id = tr!(common.not_configured_example_client_id),
        organization_id = tr!(common.not_configured_example_organisation_id),
    );
    view! {
        <main>
            <section class="card narrow" role="alert">
                <h1>{tr!(common.not_configured_title)}</h1>
                <p><strong>{error.to_string()}</strong></p>
                <p>
                    {tr!(common.not_configured_example_intro)} " "
                    <code>{example}</code>
                </p>
                <p>{tr!(common.not_configured_readme)}</p>
            </section>
        </main>
    }
}
