use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::auth::oidc::{self, Callback, SignInError};
use crate::auth::Session;
use crate::config::Connection;
use crate::routes;
use crate::site;
use crate::tr;

/// `/auth/callback`: where ZITADEL sends the admin back with a code. The code
/// leaves the address bar at once; then it is exchanged for a token and the
/// admin goes on to the page they wanted.
#[component]
pub fn AuthCallbackPage() -> impl IntoView {
    let session = Session::current();
    let connection = Connection::current();
    let navigate = use_navigate();
    let callback = use_query_map().with_untracked(|q| Callback {
        code: q.get("code"),
        state: q.get("state"),
        error: q.get("error"),
        error_description: q.get("error_description"),
    });
    forget_the_address();
    let problem = RwSignal::new(None::<SignInError>);
    match connection.oidc().map(|c| c.on_origin(&site::origin())) {
        None => problem.set(Some(SignInError::Refused(tr!(
            signin.connection_has_no_oidc,
            name = connection.name
        )))),
        Some(client) => spawn_local(async move {
            let result =
                oidc::finish(&connection.name, &client, connection.timeout(), &callback).await;
            match result {
                Ok(signed_in) => {
                    session.sign_in(&signed_in.access_token, signed_in.sign_out_url.as_deref());
                    navigate(
                        &signed_in.next,
                        NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    );
                }
                Err(error) => problem.set(Some(error)),
            }
        }),
    }
    move || match problem.get() {
        None => view! { <p class="muted boot" role="status">{tr!(signin.signing_you_in)}</p> }
            .into_any(),
        Some(error) => view! {
            <section class="card narrow" role="alert">
                <h1>{tr!(signin.sign_in_did_not_finish)}</h1>
                <p>{error.to_string()}</p>
                <p><A href=site::href(routes::SIGN_IN)>{tr!(signin.back_to_sign_in)}</A></p>
            </section>
        }
        .into_any(),
    }
}

/// Replaces the callback address (with its code and state) in the history,
/// so that neither Back nor a bookmark nor a shared screen shows them.
fn forget_the_address() {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let clean = format!("{}{}", site::base_path(), oidc::CALLBACK_PATH);
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&clean));
    }
}
