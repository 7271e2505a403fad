//! The presentation: one thing at a time, readable from the back of a classroom. The scene title
//! in big letters when it fits, the text with wide margins, a discreet progress line; a full
//! panel of people, map or footnotes on demand; a black screen when the teacher wants attention.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};

use super::split;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use tui_big_text::{BigText, PixelSize};

use super::theme::Theme;
use super::{class, map, panes, scene};
use crate::app::{App, Geometry, Pane, Panel, TextBox};
use crate::story::{SceneId, Story};

/// The widest the text runs, for comfortable reading at a distance.
const TEXT_WIDTH: u16 = 72;

/// The presentation of the current scene.
pub struct Presentation<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
}

/// The big-letter sizes to try, largest first, with the cells one letter takes (columns, rows).
const BIG_SIZES: [(PixelSize, u16, u16); 3] = [
    (PixelSize::HalfHeight, 8, 4),
    (PixelSize::Quadrant, 4, 4),
    (PixelSize::Sextant, 4, 3),
];

/// The big-letter size for a title in a given width, if any fits: the font has ASCII letters
/// only, and a title in big letters must leave room for at least ten lines of text.
fn big_size(title: &str, width: u16, height: u16) -> Option<(PixelSize, u16)> {
    if !title.is_ascii() {
        return None;
    }
    let letters = u16::try_from(title.chars().count()).unwrap_or(u16::MAX);
    BIG_SIZES
        .into_iter()
        .find(|(_, columns, rows)| letters.saturating_mul(*columns) <= width && height >= rows + 14)
        .map(|(size, _, rows)| (size, rows))
}

/// The column of text, centred, with its margins.
fn column(area: Rect) -> Rect {
    let width = TEXT_WIDTH
        .min(area.width.saturating_sub(4))
        .max(area.width.min(10));
    split::centre_column(area, width)
}

/// The areas of a presentation: how to join, title, scene text, progress line.
fn areas(story: &Story, scene: SceneId, area: Rect) -> [Rect; 4] {
    let title = &story.scene(scene).title;
    let title_height = big_size(title, column(area).width, area.height).map_or(1, |(_, rows)| rows);
    let [invitation, title_area, _, text, _, progress] = split::rows(
        area,
        [
            Constraint::Length(1),
            Constraint::Length(title_height),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ],
    );
    [invitation, column(title_area), column(text), progress]
}

impl Presentation<'_> {
    /// Draws the presentation and returns the scene text's box (empty when not shown).
    pub fn draw(self, area: Rect, buf: &mut Buffer) -> TextBox {
        let theme = self.theme;
        Block::new().style(theme.stage).render(area, buf);
        let mut text = TextBox::default();
        if self.app.is_blank() {
            return text;
        }
        let story = self.app.story();
        let id = self.app.scene();
        let [invitation_area, title_area, text_area, progress_area] = areas(story, id, area);
        invitation(self.app, theme, invitation_area.width).render(invitation_area, buf);
        // A student's question in the spotlight, or the question put to the class, fills the
        // stage between the invitation and the progress line.
        let stage = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(2),
            ..area
        };
        if let Some(posted) = self.app.spotlit() {
            class::StageSpotlight { posted, theme }.render(stage, buf);
            progress(self.app, theme).render(progress_area, buf);
            return text;
        }
        if let Some(poll) = &self.app.class().poll {
            class::StageQuestion {
                app: self.app,
                poll,
                theme,
            }
            .render(stage, buf);
            progress(self.app, theme).render(progress_area, buf);
            return text;
        }

        match self.app.panel() {
            Panel::None => {
                let title = &story.scene(id).title;
                match big_size(title, title_area.width, area.height) {
                    Some((size, _)) => BigText::builder()
                        .pixel_size(size)
                        .style(theme.stage_title)
                        .lines(vec![Line::from(title.clone())])
                        .centered()
                        .build()
                        .render(title_area, buf),
                    None => Paragraph::new(Line::from(title.clone()).centered())
                        .style(theme.stage_title)
                        .render(title_area, buf),
                }
                let lines: Vec<Line> = scene::wrapped(story, id, "", text_area.width, theme)
                    .into_iter()
                    .map(|line| line.spans)
                    .collect();
                text = TextBox {
                    area: text_area,
                    lines: u16::try_from(lines.len()).unwrap_or(u16::MAX),
                };
                Paragraph::new(lines)
                    .style(theme.stage)
                    .scroll((self.app.scene_scroll().min(text.max_scroll()), 0))
                    .render(text_area, buf);
            }
            Panel::People | Panel::Footnotes => {
                let pane = if self.app.panel() == Panel::People {
                    Pane::Characters
                } else {
                    Pane::Footnotes
                };
                // A presentation takes no clicks: where the entries went is not kept.
                panes::SidePane {
                    app: self.app,
                    theme,
                    pane,
                }
                .draw(panel_area(area), buf, &mut Geometry::default());
            }
            Panel::Map => {
                let block = Block::bordered().title(" Map ").style(theme.stage);
                let inner = block.inner(panel_area(area));
                block.render(panel_area(area), buf);
                map::MapView {
                    app: self.app,
                    theme,
                }
                .render(inner, buf);
            }
        }
        progress(self.app, theme).render(progress_area, buf);
        text
    }
}

/// How students join, on the top line: as many of the invitations as fit, in order.
fn invitation(app: &App, theme: &Theme, width: u16) -> Paragraph<'static> {
    const GAP: &str = "   ";
    let mut line = String::new();
    for part in app.invitations() {
        let joined = if line.is_empty() {
            part.clone()
        } else {
            format!("{line}{GAP}{part}")
        };
        if unicode_width::UnicodeWidthStr::width(joined.as_str()) > usize::from(width) {
            break;
        }
        line = joined;
    }
    Paragraph::new(Line::from(line).centered()).style(theme.stage_progress)
}

/// A full panel leaves the progress line free.
fn panel_area(area: Rect) -> Rect {
    Rect {
        height: area.height.saturating_sub(2),
        ..area
    }
}

/// "Episode 7/14 · Prague    scene 3/11 · 28 of 86", and the scene number being typed.
fn progress(app: &App, theme: &Theme) -> Paragraph<'static> {
    let story = app.story();
    let scene = app.scene();
    let episode = app.episode();
    let mut spans = vec![Span::styled(
        format!(
            "{} · {}    scene {}/{} · {} of {}",
            story.episode_position(episode),
            story.episode(episode).title,
            story.scene_number_in_episode(scene),
            story.episode(episode).scenes.len(),
            scene.index() + 1,
            story.scenes.len()
        ),
        theme.stage_progress,
    )];
    let timer = app.timer();
    if timer.is_running() || !timer.elapsed().is_zero() {
        let seconds = timer.elapsed().as_secs();
        let paused = if timer.is_running() { "" } else { " (paused)" };
        spans.push(Span::styled(
            format!("    {:02}:{:02}{paused}", seconds / 60, seconds % 60),
            theme.stage_progress,
        ));
    }
    if !app.typed_number().is_empty() {
        spans.push(Span::styled(
            format!("    go to scene {}▏ Enter", app.typed_number()),
            theme.stage_title,
        ));
    }
    // A message (what a key could not do) replaces the progress until the next key.
    if let Some(status) = app.status() {
        spans = vec![Span::styled(status.to_owned(), theme.stage_title)];
    }
    Paragraph::new(Line::from(spans).centered()).style(theme.stage_progress)
}
