//! The whole story as one document: Markdown for a handout, or plain text.

use std::fmt::Write as _;

use crate::story::{Inline, Scene, Story};
use crate::wrap::wrap_words;

/// The story as Markdown: `#` title, `##` episodes, `###` scenes with date and place, GitHub-style
/// footnote references, then the people, the glossary and the footnotes.
pub fn markdown(story: &Story) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", story.title);
    if let Some(subtitle) = &story.subtitle {
        let _ = writeln!(out, "*{subtitle}*\n");
    }
    let _ = writeln!(
        out,
        "Retold by {} from {}\n",
        story.authors.join(", "),
        story.source
    );
    for (number, episode) in story.episodes.iter().enumerate() {
        let _ = writeln!(out, "## {}. {}\n", number + 1, episode.title);
        let _ = writeln!(
            out,
            "*{} · {}*\n",
            episode.period,
            story.location(episode.location).name
        );
        for scene in &story.scenes[episode.scenes.clone()] {
            let _ = writeln!(out, "### {}\n", scene.title);
            let _ = writeln!(out, "*{} · {}*\n", scene.date, places(story, scene));
            for paragraph in paragraphs(story, scene, |n| format!("[^{n}]")) {
                let _ = writeln!(out, "{paragraph}\n");
            }
        }
    }
    out.push_str("## People\n\n");
    for character in &story.characters {
        let _ = write!(out, "**{}**", character.name);
        if let Some(dates) = character.life_dates() {
            let _ = write!(out, " ({dates})");
        }
        let _ = write!(out, " — {}.", character.role);
        if !character.aliases.is_empty() {
            let _ = write!(out, " Also written {}.", character.aliases.join(", "));
        }
        if !character.code_names.is_empty() {
            let _ = write!(out, " Code names: {}.", character.code_names.join(", "));
        }
        let _ = writeln!(out, " {}\n", one_line(&character.bio));
    }
    out.push_str("## Glossary\n\n");
    for term in &story.terms {
        let _ = writeln!(out, "**{}** — {}\n", term.term, one_line(&term.definition));
    }
    for footnote in &story.footnotes {
        let _ = write!(out, "[^{}]: {}", footnote.number, footnote.citation);
        if let Some(note) = &footnote.note {
            let _ = write!(out, " — {}", one_line(note));
        }
        out.push('\n');
    }
    out
}

/// The story as plain text wrapped at 72 columns, footnotes as `[N]` and listed at the end.
pub fn text(story: &Story) -> String {
    let mut out = String::new();
    underline(&mut out, &story.title, '=');
    if let Some(subtitle) = &story.subtitle {
        let _ = writeln!(out, "{}\n", wrap(subtitle));
    }
    let _ = writeln!(
        out,
        "{}\n",
        wrap(&format!(
            "Retold by {} from {}",
            story.authors.join(", "),
            story.source
        ))
    );
    for (number, episode) in story.episodes.iter().enumerate() {
        underline(&mut out, &format!("{}. {}", number + 1, episode.title), '=');
        let _ = writeln!(
            out,
            "{} · {}\n",
            episode.period,
            story.location(episode.location).name
        );
        for scene in &story.scenes[episode.scenes.clone()] {
            underline(&mut out, &scene.title, '-');
            let _ = writeln!(out, "{} · {}\n", scene.date, places(story, scene));
            for paragraph in paragraphs(story, scene, |n| format!("[{n}]")) {
                let _ = writeln!(out, "{}\n", wrap(&paragraph));
            }
        }
    }
    underline(&mut out, "People", '=');
    for character in &story.characters {
        let dates = character
            .life_dates()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        let _ = writeln!(out, "{}{dates} — {}", character.name, character.role);
        let _ = writeln!(out, "{}\n", wrap(&one_line(&character.bio)));
    }
    underline(&mut out, "Glossary", '=');
    for term in &story.terms {
        let _ = writeln!(
            out,
            "{}\n",
            wrap(&format!("{} — {}", term.term, one_line(&term.definition)))
        );
    }
    underline(&mut out, "Notes", '=');
    for footnote in &story.footnotes {
        let mut line = format!("[{}] {}", footnote.number, footnote.citation);
        if let Some(note) = &footnote.note {
            let _ = write!(line, " — {}", one_line(note));
        }
        let _ = writeln!(out, "{}\n", wrap(&line));
    }
    out
}

fn places(story: &Story, scene: &Scene) -> String {
    scene
        .locations
        .iter()
        .map(|l| story.location(*l).name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each paragraph of a scene as one string, footnotes written by `marker`.
fn paragraphs(story: &Story, scene: &Scene, marker: impl Fn(u32) -> String) -> Vec<String> {
    scene
        .paragraphs
        .iter()
        .map(|paragraph| {
            paragraph
                .iter()
                .map(|inline| match inline {
                    Inline::Text(text) => text.clone(),
                    Inline::Footnote(id) => marker(story.footnote(*id).number),
                })
                .collect()
        })
        .collect()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn underline(out: &mut String, title: &str, rule: char) {
    let width = title.chars().count();
    let _ = writeln!(out, "{title}\n{}\n", rule.to_string().repeat(width));
}

/// The text wrapped for a 72-column page.
fn wrap(text: &str) -> String {
    wrap_words(text, 72).join("\n")
}
