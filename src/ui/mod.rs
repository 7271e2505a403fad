//! Drawing: reads the app and the story, never changes them.

mod console;
mod entry;
mod footer;
mod header;
mod help;
pub mod hit;
pub mod layout;
mod map;
mod panes;
pub mod presentation;
pub mod scene;
pub mod theme;
pub mod timeline;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Tabs, Widget, Wrap};

use crate::app::{App, Mode, Overlay, Pane};
use crate::search::{Field, LISTED, Target};
use crate::story::SceneId;
use layout::Side;
use theme::THEME;

/// Draws the whole reader for the current state.
pub fn draw(frame: &mut Frame, app: &App) {
    frame.render_widget(Screen { app }, frame.area());
}

/// Everything on screen for the current state, as one widget: the reader, a presentation or the
/// console, with any overlay on top.
pub struct Screen<'a> {
    pub app: &'a App,
}

impl Widget for Screen<'_> {
    fn render(self, area: Rect, buffer: &mut Buffer) {
        let app = self.app;
        match app.mode() {
            Mode::Console => console::Console { app }.render(area, buffer),
            Mode::Presentation => {
                presentation::Presentation { app }.render(area, buffer);
                draw_overlay(app, area, buffer);
            }
            Mode::Reader => {
                draw_reader(app, area, buffer);
                draw_overlay(app, area, buffer);
            }
        }
    }
}

fn draw_reader(app: &App, area: Rect, buffer: &mut Buffer) {
    let layout = layout::reader(area, app.show_timeline());
    if layout.too_small {
        Paragraph::new("Terminal too small for izumi — make it larger")
            .style(THEME.dim)
            .wrap(Wrap { trim: true })
            .render(area, buffer);
        return;
    }
    header::Header { app }.render(layout.header, buffer);
    scene::ScenePane { app }.render(layout.scene, buffer);
    match layout.side {
        Side::Stacked {
            characters,
            footnotes,
            locations,
        } => {
            panes::render(app, Pane::Characters, characters, buffer);
            panes::render(app, Pane::Footnotes, footnotes, buffer);
            panes::render(app, Pane::Locations, locations, buffer);
        }
        Side::Tabbed { tabs, pane } => {
            let shown = app.side_pane();
            let titles = Pane::SIDE.iter().map(|p| Line::from(p.title()));
            let index = Pane::SIDE.iter().position(|p| *p == shown).unwrap_or(0);
            Tabs::new(titles)
                .select(index)
                .style(THEME.dim)
                .highlight_style(THEME.tab_active)
                .render(tabs, buffer);
            panes::render(app, shown, pane, buffer);
        }
        Side::Hidden => {}
    }
    if let Some(strip) = layout.timeline {
        let block = Block::new()
            .borders(ratatui::widgets::Borders::TOP)
            .border_style(THEME.border)
            .title(Line::styled(" Timeline ", THEME.pane_title));
        let inner = block.inner(strip);
        block.render(strip, buffer);
        timeline::Timeline { app }.render(inner, buffer);
    }
    footer::Footer {
        status: app.status(),
    }
    .render(layout.footer, buffer);
}

/// Draws the open overlay, if any, over whatever is on screen.
fn draw_overlay(app: &App, area: Rect, buffer: &mut Buffer) {
    if let Some(overlay) = app.overlay() {
        let content = overlay_content(app, overlay, area);
        let block = layout::pane_block()
            .border_style(THEME.border_focused)
            .title(content.title.clone())
            .title_style(THEME.pane_title);
        let scroll = scroll_keeping(&content, block.inner(content.area), app.overlay_scroll());
        Clear.render(content.area, buffer);
        Paragraph::new(content.text)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .render(content.area, buffer);
    }
}

/// What an overlay shows: where, its text, its title, and the line to keep in view.
pub(crate) struct OverlayContent {
    area: Rect,
    text: Text<'static>,
    title: String,
    keep_visible: Option<usize>,
}

/// Lays out an overlay. The box is as tall as its text needs, up to nearly the whole screen.
pub(crate) fn overlay_content(app: &App, overlay: Overlay, area: Rect) -> OverlayContent {
    let story = app.story();
    let scenes = app.pickable_scenes();
    let (max_width, text, title, keep_visible) = match overlay {
        Overlay::Help => (
            72,
            help::text(),
            " Keys — ? or Esc to close ".to_owned(),
            None,
        ),
        Overlay::Entry(entry) => {
            let mut text = entry::text(story, entry);
            let count = scenes.len();
            let heading = format!(
                "In {count} scene{} — ↑↓ pick, Enter go there",
                if count == 1 { "" } else { "s" }
            );
            let (lines, picked) =
                entry::scene_list(story, heading, &scenes, app.pick(), app.scene());
            text.lines.push(Line::default());
            let offset = text.lines.len();
            text.lines.extend(lines);
            let title = format!(" {} — Esc to close ", entry::title(story, entry));
            (84, text, title, Some(offset + picked))
        }
        Overlay::Glossary => {
            let (text, picked) = glossary_text(app);
            (
                84,
                text,
                " Glossary — type to search, Enter for its scenes, Esc to close ".to_owned(),
                Some(picked),
            )
        }
        Overlay::Search => {
            let inner = layout::pane_block().inner(layout::popup(area, 100)).width;
            let (text, picked) = search_text(app, usize::from(inner));
            (
                100,
                text,
                " Search — ↑↓ pick, Enter go there (then n/N), Esc to close ".to_owned(),
                Some(picked),
            )
        }
        Overlay::Problems => {
            let mut lines = vec![
                Line::styled(
                    "The story on screen is the last one that loaded. Fix these and save:",
                    THEME.dim,
                ),
                Line::default(),
            ];
            lines.extend(
                app.problems()
                    .iter()
                    .map(|problem| Line::styled(problem.clone(), THEME.disputed)),
            );
            (
                100,
                Text::from(lines),
                " The story has problems — Esc to close ".to_owned(),
                None,
            )
        }
        Overlay::Bookmarks => {
            let heading = if scenes.is_empty() {
                "No bookmarks yet: B bookmarks the scene you are on."
            } else {
                "↑↓ pick, Enter go there, Delete or x remove"
            };
            let (text, picked) = scene_list_text(app, &scenes, heading);
            (
                84,
                text,
                " Bookmarks — ' or Esc to close ".to_owned(),
                picked,
            )
        }
        Overlay::Timeline => {
            let heading = "Every scene by date — ↑↓ pick, Enter go there, Backspace come back";
            let (text, picked) = scene_list_text(app, &scenes, heading);
            (
                100,
                text,
                " Timeline — t or Esc to close ".to_owned(),
                picked,
            )
        }
    };
    let widest = layout::popup(area, max_width);
    let needed = wrapped_height(&text, layout::pane_block().inner(widest).width) + 2;
    let height = needed.min(widest.height);
    let popup = Rect {
        y: widest.y + (widest.height - height) / 2,
        height,
        ..widest
    };
    OverlayContent {
        area: popup,
        text,
        title,
        keep_visible,
    }
}

/// A list of scenes to pick from under a heading, and the picked line.
fn scene_list_text(app: &App, scenes: &[SceneId], heading: &str) -> (Text<'static>, Option<usize>) {
    let (lines, picked) = entry::scene_list(
        app.story(),
        heading.to_owned(),
        scenes,
        app.pick(),
        app.scene(),
    );
    (Text::from(lines), Some(picked))
}

/// The search view: the query, how many hits, then each hit with what it is and the match in
/// its context, the picked one highlighted. Returns the text and the picked line.
fn search_text(app: &App, width: usize) -> (Text<'static>, usize) {
    let story = app.story();
    let hits = app.hits();
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Search: ", THEME.dim),
            Span::styled(format!("{}▏", app.query()), THEME.key),
            Span::styled(
                match (app.query().trim().is_empty(), hits.len()) {
                    (true, _) => String::new(),
                    (false, 1) => "   1 hit".to_owned(),
                    (false, n) => format!("   {n} hits"),
                },
                THEME.dim,
            ),
        ]),
        Line::default(),
    ];
    if !app.query().trim().is_empty() && hits.is_empty() {
        lines.push(Line::styled("Nothing found.", THEME.dim));
    }
    let Some(index) = app.search_index() else {
        return (Text::from(lines), 0);
    };
    for (i, hit) in hits.iter().take(LISTED).enumerate() {
        let (kind, name) = match hit.target {
            Target::Scene(id) => (
                format!("scene {}", id.index() + 1),
                story.scene(id).title.clone(),
            ),
            Target::Character(id) => ("person".to_owned(), story.character(id).name.clone()),
            Target::Footnote(id) => (
                "footnote".to_owned(),
                format!("[{}]", story.footnote(id).number),
            ),
            Target::Term(id) => ("glossary".to_owned(), story.term(id).term.clone()),
        };
        let mut spans = vec![
            Span::styled(format!("{kind:>9}  "), THEME.dim),
            Span::styled(name.clone(), THEME.title),
        ];
        // The context fills the rest of the line, so that each hit stays on one.
        let room = width.saturating_sub(11 + name.chars().count() + 3);
        if hit.field != Field::Name && room > 8 {
            let (before, matched, after) = index.context(hit, room);
            spans.push(Span::styled(" — ", THEME.dim));
            spans.push(Span::styled(before, THEME.text));
            spans.push(Span::styled(matched, THEME.search_hit));
            spans.push(Span::styled(after, THEME.text));
        }
        let mut line = Line::from(spans);
        if i == app.pick() {
            line = line.patch_style(THEME.selected);
        }
        lines.push(line);
    }
    if hits.len() > LISTED {
        lines.push(Line::styled(
            format!("… and {} more: type on to narrow them", hits.len() - LISTED),
            THEME.dim,
        ));
    }
    (Text::from(lines), 2 + app.pick())
}

/// The glossary view: the search, then each matching term with its definition, the picked one
/// highlighted. Returns the text and the picked line.
fn glossary_text(app: &App) -> (Text<'static>, usize) {
    let story = app.story();
    let terms = app.pickable_terms();
    let here = &story.scene(app.scene()).terms;
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Search: ", THEME.dim),
            Span::styled(format!("{}▏", app.search()), THEME.key),
        ]),
        Line::default(),
    ];
    if terms.is_empty() {
        lines.push(Line::styled("No term starts with that.", THEME.dim));
    }
    for (i, id) in terms.iter().enumerate() {
        let term = story.term(*id);
        let marker = if here.contains(id) { "▶ " } else { "  " };
        let mut line = Line::from(vec![
            Span::styled(marker, THEME.current_place),
            Span::styled(term.term.clone(), THEME.title),
            Span::styled(format!(" — {}", term.definition), THEME.text),
        ]);
        if i == app.pick() {
            line = line.patch_style(THEME.selected);
        }
        lines.push(line);
    }
    (Text::from(lines), 2 + app.pick())
}

fn wrapped_height(text: &Text<'static>, width: u16) -> u16 {
    let lines = Paragraph::new(text.clone())
        .wrap(Wrap { trim: false })
        .line_count(width);
    u16::try_from(lines).unwrap_or(u16::MAX)
}

/// How far an overlay can scroll before its last line reaches the bottom.
pub fn overlay_max_scroll(app: &App, overlay: Overlay, area: Rect) -> u16 {
    let content = overlay_content(app, overlay, area);
    let inner = layout::pane_block().inner(content.area);
    wrapped_height(&content.text, inner.width).saturating_sub(inner.height)
}

/// The scroll that shows the reader's scroll position, moved just enough to keep a line in view.
fn scroll_keeping(content: &OverlayContent, inner: Rect, scroll: u16) -> u16 {
    let Some(line) = content.keep_visible else {
        return scroll;
    };
    let before = Text::from(content.text.lines[..line.min(content.text.lines.len())].to_vec());
    let top = wrapped_height(&before, inner.width);
    if top < scroll {
        top
    } else if top >= scroll + inner.height {
        top + 1 - inner.height
    } else {
        scroll
    }
}

/// A one-line area split into what fits on the left and a right-aligned part.
fn split_right(area: Rect, right_width: usize) -> [Rect; 2] {
    let right = u16::try_from(right_width)
        .unwrap_or(u16::MAX)
        .min(area.width);
    ratatui::layout::Layout::horizontal([Constraint::Fill(1), Constraint::Length(right)])
        .areas(area)
}
