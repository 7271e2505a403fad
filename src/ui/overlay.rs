//! The boxes drawn over the screen: help, an entry, the timeline, the glossary, search, the
//! bookmarks and the story's problems. Every hint in their titles and headings comes from the
//! keys that work at that moment.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::{Screen, entry, help, layout};
use crate::app::{App, Command, ContentsRow, Entry, Geometry, KeyMode, Overlay, Spot, TextBox};
use crate::search::{Field, LISTED, Target};
use crate::story::SceneId;
use crate::wrap::{cells, hanging};

/// Draws an overlay over whatever is on screen, and notes its text box and where it is.
pub fn draw(
    screen: Screen,
    overlay: Overlay,
    area: Rect,
    buffer: &mut Buffer,
    geometry: &mut Geometry,
) {
    let content = Content::of(screen, overlay, area);
    let theme = screen.theme;
    let widest = layout::popup(area, content.max_width);
    // The box is only as tall as its text, at the same width: the text is wrapped once.
    let lines = wrapped_height(&content.text, layout::pane_block().inner(widest).width);
    let height = lines.saturating_add(2).min(widest.height);
    let popup = Rect {
        y: widest.y + (widest.height - height) / 2,
        height,
        ..widest
    };
    let block = layout::pane_block()
        .border_style(theme.border_focused)
        .title(layout::fit_title(&content.title, popup.width))
        .title_style(theme.pane_title);
    let inner = block.inner(popup);
    let text = TextBox { area: inner, lines };
    // Drawing clamps the scroll itself: the app learns the limit from this frame.
    let scroll = content.scroll_keeping(inner, screen.app.overlay_scroll().min(text.max_scroll()));
    Clear.render(popup, buffer);
    Paragraph::new(content.text)
        .style(theme.text)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(popup, buffer);
    geometry.overlay = Some(text);
    geometry.spots.push((area, Spot::Outside));
    geometry.spots.push((popup, Spot::Overlay));
}

/// What an overlay shows: how wide it may be, its text, its title, and the line to keep in view.
struct Content {
    max_width: u16,
    text: Text<'static>,
    title: String,
    keep_visible: Option<usize>,
}

/// Hints for titles and headings, from the keys of one mode.
struct Hints<'a> {
    screen: Screen<'a>,
    mode: KeyMode,
}

impl Hints<'_> {
    /// `↑/↓ pick`, or nothing if no key does it.
    fn one(&self, commands: &[Command], what: &str) -> Option<String> {
        self.screen.keys.hint(self.mode, commands, what)
    }

    /// Hints joined by commas, those without a key left out.
    fn list(parts: &[Option<String>]) -> String {
        parts
            .iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// ` — ? or Esc to close`, or nothing if no key closes it.
    fn close(&self, commands: &[Command]) -> String {
        let keys: Vec<String> = commands
            .iter()
            .filter_map(|command| self.screen.keys.key(self.mode, *command))
            .collect();
        if keys.is_empty() {
            String::new()
        } else {
            format!(" — {} to close", keys.join(" or "))
        }
    }

    fn pick_and_go(&self) -> [Option<String>; 2] {
        [
            self.one(&[Command::Up, Command::Down], "pick"),
            self.one(&[Command::Open], "go there"),
        ]
    }
}

impl Content {
    fn of(screen: Screen, overlay: Overlay, area: Rect) -> Content {
        // Hints come from the keys that work now: the screen's, or typing's in a search.
        let hints = Hints {
            screen,
            mode: screen.app.key_mode(),
        };
        match overlay {
            Overlay::Help => Self::help(screen, &hints, area),
            Overlay::Entry(entry) => Self::entry(screen, &hints, entry, area),
            Overlay::Glossary => Self::glossary(screen, &hints, area),
            Overlay::Search => Self::search(screen, &hints, area),
            Overlay::Problems => Self::problems(screen, &hints),
            Overlay::Bookmarks => Self::bookmarks(screen, &hints, area),
            Overlay::Timeline => Self::timeline(screen, &hints, area),
            Overlay::Writing => Self::writing(screen, &hints),
            Overlay::Board => Self::board(screen, &hints),
            Overlay::Check => Self::check(screen, &hints, area),
            Overlay::Contents => Self::contents(screen, &hints, area),
        }
    }

    /// "Check yourself": the question shown, then how to answer or move on.
    fn check(screen: Screen, hints: &Hints, area: Rect) -> Content {
        const MAX_WIDTH: u16 = 84;
        let Screen { app, theme, keys } = screen;
        let width = layout::pane_block()
            .inner(layout::popup(area, MAX_WIDTH))
            .width;
        let story = app.story();
        let Some((scene, question, count)) = app.checked_question() else {
            return Content {
                max_width: MAX_WIDTH,
                text: Text::default(),
                title: String::new(),
                keep_visible: None,
            };
        };
        let (episode, at) = app.check().unwrap_or((story.scene(scene).episode, 0));
        let answered = app.answer_of(&question.id);
        let parts = match answered {
            None => vec![
                keys.key(hints.mode, Command::Digit).map(|_| {
                    let last = question.choices.len().saturating_sub(1);
                    format!(
                        "1–{} answer A–{}",
                        last + 1,
                        crate::story::Question::letter(last)
                    )
                }),
                hints.one(&[Command::Up, Command::Down], "pick"),
                hints.one(&[Command::Open], "answer"),
                hints.one(&[Command::NextHit], "skip"),
            ],
            Some(_) => vec![
                hints.one(&[Command::Open, Command::NextHit], "next question"),
                hints.one(&[Command::AskAgain], "answer again"),
            ],
        };
        let check = super::check::Check {
            story,
            scene,
            question,
            at,
            count,
            answered,
            pick: app.pick(),
            theme,
        };
        let lines = check.lines(width, &Hints::list(&parts));
        Content {
            max_width: MAX_WIDTH,
            text: Text::from(lines),
            title: format!(
                " Check yourself: {}{} ",
                story.episode(episode).title,
                hints.close(&[Command::Back])
            ),
            keep_visible: None,
        }
    }

    /// The contents: each episode as a heading, its scenes under it, the one being read marked
    /// and the picked row highlighted; only what the reader may read.
    fn contents(screen: Screen, hints: &Hints, area: Rect) -> Content {
        const MAX_WIDTH: u16 = 84;
        let Screen { app, theme, keys } = screen;
        let width = usize::from(text_width(area, MAX_WIDTH));
        let story = app.story();
        let rows = app.contents();
        let digits = keys
            .key(hints.mode, Command::Digit)
            .map(|_| "1–9, 0 an episode".to_owned());
        let [pick, go] = hints.pick_and_go();
        let mut lines = vec![Line::styled(
            Hints::list(&[pick, digits, go]),
            theme.heading,
        )];
        // A reader told only what they have read sees every episode but not the titles of the
        // scenes ahead: said at the top, where it is seen.
        if app.scenes_untold() && !app.told_as_shown() {
            lines.push(Line::styled(
                format!(
                    "Scenes you have not read are not listed{}.",
                    keys.key(hints.mode, Command::ToggleTelling)
                        .map(|key| format!("; {key} lists them all"))
                        .unwrap_or_default()
                ),
                theme.dim,
            ));
        }
        let mut picked = lines.len();
        let here = app.scene();
        for (i, row) in rows.iter().enumerate() {
            let row_lines = match *row {
                ContentsRow::Episode(episode) => {
                    let marker = if episode == app.episode() {
                        "▶ "
                    } else {
                        "  "
                    };
                    let data = story.episode(episode);
                    if i > 0 {
                        lines.push(Line::default());
                    }
                    hanging(
                        vec![
                            Span::styled(marker, theme.current_place),
                            Span::styled(format!("{:>2}  ", episode.index() + 1), theme.key),
                        ],
                        vec![
                            Span::styled(data.title.clone(), theme.title),
                            Span::styled(format!(" · {}", data.period), theme.dim),
                        ],
                        width,
                    )
                }
                ContentsRow::Scene(scene) => {
                    let data = story.scene(scene);
                    let marker = if scene == here { "  ▶   " } else { "      " };
                    hanging(
                        vec![
                            Span::styled(marker, theme.current_place),
                            Span::styled(
                                format!("{:>2}. ", story.scene_number_in_episode(scene)),
                                theme.dim,
                            ),
                        ],
                        vec![
                            Span::styled(data.title.clone(), theme.text),
                            Span::styled(format!(" · {}", data.date), theme.dim),
                        ],
                        width,
                    )
                }
            };
            if i == app.pick() {
                picked = lines.len();
                lines.extend(row_lines.into_iter().map(|l| l.patch_style(theme.selected)));
            } else {
                lines.extend(row_lines);
            }
        }
        if let Some(furthest) = app.reading_limit() {
            lines.push(Line::default());
            lines.push(Line::styled(
                format!(
                    "The rest is not shown yet: you may read up to scene {} of {}.",
                    furthest.index() + 1,
                    story.scenes.len()
                ),
                theme.dim,
            ));
        }
        Content {
            max_width: MAX_WIDTH,
            text: Text::from(lines),
            title: format!(
                " Contents{} ",
                hints.close(&[Command::ShowContents, Command::Back])
            ),
            keep_visible: Some(picked),
        }
    }

    fn help(screen: Screen, hints: &Hints, area: Rect) -> Content {
        let mode = screen.app.screen_key_mode();
        let doing = match mode {
            KeyMode::Reader => "reading",
            KeyMode::Following => "following",
            KeyMode::Presenting => "presenting",
            KeyMode::Console => "the console",
            KeyMode::Typing => "typing",
        };
        Content {
            max_width: 72,
            text: help::text(
                screen.keys.bindings(mode),
                mode,
                screen.theme,
                text_width(area, 72),
            ),
            title: format!(
                " Keys for {doing}{} ",
                hints.close(&[Command::ToggleHelp, Command::Back])
            ),
            keep_visible: None,
        }
    }

    fn entry(screen: Screen, hints: &Hints, entry: Entry, area: Rect) -> Content {
        let Screen { app, theme, .. } = screen;
        let story = app.story();
        let scenes = app.pickable_scenes();
        let mut text = entry::text(&app.reach(), entry, theme);
        let count = scenes.len();
        let heading = format!(
            "In {count} scene{} — {}",
            if count == 1 { "" } else { "s" },
            Hints::list(&hints.pick_and_go())
        );
        let (lines, picked) = entry::scene_list(
            story,
            heading,
            &scenes,
            app.pick(),
            app.scene(),
            theme,
            text_width(area, 84),
        );
        text.lines.push(Line::default());
        let offset = text.lines.len();
        text.lines.extend(lines);
        Content {
            max_width: 84,
            text,
            title: format!(
                " {}{} ",
                entry::title(story, entry),
                hints.close(&[Command::Back])
            ),
            keep_visible: Some(offset + picked),
        }
    }

    fn glossary(screen: Screen, hints: &Hints, area: Rect) -> Content {
        let Screen { app, theme, .. } = screen;
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
        let width = usize::from(text_width(area, 84));
        let mut picked = 2;
        for (i, id) in terms.iter().enumerate() {
            let term = story.term(*id);
            let marker = if here.contains(id) { "▶ " } else { "  " };
            // The definition's continuation lines start under its first word.
            let row = hanging(
                vec![
                    Span::styled(marker, theme.current_place),
                    Span::styled(term.term.clone(), theme.title),
                    Span::styled(" — ", theme.text),
                ],
                entry::term_summary(&app.reach().term(*id), theme),
                width,
            );
            if i == app.pick() {
                picked = lines.len();
                lines.extend(row.into_iter().map(|l| l.patch_style(theme.selected)));
            } else {
                lines.extend(row);
            }
        }
        let title = format!(
            " Glossary — {}{} ",
            Hints::list(&[
                Some("type to search".to_owned()),
                hints.one(&[Command::Open], "for its scenes"),
            ]),
            hints.close(&[Command::Back])
        );
        Content {
            max_width: 84,
            text: Text::from(lines),
            title,
            keep_visible: Some(picked),
        }
    }

    /// The query, how many hits, then each hit with what it is and the match in its context,
    /// the picked one highlighted.
    fn search(screen: Screen, hints: &Hints, area: Rect) -> Content {
        const MAX_WIDTH: u16 = 100;
        let Screen { app, theme, keys } = screen;
        let width = usize::from(
            layout::pane_block()
                .inner(layout::popup(area, MAX_WIDTH))
                .width,
        );
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
        if let Some(index) = app.search_index() {
            for (i, hit) in hits.iter().take(LISTED).enumerate() {
                let kind = match hit.target {
                    Target::Scene(id) => format!("{} {}", hit.target.kind(), id.index() + 1),
                    _ => hit.target.kind().to_owned(),
                };
                let name = hit.target.name(story);
                let mut spans = vec![
                    Span::styled(format!("{kind:>9}  "), theme.dim),
                    Span::styled(name.clone(), theme.title),
                ];
                // The context fills the rest of the line, so that each hit stays on one.
                let room = width.saturating_sub(11 + cells(&name) + 3);
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
        }
        // `n`/`N` work once the search is closed: their keys are the screen's.
        if !app.query().trim().is_empty() && app.scenes_untold() && !app.told_as_shown() {
            lines.push(Line::default());
            lines.push(Line::styled(
                format!(
                    "Only what you have read is searched{}.",
                    keys.key(app.screen_key_mode(), Command::ToggleTelling)
                        .map(|key| format!(": press {key} to search everything"))
                        .unwrap_or_default()
                ),
                theme.dim,
            ));
        }
        let then = keys
            .hint(
                app.screen_key_mode(),
                &[Command::NextHit, Command::PreviousHit],
                "",
            )
            .map(|keys| format!(" (then {})", keys.trim_end()));
        let [pick, go] = hints.pick_and_go();
        let go = go.map(|go| go + &then.unwrap_or_default());
        Content {
            max_width: MAX_WIDTH,
            text: Text::from(lines),
            title: format!(
                " Search — {}{} ",
                Hints::list(&[pick, go]),
                hints.close(&[Command::Back])
            ),
            keep_visible: Some(2 + app.pick()),
        }
    }

    /// A question to the teacher being written: the text so far and how much room is left.
    fn writing(screen: Screen, hints: &Hints) -> Content {
        let Screen { app, theme, .. } = screen;
        let used = app.writing().chars().count();
        let lines = vec![
            Line::from(vec![
                Span::styled(app.writing().to_owned(), theme.text),
                Span::styled("▏", theme.key),
            ]),
            Line::default(),
            Line::styled(
                format!(
                    "{} of {} characters. Only the teacher reads it, and chooses what the class sees.",
                    used,
                    crate::asking::LONGEST_QUESTION
                ),
                theme.dim,
            ),
        ];
        let title = format!(
            " A question to the teacher — {}{} ",
            Hints::list(&[hints.one(&[Command::Open], "sends")]),
            hints.close(&[Command::Back])
        );
        Content {
            max_width: 72,
            text: Text::from(lines),
            title,
            keep_visible: None,
        }
    }

    /// The students' questions the teacher has shown, most votes first, to vote for.
    fn board(screen: Screen, hints: &Hints) -> Content {
        let Screen { app, theme, .. } = screen;
        let mut lines = vec![
            Line::styled(
                Hints::list(&[
                    hints.one(&[Command::Up, Command::Down], "pick"),
                    hints.one(&[Command::Open], "votes for it"),
                ]),
                theme.dim,
            ),
            Line::default(),
        ];
        for (i, posted) in app.class().board.iter().enumerate() {
            let mut line = Line::from(vec![
                Span::styled(format!("{:>4} ▲  ", posted.votes), theme.key),
                Span::styled(crate::story::text::sanitize(&posted.text), theme.text),
            ]);
            if i == app.pick() {
                line = line.patch_style(theme.selected);
            }
            lines.push(line);
        }
        Content {
            max_width: 84,
            text: Text::from(lines),
            title: format!(
                " The class's questions{} ",
                hints.close(&[Command::ShowBoard, Command::Back])
            ),
            keep_visible: Some(2 + app.pick()),
        }
    }

    fn problems(screen: Screen, hints: &Hints) -> Content {
        let theme = screen.theme;
        let mut lines = vec![
            Line::styled(
                "The story on screen is the last one that loaded. Fix these and save:",
                theme.dim,
            ),
            Line::default(),
        ];
        lines.extend(
            screen
                .app
                .problems()
                .iter()
                .map(|problem| Line::styled(problem.clone(), theme.disputed)),
        );
        Content {
            max_width: 100,
            text: Text::from(lines),
            title: format!(" The story has problems{} ", hints.close(&[Command::Back])),
            keep_visible: None,
        }
    }

    fn bookmarks(screen: Screen, hints: &Hints, area: Rect) -> Content {
        let scenes = screen.app.pickable_scenes();
        let heading = if scenes.is_empty() {
            match screen.keys.key(hints.mode, Command::ToggleBookmark) {
                Some(key) => format!("No bookmarks yet: {key} bookmarks the scene you are on."),
                None => "No bookmarks yet.".to_owned(),
            }
        } else {
            let [pick, go] = hints.pick_and_go();
            Hints::list(&[pick, go, hints.one(&[Command::Remove], "remove")])
        };
        let title = format!(
            " Bookmarks{} ",
            hints.close(&[Command::ShowBookmarks, Command::Back])
        );
        Self::scene_list(screen, &scenes, heading, (84, area), title)
    }

    fn timeline(screen: Screen, hints: &Hints, area: Rect) -> Content {
        let scenes = screen.app.pickable_scenes();
        let [pick, go] = hints.pick_and_go();
        let heading = format!(
            "Every scene by date — {}",
            Hints::list(&[pick, go, hints.one(&[Command::GoBack], "come back")])
        );
        let title = format!(
            " Timeline{} ",
            hints.close(&[Command::ShowTimeline, Command::Back])
        );
        Self::scene_list(screen, &scenes, heading, (100, area), title)
    }

    /// A list of scenes to pick from under a heading.
    fn scene_list(
        screen: Screen,
        scenes: &[SceneId],
        heading: String,
        (max_width, area): (u16, Rect),
        title: String,
    ) -> Content {
        let app: &App = screen.app;
        let (lines, picked) = entry::scene_list(
            app.story(),
            heading,
            scenes,
            app.pick(),
            app.scene(),
            screen.theme,
            text_width(area, max_width),
        );
        Content {
            max_width,
            text: Text::from(lines),
            title,
            keep_visible: Some(picked),
        }
    }

    /// The scroll that shows the reader's scroll position, moved just enough to keep the
    /// picked line in view.
    fn scroll_keeping(&self, inner: Rect, scroll: u16) -> u16 {
        let Some(line) = self.keep_visible else {
            return scroll;
        };
        let before = Text::from(self.text.lines[..line.min(self.text.lines.len())].to_vec());
        let top = wrapped_height(&before, inner.width);
        if top < scroll {
            top
        } else if top >= scroll + inner.height {
            top + 1 - inner.height
        } else {
            scroll
        }
    }
}

/// The width of the text in an overlay at most `max_width` wide drawn over `area`.
fn text_width(area: Rect, max_width: u16) -> u16 {
    layout::pane_block()
        .inner(layout::popup(area, max_width))
        .width
}

fn wrapped_height(text: &Text<'static>, width: u16) -> u16 {
    let lines = Paragraph::new(text.clone())
        .wrap(Wrap { trim: false })
        .line_count(width);
    u16::try_from(lines).unwrap_or(u16::MAX)
}
