//! The web's own pieces of the story as HTML: bylines, people, notes, terms, the map and the
//! timeline, built on the HTML the handout shares ([`crate::html`]). Every string from the story
//! goes through [`escape`]; every address is built here from validated ids and numbers, never
//! from story text.

use std::fmt::Write as _;

use crate::geo::timescale::{Place, Timescale};
use crate::geo::{
    Bounds, LabelKind, LabelRequest, cells, labelled_places, leg_control,
    place_labels_with_leaders, shorten, stations_before, stations_until, world,
};
// The shared pieces, under the names the routes know them by.
pub use crate::html::{Links, STYLE, Style, escape, open_page, query_value, scene_text};
use crate::html::{note_entry, person_facts, term_told, term_use_id};
use crate::story::date::tick_step;
use crate::story::text::one_line;
use crate::story::{EditorNote, EpisodeId, Reach, Scene, SceneId, Story};

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
        let told = reach.person(*id);
        let _ = write!(
            out,
            "<details><summary><strong>{}</strong> · {}</summary>",
            escape(&character.name),
            escape(told.role)
        );
        out.push_str(&person_facts(character, &told));
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
            term_told(&reach.term(*id))
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
/// route so far drawn as a journey (each leg a curve bowed to the left of travel, an arrow at its
/// middle, the scene's own legs drawn over the others and stronger), the scene's places marked,
/// places ahead as unnamed dots (only places the reader may see are named, or drawn at all:
/// one that only later scenes go to is not even a dot), every label placed by [`place_labels`]
/// so none collides or leaves the frame; the list of places visited is its text alternative,
/// and it says which places are numbered or left unnamed for want of room.
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
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"map-caption\"><defs>\
<marker id=\"leg-arrow\" class=\"arrow\" viewBox=\"0 0 6 6\" refX=\"3\" refY=\"3\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0 0L6 3L0 6z\"/></marker>\
<marker id=\"leg-arrow-now\" class=\"arrow now\" viewBox=\"0 0 6 6\" refX=\"3\" refY=\"3\" markerWidth=\"5\" markerHeight=\"5\" orient=\"auto\"><path d=\"M0 0L6 3L0 6z\"/></marker>\
</defs><image href=\"{}\" width=\"{width}\" height=\"{height}\"/>",
        land_address(story)
    );
    // The legs, each drawn once: older ones first, the scene's own over them.
    let now = stations_before(story, scene).saturating_sub(1);
    let mut drawn: Vec<(crate::story::LocationId, crate::story::LocationId)> = Vec::new();
    let mut legs = String::new();
    for (index, leg) in stations.windows(2).enumerate().rev() {
        let current = index >= now;
        if drawn.contains(&(leg[0], leg[1])) {
            continue;
        }
        drawn.push((leg[0], leg[1]));
        let (from, to) = (point(&leg[0]), point(&leg[1]));
        let control = leg_control(from, to);
        // Split at its middle, so that the arrow (a marker on the middle vertex) shows the way.
        let first = ((from.0 + control.0) / 2.0, (from.1 + control.1) / 2.0);
        let middle = (
            (from.0 + 2.0 * control.0 + to.0) / 4.0,
            (from.1 + 2.0 * control.1 + to.1) / 4.0,
        );
        let second = ((control.0 + to.0) / 2.0, (control.1 + to.1) / 2.0);
        let (class, arrow) = if current {
            ("leg now", "leg-arrow-now")
        } else {
            ("leg", "leg-arrow")
        };
        let path = format!(
            "<path class=\"{class}\" marker-mid=\"url(#{arrow})\" d=\"M{:.1} {:.1}Q{:.1} {:.1} {:.1} {:.1}Q{:.1} {:.1} {:.1} {:.1}\"/>",
            from.0, from.1, first.0, first.1, middle.0, middle.1, second.0, second.1, to.0, to.1
        );
        // Reversed order above: the newest first; put the old ones before the current ones.
        if current {
            legs.push_str(&path);
        } else {
            legs.insert_str(0, &path);
        }
    }
    out.push_str(&legs);
    // Only the places the reader may see are drawn: one that only later scenes go to is not
    // even a dot.
    let drawn: Vec<_> = story
        .route
        .iter()
        .filter(|id| reach.may_show_place(**id))
        .collect();
    for id in &drawn {
        let (x, y) = point(id);
        let class = if here.contains(id) {
            "here"
        } else if stations.contains(id) {
            "visited"
        } else {
            "ahead"
        };
        let radius = if class == "here" { 6 } else { 4 };
        let _ = write!(
            out,
            "<circle class=\"{class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{radius}\"/>"
        );
    }
    let cell = |id: &crate::story::LocationId| {
        let location = story.location(*id);
        bounds.cell(location.lat, location.lon, MAP_COLUMNS, MAP_ROWS)
    };
    let order = labelled_places(story, scene, reach);
    let required = order.iter().take_while(|id| here.contains(id)).count();
    let marks: Vec<(u16, u16)> = drawn.iter().copied().filter_map(cell).collect();
    let named: Vec<(&str, LabelRequest)> = order
        .iter()
        .filter_map(|id| {
            let (column, row) = cell(id)?;
            let name = story.location(*id).name.as_str();
            Some((
                name,
                LabelRequest {
                    column,
                    row,
                    text: name.to_owned(),
                },
            ))
        })
        .collect();
    let requests: Vec<LabelRequest> = named.iter().map(|(_, r)| r.clone()).collect();
    let labels = place_labels_with_leaders(&requests, &marks, required, MAP_COLUMNS, MAP_ROWS);
    let mut numbered = Vec::new();
    for label in &labels {
        let class = if label.request < required {
            "label here"
        } else {
            "label"
        };
        if let LabelKind::Numbered(number) = label.kind {
            numbered.push(format!("{number} is {}", named[label.request].0));
        }
        let request = &requests[label.request];
        if label.is_apart(request) {
            // A leader from the point to the label's nearer edge, under the label's halo.
            let (px, py) = (
                (f64::from(request.column) + 0.5) * f64::from(CELL_WIDTH),
                (f64::from(request.row) + 0.5) * f64::from(CELL_HEIGHT),
            );
            let left = f64::from(label.column * CELL_WIDTH);
            let right = left + f64::from(label.width() * CELL_WIDTH);
            let lx = px.clamp(left, right);
            let ly = if label.row < request.row {
                f64::from((label.row + 1) * CELL_HEIGHT) - 2.0
            } else {
                f64::from(label.row * CELL_HEIGHT) + 3.0
            };
            let _ = write!(
                out,
                "<line class=\"leader\" x1=\"{px:.1}\" y1=\"{py:.1}\" x2=\"{lx:.1}\" y2=\"{ly:.1}\"/>"
            );
        }
        let _ = write!(
            out,
            "<text class=\"{class}\" x=\"{}\" y=\"{}\" data-cells=\"{}\">{}</text>",
            label.column * CELL_WIDTH,
            (label.row + 1) * CELL_HEIGHT - 4,
            label.width(),
            escape(&label.text)
        );
    }
    let unnamed: Vec<&str> = named
        .iter()
        .enumerate()
        .filter(|(index, _)| labels.iter().all(|label| label.request != *index))
        .map(|(_, (name, _))| *name)
        .collect();
    out.push_str("</svg>\n");
    let _ = write!(
        out,
        "<figcaption id=\"map-caption\">Now: {}. The route so far: {}.",
        escape(&story.place_names(story.scene(scene))),
        escape(&visited.join(" → "))
    );
    if !numbered.is_empty() {
        let _ = write!(out, " On the map, {}.", escape(&numbered.join(", ")));
    }
    if !unnamed.is_empty() {
        let _ = write!(
            out,
            " Not named on the map for want of room: {}.",
            escape(&unnamed.join(", "))
        );
    }
    out.push_str("</figcaption>\n</figure>\n</section>\n");
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
/// Pixels across a zone past a break, where the story's outlying years are folded.
const TIMELINE_EDGE: f64 = 36.0;
/// Pixels a cell of an episode's name takes at the timeline's 11-pixel type.
const NAME_CELL: f64 = 6.2;
/// Pixels down one lane of episodes: its name, then its bar.
const LANE: f64 = 16.0;

/// The timeline as SVG: the axis zoomed to where most of the story happens ([`Timescale`]),
/// the years outside it folded past a break at either edge with the outermost year; the
/// episodes as named bars, each in a lane of its own where it would overlap another, so that
/// none is painted over (the scene's episode marked); and the scene's date as a point when exact,
/// a bracket when a span, dotted with a `?` at each account when disputed, with a line down
/// through the lanes. Its caption says the same in words.
pub fn timeline(out: &mut String, story: &Story, scene: SceneId, reach: &Reach) {
    let scale = Timescale::of(story);
    let left = if scale.earlier.is_some() {
        TIMELINE_EDGE
    } else {
        4.0
    };
    let right = TIMELINE_WIDTH
        - if scale.later.is_some() {
            TIMELINE_EDGE
        } else {
            4.0
        };
    let x = |day: crate::story::Day| match scale.place(day) {
        Place::Before => left - TIMELINE_EDGE / 2.0,
        Place::On(fraction) => left + fraction * (right - left),
        Place::After => right + TIMELINE_EDGE / 2.0,
    };
    let current = story.scene(scene);

    // Lanes: each episode in the first lane where its bar and its name clear the last one there.
    // Only the episodes the reader has reached: one whose scenes are all still ahead is neither
    // named nor drawn.
    let mut order: Vec<usize> = (0..story.episodes.len())
        .filter(|index| reach.may_show_episode(EpisodeId(*index)))
        .collect();
    let spans: Vec<(f64, f64)> = story
        .episodes
        .iter()
        .map(|episode| {
            let range = episode.period.range();
            (x(range.start), x(range.end).max(x(range.start) + 3.0))
        })
        .collect();
    order.sort_by(|a, b| spans[*a].0.total_cmp(&spans[*b].0).then(a.cmp(b)));
    let mut lane_ends: Vec<f64> = Vec::new();
    let mut placed: Vec<(usize, usize, f64, String)> = Vec::new();
    for index in order {
        let (start, end) = spans[index];
        let name = shorten(&story.episodes[index].title, 40);
        let width = f64::from(cells(&name)) * NAME_CELL;
        // A name that would leave the frame ends at its bar's end instead.
        let name_x = if start + width > TIMELINE_WIDTH {
            (end - width).max(0.0)
        } else {
            start
        };
        let reach_from = start.min(name_x);
        let reach_to = end.max(name_x + width) + 6.0;
        let lane = match lane_ends.iter().position(|&last| last <= reach_from) {
            Some(lane) => lane,
            None => {
                lane_ends.push(0.0);
                lane_ends.len() - 1
            }
        };
        lane_ends[lane] = reach_to;
        placed.push((index, lane, name_x, name));
    }
    let top = 22.0;
    let axis = top + LANE * lane_ends.len() as f64 + 4.0;
    let height = axis + 18.0;

    out.push_str("<section class=\"timeline\">\n<h2>Timeline</h2>\n<figure>\n");
    let _ = write!(
        out,
        "<svg viewBox=\"0 0 {TIMELINE_WIDTH} {height:.0}\" role=\"img\" aria-labelledby=\"timeline-caption\">"
    );
    for (index, lane, name_x, name) in &placed {
        let (start, end) = spans[*index];
        let y = top + LANE * *lane as f64;
        let now = if *index == current.episode.index() {
            " now"
        } else {
            ""
        };
        let _ = write!(
            out,
            "<rect class=\"episode{now}\" x=\"{start:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"5\"/><text class=\"episode-name{now}\" x=\"{name_x:.1}\" y=\"{:.1}\" data-cells=\"{}\">{}</text>",
            y + 12.0,
            end - start,
            y + 10.0,
            cells(name),
            escape(name)
        );
    }
    // The axis, broken where outlying years are folded.
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{left:.1}\" y1=\"{axis:.1}\" x2=\"{right:.1}\" y2=\"{axis:.1}\"/>"
    );
    for (year, at, edge) in [
        (scale.earlier, left - TIMELINE_EDGE / 2.0, left),
        (scale.later, right + TIMELINE_EDGE / 2.0, right),
    ] {
        if let Some(year) = year {
            let (from, to) = (at.min(edge), at.max(edge));
            let _ = write!(
                out,
                "<line class=\"axis folded\" x1=\"{from:.1}\" y1=\"{axis:.1}\" x2=\"{to:.1}\" y2=\"{axis:.1}\"/><path class=\"break\" d=\"M{:.1} {:.1}l4 -8M{:.1} {:.1}l4 -8\"/><line class=\"axis\" x1=\"{at:.1}\" y1=\"{axis:.1}\" x2=\"{at:.1}\" y2=\"{:.1}\"/><text class=\"year outlier\" x=\"{at:.1}\" y=\"{:.1}\">{year}</text>",
                (from + to) / 2.0 - 5.0,
                axis + 4.0,
                (from + to) / 2.0 - 1.0,
                axis + 4.0,
                axis + 4.0,
                axis + 15.0
            );
        }
    }
    let columns = ((right - left) / 6.4) as u16;
    let step = tick_step(scale.first, scale.last, columns);
    let mut year = scale.first + (step - scale.first.rem_euclid(step)) % step;
    while year <= scale.last {
        if let Some(day) = crate::story::Day::new(year, 1, 1) {
            let at = x(day);
            let _ = write!(
                out,
                "<line class=\"axis\" x1=\"{at:.1}\" y1=\"{axis:.1}\" x2=\"{at:.1}\" y2=\"{:.1}\"/><text class=\"year\" x=\"{at:.1}\" y=\"{:.1}\">{year}</text>",
                axis + 4.0,
                axis + 15.0
            );
        }
        year += step;
    }
    let disputed = current.date.is_disputed();
    for claim in current.date.claims() {
        let (start, end) = (x(claim.range.start), x(claim.range.end));
        let _ = write!(
            out,
            "<line class=\"date guide\" x1=\"{0:.1}\" y1=\"18\" x2=\"{0:.1}\" y2=\"{axis:.1}\"/>",
            (start + end) / 2.0
        );
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
    let folded = match (scale.earlier, scale.later) {
        (Some(a), Some(b)) => format!(", {a} and {b} folded at its edges"),
        (Some(a), None) => format!(", {a} folded at its start"),
        (None, Some(b)) => format!(", {b} folded at its end"),
        (None, None) => String::new(),
    };
    let _ = writeln!(
        out,
        "<figcaption id=\"timeline-caption\">{}, in {} ({}), on a timeline from {} to {}{folded}.</figcaption>",
        escape(&current.date.to_string()),
        escape(&story.episode(current.episode).title),
        escape(&story.episode(current.episode).period.to_string()),
        scale.first,
        scale.last,
    );
    out.push_str("</figure>\n</section>\n");
}
