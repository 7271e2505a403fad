//! The presentation: one thing at a time, readable from the back of a classroom. The scene title
//! in big letters when it fits, the text with wide margins, a discreet progress line; a full
//! panel of people, map or footnotes on demand; a black screen when the teacher wants attention.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};

use super::split;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget};
use tui_big_text::{BigText, PixelSize};

use super::question::ellipsis;
use super::theme::Theme;
use super::{class, map, panes, scene, timeline};
use crate::app::{App, Geometry, Pane, Panel, TextBox};
use crate::geo::timescale::{Place, Timescale};
use crate::story::{DateRange, Day, Scene, Story};
use crate::wrap::cells;
use unicode_width::UnicodeWidthStr;

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

/// Rows the scene's text keeps whatever the title: big letters never take them.
const TEXT_ROWS: u16 = 20;

/// Rows around the title and the text: the invitation, the date and place, the timeline strip,
/// a blank row, the "more" row and the progress line.
const FRAME_ROWS: u16 = 6;

/// The big-letter size for the titles of a whole story, if any: one rule for every scene, so
/// that titles do not change style from scene to scene. Big letters only when every title is
/// ASCII (the font has no other letters) and fits the width at that size, and the text keeps
/// [`TEXT_ROWS`] rows; otherwise every title is plain bold.
fn big_size(story: &Story, width: u16, height: u16) -> Option<(PixelSize, u16)> {
    let longest =
        story
            .scenes
            .iter()
            .map(|scene| &scene.title)
            .try_fold(0_u16, |longest, title| {
                title
                    .is_ascii()
                    .then(|| longest.max(u16::try_from(title.chars().count()).unwrap_or(u16::MAX)))
            })?;
    BIG_SIZES
        .into_iter()
        .find(|(_, columns, rows)| {
            longest.saturating_mul(*columns) <= width && height >= rows + FRAME_ROWS + TEXT_ROWS
        })
        .map(|(size, _, rows)| (size, rows))
}

/// The column of text, centred, with its margins.
fn column(area: Rect) -> Rect {
    let width = TEXT_WIDTH
        .min(area.width.saturating_sub(4))
        .max(area.width.min(10));
    split::centre_column(area, width)
}

/// Where a presentation's parts go.
struct Areas {
    invitation: Rect,
    title: Rect,
    /// The scene's date and place, under the title.
    subtitle: Rect,
    /// Where the scene's date sits in the story's span.
    strip: Rect,
    text: Rect,
    /// "more ↓" when the text goes on below.
    more: Rect,
    progress: Rect,
}

/// The areas of a presentation: how to join, title, date and place, timeline strip, scene
/// text, "more", progress line.
fn areas(story: &Story, area: Rect) -> Areas {
    let title_height = big_size(story, column(area).width, area.height).map_or(1, |(_, rows)| rows);
    let [invitation, title, subtitle, strip, _, text, more, progress] = split::rows(
        area,
        [
            Constraint::Length(1),
            Constraint::Length(title_height),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ],
    );
    Areas {
        invitation,
        title: column(title),
        subtitle: Rect {
            x: subtitle.x + 2.min(subtitle.width / 2),
            width: subtitle.width.saturating_sub(4),
            ..subtitle
        },
        strip: column(strip),
        text: column(text),
        more: column(more),
        progress,
    }
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
        let Areas {
            invitation: invitation_area,
            title: title_area,
            subtitle: subtitle_area,
            strip: strip_area,
            text: text_area,
            more: more_area,
            progress: progress_area,
        } = areas(story, area);
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
                let scene = story.scene(id);
                let title = &scene.title;
                match big_size(story, title_area.width, area.height) {
                    Some((size, _)) => BigText::builder()
                        .pixel_size(size)
                        .style(theme.stage_title)
                        .lines(vec![Line::from(title.clone())])
                        .centered()
                        .build()
                        .render(title_area, buf),
                    None => Paragraph::new(
                        Line::from(ellipsis(title, usize::from(title_area.width))).centered(),
                    )
                    .style(theme.stage_title)
                    .render(title_area, buf),
                }
                subtitle(story, scene, theme, subtitle_area.width).render(subtitle_area, buf);
                Strip {
                    story,
                    scene,
                    theme,
                }
                .render(strip_area, buf);
                let lines: Vec<Line> = scene::wrapped(story, id, "", text_area.width, theme)
                    .iter()
                    .map(|line| line.spans.clone())
                    .collect();
                text = TextBox {
                    area: text_area,
                    lines: u16::try_from(lines.len()).unwrap_or(u16::MAX),
                };
                let scroll = self.app.scene_scroll().min(text.max_scroll());
                Paragraph::new(lines)
                    .style(theme.stage)
                    .scroll((scroll, 0))
                    .render(text_area, buf);
                more(scroll, text.max_scroll(), theme).render(more_area, buf);
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
            Panel::Timeline => {
                let block = Block::bordered().title(" Timeline ").style(theme.stage);
                let inner = block.inner(panel_area(area));
                block.render(panel_area(area), buf);
                TimelinePanel {
                    app: self.app,
                    theme,
                }
                .render(inner, buf);
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
    if !crate::invite::others_can_join(app.invitations()) {
        // Said plainly, before the addresses, so that nobody tries them from a phone.
        let first = app
            .invitations()
            .iter()
            .find(|line| line.starts_with("http://"))
            .or_else(|| app.invitations().first())
            .cloned()
            .unwrap_or_default();
        let warning = format!("{first} — {}", crate::invite::THIS_MACHINE_ONLY);
        return Paragraph::new(Line::from(ellipsis(&warning, usize::from(width))).centered())
            .style(theme.stage_title);
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

/// The scene's date and place under its title, as presenterm and reveal.js put a subtitle: a
/// disputed date gives every reading, with whose it is where that fits, else without.
fn subtitle(story: &Story, scene: &Scene, theme: &Theme, width: u16) -> Paragraph<'static> {
    let places = story.place_names(scene);
    let with_places = |date: String| {
        if places.is_empty() {
            date
        } else {
            format!("{date} · {places}")
        }
    };
    let full = with_places(scene.date.to_string());
    let text = if scene.date.is_disputed() && full.width() > usize::from(width) {
        // Every reading still shows; whose each is, is in the timeline view and the notes.
        let readings: Vec<&str> = scene
            .date
            .claims()
            .iter()
            .map(|claim| claim.text.as_str())
            .collect();
        with_places(format!("{} (disputed)", readings.join(" or ")))
    } else {
        full
    };
    let style = if scene.date.is_disputed() {
        theme.stage_title
    } else {
        theme.stage_progress
    };
    Paragraph::new(Line::styled(ellipsis(&text, usize::from(width)), style).centered())
        .style(theme.stage)
}

/// "more ↓" at the foot of the text while it goes on below, "↑" once scrolled to its end.
fn more(scroll: u16, max_scroll: u16, theme: &Theme) -> Paragraph<'static> {
    let text = if scroll < max_scroll {
        "more ↓"
    } else if scroll > 0 {
        "↑ above"
    } else {
        ""
    };
    Paragraph::new(Line::from(text).right_aligned()).style(theme.stage_progress)
}

/// One row: the story's span as a line between its first and last year, zoomed as the timeline
/// is to the years where most scenes happen (outlying years past a `╱` at either end), and where
/// the scene's date sits on it: `●` a day or a short time, `━` a longer span, `?` each reading of
/// a disputed date (every one of them shown).
struct Strip<'a> {
    story: &'a Story,
    scene: &'a Scene,
    theme: &'a Theme,
}

impl Widget for Strip<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let Strip {
            story,
            scene,
            theme,
        } = self;
        let scale = Timescale::of(story);
        let left = match scale.earlier {
            Some(year) => format!("{year} ╱ {}", scale.first),
            None => scale.first.to_string(),
        };
        let right = match scale.later {
            Some(year) => format!("{} ╱ {year}", scale.last),
            None => scale.last.to_string(),
        };
        let (left_cells, right_cells) = (cells(&left), cells(&right));
        let labels = u16::try_from(left_cells + right_cells + 2).unwrap_or(u16::MAX);
        if area.height == 0 || area.width < labels + 8 {
            return;
        }
        let bar = Rect {
            x: area.x + u16::try_from(left_cells + 1).unwrap_or(0),
            width: area.width - labels,
            ..area
        };
        buf.set_string(area.x, area.y, &left, theme.stage_progress);
        buf.set_string(bar.right() + 1, area.y, &right, theme.stage_progress);
        for x in bar.left()..bar.right() {
            buf.set_string(x, area.y, "─", theme.stage_progress);
        }
        let column = |day: Day| match scale.place(day) {
            Place::Before => bar.x,
            Place::After => bar.right() - 1,
            Place::On(fraction) => {
                bar.x + (fraction.clamp(0.0, 1.0) * f64::from(bar.width - 1)).round() as u16
            }
        };
        let span = |range: DateRange| (column(range.start), column(range.end));
        let disputed = scene.date.is_disputed();
        let mut marked: Vec<u16> = Vec::new();
        for claim in scene.date.claims() {
            let (from, to) = span(claim.range);
            if to > from + 1 {
                for x in from..=to {
                    buf.set_string(x, area.y, "━", theme.stage_title);
                }
            }
            let mark = if disputed { "?" } else { "●" };
            // Readings close together still get a mark each, side by side.
            let mut middle = from + (to - from) / 2;
            while marked.contains(&middle) && middle + 1 < bar.right() {
                middle += 1;
            }
            marked.push(middle);
            buf.set_string(middle, area.y, mark, theme.stage_title);
        }
    }
}

/// The side view of the timeline: the story's strip with the scene marked, and the scene's
/// date with every reading of it.
struct TimelinePanel<'a> {
    app: &'a App,
    theme: &'a Theme,
}

impl Widget for TimelinePanel<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let TimelinePanel { app, theme } = self;
        let story = app.story();
        let scene = story.scene(app.scene());
        let [_, strip, _, words] = split::rows(
            area,
            [
                Constraint::Length(1),
                Constraint::Length(timeline::HEIGHT),
                Constraint::Length(1),
                Constraint::Fill(1),
            ],
        );
        let inner = Rect {
            x: strip.x + 1,
            width: strip.width.saturating_sub(2),
            ..strip
        };
        timeline::Timeline { app, theme }.render(inner, buf);
        let mut lines = vec![Line::styled(scene.title.clone(), theme.stage_title).centered()];
        if scene.date.is_disputed() {
            lines.push(Line::styled("The sources disagree:", theme.stage_progress).centered());
            for claim in scene.date.claims() {
                lines.push(Line::from(claim.to_string()).centered());
            }
        } else {
            lines.push(Line::from(scene.date.to_string()).centered());
        }
        Paragraph::new(lines)
            .style(theme.stage)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .render(column(words), buf);
    }
}
