//! Searching the whole story: diacritics and case, other spellings, ranking, and moving with the
//! hits, on the built-in story; and the hit highlighted in the scene.

use izumi::app::{Action, App, Entry, Overlay};
use izumi::search::{SearchIndex, Target};
use izumi::story::{Story, load_embedded};

fn search(app: &mut App, query: &str) {
    app.update(Action::Search);
    for c in query.chars() {
        app.update(Action::Type(c));
    }
}

fn names(story: &Story, index: &SearchIndex, query: &str) -> Vec<String> {
    index
        .search(query)
        .iter()
        .map(|hit| match hit.target {
            Target::Scene(id) => format!("scene:{}", story.scene(id).id),
            Target::Character(id) => format!("person:{}", story.character(id).id),
            Target::Footnote(id) => format!("footnote:{}", story.footnote(id).number),
            Target::Term(id) => format!("term:{}", story.term(id).id),
        })
        .collect()
}

#[test]
fn case_and_diacritics_do_not_matter_and_other_spellings_count() {
    let story = load_embedded();
    let index = SearchIndex::new(&story);
    for (query, expected) in [
        ("toyo", "person:toyo"),
        ("TŌYŌ", "person:toyo"),
        ("pudin", "person:pudin"),
        ("beria", "person:beriia"),
        ("peplonski", "person:peplonski"),
    ] {
        let found = names(&story, &index, query);
        assert!(found.contains(&expected.to_owned()), "{query}: {found:?}");
    }
    assert!(index.search("xqzv").is_empty());
    assert!(index.search("   ").is_empty());
}

#[test]
fn names_and_titles_rank_above_running_text() {
    let story = load_embedded();
    let index = SearchIndex::new(&story);
    let found = names(&story, &index, "pudin");
    assert_eq!(found[0], "person:pudin", "{found:?}");
    let first_text = found.iter().position(|f| f.starts_with("scene:")).unwrap();
    assert!(first_text > 0);
    // Scenes in story order among themselves.
    let scenes: Vec<usize> = index
        .search("pudin")
        .iter()
        .filter_map(|hit| match hit.target {
            Target::Scene(id) => Some(id.index()),
            _ => None,
        })
        .collect();
    assert!(
        scenes.windows(2).all(|pair| pair[0] < pair[1]),
        "{scenes:?}"
    );
}

#[test]
fn enter_goes_to_the_hit_and_n_and_shift_n_step_through_scenes() {
    let mut app = App::new(load_embedded());
    search(&mut app, "sofia");
    assert_eq!(app.overlay(), Some(Overlay::Search));
    assert!(!app.hits().is_empty());
    let scenes: Vec<_> = app
        .hits()
        .iter()
        .filter_map(|hit| match hit.target {
            Target::Scene(id) => Some(id),
            _ => None,
        })
        .collect();
    assert!(scenes.len() >= 2, "Sofia is in more than one scene");
    // The first hit is picked; Enter goes there and closes the search.
    let first = app.hits()[0].target;
    app.update(Action::Open);
    match first {
        Target::Scene(id) => assert_eq!(app.scene(), id),
        other => panic!("expected a scene first, got {other:?}"),
    }
    assert_eq!(app.overlay(), None);
    // From the start, n goes to the first scene holding the query, on to the next, N comes
    // back, and both wrap round the ends.
    let mut sorted = scenes.clone();
    sorted.sort();
    sorted.dedup();
    app.update(Action::FirstScene);
    app.update(Action::NextHit);
    assert_eq!(app.scene(), sorted[0]);
    app.update(Action::NextHit);
    assert_eq!(app.scene(), sorted[1]);
    app.update(Action::PreviousHit);
    assert_eq!(app.scene(), sorted[0]);
    app.update(Action::PreviousHit);
    assert_eq!(app.scene(), *sorted.last().unwrap(), "wraps to the last");
    app.update(Action::NextHit);
    assert_eq!(app.scene(), sorted[0], "and round to the first");
    // Backspace returns to before the jumps.
    assert!(app.history_len() > 0);
}

#[test]
fn a_person_hit_opens_the_person_and_typing_narrows_or_widens() {
    let mut app = App::new(load_embedded());
    search(&mut app, "rastvoro");
    let wide = app.hits().len();
    app.update(Action::Type('v'));
    assert!(app.hits().len() <= wide);
    app.update(Action::Erase);
    app.update(Action::Erase);
    assert!(app.hits().len() >= wide);
    app.update(Action::Type('o'));
    app.update(Action::Type('v'));
    // q is typed, not a command, while searching.
    app.update(Action::Type('q'));
    assert!(!app.should_quit());
    assert!(app.hits().is_empty());
    app.update(Action::Erase);
    assert!(matches!(app.hits()[0].target, Target::Character(_)));
    app.update(Action::Open);
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Entry(Entry::Character(_)))
    ));
}
