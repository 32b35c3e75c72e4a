fn main() {
    console_error_panic_hook::set_once();
    // Before the first paint, so a dark pick never flashes light.
    lifecycle_console::theme::Theme::remembered().apply();
    // Mounts once the language is there (at once, unless it must be downloaded).
    lifecycle_console::language::start(|| {
        leptos::mount::mount_to_body(lifecycle_console::app::App);
        // After the page has sent its first request: runs while that is in flight.
        leptos::prelude::set_timeout(
            || {
                let locale = lifecycle_console::language::current_tag();
                lifecycle_console::components::prepare_formatters(locale);
            },
            std::time::Duration::ZERO,
        );
    });
}
