use leptos::prelude::*;
use leptos_router::components::A;

use crate::routes;
use crate::site;
use crate::tr;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="card narrow">
            <h1>{tr!(user.not_found_title)}</h1>
            <p>{tr!(user.not_found_text)} " " <A href=site::href(routes::USERS)>{tr!(user.not_found_link)}</A> "."</p>
        </section>
    }
}
