//! `story/SOURCES.md` keeps the fidelity audit with the story: one line per scene naming the
//! article's paragraphs (`P n`) and footnotes (`fn n`) that support it. These tests fail when a
//! scene of the embedded story has no entry, when an entry names a scene the story does not have
//! (or names one twice), when an entry cites no label or a label the article does not have, and
//! when a scene marks a footnote its entry does not list.

use std::collections::{BTreeMap, BTreeSet};

use izumi::story;

/// The article has paragraphs P1..P69 and footnotes 1..58 (see SOURCES.md for how they are made).
const PARAGRAPHS: u32 = 69;
const FOOTNOTES: u32 = 58;

#[derive(Debug, Default)]
struct Entry {
    line: usize,
    paragraphs: BTreeSet<u32>,
    footnotes: BTreeSet<u32>,
}

/// Parses the lines `scene-id: P1, P2; fn 3, 4` under the "## Scenes" heading.
fn entries(text: &str) -> Result<Vec<(String, Entry)>, String> {
    let mut out = Vec::new();
    let mut in_scenes = false;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with("## ") {
            in_scenes = line == "## Scenes";
            continue;
        }
        if !in_scenes || line.is_empty() || line.starts_with("Each line") {
            continue;
        }
        let at = index + 1;
        let (id, rest) = line
            .split_once(':')
            .ok_or_else(|| format!("SOURCES.md:{at}: expected `scene-id: labels`"))?;
        let mut entry = Entry {
            line: at,
            ..Entry::default()
        };
        for part in rest.split(';') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            if let Some(numbers) = part.strip_prefix("fn") {
                for n in numbers.split(',') {
                    let n: u32 = n
                        .trim()
                        .parse()
                        .map_err(|_| format!("SOURCES.md:{at}: bad footnote label in {part:?}"))?;
                    entry.footnotes.insert(n);
                }
            } else {
                for p in part.split(',') {
                    let n: u32 = p
                        .trim()
                        .strip_prefix('P')
                        .and_then(|n| n.parse().ok())
                        .ok_or_else(|| format!("SOURCES.md:{at}: bad paragraph label {p:?}"))?;
                    entry.paragraphs.insert(n);
                }
            }
        }
        out.push((id.trim().to_string(), entry));
    }
    Ok(out)
}

fn sources() -> Vec<(String, Entry)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/story/SOURCES.md");
    let text = std::fs::read_to_string(path).expect("story/SOURCES.md is readable");
    entries(&text).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_scene_has_exactly_one_entry_and_every_entry_names_a_scene() {
    let story = story::load_embedded();
    let scenes: BTreeSet<&str> = story.scenes.iter().map(|s| s.id.as_str()).collect();
    let mut seen = BTreeMap::new();
    let mut problems = Vec::new();
    for (id, entry) in sources() {
        if !scenes.contains(id.as_str()) {
            problems.push(format!(
                "SOURCES.md:{}: no scene {id:?} in the story",
                entry.line
            ));
        }
        if let Some(first) = seen.insert(id.clone(), entry.line) {
            problems.push(format!(
                "SOURCES.md:{}: {id:?} already listed on line {first}",
                entry.line
            ));
        }
    }
    for scene in &story.scenes {
        if !seen.contains_key(&scene.id) {
            problems.push(format!("SOURCES.md: no entry for scene {:?}", scene.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn entries_follow_the_story_order() {
    let story = story::load_embedded();
    let listed: Vec<String> = sources().into_iter().map(|(id, _)| id).collect();
    let scenes: Vec<String> = story.scenes.iter().map(|s| s.id.clone()).collect();
    assert_eq!(listed, scenes, "SOURCES.md lists the scenes in story order");
}

#[test]
fn every_entry_cites_real_labels() {
    let mut problems = Vec::new();
    for (id, entry) in sources() {
        if entry.paragraphs.is_empty() && entry.footnotes.is_empty() {
            problems.push(format!(
                "SOURCES.md:{}: {id} cites no P or fn label",
                entry.line
            ));
        }
        for p in entry
            .paragraphs
            .iter()
            .filter(|&&p| p == 0 || p > PARAGRAPHS)
        {
            problems.push(format!(
                "SOURCES.md:{}: {id}: no paragraph P{p}",
                entry.line
            ));
        }
        for n in entry.footnotes.iter().filter(|&&n| n == 0 || n > FOOTNOTES) {
            problems.push(format!("SOURCES.md:{}: {id}: no footnote {n}", entry.line));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_footnote_a_scene_marks_is_in_its_entry() {
    let story = story::load_embedded();
    let sources: BTreeMap<String, Entry> = sources().into_iter().collect();
    let mut problems = Vec::new();
    for scene in &story.scenes {
        let Some(entry) = sources.get(&scene.id) else {
            continue;
        };
        for &id in &scene.footnotes {
            let number = story.footnote(id).number;
            if !entry.footnotes.contains(&number) {
                problems.push(format!(
                    "SOURCES.md:{}: {} marks footnote {number} but its entry does not list it",
                    entry.line, scene.id
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_parser_rejects_what_it_should() {
    let ok = entries("## Scenes\n\na: P1, P2; fn 3\nb: fn 4\nc: P5\n").unwrap();
    assert_eq!(ok.len(), 3);
    assert_eq!(ok[0].1.paragraphs, BTreeSet::from([1, 2]));
    assert_eq!(ok[0].1.footnotes, BTreeSet::from([3]));
    assert!(entries("## Scenes\n\na P1\n").is_err());
    assert!(entries("## Scenes\n\na: Q1\n").is_err());
    assert!(entries("## Scenes\n\na: fn x\n").is_err());
    let empty = entries("## Scenes\n\na:\n").unwrap();
    assert!(empty[0].1.paragraphs.is_empty() && empty[0].1.footnotes.is_empty());
}
