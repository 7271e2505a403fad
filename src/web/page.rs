//! The web's own pieces of the story as HTML: bylines, people, notes, terms, the map and the
//! timeline, built on the HTML the handout shares ([`crate::html`]). Every string from the story
//! goes through [`escape`]; every address is built here from validated ids and numbers, never
//! from story text.

use std::fmt::Write as _;

use crate::geo::{Bounds, LabelRequest, labelled_places, place_labels, stations_until, world};
// The shared pieces, under the names the routes know them by.
pub use crate::html::{Links, STYLE, Style, escape, open_page, query_value, scene_text};
use crate::html::{note_entry, person_facts, term_use_id};
use crate::story::date::tick_step;
use crate::story::text::one_line;
use crate::story::{EditorNote, Reach, Scene, SceneId, Story};

/// The pages' icon, served as `/icon.svg`: the map's mark for where the story is.
pub const ICON: &str = include_str!("../../assets/icon.svg");
/// The follower's and the remote's script, served as `/follow.js`: it only enhances pages that
/// work without it.
pub const SCRIPT: &str = include_str!("../../assets/follow.js");

/// "Episode 2/14 · Moscow · 1925": where and when a scene is.
pub fn scene_byline(story: &Story, scene: &Scene) -> String {
    format!(
        "{} · {} · {}",
        story.episode_position(scene.episode),
        story.place_names(scene),
        scene.date
    )
}

/// The people in a scene the reader may see, each with their life and bio behind a disclosure.
pub fn people(out: &mut String, story: &Story, scene: &Scene, reach: &Reach, heading: &str) {
    let people: Vec<_> = scene
        .characters
        .iter()
        .filter(|id| reach.may_show_person(**id))
        .collect();
    if people.is_empty() {
        return;
    }
    let _ = writeln!(out, "<section class=\"people\">\n<h2>{heading}</h2>");
    for id in people {
        let character = story.character(*id);
        let _ = write!(
            out,
            "<details><summary><strong>{}</strong> · {}</summary>",
            escape(&character.name),
            escape(&character.role)
        );
        out.push_str(&person_facts(character));
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
}

/// A scene's footnotes the reader may see, in order of first citation, each with a link back to
/// where it is cited; then our own editor's notes, apart and said to be ours.
pub fn footnotes(
    out: &mut String,
    story: &Story,
    scene: &Scene,
    reach: &Reach,
    links: &impl Links,
) {
    editor_notes(out, story, scene, reach, links);
    let footnotes: Vec<_> = scene
        .footnotes
        .iter()
        .filter(|id| reach.may_show_footnote(**id))
        .collect();
    if footnotes.is_empty() {
        return;
    }
    out.push_str("<section class=\"notes\">\n<h2>Footnotes</h2>\n<ul>\n");
    for id in footnotes {
        let footnote = story.footnote(*id);
        let number = footnote.number;
        note_entry(
            out,
            &links.footnote_id(scene, number),
            &format!("[{number}]"),
            &one_line(&footnote.full_text()),
            Some((
                &links.reference_id(scene, number, 0),
                &format!("back to the text of footnote {number}"),
            )),
        );
    }
    out.push_str("</ul>\n</section>\n");
}

fn editor_notes(out: &mut String, story: &Story, scene: &Scene, reach: &Reach, links: &impl Links) {
    let notes: Vec<_> = scene
        .editor_notes
        .iter()
        .filter(|id| reach.may_show_editor_note(**id))
        .collect();
    if notes.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section class=\"notes editor\">\n<h2>{}</h2>\n<p class=\"facts\">{}</p>\n<ul>",
        EditorNote::HEADING,
        escape(EditorNote::ABOUT)
    );
    for id in notes {
        let note = story.editor_note(*id);
        let number = note.number;
        note_entry(
            out,
            &links.editor_note_id(scene, number),
            &note.marker(),
            &one_line(&note.text),
            Some((
                &links.editor_reference_id(scene, number, 0),
                &format!("back to the text of editor's note {number}"),
            )),
        );
    }
    out.push_str("</ul>\n</section>\n");
}

/// The glossary terms a scene uses that the reader may see: where a tap on a term lands without
/// the script (with the script it opens in place), each with a way back to where the text uses it.
pub fn terms(out: &mut String, story: &Story, scene: &Scene, reach: &Reach, links: &impl Links) {
    let terms: Vec<_> = scene
        .terms
        .iter()
        .filter(|id| reach.may_show_term(**id))
        .collect();
    if terms.is_empty() {
        return;
    }
    out.push_str("<section class=\"terms\">\n<h2>Terms</h2>\n<dl>\n");
    for id in terms {
        let term = story.term(*id);
        let back = term_use_id(scene, *id)
            .map(|at| {
                format!(
                    " <a href=\"#{at}\" aria-label=\"back to “{}” in the text\">↩</a>",
                    escape(&term.term)
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<dt id=\"{}\">{}</dt><dd>{}{back}</dd>",
            links.term_id(scene, &term.id),
            escape(&term.term),
            escape(&one_line(&term.definition))
        );
    }
    out.push_str("</dl>\n</section>\n");
}

/// The map's drawing grid: cells as the terminal has them (twice as tall as wide), so that the
/// framing and the labels are the terminal map's. Forty columns, the width of the terminal's map
/// pane, draw the labels at their own size across a phone's 320 pixels of text column; more would
/// shrink them below what can be read there.
const MAP_COLUMNS: u16 = 40;
const MAP_ROWS: u16 = 12;
const CELL_WIDTH: u16 = 8;
const CELL_HEIGHT: u16 = 16;

/// The map as SVG, from the terminal map's geometry: framed on all the story's places, the
/// route so far, the scene's places marked, places ahead as unnamed dots (only places the reader
/// may see are named); the list of places visited is its text alternative.
pub fn map(out: &mut String, story: &Story, scene: SceneId, reach: &Reach) {
    let bounds = map_bounds(story);
    let width = MAP_COLUMNS * CELL_WIDTH;
    let height = MAP_ROWS * CELL_HEIGHT;
    let point = |id: &crate::story::LocationId| {
        let location = story.location(*id);
        let x = (location.lon - bounds.west) / (bounds.east - bounds.west) * f64::from(width);
        let y = (bounds.north - location.lat) / (bounds.north - bounds.south) * f64::from(height);
        (x, y)
    };
    let here = &story.scene(scene).locations;
    let stations = stations_until(story, scene);
    let visited: Vec<&str> = story
        .route
        .iter()
        .filter(|id| stations.contains(id) && reach.may_show_place(**id))
        .map(|id| story.location(*id).name.as_str())
        .collect();

    out.push_str("<section class=\"map\">\n<h2>Map</h2>\n<figure>\n");
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"map-caption\"><image href=\"{}\" width=\"{width}\" height=\"{height}\"/>",
        land_address(story)
    );
    let route: Vec<String> = stations
        .iter()
        .map(|id| {
            let (x, y) = point(id);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    if route.len() > 1 {
        let _ = write!(
            out,
            "<polyline class=\"route\" points=\"{}\"/>",
            route.join(" ")
        );
    }
    for id in &story.route {
        let (x, y) = point(id);
        let class = if here.contains(id) {
            "here"
        } else if stations.contains(id) {
            "visited"
        } else {
            "ahead"
        };
        let radius = if class == "here" { 7 } else { 4 };
        let _ = write!(
            out,
            "<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius}\"/>"
        );
    }
    let order = labelled_places(story, scene, reach);
    let requests: Vec<LabelRequest> = order
        .iter()
        .filter_map(|id| {
            let location = story.location(*id);
            let (column, row) = bounds.cell(location.lat, location.lon, MAP_COLUMNS, MAP_ROWS)?;
            Some(LabelRequest {
                column,
                row,
                text: location.name.clone(),
            })
        })
        .collect();
    for label in place_labels(&requests, MAP_COLUMNS, MAP_ROWS) {
        let class = if label.request < here.len() {
            "label here"
        } else {
            "label"
        };
        let _ = write!(
            out,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\">{}</text>",
            label.column * CELL_WIDTH,
            (label.row + 1) * CELL_HEIGHT - 3,
            escape(&label.text)
        );
    }
    out.push_str("</svg>\n");
    let _ = writeln!(
        out,
        "<figcaption id=\"map-caption\">Now: {}. The route so far: {}.</figcaption>",
        escape(&story.place_names(story.scene(scene))),
        escape(&visited.join(" → "))
    );
    out.push_str("</figure>\n</section>\n");
}

/// As wide as a phone's text column, so that the years are drawn at their own size there.
/// The map's frame: every place of the story, as the terminal map frames them.
fn map_bounds(story: &Story) -> Bounds {
    let all: Vec<(f64, f64)> = story
        .route
        .iter()
        .map(|id| (story.location(*id).lat, story.location(*id).lon))
        .collect();
    Bounds::framing(&all, MAP_COLUMNS, MAP_ROWS)
}

/// Where the land is served: the story's fingerprint in the address, so that a browser may keep
/// it, and a presenter restarted with another story is not shown the old one.
pub fn land_address(story: &Story) -> String {
    format!("/map-land.svg?story={}", query_value(&story.fingerprint))
}

/// Braille cells of land per map cell, across and down: the land is drawn finer than the grid
/// the labels are placed on.
const LAND_DETAIL: u16 = 4;

/// The land behind the map, as its own SVG (served once as `/map-land.svg`, the same for every
/// scene): the world the terminal map draws, in the same frame, each braille dot a small square.
pub fn land(story: &Story) -> String {
    let bounds = map_bounds(story);
    let (columns, rows) = (MAP_COLUMNS * LAND_DETAIL, MAP_ROWS * LAND_DETAIL);
    let cells = world(&bounds, columns, rows, ratatui::style::Color::Reset);
    // A braille cell is two dots across and four down; bit n of the pattern is one dot.
    const DOTS: [(u16, u16); 8] = [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 0),
        (1, 1),
        (1, 2),
        (0, 3),
        (1, 3),
    ];
    let (width, height) = (MAP_COLUMNS * CELL_WIDTH, MAP_ROWS * CELL_HEIGHT);
    let dot_width = f64::from(width) / f64::from(columns * 2);
    let dot_height = f64::from(height) / f64::from(rows * 4);
    let mut path = String::new();
    for y in 0..rows {
        for x in 0..columns {
            let pattern = cells[(x, y)]
                .symbol()
                .chars()
                .next()
                .map_or(0, |c| u32::from(c).wrapping_sub(0x2800));
            if pattern > 0xff {
                continue;
            }
            for (bit, (dx, dy)) in DOTS.iter().enumerate() {
                if pattern & (1 << bit) != 0 {
                    let left = f64::from(x * 2 + dx) * dot_width;
                    let top = f64::from(y * 4 + dy) * dot_height;
                    let _ = write!(
                        path,
                        "M{left:.1} {top:.1}h{dot_width:.1}v{dot_height:.1}h-{dot_width:.1}z"
                    );
                }
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\"><path fill=\"#8f8a80\" fill-opacity=\"0.6\" d=\"{path}\"/></svg>\n"
    )
}

const TIMELINE_WIDTH: f64 = 320.0;
/// Columns of a terminal strip as wide as the timeline, for choosing the years marked.
const TIMELINE_COLUMNS: u16 = 50;

/// The timeline as SVG: the story's years, its episodes as spans, and the scene's date as a
/// point when exact, a bracket when a span, dotted with a `?` at each account when disputed —
/// as the terminal draws it. Its caption says the same in words.
pub fn timeline(out: &mut String, story: &Story, scene: SceneId) {
    let (first, last) = story.year_span();
    let years = f64::from(last + 1 - first);
    let x = |day: crate::story::Day| {
        ((day.as_year_fraction() - f64::from(first)) / years).clamp(0.0, 1.0) * TIMELINE_WIDTH
    };
    let current = story.scene(scene);
    out.push_str("<section class=\"timeline\">\n<h2>Timeline</h2>\n<figure>\n");
    let _ = write!(
        out,
        "<svg viewBox=\"-16 0 {} 64\" role=\"img\" aria-labelledby=\"timeline-caption\">",
        TIMELINE_WIDTH + 32.0
    );
    for (index, episode) in story.episodes.iter().enumerate() {
        let range = episode.period.range();
        let (start, end) = (x(range.start), x(range.end));
        let class = if index == current.episode.index() {
            "episode now"
        } else {
            "episode"
        };
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{start:.1}\" y=\"24\" width=\"{:.1}\" height=\"8\"/>",
            (end - start).max(2.0)
        );
    }
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"0\" y1=\"40\" x2=\"{TIMELINE_WIDTH}\" y2=\"40\"/>"
    );
    let step = tick_step(first, last, TIMELINE_COLUMNS);
    let mut year = first + (step - first.rem_euclid(step)) % step;
    while year <= last {
        if let Some(day) = crate::story::Day::new(year, 1, 1) {
            let at = x(day);
            let _ = write!(
                out,
                "<line class=\"axis\" x1=\"{at:.1}\" y1=\"40\" x2=\"{at:.1}\" y2=\"44\"/><text class=\"year\" x=\"{at:.1}\" y=\"58\">{year}</text>"
            );
        }
        year += step;
    }
    let disputed = current.date.is_disputed();
    for claim in current.date.claims() {
        let (start, end) = (x(claim.range.start), x(claim.range.end));
        if disputed {
            let _ = write!(
                out,
                "<line class=\"date disputed\" x1=\"{start:.1}\" y1=\"12\" x2=\"{end:.1}\" y2=\"12\"/><text class=\"date disputed\" x=\"{:.1}\" y=\"9\">?</text>",
                (start + end) / 2.0
            );
        } else if end - start > 1.0 {
            let _ = write!(
                out,
                "<path class=\"date\" d=\"M{start:.1} 6 v12 M{start:.1} 12 H{end:.1} M{end:.1} 6 v12\"/>"
            );
        } else {
            let _ = write!(
                out,
                "<path class=\"date point\" d=\"M{:.1} 6 h10 l-5 10 z\"/>",
                start - 5.0
            );
        }
    }
    out.push_str("</svg>\n");
    let _ = writeln!(
        out,
        "<figcaption id=\"timeline-caption\">{}, in {} ({}), on a timeline from {first} to {last}.</figcaption>",
        escape(&current.date.to_string()),
        escape(&story.episode(current.episode).title),
        escape(&story.episode(current.episode).period.to_string()),
    );
    out.push_str("</figure>\n</section>\n");
}
