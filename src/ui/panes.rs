//! The side panes: the scene's people, its footnotes, and the places of the whole story. Each is
//! a list with the selected entry's details below it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};

use super::split;
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::layout::{pane_block, titled_pane_block};
use super::map;
use super::theme::Theme;
use crate::app::{App, Geometry, Pane, Spot};
use crate::story::{EditorNote, LocationId, Story};
use crate::wrap::{fit_line, wrap_lines_within, wrap_words};

/// One side pane: a list with details, or the map.
pub struct SidePane<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
    pub pane: Pane,
}

impl SidePane<'_> {
    /// Draws the pane and notes where it and each visible entry went.
    pub fn draw(self, area: Rect, buf: &mut Buffer, geometry: &mut Geometry) {
        let SidePane { app, theme, pane } = self;
        geometry.spots.push((area, Spot::Pane(pane)));
        let focused = app.focus() == pane;
        if shows_map(app, pane, area) {
            let block = titled_pane_block(" Map (m: list) ".into(), focused, theme);
            let inner = block.inner(area);
            block.render(area, buf);
            map::MapView { app, theme }.render(inner, buf);
            return;
        }
        let width = usize::from(pane_block().inner(area).width);
        let content = match pane {
            Pane::Characters => characters(app, theme),
            Pane::Footnotes => footnotes(app, theme, width),
            Pane::Locations => locations(app, theme),
            Pane::Scene => return,
        };
        let rows = ListPane {
            pane,
            content,
            selected: app.selected(pane),
            focused,
            theme,
        }
        .draw(area, buf);
        for (row, index) in rows {
            geometry.spots.push((row, Spot::Entry(pane, index)));
        }
    }
}

/// Whether a side pane drawn in `area` is the map: the places pane, when the reader wants the
/// map and it fits.
fn shows_map(app: &App, pane: Pane, area: Rect) -> bool {
    let inner = pane_block().inner(area);
    pane == Pane::Locations
        && app.show_map()
        && inner.width >= map::MIN_COLUMNS
        && inner.height >= map::MIN_ROWS
}

/// What a side pane lists and says about its selected entry.
struct PaneContent {
    items: Vec<Text<'static>>,
    /// A heading over the entries from this position on.
    heading: Option<(usize, Line<'static>)>,
    detail: Option<Text<'static>>,
    empty: &'static str,
}

/// A bordered list with the selected entry's details beneath it.
struct ListPane<'a> {
    pane: Pane,
    content: PaneContent,
    selected: usize,
    focused: bool,
    theme: &'a Theme,
}

impl ListPane<'_> {
    /// Draws the list and returns each visible entry's rows, with the entry's position.
    fn draw(self, area: Rect, buf: &mut Buffer) -> Vec<(Rect, usize)> {
        let theme = self.theme;
        let count = self.content.items.len();
        let block = titled_pane_block(
            format!(" {} ({count}) ", self.pane.title()),
            self.focused,
            theme,
        );
        let inner = block.inner(area);
        block.render(area, buf);
        if count == 0 {
            Paragraph::new(self.content.empty)
                .style(theme.dim)
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return Vec::new();
        }

        let [list_area, rule_area, detail_area] =
            list_layout(inner, count, self.content.detail.is_some());

        let highlight = if self.focused {
            theme.selected
        } else {
            theme.selected_unfocused
        };
        let rows = render_entries(
            self.content.items,
            self.content.heading,
            self.selected,
            highlight,
            theme.text,
            list_area,
            buf,
        );

        if let Some(detail) = self.content.detail {
            Line::styled("─".repeat(usize::from(rule_area.width)), theme.border)
                .render(rule_area, buf);
            let rows = usize::from(detail_area.height);
            Paragraph::new(wrap_lines_within(&detail.lines, detail_area.width, rows))
                .style(theme.text.patch(detail.style))
                .render(detail_area, buf);
        }
        rows
    }
}

/// Where a pane's list, rule and details go. With details to show, the list takes what it needs
/// up to three fifths of the pane, then a rule, then the details; without, the list has it all.
fn list_layout(inner: Rect, count: usize, has_detail: bool) -> [Rect; 3] {
    let rule_height = u16::from(has_detail);
    let list_height = if has_detail {
        u16::try_from(count)
            .unwrap_or(u16::MAX)
            .min((inner.height * 3 / 5).max(3))
    } else {
        inner.height
    };
    split::rows(
        inner,
        [
            Constraint::Length(list_height),
            Constraint::Length(rule_height),
            Constraint::Fill(1),
        ],
    )
}

/// The first line shown when entries of these heights scroll the selected one into view.
fn first_visible_line(heights: &[usize], selected: usize, visible: usize) -> usize {
    let top: usize = heights.iter().take(selected).sum();
    let bottom = top + heights.get(selected).copied().unwrap_or(0);
    bottom.saturating_sub(visible).min(top)
}

/// Draws entries of one or more lines, the selected one highlighted and scrolled into view, and
/// returns the screen row of each visible line with its entry. An entry taller than the area
/// shows its top, unlike ratatui's `List`, which would show nothing. A heading goes above the
/// entry it names, as part of it but never highlighted.
fn render_entries(
    entries: Vec<Text<'static>>,
    heading: Option<(usize, Line<'static>)>,
    selected: usize,
    highlight: Style,
    text_style: Style,
    area: Rect,
    buf: &mut Buffer,
) -> Vec<(Rect, usize)> {
    let headed = heading.as_ref().map(|(at, _)| *at);
    let mut heading = heading.map(|(_, line)| line);
    let heights: Vec<usize> = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| entry.lines.len() + usize::from(headed == Some(i)))
        .collect();
    let visible = usize::from(area.height);
    let offset = first_visible_line(&heights, selected, visible);
    let rows = heights
        .iter()
        .enumerate()
        .flat_map(|(index, height)| std::iter::repeat_n(index, *height))
        .skip(offset)
        .take(visible);
    let rows: Vec<(Rect, usize)> = (area.y..)
        .zip(rows)
        .map(|(y, index)| {
            (
                Rect {
                    y,
                    height: 1,
                    ..area
                },
                index,
            )
        })
        .collect();
    let lines: Vec<Line> = entries
        .into_iter()
        .enumerate()
        .flat_map(|(i, entry)| {
            // The highlight goes on every line of the entry: a `Text`'s own style would be
            // lost when its lines are drawn, and the selection with it.
            let selected = i == selected;
            let heading = if headed == Some(i) {
                heading.take()
            } else {
                None
            };
            heading
                .into_iter()
                .chain(entry.lines.into_iter().map(move |line| {
                    if selected {
                        line.patch_style(highlight)
                    } else {
                        line
                    }
                }))
                .map(|line| fit_line(line, usize::from(area.width)))
        })
        .skip(offset)
        .take(visible)
        .collect();
    Paragraph::new(lines).style(text_style).render(area, buf);
    rows
}

fn characters(app: &App, theme: &Theme) -> PaneContent {
    let story = app.story();
    let scene = story.scene(app.scene());
    let items = scene
        .characters
        .iter()
        .map(|id| {
            let character = story.character(*id);
            Text::from(Line::from(vec![
                Span::styled(character.name.clone(), theme.title),
                Span::styled(format!(" · {}", app.reach().person(*id).role), theme.dim),
            ]))
        })
        .collect();
    let detail = scene
        .characters
        .get(app.selected(Pane::Characters))
        .map(|id| {
            let character = story.character(*id);
            let told = app.reach().person(*id);
            let mut facts = Vec::new();
            if let Some(dates) = told.life_dates() {
                facts.push(dates);
            }
            if !told.code_names.is_empty() {
                facts.push(format!("code names: {}", told.code_names.join(", ")));
            }
            let mut lines = Vec::new();
            if !facts.is_empty() {
                lines.push(Line::from(Span::styled(facts.join(" · "), theme.dim)));
            }
            // Hedged names on lines of their own, as uncertain as a disputed date.
            lines.extend(
                character
                    .identified_as
                    .iter()
                    .map(|hedged| Line::from(Span::styled(hedged.described(), theme.disputed))),
            );
            lines.extend(
                told.bio
                    .iter()
                    .map(|paragraph| Line::styled(paragraph.to_string(), theme.text)),
            );
            if told.untold > 0 {
                lines.push(super::entry::more_later(theme));
            }
            Text::from(lines)
        });
    PaneContent {
        items,
        heading: None,
        detail,
        empty: "No one is named in this scene.",
    }
}

/// Every footnote the scene cites, in full: the citation, then any note, wrapped to the pane;
/// then, under a heading of their own, the editor's notes its text marks.
fn footnotes(app: &App, theme: &Theme, width: usize) -> PaneContent {
    let story = app.story();
    let scene = story.scene(app.scene());
    let mut items: Vec<Text<'static>> = scene
        .footnotes
        .iter()
        .map(|id| {
            let footnote = story.footnote(*id);
            let marker = Span::styled(format!("[{}] ", footnote.number), theme.footnote_marker);
            let parts = [
                (footnote.citation.as_deref(), theme.text),
                (footnote.note.as_deref(), theme.dim),
            ];
            marked_entry(marker, &parts, width)
        })
        .collect();
    let heading = (!scene.editor_notes.is_empty()).then(|| {
        (
            items.len(),
            Line::styled(EditorNote::HEADING, theme.heading),
        )
    });
    items.extend(scene.editor_notes.iter().map(|id| {
        let note = story.editor_note(*id);
        let marker = Span::styled(format!("{} ", note.marker()), theme.editor_marker);
        marked_entry(marker, &[(Some(note.text.as_str()), theme.text)], width)
    }));
    PaneContent {
        items,
        heading,
        detail: None,
        empty: "This scene cites no sources.",
    }
}

/// A marker, then the parts there are, wrapped beside it to `width` columns.
fn marked_entry(
    marker: Span<'static>,
    parts: &[(Option<&str>, Style)],
    width: usize,
) -> Text<'static> {
    let indent = marker.width();
    let body_width = width.saturating_sub(indent).max(1);
    let lines: Vec<Line> = parts
        .iter()
        .filter_map(|(text, style)| Some((text.as_deref()?, *style)))
        .flat_map(|(text, style)| {
            wrap_words(text, body_width)
                .into_iter()
                .map(move |line| Span::styled(line, style))
        })
        .enumerate()
        .map(|(i, body)| {
            let lead = if i == 0 {
                marker.clone()
            } else {
                Span::raw(" ".repeat(indent))
            };
            Line::from(vec![lead, body])
        })
        .collect();
    Text::from(lines)
}

fn locations(app: &App, theme: &Theme) -> PaneContent {
    let story = app.story();
    let here = &story.scene(app.scene()).locations;
    // Places only scenes not shown yet hold are not listed to a follower.
    let items = app
        .listed_places()
        .iter()
        .map(|id| {
            let (marker, style) = if here.contains(id) {
                ("▶ ", theme.current_place)
            } else if is_visited(story, *id, app) {
                ("● ", theme.visited_place)
            } else {
                ("○ ", theme.unvisited_place)
            };
            let location = story.location(*id);
            let today = location
                .today()
                .map(|today| format!(" · {today}"))
                .unwrap_or_default();
            Text::from(Line::from(vec![
                Span::styled(marker, style),
                Span::styled(location.name.clone(), style),
                Span::styled(today, theme.dim),
            ]))
        })
        .collect();
    PaneContent {
        items,
        heading: None,
        detail: None,
        empty: "The story names no places.",
    }
}

/// A place is visited once the story has been there at or before the current scene.
fn is_visited(story: &Story, location: LocationId, app: &App) -> bool {
    story
        .first_visit(location)
        .is_some_and(|first| first <= app.scene())
}
