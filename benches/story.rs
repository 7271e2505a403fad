//! Loading stories: the built-in one (decoded from the form the build prepared, and loaded and
//! validated from `story/` as `--story` would), and synthetic stories of growing size, to show
//! that the cost grows in proportion. Run with `cargo bench --bench story`.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use izumi::app::{Action, App};
use izumi::keymap::Keymap;
use izumi::reader::Reader;
use izumi::search::SearchIndex;
use izumi::story;
use izumi::ui::theme::DARK;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Runs `work` repeatedly for about `budget` (at least 3 times) and returns the mean per run.
fn measure(budget: Duration, mut work: impl FnMut()) -> Duration {
    work();
    let start = Instant::now();
    let mut runs = 0u32;
    while runs < 3 || start.elapsed() < budget {
        work();
        runs += 1;
    }
    start.elapsed() / runs
}

/// Search on a large story: building the index once, then each keystroke of a query typed
/// letter by letter (the search reruns on every key).
fn search_as_typed(story: &story::Story, budget: Duration) {
    let start = Instant::now();
    let index = SearchIndex::new(story);
    let everything = story::Reach::everything(story);
    println!(
        "search index for {} scenes: built in {:?}",
        story.scenes.len(),
        start.elapsed()
    );
    let query = "termword42";
    let mut slowest = Duration::ZERO;
    for typed in 1..=query.len() {
        let time = measure(budget / 4, || {
            black_box(index.search(&query[..typed], &everything));
        });
        slowest = slowest.max(time);
    }
    let hits = index.search(query, &everything).len();
    println!("search per keystroke typing {query:?} ({hits} hits at the end): at most {slowest:?}");

    // The same in the reader: the key's action and the frame showing the hits.
    let terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut reader = Reader::new(App::new(story.clone()), terminal, DARK, Keymap::default());
    reader.act(Action::Search).unwrap();
    let mut slowest = Duration::ZERO;
    for c in query.chars() {
        let start = Instant::now();
        reader.act(Action::Type(c)).unwrap();
        slowest = slowest.max(start.elapsed());
    }
    println!("a keystroke in the search box, search and redraw at 120x40: at most {slowest:?}");
}

fn main() {
    let budget = Duration::from_secs(2);

    let decode = measure(budget, || {
        black_box(story::load_embedded());
    });
    println!("decode the built-in story (prepared at build time): {decode:?}");

    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("story");
    let load = measure(budget, || {
        black_box(story::load(&folder).unwrap());
    });
    println!("load and validate story/ from its TOML files: {load:?}");

    for scenes in [100, 1_000, 10_000] {
        let dir = tempfile::tempdir().unwrap();
        story::synthetic::write_story(dir.path(), scenes).unwrap();
        let time = measure(budget, || {
            black_box(story::load(dir.path()).unwrap());
        });
        if scenes == 10_000 {
            search_as_typed(&story::load(dir.path()).unwrap(), budget);
        }
        #[allow(clippy::cast_possible_truncation)]
        let per_scene = time / scenes as u32;
        println!(
            "load and validate a synthetic story of {scenes} scenes: {time:?} ({per_scene:?} a scene)"
        );
    }
}
