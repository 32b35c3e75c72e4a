use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// `/`: open a user by id.
#[component]
pub fn HomePage() -> impl IntoView {
    let navigate = use_navigate();
    let user_id = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = user_id.get_untracked().trim().to_string();
        if !id.is_empty() {
            navigate(&format!("/users/{}", js_sys::encode_uri_component(&id)), Default::default());
        }
    };
    view! {
        <section class="card narrow">
            <h1>"Open a user"</h1>
            <form on:submit=on_submit>
                <label class="field">
                    <span>"User ID"</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        required
                        autocomplete="off"
                        placeholder="e.g. 226000000000000001"
                        prop:value=move || user_id.get()
                        on:input=move |ev| user_id.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="primary">"Open"</button>
            </form>
        </section>
    }
}
