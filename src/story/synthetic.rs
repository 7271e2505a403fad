//! A story of any size, written as a story folder, for benchmarks and tests of how izumi scales.
//! Its text is filler, but it uses every part of the format: people (some with hedged
//! identifications), places, footnotes, editor's notes, glossary terms, dates, and episodes of a
//! hundred scenes each.

use std::fmt::Write as _;
use std::path::Path;
use std::{fs, io};

const SCENES_PER_EPISODE: usize = 100;
const CHARACTERS: usize = 200;
const LOCATIONS: usize = 50;
const TERMS: usize = 100;

/// Writes a valid story of `scenes` scenes into `dir` (which must exist).
pub fn write_story(dir: &Path, scenes: usize) -> io::Result<()> {
    let episodes = scenes.div_ceil(SCENES_PER_EPISODE).max(1);
    fs::create_dir_all(dir.join("episodes"))?;

    let mut story = String::from(
        "title = \"A Synthetic Story\"\nauthors = [\"izumi benchmarks\"]\nepisodes = [\n",
    );
    for episode in 0..episodes {
        writeln!(story, "  \"episodes/{episode:04}.toml\",").unwrap();
    }
    story.push_str("]\n\n[source]\ncitation = \"Generated for benchmarks.\"\n");
    fs::write(dir.join("story.toml"), story)?;

    let mut characters = String::new();
    for c in 0..CHARACTERS {
        write!(
            characters,
            "[[character]]\nid = \"person-{c}\"\nname = \"Person Number{c}\"\n\
             aliases = [\"P. Number{c}\"]\nborn = \"{}\"\nrole = \"a role in the story\"\n\
             bio = \"A person who appears now and then, with a short biography to read.\"\n\n",
            1850 + c % 100
        )
        .unwrap();
        if c % 10 == 0 {
            write!(
                characters,
                "[[character.identified_as]]\nname = \"Code{c}\"\ncertainty = \"probable\"\n\
                 basis = \"a document's code name\"\n\n"
            )
            .unwrap();
        }
    }
    fs::write(dir.join("characters.toml"), characters)?;

    let mut locations = String::new();
    for l in 0..LOCATIONS {
        #[allow(clippy::cast_precision_loss)]
        let (lat, lon) = (
            (l as f64 * 2.9) % 140.0 - 60.0,
            (l as f64 * 7.3) % 340.0 - 170.0,
        );
        write!(
            locations,
            "[[location]]\nid = \"place-{l}\"\nname = \"Place {l}\"\nmodern_name = \"Place {l}\"\n\
             country = \"Country {}\"\nlat = {lat:.3}\nlon = {lon:.3}\n\n",
            l % 12
        )
        .unwrap();
    }
    fs::write(dir.join("locations.toml"), locations)?;

    let mut glossary = String::new();
    for t in 0..TERMS {
        write!(
            glossary,
            "[[term]]\nid = \"term-{t}\"\nterm = \"termword{t}\"\naliases = [\"termwords{t}\"]\n\
             definition = \"What term number {t} means.\"\n\n"
        )
        .unwrap();
    }
    fs::write(dir.join("glossary.toml"), glossary)?;

    // One footnote for every second scene, each cited once.
    let mut footnotes = String::new();
    for f in 1..=scenes.div_ceil(2) {
        write!(
            footnotes,
            "[[footnote]]\nnumber = {f}\ncitation = \"A. Source, Volume {f} (Place: Press 1990) p.{}.\"\n\n",
            f % 300 + 1
        )
        .unwrap();
    }
    fs::write(dir.join("footnotes.toml"), footnotes)?;

    // One editor's note for each episode, marked in its first scene.
    let mut notes = String::new();
    for episode in 0..episodes {
        write!(
            notes,
            "[[note]]\nid = \"note-{episode}\"\ntext = \"What episode {episode}'s source gets wrong.\"\n\n"
        )
        .unwrap();
    }
    fs::write(dir.join("editor_notes.toml"), notes)?;

    for episode in 0..episodes {
        let first = episode * SCENES_PER_EPISODE;
        let last = (first + SCENES_PER_EPISODE).min(scenes);
        let year = 1900 + episode % 100;
        let mut text = format!(
            "id = \"episode-{episode}\"\ntitle = \"Episode {episode}\"\nlocation = \"place-{}\"\n\
             period = \"{year}\"\n\n",
            episode % LOCATIONS
        );
        for scene in first..last {
            let mut marker = if scene % 2 == 0 {
                format!("[^{}]", scene / 2 + 1)
            } else {
                String::new()
            };
            if scene == first {
                marker.push_str(&format!("[^ed:note-{episode}]"));
            }
            write!(
                text,
                "[[scene]]\nid = \"scene-{scene}\"\ntitle = \"Scene {scene}\"\ndate = \"{} {year}\"\n\
                 locations = [\"place-{}\"]\ncharacters = [\"person-{}\", \"person-{}\"]\n\
                 text = \"\"\"\nSomething happens in scene {scene}, told in a paragraph of ordinary \
                 length, with a glossary word, termword{}, in the middle of it.{marker} The \
                 paragraph goes on for a while so that wrapping it takes some work.\n\n\
                 A second paragraph follows, shorter, mentioning termwords{} again.\n\"\"\"\n\
                 notes = \"A note for the presenter about scene {scene}.\"\n\n",
                ["January", "April", "July", "October"][scene % 4],
                scene % LOCATIONS,
                scene % CHARACTERS,
                (scene * 7 + 1) % CHARACTERS,
                scene % TERMS,
                (scene + 1) % TERMS,
            )
            .unwrap();
        }
        fs::write(dir.join(format!("episodes/{episode:04}.toml")), text)?;
    }
    Ok(())
}
