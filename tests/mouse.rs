//! Clicks and the wheel, found where the text is drawn: a pane takes the focus, an entry is
//! selected and then opened, a footnote marker opens its footnote, the wheel scrolls.

mod common;

use izumi::app::mouse::{Gesture, actions};
use izumi::app::{Action, App, Entry, Overlay, Pane};
use izumi::ui::Screen;
use izumi::ui::hit::spot;
use ratatui::buffer::Buffer;
use ratatui::layout::{Rect, Size};
use ratatui::widgets::Widget;

const AREA: Rect = Rect::new(0, 0, 120, 40);

/// Where `text` is drawn on the screen, first occurrence.
fn find(app: &App, text: &str) -> (u16, u16) {
    let mut buffer = Buffer::empty(AREA);
    Screen { app }.render(AREA, &mut buffer);
    for y in 0..AREA.height {
        let row: String = (0..AREA.width).map(|x| buffer[(x, y)].symbol()).collect();
        if let Some(at) = row.find(text) {
            let column = row[..at].chars().count();
            return (u16::try_from(column).unwrap(), y);
        }
    }
    panic!("{text:?} is not on screen");
}

fn gesture(app: &mut App, at: (u16, u16), gesture: Gesture) {
    let here = spot(app, AREA, at.0, at.1).expect("something is there");
    for action in actions(app, here, gesture) {
        app.update(action);
    }
}

#[test]
fn clicking_an_entry_selects_it_and_clicking_again_opens_it() {
    let mut app = App::new(common::journey(), Size::new(120, 40));
    app.update(Action::NextScene);
    let bo = find(&app, "Bo Stern");
    gesture(&mut app, bo, Gesture::Click);
    assert_eq!(app.focus(), Pane::Characters);
    assert_eq!(app.selected(Pane::Characters), 1);
    assert_eq!(app.overlay(), None);
    gesture(&mut app, bo, Gesture::Click);
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Entry(Entry::Character(_)))
    ));
    // A click outside the open entry closes it.
    gesture(&mut app, (0, 39), Gesture::Click);
    assert_eq!(app.overlay(), None);
}

#[test]
fn clicking_a_pane_focuses_it_and_a_footnote_marker_opens_the_footnote() {
    let mut app = App::new(common::journey(), Size::new(120, 40));
    let footnotes = find(&app, "Footnotes (1)");
    gesture(&mut app, footnotes, Gesture::Click);
    assert_eq!(app.focus(), Pane::Footnotes);
    let marker = find(&app, "[1]");
    gesture(&mut app, (marker.0 + 1, marker.1), Gesture::Click);
    assert!(matches!(
        app.overlay(),
        Some(Overlay::Entry(Entry::Footnote(_)))
    ));
    // Plain words are not links.
    app.update(Action::Back);
    let words = find(&app, "leaves the city");
    gesture(&mut app, words, Gesture::Click);
    assert_eq!(app.overlay(), None);
    assert_eq!(app.focus(), Pane::Scene);
}

#[test]
fn the_wheel_scrolls_the_scene_under_it() {
    let mut app = App::new(izumi::story::load_embedded(), Size::new(120, 40));
    // A scene longer than the pane at this size: the prologue's second scene is long enough
    // once the window is short, so make it short.
    app.update(Action::Resize(120, 14));
    let area_text = {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 120, 14));
        Screen { app: &app }.render(buffer.area, &mut buffer);
        buffer
    };
    let row = 4;
    assert!(area_text[(3, row)].symbol() != " ");
    let here = spot(&app, Rect::new(0, 0, 120, 14), 10, row).unwrap();
    for action in actions(&app, here, Gesture::WheelDown) {
        app.update(action);
    }
    assert_eq!(app.scene_scroll(), 3);
    for action in actions(&app, here, Gesture::WheelUp) {
        app.update(action);
    }
    assert_eq!(app.scene_scroll(), 0);
}
