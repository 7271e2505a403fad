//! Frame cost of the full reader layout (map and timeline included) at three sizes, of stepping
//! through the story, and of paging through a scene of about 200 KB beside an ordinary one. Run with `cargo bench --bench render`; it prints the mean time per
//! operation.

use std::time::{Duration, Instant};

use izumi::app::{Action, App};
use izumi::keymap::Keymap;
use izumi::reader::Reader;
use izumi::story;
use izumi::ui::theme::DARK;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

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
    let keys = Keymap::default();
    let reader = |width, height| {
        let terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        Reader::new(App::new(story.clone()), terminal, DARK, keys.clone())
    };
    for (width, height) in [(80, 24), (120, 40), (200, 60)] {
        let mut reader = reader(width, height);
        // A scene late in the story, so the route on the map is long.
        reader.act(Action::Digit(9)).unwrap();
        // Every draw renders every widget into a reset buffer and hands the frame's geometry to
        // the app; only the diff against the last frame is small, as it is when the reader
        // redraws after a resize or a key.
        let frame = measure(budget, || {
            reader.draw().unwrap();
        });
        let mut buffer =
            ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, width, height));
        let screen = izumi::ui::Screen {
            app: reader.app(),
            theme: &DARK,
            keys: &keys,
        };
        let widgets = measure(budget, || {
            buffer.reset();
            std::hint::black_box(screen.draw(buffer.area, &mut buffer));
        });
        println!(
            "draw the full layout at {width}x{height}: {frame:?} (widgets into a buffer {widgets:?}, the rest is ratatui comparing the frame with the last)"
        );
    }

    // The map pane alone, at its size in an 80x24 tab and beside the text at 160x48, late in
    // the story (a long route, many labels to place).
    let mut app = App::new(story.clone());
    while app.scene().index() + 1 < story.scenes.len() * 2 / 3 {
        app.update(Action::NextScene);
    }
    for (width, height) in [(30, 18), (62, 15)] {
        let mut buffer =
            ratatui::buffer::Buffer::empty(ratatui::layout::Rect::new(0, 0, width, height));
        let map = measure(budget, || {
            buffer.reset();
            ratatui::widgets::Widget::render(
                izumi::ui::map::MapView {
                    app: &app,
                    theme: &DARK,
                },
                buffer.area,
                &mut buffer,
            );
        });
        println!("draw the map pane at {width}x{height}: {map:?}");
    }

    // Reading straight through: each step is a key (an action) and the frame it causes.
    let mut reader = reader(120, 40);
    let scenes = story.scenes.len();
    let step = measure(budget, || {
        let last = reader.app().scene();
        reader.act(Action::NextScene).unwrap();
        if reader.app().scene() == last {
            reader.act(Action::FirstScene).unwrap();
        }
    });
    println!(
        "step to the next scene and draw it at 120x40 ({scenes} scenes, round and round): {step:?}"
    );

    // Paging through the first scene, as written and with its paragraphs repeated to about
    // 200 KB: a page down and the frame it causes, back to the top at the end.
    let mut huge = story.clone();
    let written = huge.scenes[0].paragraphs.clone();
    let bytes = |story: &story::Story| -> usize {
        story
            .plain_paragraphs(&story.scenes[0].paragraphs)
            .iter()
            .map(String::len)
            .sum()
    };
    while bytes(&huge) < 200_000 {
        huge.scenes[0].paragraphs.extend(written.iter().cloned());
    }
    for (name, story) in [("as written", story.clone()), ("about 200 KB", huge)] {
        let size = bytes(&story);
        let terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        let mut reader = Reader::new(App::new(story), terminal, DARK, keys.clone());
        let mut pages = 0u32;
        let page = measure(budget, || {
            reader.act(Action::PageDown).unwrap();
            reader.draw().unwrap();
            pages += 1;
            if pages.is_multiple_of(50) {
                reader.act(Action::FirstScene).unwrap();
            }
        });
        println!("page down the first scene {name} ({size} bytes) and draw at 120x40: {page:?}");
    }
}
