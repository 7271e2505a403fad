//! `izumi export --format html`: the whole story as one self-contained page — style inline, no
//! script, nothing fetched — with a table of contents, every scene, the people, the glossary and
//! the footnotes with links back to where they are cited; it prints as a clean handout.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::html::{self, Links, Style, escape};
use crate::story::text::one_line;
use crate::story::{EditorNote, Inline, Reach, Scene, SceneId, Story};

/// The handout's own typography, after the pages' style sheet: a printed book's hierarchy
/// (episode headings clearly above scene headings, the scene's date and place small under its
/// title), titles of works in italics, and note markers that do not push their line apart.
pub const HANDOUT_STYLE: &str = "\
/* The handout (izumi export --format html) */
header h1 { font-size: 2rem; }
.source cite, .notes cite { font-style: italic; }
h2 { font-size: 1.55rem; line-height: 1.25; letter-spacing: 0.01em; }
section.episode > .byline { font-size: 1rem; margin: 0 0 1.5rem; font-style: italic; }
article.scene h3 { font-size: 1.15rem; line-height: 1.3; margin: 1.75rem 0 0; }
article.scene > .byline { font-size: 0.85rem; margin: 0.15rem 0 0.6rem; }
sup { line-height: 0; vertical-align: baseline; position: relative; top: -0.45em; font-size: 0.75em; }
.ref a { font-size: 1em; }
@media print { h2 { font-size: 16pt; } article.scene h3 { font-size: 12pt; } }
";

/// Links within the one page.
struct HandoutLinks<'a> {
    reach: Reach<'a>,
    /// Where each footnote is first cited, for the link back from its entry.
    first_citation: HashMap<u32, String>,
    /// Where each editor's note is first marked.
    first_mark: HashMap<u32, String>,
}

impl Links for HandoutLinks<'_> {
    fn scene(&self, story: &Story, scene: SceneId) -> Option<String> {
        self.reach
            .may_show_scene(scene)
            .then(|| format!("#scene-{}", story.scene(scene).id))
    }

    fn footnote_id(&self, _: &Scene, number: u32) -> String {
        format!("fn-{number}")
    }

    fn reference_id(&self, scene: &Scene, number: u32, nth: usize) -> String {
        format!("ref-{}-{number}-{nth}", scene.id)
    }

    fn term_id(&self, _: &Scene, term: &str) -> String {
        format!("term-{term}")
    }

    fn editor_reference_id(&self, scene: &Scene, number: u32, nth: usize) -> String {
        format!("edref-{}-{number}-{nth}", scene.id)
    }
}

/// The handout, as one HTML document.
pub fn document(story: &Story) -> String {
    document_of(&Reach::everything(story))
}

/// The handout of what `reach` may tell: the scenes up to its limit, and the people, terms,
/// footnotes and editor's notes those scenes hold, each told only as far as they have told it
/// (`izumi export --format html --up-to SCENE`, and a class's `/handout`).
pub fn document_of(reach: &Reach) -> String {
    build(reach, Style::Inline(HANDOUT_STYLE))
}

/// Where a served handout finds its own rules, after the pages' style sheet.
pub const SERVED_STYLE: &str = "/handout.css";

/// [`document_of`] as the web serves it (a class's `/handout`): the same page, its style sheets
/// linked ([`crate::html::STYLE`] at `/style.css`, [`HANDOUT_STYLE`] at [`SERVED_STYLE`]).
pub fn served(reach: &Reach) -> String {
    build(reach, Style::Linked(Some(SERVED_STYLE)))
}

fn build(reach: &Reach, style: Style) -> String {
    let story = reach.story();
    let mut first_citation = HashMap::new();
    let mut first_mark = HashMap::new();
    let shown = story.scene_ids().take_while(|id| reach.may_show_scene(*id));
    for scene in shown.map(|id| story.scene(id)) {
        for inline in scene.paragraphs.iter().flatten() {
            match inline {
                Inline::Footnote(id) => {
                    let number = story.footnote(*id).number;
                    first_citation
                        .entry(number)
                        .or_insert_with(|| format!("ref-{}-{number}-0", scene.id));
                }
                Inline::EditorNote(id) => {
                    let number = story.editor_note(*id).number;
                    first_mark
                        .entry(number)
                        .or_insert_with(|| format!("edref-{}-{number}-0", scene.id));
                }
                Inline::Text(_) | Inline::Term(..) => {}
            }
        }
    }
    let links = HandoutLinks {
        reach: *reach,
        first_citation,
        first_mark,
    };
    let mut out = String::new();
    html::open_page(&mut out, &story.title, style, false);
    out.push_str("<body>\n<a class=\"skip\" href=\"#story\">Skip to the story</a>\n<header>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&story.title));
    if let Some(subtitle) = &story.subtitle {
        let _ = writeln!(out, "<p>{}</p>", escape(subtitle));
    }
    let _ = writeln!(
        out,
        "<p class=\"source\">Retold by {} from {}</p>",
        escape(&story.authors.join(", ")),
        html::titled(&story.source, &story.source_titles)
    );
    if let Some(note) = super::so_far(reach) {
        let _ = writeln!(out, "<p class=\"so-far\">{}</p>", escape(&note));
    }
    out.push_str("</header>\n");
    contents(&mut out, reach);
    out.push_str("<main id=\"story\">\n");
    for (number, episode, scenes) in reach.episodes() {
        let _ = writeln!(
            out,
            "<section class=\"episode\" id=\"episode-{}\" aria-labelledby=\"episode-{}-title\">\n<h2 id=\"episode-{}-title\">{}. {}</h2>\n<p class=\"byline\">{} · {}</p>",
            episode.id,
            episode.id,
            episode.id,
            number + 1,
            escape(&episode.title),
            escape(&episode.period.to_string()),
            escape(&story.location(episode.location).name)
        );
        for scene in scenes {
            let _ = writeln!(
                out,
                "<article class=\"scene\" id=\"scene-{}\">\n<h3>{}</h3>\n<p class=\"byline\">{} · {}</p>",
                scene.id,
                escape(&scene.title),
                escape(&scene.date.to_string()),
                escape(&story.place_names(scene))
            );
            html::scene_text(&mut out, reach, scene, &links);
            out.push_str("</article>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n");
    people(&mut out, reach);
    glossary(&mut out, reach);
    footnotes(&mut out, reach, &links);
    editor_notes(&mut out, reach, &links);
    out.push_str("</body>\n</html>\n");
    out
}

fn contents(out: &mut String, reach: &Reach) {
    out.push_str("<nav class=\"toc\" aria-labelledby=\"toc-title\">\n<h2 id=\"toc-title\">Contents</h2>\n<ol>\n");
    for (_, episode, scenes) in reach.episodes() {
        let _ = write!(
            out,
            "<li><a href=\"#episode-{}\">{}</a><ol>",
            episode.id,
            escape(&episode.title)
        );
        for scene in scenes {
            let _ = write!(
                out,
                "<li><a href=\"#scene-{}\">{}</a></li>",
                scene.id,
                escape(&scene.title)
            );
        }
        out.push_str("</ol></li>\n");
    }
    // A section with nothing in it yet (no term used so far) is left out, here and below.
    for (held, id, title) in [
        (!reach.people().is_empty(), "people", "People"),
        (!reach.terms().is_empty(), "glossary", "Glossary"),
        (!reach.footnotes().is_empty(), "footnotes", "Footnotes"),
    ] {
        if held {
            let _ = writeln!(out, "<li><a href=\"#{id}\">{title}</a></li>");
        }
    }
    if !reach.editor_notes().is_empty() {
        let _ = writeln!(
            out,
            "<li><a href=\"#editor-notes\">{}</a></li>",
            EditorNote::HEADING
        );
    }
    out.push_str("</ol>\n</nav>\n");
}

fn people(out: &mut String, reach: &Reach) {
    if reach.people().is_empty() {
        return;
    }
    out.push_str("<section class=\"episode\" id=\"people\" aria-labelledby=\"people-title\">\n<h2 id=\"people-title\">People</h2>\n");
    for id in reach.people() {
        let character = reach.story().character(id);
        let told = reach.person(id);
        let _ = writeln!(
            out,
            "<article id=\"person-{}\"><h3>{}</h3><p>{}</p>{}</article>",
            character.id,
            escape(&character.name),
            escape(told.role),
            html::person_facts(character, &told)
        );
    }
    out.push_str("</section>\n");
}

fn glossary(out: &mut String, reach: &Reach) {
    if reach.terms().is_empty() {
        return;
    }
    out.push_str("<section class=\"episode\" id=\"glossary\" aria-labelledby=\"glossary-title\">\n<h2 id=\"glossary-title\">Glossary</h2>\n<dl>\n");
    for id in reach.terms() {
        let term = reach.story().term(id);
        let _ = writeln!(
            out,
            "<dt id=\"term-{}\">{}</dt><dd>{}</dd>",
            term.id,
            escape(&term.term),
            html::term_told(&reach.term(id))
        );
    }
    out.push_str("</dl>\n</section>\n");
}

fn footnotes(out: &mut String, reach: &Reach, links: &HandoutLinks) {
    let story = reach.story();
    if reach.footnotes().is_empty() {
        return;
    }
    out.push_str("<section class=\"episode notes\" id=\"footnotes\" aria-labelledby=\"footnotes-title\">\n<h2 id=\"footnotes-title\">Footnotes</h2>\n<ul>\n");
    for id in reach.footnotes() {
        let footnote = story.footnote(id);
        let number = footnote.number;
        let said = format!("back to where footnote {number} is cited");
        let back = links.first_citation.get(&number);
        html::note_entry_titled(
            out,
            &format!("fn-{number}"),
            &format!("[{number}]"),
            &one_line(&footnote.full_text()),
            &footnote.titles,
            back.map(|reference| (reference.as_str(), said.as_str())),
        );
    }
    out.push_str("</ul>\n</section>\n");
}

fn editor_notes(out: &mut String, reach: &Reach, links: &HandoutLinks) {
    let notes = reach.editor_notes();
    if notes.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section class=\"episode notes\" id=\"editor-notes\" aria-labelledby=\"editor-notes-title\">\n<h2 id=\"editor-notes-title\">{}</h2>\n<p>{}</p>\n<ul>",
        EditorNote::HEADING,
        escape(EditorNote::ABOUT)
    );
    for id in notes {
        let note = reach.story().editor_note(id);
        let number = note.number;
        let said = format!("back to where editor's note {number} is marked");
        let back = links.first_mark.get(&number);
        html::note_entry(
            out,
            &format!("ed-{number}"),
            &note.marker(),
            &one_line(&note.text),
            back.map(|mark| (mark.as_str(), said.as_str())),
        );
    }
    out.push_str("</ul>\n</section>\n");
}
