//! Drawing: reads the app, its theme and its keys, never changes them, and measures what it
//! drew (the scene's and overlay's text, where each list row and footnote marker went), for the
//! app to scroll and hit-test with.

mod console;
mod entry;
mod footer;
mod header;
mod help;
pub mod layout;
mod map;
mod panes;
mod presentation;
mod scene;
pub mod theme;
pub mod timeline;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Tabs, Widget, Wrap};

use crate::app::{App, Command, Geometry, KeyMode, Mode, Overlay, Pane, Spot, TextBox};
use crate::keymap::Keymap;
use crate::search::{Field, LISTED};
use crate::story::{EpisodeId, SceneId, Story};
use layout::Side;
use theme::Theme;

/// Draws the whole screen for the current state and returns where everything went.
pub fn draw(frame: &mut ratatui::Frame, app: &App, theme: &Theme, keys: &Keymap) -> Geometry {
    let area = frame.area();
    Screen { app, theme, keys }.draw(area, frame.buffer_mut())
}

/// Everything on screen for the current state: the reader, a presentation or the console, with
/// any overlay on top.
#[derive(Clone, Copy)]
pub struct Screen<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
    pub keys: &'a Keymap,
}

impl Screen<'_> {
    /// Draws into `buffer` and returns where everything went.
    pub fn draw(self, area: Rect, buffer: &mut Buffer) -> Geometry {
        let mut geometry = Geometry::default();
        match self.app.mode() {
            Mode::Console => console::Console {
                app: self.app,
                theme: self.theme,
                keys: self.keys,
            }
            .render(area, buffer),
            Mode::Presentation => {
                geometry.scene = Some(
                    presentation::Presentation {
                        app: self.app,
                        theme: self.theme,
                    }
                    .draw(area, buffer),
                );
            }
            Mode::Reader => self.draw_reader(area, buffer, &mut geometry),
        }
        self.draw_overlay(area, buffer, &mut geometry);
        geometry
    }

    fn draw_reader(self, area: Rect, buffer: &mut Buffer, geometry: &mut Geometry) {
        let Screen { app, theme, keys } = self;
        let layout = layout::reader(area, app.show_timeline());
        if layout.too_small {
            Paragraph::new("Terminal too small for izumi — make it larger")
                .style(theme.dim)
                .wrap(Wrap { trim: true })
                .render(area, buffer);
            return;
        }
        header::Header { app, theme }.render(layout.header, buffer);
        geometry.spots.push((layout.scene, Spot::Pane(Pane::Scene)));
        geometry.scene = Some(scene::ScenePane { app, theme }.draw(layout.scene, buffer, geometry));
        match layout.side {
            Side::Stacked {
                characters,
                footnotes,
                locations,
            } => {
                for (pane, area) in [
                    (Pane::Characters, characters),
                    (Pane::Footnotes, footnotes),
                    (Pane::Locations, locations),
                ] {
                    panes::SidePane { app, theme, pane }.draw(area, buffer, geometry);
                }
            }
            Side::Tabbed { tabs, pane } => {
                let shown = app.side_pane();
                let titles = Pane::SIDE.iter().map(|p| Line::from(p.title()));
                let index = Pane::SIDE.iter().position(|p| *p == shown).unwrap_or(0);
                Tabs::new(titles)
                    .select(index)
                    .style(theme.dim)
                    .highlight_style(theme.tab_active)
                    .render(tabs, buffer);
                // Tabs are drawn as " title " with a divider between.
                let mut x = tabs.x;
                for side in Pane::SIDE {
                    let width = u16::try_from(side.title().chars().count()).unwrap_or(0) + 2;
                    let tab = Rect { x, width, ..tabs }.intersection(tabs);
                    geometry.spots.push((tab, Spot::Pane(side)));
                    x = x.saturating_add(width + 1);
                }
                panes::SidePane {
                    app,
                    theme,
                    pane: shown,
                }
                .draw(pane, buffer, geometry);
            }
            Side::Hidden => {}
        }
        if let Some(strip) = layout.timeline {
            let block = Block::new()
                .borders(ratatui::widgets::Borders::TOP)
                .border_style(theme.border)
                .title(Line::styled(" Timeline ", theme.pane_title));
            let inner = block.inner(strip);
            block.render(strip, buffer);
            timeline::Timeline { app, theme }.render(inner, buffer);
        }
        footer::Footer {
            status: app.status(),
            hints: keys.footer_hints(app.screen_key_mode()),
            theme,
        }
        .render(layout.footer, buffer);
    }

    /// Draws the open overlay, if any, over whatever is on screen.
    fn draw_overlay(self, area: Rect, buffer: &mut Buffer, geometry: &mut Geometry) {
        let Some(overlay) = self.app.overlay() else {
            return;
        };
        let content = self.overlay_content(overlay, area);
        let block = layout::pane_block()
            .border_style(self.theme.border_focused)
            .title(content.title.clone())
            .title_style(self.theme.pane_title);
        let inner = block.inner(content.area);
        let text = TextBox {
            area: inner,
            lines: wrapped_height(&content.text, inner.width),
        };
        // Drawing clamps the scroll itself: the app learns the limit from this frame.
        let scroll = scroll_keeping(
            &content,
            inner,
            self.app.overlay_scroll().min(text.max_scroll()),
        );
        Clear.render(content.area, buffer);
        Paragraph::new(content.text)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .render(content.area, buffer);
        geometry.overlay = Some(text);
        geometry.spots.push((area, Spot::Outside));
        geometry.spots.push((content.area, Spot::Overlay));
    }

    /// Lays out an overlay. The box is as tall as its text needs, up to nearly the whole screen.
    fn overlay_content(self, overlay: Overlay, area: Rect) -> OverlayContent {
        let Screen { app, theme, keys } = self;
        let story = app.story();
        let scenes = app.pickable_scenes();
        // Hints come from the keys that work now: the screen's, or typing's in a search.
        let mode = app.key_mode();
        let screen = app.screen_key_mode();
        let hints = |parts: &[Option<String>]| -> String {
            parts
                .iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        };
        let pick = keys.hint(mode, &[Command::Up, Command::Down], "pick");
        let go = keys.hint(mode, &[Command::Open], "go there");
        let close = |commands: &[Command]| {
            let keys: Vec<String> = commands
                .iter()
                .filter_map(|command| keys.key(mode, *command))
                .collect();
            if keys.is_empty() {
                String::new()
            } else {
                format!(" — {} to close", keys.join(" or "))
            }
        };
        let (max_width, text, title, keep_visible) = match overlay {
            Overlay::Help => (
                72,
                help::text(keys.bindings(screen), screen, theme),
                format!(
                    " Keys for {}{} ",
                    describes(screen),
                    close(&[Command::ToggleHelp, Command::Back])
                ),
                None,
            ),
            Overlay::Entry(entry) => {
                let mut text = entry::text(story, entry, theme);
                let count = scenes.len();
                let heading = format!(
                    "In {count} scene{} — {}",
                    if count == 1 { "" } else { "s" },
                    hints(&[pick, go])
                );
                let (lines, picked) =
                    entry::scene_list(story, heading, &scenes, app.pick(), app.scene(), theme);
                text.lines.push(Line::default());
                let offset = text.lines.len();
                text.lines.extend(lines);
                let title = format!(
                    " {}{} ",
                    entry::title(story, entry),
                    close(&[Command::Back])
                );
                (84, text, title, Some(offset + picked))
            }
            Overlay::Glossary => {
                let (text, picked) = glossary_text(app, theme);
                let title = format!(
                    " Glossary — {}{} ",
                    hints(&[
                        Some("type to search".to_owned()),
                        keys.hint(mode, &[Command::Open], "for its scenes"),
                    ]),
                    close(&[Command::Back])
                );
                (84, text, title, Some(picked))
            }
            Overlay::Search => {
                let inner = layout::pane_block().inner(layout::popup(area, 100)).width;
                let (text, picked) = search_text(app, theme, usize::from(inner));
                let then = keys
                    .hint(screen, &[Command::NextHit, Command::PreviousHit], "")
                    .map(|keys| format!(" (then {})", keys.trim_end()));
                let go = go.map(|go| go + &then.unwrap_or_default());
                let title = format!(
                    " Search — {}{} ",
                    hints(&[pick, go]),
                    close(&[Command::Back])
                );
                (100, text, title, Some(picked))
            }
            Overlay::Problems => {
                let mut lines = vec![
                    Line::styled(
                        "The story on screen is the last one that loaded. Fix these and save:",
                        theme.dim,
                    ),
                    Line::default(),
                ];
                lines.extend(
                    app.problems()
                        .iter()
                        .map(|problem| Line::styled(problem.clone(), theme.disputed)),
                );
                let title = format!(" The story has problems{} ", close(&[Command::Back]));
                (100, Text::from(lines), title, None)
            }
            Overlay::Bookmarks => {
                let heading = if scenes.is_empty() {
                    match keys.key(mode, Command::ToggleBookmark) {
                        Some(key) => {
                            format!("No bookmarks yet: {key} bookmarks the scene you are on.")
                        }
                        None => "No bookmarks yet.".to_owned(),
                    }
                } else {
                    hints(&[pick, go, keys.hint(mode, &[Command::Remove], "remove")])
                };
                let (text, picked) = scene_list_text(app, theme, &scenes, heading);
                let title = format!(
                    " Bookmarks{} ",
                    close(&[Command::ShowBookmarks, Command::Back])
                );
                (84, text, title, picked)
            }
            Overlay::Timeline => {
                let heading = format!(
                    "Every scene by date — {}",
                    hints(&[pick, go, keys.hint(mode, &[Command::GoBack], "come back")])
                );
                let (text, picked) = scene_list_text(app, theme, &scenes, heading);
                let title = format!(
                    " Timeline{} ",
                    close(&[Command::ShowTimeline, Command::Back])
                );
                (100, text, title, picked)
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
}

/// What an overlay shows: where, its text, its title, and the line to keep in view.
struct OverlayContent {
    area: Rect,
    text: Text<'static>,
    title: String,
    keep_visible: Option<usize>,
}

/// "Episode 7/14": where an episode is in the story, the same on every screen.
pub fn episode_position(story: &Story, episode: EpisodeId) -> String {
    format!("Episode {}/{}", episode.index() + 1, story.episodes.len())
}

/// A list of scenes to pick from under a heading, and the picked line.
fn scene_list_text(
    app: &App,
    theme: &Theme,
    scenes: &[SceneId],
    heading: String,
) -> (Text<'static>, Option<usize>) {
    let (lines, picked) =
        entry::scene_list(app.story(), heading, scenes, app.pick(), app.scene(), theme);
    (Text::from(lines), Some(picked))
}

/// The search view: the query, how many hits, then each hit with what it is and the match in
/// its context, the picked one highlighted. Returns the text and the picked line.
fn search_text(app: &App, theme: &Theme, width: usize) -> (Text<'static>, usize) {
    let story = app.story();
    let hits = app.hits();
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Search: ", theme.dim),
            Span::styled(format!("{}▏", app.query()), theme.key),
            Span::styled(
                match (app.query().trim().is_empty(), hits.len()) {
                    (true, _) => String::new(),
                    (false, 1) => "   1 hit".to_owned(),
                    (false, n) => format!("   {n} hits"),
                },
                theme.dim,
            ),
        ]),
        Line::default(),
    ];
    if !app.query().trim().is_empty() && hits.is_empty() {
        lines.push(Line::styled("Nothing found.", theme.dim));
    }
    let Some(index) = app.search_index() else {
        return (Text::from(lines), 0);
    };
    for (i, hit) in hits.iter().take(LISTED).enumerate() {
        let kind = match hit.target {
            crate::search::Target::Scene(id) => {
                format!("{} {}", hit.target.kind(), id.index() + 1)
            }
            _ => hit.target.kind().to_owned(),
        };
        let name = hit.target.name(story);
        let mut spans = vec![
            Span::styled(format!("{kind:>9}  "), theme.dim),
            Span::styled(name.clone(), theme.title),
        ];
        // The context fills the rest of the line, so that each hit stays on one.
        let room = width.saturating_sub(11 + name.chars().count() + 3);
        if hit.field != Field::Name && room > 8 {
            let (before, matched, after) = index.context(hit, room);
            spans.push(Span::styled(" — ", theme.dim));
            spans.push(Span::styled(before, theme.text));
            spans.push(Span::styled(matched, theme.search_hit));
            spans.push(Span::styled(after, theme.text));
        }
        let mut line = Line::from(spans);
        if i == app.pick() {
            line = line.patch_style(theme.selected);
        }
        lines.push(line);
    }
    if hits.len() > LISTED {
        lines.push(Line::styled(
            format!("… and {} more: type on to narrow them", hits.len() - LISTED),
            theme.dim,
        ));
    }
    (Text::from(lines), 2 + app.pick())
}

/// The glossary view: the search, then each matching term with its definition, the picked one
/// highlighted. Returns the text and the picked line.
fn glossary_text(app: &App, theme: &Theme) -> (Text<'static>, usize) {
    let story = app.story();
    let terms = app.pickable_terms();
    let here = &story.scene(app.scene()).terms;
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Search: ", theme.dim),
            Span::styled(format!("{}▏", app.search()), theme.key),
        ]),
        Line::default(),
    ];
    if terms.is_empty() {
        lines.push(Line::styled("No term starts with that.", theme.dim));
    }
    for (i, id) in terms.iter().enumerate() {
        let term = story.term(*id);
        let marker = if here.contains(id) { "▶ " } else { "  " };
        let mut line = Line::from(vec![
            Span::styled(marker, theme.current_place),
            Span::styled(term.term.clone(), theme.title),
            Span::styled(format!(" — {}", term.definition), theme.text),
        ]);
        if i == app.pick() {
            line = line.patch_style(theme.selected);
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

/// What the reader is doing in a mode, for the help's title.
pub fn describes(mode: KeyMode) -> &'static str {
    match mode {
        KeyMode::Reader => "reading",
        KeyMode::Following => "following",
        KeyMode::Presenting => "presenting",
        KeyMode::Console => "the console",
        KeyMode::Typing => "typing",
    }
}
