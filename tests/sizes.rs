//! Every terminal size from 1×1 to 250×80, in every mode: drawing never panics and never touches
//! a cell outside the frame. The frame is drawn at an offset inside a larger screen, so a widget
//! that assumed it starts at the top-left corner would be caught too.

use izumi::app::{Action, App, Role};
use izumi::keymap::Keymap;
use izumi::ui::Screen;
use izumi::ui::theme::DARK;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;

const MAX_WIDTH: u16 = 250;
const MAX_HEIGHT: u16 = 80;

/// The app in each mode worth drawing, named for failure messages.
fn modes() -> Vec<(&'static str, App)> {
    let story = izumi::story::load_embedded();
    let start = |actions: &[Action]| {
        let mut app = App::new(story.clone());
        // Late in the story, so the route on the map and the timeline are full.
        for _ in 0..8 {
            app.update(Action::NextEpisode);
        }
        for action in actions {
            app.update(action.clone());
        }
        app
    };
    vec![
        ("reader", start(&[])),
        ("help", start(&[Action::ToggleHelp])),
        ("map", start(&[Action::FocusPrevious])),
        ("timeline", start(&[Action::ShowTimeline])),
        (
            "glossary",
            start(&[Action::ShowGlossary, Action::Type('c')]),
        ),
        ("entry", start(&[Action::FocusNext, Action::Open])),
        ("presentation", start(&[Action::TogglePresentation])),
        (
            "presentation map",
            start(&[
                Action::TogglePresentation,
                Action::CyclePanel,
                Action::CyclePanel,
            ]),
        ),
        ("console", App::new(story.clone()).with_role(Role::Console)),
    ]
}

/// Draws `app` as a `width`×`height` frame one cell in from the corner of a larger screen, and
/// fails if anything outside the frame changed.
fn draw_inside_a_border(mode: &str, app: &mut App, width: u16, height: u16) {
    let mut screen = Buffer::empty(Rect::new(0, 0, width + 2, height + 2));
    let keys = Keymap::default();
    let frame = Screen {
        app,
        theme: &DARK,
        keys: &keys,
    }
    .draw(Rect::new(1, 1, width, height), &mut screen);
    // The app takes up what was measured, as the runtime would hand it over.
    app.update(Action::Measured(frame));
    let blank = Cell::default();
    let border = (0..width + 2)
        .flat_map(|x| [(x, 0), (x, height + 1)])
        .chain((1..=height).flat_map(|y| [(0, y), (width + 1, y)]));
    for (x, y) in border {
        assert_eq!(
            screen[(x, y)],
            blank,
            "{mode} at {width}x{height} wrote outside the frame at ({x}, {y})"
        );
    }
}

/// Draws every mode named in `wanted` at each size, one thread per mode.
fn draw_modes_at(wanted: &[&str], sizes: &(dyn Fn() -> Vec<(u16, u16)> + Sync)) {
    std::thread::scope(|scope| {
        for (mode, mut app) in modes()
            .into_iter()
            .filter(|(mode, _)| wanted.contains(mode))
        {
            scope.spawn(move || {
                for (width, height) in sizes() {
                    draw_inside_a_border(mode, &mut app, width, height);
                }
            });
        }
    });
}

fn every_size() -> Vec<(u16, u16)> {
    (1..=MAX_WIDTH)
        .flat_map(|width| (1..=MAX_HEIGHT).map(move |height| (width, height)))
        .collect()
}

/// Every width at a spread of heights and every height at a spread of widths, so that each
/// threshold in either direction is crossed, in a fifth of the time of every size.
fn every_width_and_every_height() -> Vec<(u16, u16)> {
    const HEIGHTS: [u16; 12] = [1, 2, 3, 5, 7, 8, 13, 23, 24, 30, 40, MAX_HEIGHT];
    const WIDTHS: [u16; 13] = [1, 2, 3, 5, 8, 13, 23, 24, 80, 109, 110, 160, MAX_WIDTH];
    let rows = (1..=MAX_WIDTH).flat_map(|width| HEIGHTS.map(|height| (width, height)));
    let columns = (1..=MAX_HEIGHT).flat_map(|height| WIDTHS.map(|width| (width, height)));
    rows.chain(columns).collect()
}

#[test]
fn the_reader_and_the_presentation_draw_at_every_size_inside_their_frame() {
    draw_modes_at(&["reader", "presentation"], &every_size);
}

#[test]
fn overlays_panels_and_the_console_draw_at_every_width_and_height_inside_their_frame() {
    draw_modes_at(
        &[
            "help",
            "map",
            "timeline",
            "glossary",
            "entry",
            "presentation map",
            "console",
        ],
        &every_width_and_every_height,
    );
}
