//! Frame cost of the full reader layout (map and timeline included) at three sizes, and of
//! stepping through the story. Run with `cargo bench --bench render`; it prints the mean time per
//! operation.

use std::time::{Duration, Instant};

use izumi::app::{Action, App};
use izumi::story;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Size;

/// Runs `work` repeatedly for about `budget` and returns the mean time per run.
fn measure(budget: Duration, mut work: impl FnMut()) -> Duration {
    for _ in 0..10 {
        work();
    }
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < budget {
        work();
        runs += 1;
    }
    start.elapsed() / runs
}

fn main() {
    let budget = Duration::from_secs(2);

    let story = story::load_embedded();
    for (width, height) in [(80, 24), (120, 40), (200, 60)] {
        let mut app = App::new(story.clone(), Size::new(width, height));
        // A scene late in the story, so the route on the map is long.
        app.update(Action::Digit(9));
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        // Every draw renders every widget into a reset buffer; only the diff against the last
        // frame is small, as it is when the reader redraws after a resize or a key.
        let frame = measure(budget, || {
            terminal.draw(|f| izumi::ui::draw(f, &app)).unwrap();
        });
        let mut buffer =
            ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, width, height));
        let widgets = measure(budget, || {
            buffer.reset();
            ratatui::widgets::Widget::render(
                izumi::ui::Screen { app: &app },
                buffer.area,
                &mut buffer,
            );
        });
        println!(
            "draw the full layout at {width}x{height}: {frame:?} (widgets into a buffer {widgets:?}, the rest is ratatui comparing the frame with the last)"
        );
    }

    // Reading straight through: each step is a key (an action) and the frame it causes.
    let mut app = App::new(story.clone(), Size::new(120, 40));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let scenes = story.scenes.len();
    let step = measure(budget, || {
        if !app.update(Action::NextScene) {
            app.update(Action::FirstScene);
        }
        terminal.draw(|f| izumi::ui::draw(f, &app)).unwrap();
    });
    println!(
        "step to the next scene and draw it at 120x40 ({scenes} scenes, round and round): {step:?}"
    );
}
