//! The users page of an API that cannot list users (ZITADEL v3alpha): it
//! says why, opens a user by id, and offers the ids opened recently here.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api::Api;
use crate::routes;
use crate::site;
use crate::storage;
use crate::tr;

#[component]
pub fn OpenUserById() -> impl IntoView {
    let api = Api::current();
    let why = api.provider().why_no_list().unwrap_or_default();
    let recent = storage::recent_user_ids(api.connection_name());
    let typed = RwSignal::new(String::new());
    let navigate = use_navigate();
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = typed.get_untracked().trim().to_string();
        if !id.is_empty() {
            navigate(&routes::user(&id), Default::default());
        }
    };
    let base = site::base_path();
    view! {
        <article class="users-page" data-testid="open-by-id">
            <h1>{tr!(users.title)}</h1>
            <p class="notice">{why}</p>
            <form class="filters" on:submit=open>
                <div class="field">
                    <label for="open-user-id">{tr!(users.user_id)}</label>
                    <input id="open-user-id" type="text" inputmode="numeric" autocomplete="off"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))/>
                </div>
                <button type="submit" disabled=move || typed.with(|t| t.trim().is_empty())>
                    {tr!(users.open_user)}
                </button>
            </form>
            {(!recent.is_empty()).then(|| view! {
                <section class="recent" data-testid="recent-users">
                    <h2>{tr!(users.opened_recently)}</h2>
                    <ul>
                        {recent.into_iter().map(|id| {
                            let href = format!("{base}{}", routes::user(&id));
                            view! { <li><A href=href><code>{id}</code></A></li> }
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </article>
    }
}
