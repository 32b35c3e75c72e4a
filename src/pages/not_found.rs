use leptos::prelude::*;
use leptos_router::components::A;

use crate::site;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. " <A href=site::href("/users")>"Go to the users list"</A> "."</p>
        </section>
    }
}
