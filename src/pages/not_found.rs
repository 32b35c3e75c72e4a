use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. " <a href="/users">"Go to the users list"</a> "."</p>
        </section>
    }
}
