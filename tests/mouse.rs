//! Clicks and the wheel, found where the last frame drew things: a pane takes the focus, an entry
//! is selected and then opened, a footnote marker opens its footnote, the wheel scrolls.

mod common;

use izumi::app::{Action, App, Entry, Overlay, Pane, Spot};
use izumi::reader::Reader;
use ratatui::backend::TestBackend;

/// Where `text` is drawn on the reader's screen, first occurrence.
fn find(reader: &Reader<TestBackend>, text: &str) -> (u16, u16) {
    common::position_of(reader.terminal().backend().buffer(), text)
        .unwrap_or_else(|| panic!("{text:?} is not on screen"))
}

fn click(reader: &mut Reader<TestBackend>, at: (u16, u16)) {
    reader.act(Action::Click(at.0, at.1)).unwrap();
}

#[test]
fn clicking_an_entry_selects_it_and_clicking_again_opens_it() {
    let mut reader = common::reader(App::new(common::journey()), 120, 40);
    reader.act(Action::NextScene).unwrap();
    let bo = find(&reader, "Bo Stern");
    click(&mut reader, bo);
    assert_eq!(reader.app().focus(), Pane::Characters);
    assert_eq!(reader.app().selected(Pane::Characters), 1);
    assert_eq!(reader.app().overlay(), None);
    click(&mut reader, bo);
    assert!(matches!(
        reader.app().overlay(),
        Some(Overlay::Entry(Entry::Character(_)))
    ));
    // A click outside the open entry closes it.
    click(&mut reader, (0, 39));
    assert_eq!(reader.app().overlay(), None);
}

#[test]
fn clicking_a_pane_focuses_it_and_a_footnote_marker_opens_the_footnote() {
    let mut reader = common::reader(App::new(common::journey()), 120, 40);
    let footnotes = find(&reader, "Footnotes (1)");
    click(&mut reader, footnotes);
    assert_eq!(reader.app().focus(), Pane::Footnotes);
    let marker = find(&reader, "[1]");
    click(&mut reader, (marker.0 + 1, marker.1));
    assert!(matches!(
        reader.app().overlay(),
        Some(Overlay::Entry(Entry::Footnote(_)))
    ));
    // Plain words are not links.
    reader.act(Action::Back).unwrap();
    let words = find(&reader, "leaves the city");
    click(&mut reader, words);
    assert_eq!(reader.app().overlay(), None);
    assert_eq!(reader.app().focus(), Pane::Scene);
}

#[test]
fn clicking_an_editor_note_marker_opens_the_editor_note_not_a_footnote() {
    let mut reader = common::reader(App::new(common::journey()), 120, 40);
    reader.act(Action::LastScene).unwrap();
    let marker = find(&reader, "[ed.1]");
    assert_eq!(
        reader.app().geometry().spot(marker.0, marker.1),
        reader.app().geometry().spot(marker.0 + 5, marker.1),
        "the whole marker is one spot"
    );
    click(&mut reader, (marker.0 + 3, marker.1));
    let Some(Overlay::Entry(Entry::EditorNote(id))) = reader.app().overlay() else {
        panic!(
            "expected the editor's note, got {:?}",
            reader.app().overlay()
        );
    };
    assert_eq!(reader.app().story().editor_note(id).id, "two-dates");
    // The footnote marker just before it still opens its footnote.
    reader.act(Action::Back).unwrap();
    let footnote = find(&reader, "[1][ed.1]");
    click(&mut reader, (footnote.0 + 1, footnote.1));
    assert!(matches!(
        reader.app().overlay(),
        Some(Overlay::Entry(Entry::Footnote(_)))
    ));
}

#[test]
fn a_marker_is_found_where_it_is_drawn_after_scrolling() {
    // A scene long enough to scroll at 80x24, with its footnote marker at the very end.
    let mut story = common::journey();
    let first = story.scenes[0].paragraphs[0].clone();
    let mut long = vec![izumi::story::Inline::Text(
        "Words that fill the pane. ".repeat(40),
    )];
    long.extend(first);
    story.scenes[0].paragraphs = vec![long];
    let mut reader = common::reader(App::new(story), 80, 24);
    for _ in 0..100 {
        reader.act(Action::Down).unwrap();
    }
    assert!(reader.app().scene_scroll() > 0);
    let marker = find(&reader, "[1]");
    let spot = reader.app().geometry().spot(marker.0, marker.1);
    assert!(
        matches!(spot, Some(Spot::Footnote(_))),
        "{spot:?} at {marker:?}"
    );
    // The row where the marker was before scrolling now holds plain text.
    assert_eq!(
        reader.app().geometry().spot(marker.0 + 1, 3),
        Some(Spot::Pane(Pane::Scene))
    );
}

#[test]
fn the_wheel_scrolls_the_scene_under_it() {
    // A scene longer than the pane: the prologue's second scene, in a short window.
    let mut reader = common::reader(App::new(izumi::story::load_embedded()), 120, 14);
    let row = 4;
    assert!(reader.terminal().backend().buffer()[(3, row)].symbol() != " ");
    let wheel = |up| Action::Wheel {
        up,
        column: 10,
        row,
    };
    reader.act(wheel(false)).unwrap();
    assert_eq!(reader.app().scene_scroll(), 3);
    reader.act(wheel(true)).unwrap();
    assert_eq!(reader.app().scene_scroll(), 0);
}
