//! Map geometry, the same for the terminal and the web: framing a set of places, projecting them
//! onto a grid of cells, placing labels so that none covers another, the places a scene has come
//! through and which of them are named, and the land behind them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::widgets::Widget;
use ratatui::widgets::canvas::{Canvas, Map, MapResolution};

use crate::story::{LocationId, Reach, SceneId, Story};

/// A longitude/latitude box, in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub west: f64,
    pub east: f64,
    pub south: f64,
    pub north: f64,
}

impl Bounds {
    /// The smallest box holding every point, widened by a margin and then stretched along one
    /// axis so that a grid of `columns` × `rows` cells shows it without distortion (a cell is about
    /// twice as tall as it is wide; a degree of longitude shrinks with the cosine of the latitude).
    pub fn framing(points: &[(f64, f64)], columns: u16, rows: u16) -> Self {
        let (mut west, mut east, mut south, mut north) =
            (180.0_f64, -180.0_f64, 90.0_f64, -90.0_f64);
        for &(lat, lon) in points {
            west = west.min(lon);
            east = east.max(lon);
            south = south.min(lat);
            north = north.max(lat);
        }
        if points.is_empty() {
            (west, east, south, north) = (-180.0, 180.0, -80.0, 80.0);
        }
        let margin_x = ((east - west) * 0.08).max(3.0);
        let margin_y = ((north - south) * 0.12).max(3.0);
        let (mut west, mut east) = (west - margin_x, east + margin_x);
        let (mut south, mut north) = (south - margin_y, north + margin_y);

        // `libm`'s cosine rather than `f64::cos`: the standard one is glibc's libm, a shared
        // library loaded at every start-up (about half a megabyte of resident memory) for this
        // one call.
        let mid_lat = libm::cos(((south + north) / 2.0).to_radians()).max(0.2);
        let width = (east - west) * mid_lat;
        let height = north - south;
        let wanted = f64::from(columns.max(1)) / (2.0 * f64::from(rows.max(1)));
        if width / height < wanted {
            let grow = (height * wanted / mid_lat - (east - west)) / 2.0;
            west -= grow;
            east += grow;
        } else {
            let grow = (width / wanted - height) / 2.0;
            south -= grow;
            north += grow;
        }
        Self {
            west: west.max(-180.0),
            east: east.min(180.0),
            south: south.max(-90.0),
            north: north.min(90.0),
        }
    }

    /// The cell (column, row) of a point within a grid of `columns` × `rows` cells, row 0 at the
    /// north; `None` outside the box.
    pub fn cell(&self, lat: f64, lon: f64, columns: u16, rows: u16) -> Option<(u16, u16)> {
        if columns == 0 || rows == 0 || !(self.west..=self.east).contains(&lon) {
            return None;
        }
        if !(self.south..=self.north).contains(&lat) {
            return None;
        }
        let x = (lon - self.west) / (self.east - self.west) * f64::from(columns);
        let y = (self.north - lat) / (self.north - self.south) * f64::from(rows);
        Some(((x as u16).min(columns - 1), (y as u16).min(rows - 1)))
    }
}

/// A label to place next to a point, most important first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelRequest {
    pub column: u16,
    pub row: u16,
    pub text: String,
}

/// A label given a place on the grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedLabel {
    /// Which request this label answers.
    pub request: usize,
    pub column: u16,
    pub row: u16,
    pub text: String,
}

impl PlacedLabel {
    fn width(&self) -> u16 {
        u16::try_from(self.text.chars().count()).unwrap_or(u16::MAX)
    }

    /// Whether the label sits on a cell.
    fn covers(&self, column: u16, row: u16) -> bool {
        self.row == row && (self.column..self.column.saturating_add(self.width())).contains(&column)
    }

    /// Whether two labels would touch, counting a column of space on either side.
    fn collides(&self, other: &PlacedLabel) -> bool {
        self.row == other.row
            && self.column < other.column.saturating_add(other.width()).saturating_add(1)
            && other.column < self.column.saturating_add(self.width()).saturating_add(1)
    }
}

/// Places labels in order of importance: each goes right, left, above or below its point,
/// wherever it fits inside the grid without touching a label already placed or covering any
/// request's point; one that fits nowhere is shortened to its first letters, then dropped. The
/// first request is always placed, cut to the grid's width if need be.
pub fn place_labels(requests: &[LabelRequest], columns: u16, rows: u16) -> Vec<PlacedLabel> {
    let mut placed: Vec<PlacedLabel> = Vec::new();
    if columns == 0 || rows == 0 {
        return placed;
    }
    for (index, request) in requests.iter().enumerate() {
        let short: String = request.text.chars().take(3).collect();
        let texts = [request.text.clone(), short];
        let found = texts.iter().find_map(|text| {
            candidates(request, text, columns, rows)
                .into_iter()
                .map(|(column, row)| PlacedLabel {
                    request: index,
                    column,
                    row,
                    text: text.clone(),
                })
                .find(|label| {
                    placed.iter().all(|other| !label.collides(other))
                        && requests
                            .iter()
                            .all(|point| !label.covers(point.column, point.row))
                })
        });
        match found {
            Some(label) => placed.push(label),
            None if index == 0 => {
                let width = usize::from(columns);
                placed.push(PlacedLabel {
                    request: 0,
                    column: 0,
                    row: request.row.min(rows - 1),
                    text: request.text.chars().take(width).collect(),
                });
            }
            None => {}
        }
    }
    placed
}

/// Where a label may start: right of the point, left of it, then centred above and below.
fn candidates(request: &LabelRequest, text: &str, columns: u16, rows: u16) -> Vec<(u16, u16)> {
    let width = u16::try_from(text.chars().count()).unwrap_or(u16::MAX);
    if width > columns {
        return Vec::new();
    }
    let (x, y) = (i32::from(request.column), i32::from(request.row));
    let w = i32::from(width);
    [
        (x + 2, y),
        (x - 1 - w, y),
        (x - w / 2, y - 1),
        (x - w / 2, y + 1),
    ]
    .into_iter()
    .filter(|&(column, row)| {
        column >= 0 && row >= 0 && column + w <= i32::from(columns) && row < i32::from(rows)
    })
    .map(|(column, row)| (column as u16, row as u16))
    .collect()
}

/// How many places visited before the current one get a label.
const RECENT_LABELS: usize = 4;

/// The places the story has passed through up to and including a scene, in order, without
/// repeating a place twice in a row.
pub fn stations_until(story: &Story, scene: SceneId) -> Vec<LocationId> {
    let mut stations: Vec<LocationId> = Vec::new();
    for id in story.scene_ids().take(scene.index() + 1) {
        for location in &story.scene(id).locations {
            if stations.last() != Some(location) {
                stations.push(*location);
            }
        }
    }
    stations
}

/// The places that get a label, most important first: the scene's own places, then the last
/// few visited, most recent first. Places ahead stay unlabelled so the map does not give the
/// story away, and none is named that the reader may not see.
pub fn labelled_places(story: &Story, scene: SceneId, reach: &Reach) -> Vec<LocationId> {
    let here = &story.scene(scene).locations;
    let mut order: Vec<LocationId> = here.clone();
    for id in stations_until(story, scene).iter().rev() {
        if order.len() >= here.len() + RECENT_LABELS {
            break;
        }
        if !order.contains(id) {
            order.push(*id);
        }
    }
    order.retain(|id| reach.may_show_place(*id));
    order
}

/// The world's land within `bounds`, in braille on a grid of `width` × `height` cells, from
/// ratatui's world map: the terminal map's ground, and the web map's (each dot a square there).
pub fn world(bounds: &Bounds, width: u16, height: u16, land: Color) -> Buffer {
    let mut world = Buffer::empty(Rect::new(0, 0, width, height));
    Canvas::default()
        .marker(Marker::Braille)
        .x_bounds([bounds.west, bounds.east])
        .y_bounds([bounds.south, bounds.north])
        .paint(|ctx| {
            ctx.draw(&Map {
                resolution: MapResolution::High,
                color: land,
            });
        })
        .render(world.area, &mut world);
    world
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(column: u16, row: u16, text: &str) -> LabelRequest {
        LabelRequest {
            column,
            row,
            text: text.into(),
        }
    }

    #[test]
    fn framing_keeps_every_point_inside_for_many_sizes() {
        let places = [
            (50.0755, 14.4378),
            (41.0082, 28.9784),
            (35.6762, 139.6503),
            (53.0452, 158.6483),
        ];
        for (columns, rows) in [(20, 8), (40, 12), (60, 20), (100, 30), (200, 60), (10, 40)] {
            let bounds = Bounds::framing(&places, columns, rows);
            for (lat, lon) in places {
                assert!(
                    bounds.cell(lat, lon, columns, rows).is_some(),
                    "{lat},{lon} outside {bounds:?} at {columns}x{rows}"
                );
            }
        }
    }

    #[test]
    fn cells_run_west_to_east_and_north_to_south() {
        let bounds = Bounds {
            west: 0.0,
            east: 100.0,
            south: 0.0,
            north: 50.0,
        };
        assert_eq!(bounds.cell(50.0, 0.0, 10, 5), Some((0, 0)));
        assert_eq!(bounds.cell(0.0, 100.0, 10, 5), Some((9, 4)));
        assert_eq!(bounds.cell(60.0, 50.0, 10, 5), None);
    }

    #[test]
    fn labels_that_would_collide_are_moved_or_dropped() {
        let requests = [
            request(10, 5, "Moscow"),
            request(11, 5, "Tver"),
            request(12, 5, "Kalinin"),
        ];
        let placed = place_labels(&requests, 40, 10);
        assert_eq!(placed[0].text, "Moscow");
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!a.collides(b), "{a:?} touches {b:?}");
            }
        }
    }

    #[test]
    fn the_first_label_is_always_placed() {
        let placed = place_labels(&[request(2, 0, "Blagoveshchensk")], 6, 1);
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].text, "Blagov");
    }
}
