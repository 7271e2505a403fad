//! Searching the whole story: diacritics and case, other spellings, ranking, and moving with the
//! hits, on the built-in story and on the journey fixture, whose hits are pinned in full.

mod common;

use izumi::app::{Action, App, Entry, Overlay, Telling};
use izumi::search::{Field, Hit, SearchIndex, Target};
use izumi::story::{Certainty, Reach, Story, load_embedded};

/// A reader who chose to be told everything: search reaches every scene and entry.
fn told_everything() -> App {
    App::new(common::journey()).telling_chosen(Some(Telling::Everything))
}

fn search(app: &mut App, query: &str) {
    app.update(Action::Search);
    for c in query.chars() {
        app.update(Action::Type(c));
    }
}

/// Each hit as `kind:id`.
fn names(story: &Story, hits: &[Hit]) -> Vec<String> {
    hits.iter()
        .map(|hit| match hit.target {
            Target::Scene(id) => format!("scene:{}", story.scene(id).id),
            Target::Character(id) => format!("person:{}", story.character(id).id),
            Target::Footnote(id) => format!("footnote:{}", story.footnote(id).number),
            Target::EditorNote(id) => format!("ed:{}", story.editor_note(id).id),
            Target::Term(id) => format!("term:{}", story.term(id).id),
        })
        .collect()
}

fn found(story: &Story, index: &SearchIndex, query: &str) -> Vec<String> {
    names(story, &index.search(query, &Reach::everything(story)))
}

/// The id of the scene the reader is on.
fn scene(app: &App) -> &str {
    &app.story().scene(app.scene()).id
}

#[test]
fn case_and_diacritics_do_not_matter_and_other_spellings_count() {
    let story = load_embedded();
    let index = SearchIndex::new(&story);
    for (query, first) in [
        ("toyo", "person:toyo"),
        ("pudin", "person:pudin"),
        ("beria", "person:beriia"),
        ("peplonski", "person:peplonski"),
    ] {
        let hits = found(&story, &index, query);
        assert_eq!(hits.first().map(String::as_str), Some(first), "{query}");
    }
    // The same hits, in the same order, however the query is written.
    assert_eq!(found(&story, &index, "TŌYŌ"), found(&story, &index, "toyo"));
    assert_eq!(
        found(&story, &index, "Pudín"),
        found(&story, &index, "pudin")
    );
    assert_eq!(
        found(&story, &index, "Pępłoński"),
        found(&story, &index, "peplonski")
    );
    assert!(index.search("xqzv", &Reach::everything(&story)).is_empty());
    assert!(index.search("   ", &Reach::everything(&story)).is_empty());
}

#[test]
fn names_rank_above_other_names_above_text_whole_words_first_then_in_story_order() {
    let story = common::journey();
    let index = SearchIndex::new(&story);
    // Titles and names ("Arrival in Rome"), other names ("Heron"), then running text, each
    // group in story order: scenes, people, footnotes, editor's notes, terms.
    assert_eq!(
        found(&story, &index, "ro"),
        [
            "scene:arrival",
            "person:ada",
            "scene:the-ferry",
            "person:bo",
            "footnote:1",
            "ed:register-month",
            "term:ferry",
        ]
    );
    // Within names, a whole word ("in") before part of one ("Setting", "Winter", "Lind").
    assert_eq!(
        found(&story, &index, "in"),
        [
            "scene:arrival",
            "scene:setting-out",
            "scene:winter-in-bergen",
            "person:ada",
            "footnote:1",
        ]
    );
    // Within text too: "Scribe" (footnote 2) before "takes", "is", "reaches", "travels", "Notes".
    assert_eq!(
        found(&story, &index, "s"),
        [
            "scene:setting-out",
            "person:bo",
            "term:ferry",
            "footnote:2",
            "scene:the-ferry",
            "scene:winter-in-bergen",
            "scene:arrival",
            "person:ada",
            "footnote:1",
            "ed:two-dates",
            "ed:register-month",
        ]
    );
    // One hit per target, at its best field: Ada's name, not her biography as well.
    assert_eq!(
        found(&story, &index, "ada"),
        ["person:ada", "scene:setting-out", "scene:arrival"]
    );
}

#[test]
fn a_hedged_name_finds_its_person_labelled_with_how_sure_it_is() {
    let story = common::journey();
    let index = SearchIndex::new(&story);
    for (query, certainty, context) in [
        ("mme l", Certainty::Probable, ("probably ‘", "Mme L", ".’")),
        (
            "HAWK",
            Certainty::Possible,
            ("possibly ‘Lady ", "Hawk", "’"),
        ),
    ] {
        let hits = index.search(query, &Reach::everything(&story));
        assert_eq!(names(&story, &hits), ["person:ada"], "{query}");
        assert_eq!(hits[0].field, Field::Identified(certainty), "{query}");
        let (before, matched, after) = index.context(&hits[0], 60);
        assert_eq!(
            (before.as_str(), matched.as_str(), after.as_str()),
            context,
            "{query}"
        );
    }
}

#[test]
fn an_editor_note_is_found_by_its_words_and_enter_opens_it() {
    let mut app = told_everything();
    search(&mut app, "register gives");
    assert_eq!(names(app.story(), app.hits()), ["ed:register-month"]);
    app.update(Action::Open);
    let Some(Overlay::Entry(Entry::EditorNote(id))) = app.overlay() else {
        panic!("expected the editor's note, got {:?}", app.overlay());
    };
    assert_eq!(app.story().editor_note(id).marker(), "[ed.2]");
}

#[test]
fn a_hedged_name_ranks_below_a_certain_other_spelling() {
    let mut story = common::journey();
    // Bo comes after Ada in the story, but a certain other spelling outranks a possible one.
    story.characters[1].aliases.push("Hawkins".into());
    let index = SearchIndex::new(&story);
    assert_eq!(found(&story, &index, "hawk"), ["person:bo", "person:ada"]);
}

#[test]
fn enter_goes_to_the_hit_n_and_shift_n_step_through_scenes_and_backspace_retraces_them() {
    let mut app = told_everything();
    assert_eq!(scene(&app), "setting-out");
    search(&mut app, "the");
    assert_eq!(app.overlay(), Some(Overlay::Search));
    assert_eq!(
        names(app.story(), app.hits()),
        [
            "scene:the-ferry",
            "scene:setting-out",
            "scene:winter-in-bergen",
            "person:ada",
            "person:bo",
            "footnote:1",
            "ed:two-dates",
            "ed:register-month",
        ]
    );
    // The first hit is picked; Enter goes there and closes the search.
    app.update(Action::Open);
    assert_eq!(scene(&app), "the-ferry");
    assert_eq!(app.overlay(), None);
    // From the start, n goes through the scenes holding the query in story order, N comes
    // back, and both wrap round the ends.
    app.update(Action::FirstScene);
    let mut visited = Vec::new();
    for action in [
        Action::NextHit,
        Action::NextHit,
        Action::NextHit,
        Action::PreviousHit,
        Action::NextHit,
    ] {
        app.update(action);
        visited.push(scene(&app).to_owned());
    }
    assert_eq!(
        visited,
        [
            "the-ferry",
            "winter-in-bergen",
            "setting-out",
            "winter-in-bergen",
            "setting-out",
        ]
    );
    // Backspace goes back through every jump, newest first, to where the reader was before
    // Enter; then there is nothing left to undo.
    let mut back = Vec::new();
    while app.history_len() > 0 {
        app.update(Action::GoBack);
        back.push(scene(&app).to_owned());
    }
    assert_eq!(
        back,
        [
            "winter-in-bergen",
            "setting-out",
            "winter-in-bergen",
            "the-ferry",
            "setting-out",
            "setting-out",
        ]
    );
    app.update(Action::GoBack);
    assert_eq!(scene(&app), "setting-out");
}

#[test]
fn a_person_hit_opens_the_person_and_typing_narrows_or_widens() {
    let mut app = told_everything();
    search(&mut app, "ri");
    assert_eq!(
        names(app.story(), app.hits()),
        [
            "scene:arrival",
            "term:ferry",
            "ed:two-dates",
            "scene:setting-out",
            "person:bo",
            "footnote:1",
            "footnote:2",
        ]
    );
    app.update(Action::Type('v'));
    assert_eq!(
        names(app.story(), app.hits()),
        ["scene:arrival", "person:bo", "footnote:1"],
        "\"riv\": Arrival, the river, Rivers"
    );
    app.update(Action::Erase);
    app.update(Action::Erase);
    assert_eq!(
        names(app.story(), app.hits()),
        [
            "scene:the-ferry",
            "scene:winter-in-bergen",
            "scene:arrival",
            "person:bo",
            "term:ferry",
            "person:ada",
            "ed:register-month",
            "scene:setting-out",
            "footnote:1",
            "footnote:2",
            "ed:two-dates",
        ],
        "\"r\""
    );
    // q is typed, not a command, while searching.
    app.update(Action::Type('q'));
    assert!(!app.should_quit());
    assert!(app.hits().is_empty());
    app.update(Action::Erase);
    app.update(Action::Erase);
    for c in "bo".chars() {
        app.update(Action::Type(c));
    }
    assert_eq!(
        names(app.story(), app.hits()),
        ["person:bo", "scene:the-ferry", "ed:two-dates", "term:ferry"]
    );
    app.update(Action::Open);
    match app.overlay() {
        Some(Overlay::Entry(Entry::Character(id))) => {
            assert_eq!(app.story().character(id).id, "bo");
        }
        other => panic!("expected Bo's entry, got {other:?}"),
    }
}
