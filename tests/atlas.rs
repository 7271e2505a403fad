//! The map and the timeline, in the terminal and on the web, on the real story and on a story
//! with CJK place names: every place of the scene named, no label outside the frame or over
//! another, the timeline zoomed to the story's core with its outlying years at the edges and its
//! episodes named; and snapshots of both at 80×24 and 160×48.

mod common;

use std::sync::Arc;

use izumi::app::{Action, App};
use izumi::geo::shorten;
use izumi::geo::timescale::Timescale;
use izumi::story::{Reach, Story};
use izumi::ui::map::MapView;
use izumi::ui::theme::DARK;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

/// An app at the scene with index `index`, having read up to it.
fn app_at(story: &Arc<Story>, index: usize) -> App {
    let mut app = App::new(story.clone());
    for _ in 0..2 * story.scenes.len() {
        if app.scene().index() >= index {
            break;
        }
        app.update(Action::NextScene);
    }
    assert_eq!(app.scene().index(), index);
    app
}

/// A buffer's rows as text, with the spaces taken out (a wide character leaves a blank cell
/// behind it).
fn rows(buffer: &Buffer) -> Vec<String> {
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .replace(' ', "")
        })
        .collect()
}

/// A buffer's rows as they show.
fn plain(buffer: &Buffer) -> String {
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a place's name shows on the screen: whole, or shortened with "…".
fn named(screen: &str, name: &str) -> bool {
    let name = name.replace(' ', "");
    screen.contains(&name)
        || (4..name.chars().count())
            .any(|width| screen.contains(&shorten(&name, width as u16).replace(' ', "")))
}

/// The CJK story: the journey fixture with its places named in Chinese and Japanese.
fn cjk_story() -> Story {
    let dir = common::journey_copy();
    let path = dir.path().join("locations.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("name = \"Christiania\"", "name = \"克里斯蒂安尼亚\"")
        .replace("name = \"Bergen\"", "name = \"卑尔根\"")
        .replace("name = \"Rome\"", "name = \"ローマ\"");
    std::fs::write(&path, text).unwrap();
    izumi::story::load(dir.path()).expect("the CJK journey loads")
}

/// Every scene of `story` on terminal maps of the given sizes: each of the scene's places is
/// named (or numbered, with its name in the legend).
fn every_scene_names_its_places(story: Story, sizes: &[(u16, u16)]) {
    let story = Arc::new(story);
    for index in 0..story.scenes.len() {
        let app = app_at(&story, index);
        for &(width, height) in sizes {
            let mut buffer = Buffer::empty(Rect::new(0, 0, width, height));
            MapView {
                app: &app,
                theme: &DARK,
            }
            .render(buffer.area, &mut buffer);
            let screen = rows(&buffer).join("\n");
            for id in &story.scene(app.scene()).locations {
                let name = &story.location(*id).name;
                assert!(
                    named(&screen, name),
                    "scene {index} at {width}x{height}: {name} unnamed\n{}",
                    plain(&buffer)
                );
            }
        }
    }
}

/// The map pane's size at 80×24 (a tab) and at 160×48 (stacked), and a small one.
const TERMINAL_MAPS: [(u16, u16); 3] = [(30, 18), (62, 15), (24, 7)];

#[test]
fn the_terminal_map_names_every_place_of_every_scene() {
    every_scene_names_its_places(izumi::story::load_embedded(), &TERMINAL_MAPS);
}

#[test]
fn the_terminal_map_names_cjk_places_in_their_cells() {
    every_scene_names_its_places(cjk_story(), &TERMINAL_MAPS);
}

/// A web map's labels: x, y (baseline), width in cells, text.
fn svg_labels(svg: &str) -> Vec<(f64, f64, f64, String)> {
    let mut labels = Vec::new();
    for part in svg.split("<text class=\"label").skip(1) {
        let attribute = |name: &str| -> f64 {
            let start = part.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            let end = start + part[start..].find('"').unwrap();
            part[start..end].parse().unwrap()
        };
        let text = part
            .split_once('>')
            .unwrap()
            .1
            .split_once("</text>")
            .unwrap()
            .0;
        labels.push((
            attribute("x"),
            attribute("y"),
            attribute("data-cells"),
            text.to_owned(),
        ));
    }
    labels
}

/// The web map's frame and cell, as `izumi::web::page` draws it.
const VIEW: (f64, f64) = (320.0, 192.0);
const CELL: (f64, f64) = (8.0, 16.0);

fn web_maps_label_every_place_inside_and_apart(story: Story) {
    for scene in story.scene_ids() {
        let reach = Reach::everything(&story);
        let mut out = String::new();
        izumi::web::page::map(&mut out, &story, scene, &reach);
        assert!(out.contains("viewBox=\"0 0 320 192\""), "{out}");
        let labels = svg_labels(&out);
        let boxes: Vec<(f64, f64, f64, f64)> = labels
            .iter()
            .map(|(x, y, cells, _)| (*x, y - CELL.1 + 4.0, x + cells * CELL.0, y + 4.0))
            .collect();
        for (i, (left, top, right, bottom)) in boxes.iter().enumerate() {
            assert!(
                *left >= 0.0 && *top >= 0.0 && *right <= VIEW.0 && *bottom <= VIEW.1,
                "{:?}: label {:?} leaves the frame",
                story.scene(scene).id,
                labels[i]
            );
            for (j, other) in boxes.iter().enumerate().skip(i + 1) {
                let apart =
                    right <= &other.0 || other.2 <= *left || bottom <= &other.1 || other.3 <= *top;
                assert!(
                    apart,
                    "{:?}: {:?} overlaps {:?}",
                    story.scene(scene).id,
                    labels[i],
                    labels[j]
                );
            }
        }
        for id in &story.scene(scene).locations {
            let name = izumi::web::page::escape(&story.location(*id).name);
            let on_map = labels
                .iter()
                .any(|(_, _, _, text)| *text == name || named(text, &name));
            let numbered = out.contains(&format!(" is {name}"));
            assert!(
                on_map || numbered,
                "{:?}: {name} is not named on the map\n{out}",
                story.scene(scene).id
            );
        }
    }
}

#[test]
fn the_web_map_names_every_place_of_every_scene_inside_the_frame_and_apart() {
    web_maps_label_every_place_inside_and_apart(izumi::story::load_embedded());
}

#[test]
fn the_web_map_names_cjk_places_inside_the_frame_and_apart() {
    web_maps_label_every_place_inside_and_apart(cjk_story());
}

#[test]
fn the_web_map_names_the_five_places_of_the_road_to_moscow_and_switzerland_whole() {
    let story = izumi::story::load_embedded();
    let reach = Reach::everything(&story);
    let mut out = String::new();
    let scene = story.find_scene("moscow-road-to-moscow").unwrap();
    izumi::web::page::map(&mut out, &story, scene, &reach);
    let texts: Vec<String> = svg_labels(&out).into_iter().map(|l| l.3).collect();
    for name in ["Vladivostok", "Tokyo", "Warsaw", "Riga", "Moscow"] {
        assert!(
            texts.contains(&name.to_owned()),
            "{name} missing: {texts:?}"
        );
    }
    let mut out = String::new();
    izumi::web::page::map(
        &mut out,
        &story,
        story.find_scene("sofia-courier").unwrap(),
        &reach,
    );
    let texts: Vec<String> = svg_labels(&out).into_iter().map(|l| l.3).collect();
    assert!(texts.contains(&"Switzerland".to_owned()), "{texts:?}");
}

#[test]
fn the_web_route_is_a_journey_of_curved_legs_with_the_scenes_own_emphasised() {
    let story = izumi::story::load_embedded();
    let reach = Reach::everything(&story);
    let mut out = String::new();
    let scene = story.find_scene("moscow-road-to-moscow").unwrap();
    izumi::web::page::map(&mut out, &story, scene, &reach);
    assert!(!out.contains("<polyline"), "no straight route: {out}");
    let legs = out.matches("<path class=\"leg").count();
    let now = out.matches("<path class=\"leg now\"").count();
    assert!(
        legs >= 4 && now >= 1,
        "{legs} legs, {now} of this scene: {out}"
    );
    assert!(
        out.contains("marker-mid=\"url(#leg-arrow-now)\""),
        "direction shown"
    );
    assert!(out.matches('Q').count() >= legs * 2, "legs are curves");
}

#[test]
fn the_real_story_is_zoomed_to_its_core_with_the_outliers_at_the_edges() {
    let story = izumi::story::load_embedded();
    let scale = Timescale::of(&story);
    assert_eq!((scale.first, scale.last), (1918, 1956), "{scale:?}");
    assert_eq!(scale.earlier, Some(1890));
    assert!(scale.later.is_some_and(|year| year >= 2011), "{scale:?}");
}

#[test]
fn the_web_timeline_names_every_episode_and_never_paints_over_the_current_one() {
    let story = izumi::story::load_embedded();
    for scene in story.scene_ids().step_by(7) {
        let mut out = String::new();
        izumi::web::page::timeline(&mut out, &story, scene, &Reach::everything(&story));
        for episode in &story.episodes {
            let name = izumi::web::page::escape(&episode.title);
            assert!(
                out.contains(&format!(">{name}</text>")),
                "{name} unnamed: {out}"
            );
        }
        // The bars: none overlaps another in the same lane (same y).
        let bars: Vec<(f64, f64, f64)> = out
            .split("<rect class=\"episode")
            .skip(1)
            .map(|part| {
                let number = |name: &str| -> f64 {
                    let start = part.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                    let end = start + part[start..].find('"').unwrap();
                    part[start..end].parse().unwrap()
                };
                (number("x"), number("y"), number("width"))
            })
            .collect();
        assert_eq!(bars.len(), story.episodes.len());
        for (i, a) in bars.iter().enumerate() {
            for b in &bars[i + 1..] {
                assert!(
                    a.1 != b.1 || a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0,
                    "{a:?} and {b:?} overlap"
                );
            }
        }
        assert_eq!(out.matches("class=\"episode now\"").count(), 1);
        assert!(out.contains("class=\"year outlier\" x=\"18.0\""), "{out}");
        assert!(out.contains(">1890</text>") && out.contains("class=\"break\""));
    }
}

/// The terminal timeline strip alone, `width` wide, at the scene `id` of the real story.
fn terminal_timeline(id: &str, width: u16) -> String {
    let story = Arc::new(izumi::story::load_embedded());
    let app = app_at(&story, story.find_scene(id).unwrap().index());
    let mut buffer = Buffer::empty(Rect::new(0, 0, width, izumi::ui::timeline::HEIGHT));
    izumi::ui::timeline::Timeline {
        app: &app,
        theme: &DARK,
    }
    .render(buffer.area, &mut buffer);
    (0..buffer.area.height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_terminal_timeline_names_the_current_episode_and_folds_the_outliers() {
    let strip = terminal_timeline("moscow-road-to-moscow", 160);
    let lines: Vec<&str> = strip.lines().collect();
    assert!(lines[2].contains("Moscow"), "{strip}");
    assert!(lines[3].contains("╱╱"), "a break at the edges:\n{strip}");
    assert!(lines[4].trim_start().starts_with("1890"), "{strip}");
    assert!(lines[4].trim_end().ends_with("2012") || lines[4].trim_end().ends_with("2011"));
    assert!(
        lines[4].contains("1918"),
        "the core begins at 1918:\n{strip}"
    );
    let strip = terminal_timeline("sofia-courier", 160);
    assert!(strip.lines().nth(2).unwrap().contains("Sofia"), "{strip}");
}

/// The whole screen at a size, at the scene `id` of the real story, after `keys`.
fn screen_at(id: &str, width: u16, height: u16, keys: &str) -> String {
    let story = Arc::new(izumi::story::load_embedded());
    let app = app_at(&story, story.find_scene(id).unwrap().index());
    let mut reader = common::reader(app, width, height);
    common::press(&mut reader, keys);
    reader.draw().unwrap();
    common::screen(&reader)
}

#[test]
fn snapshot_map_and_timeline_at_160x48() {
    insta::assert_snapshot!(screen_at("moscow-road-to-moscow", 160, 48, ""));
}

#[test]
fn snapshot_map_and_timeline_late_in_the_story_at_160x48() {
    insta::assert_snapshot!(screen_at("sofia-courier", 160, 48, ""));
}

#[test]
fn snapshot_map_tab_at_80x24() {
    insta::assert_snapshot!(screen_at(
        "moscow-road-to-moscow",
        80,
        24,
        "<Tab><Tab><Tab>"
    ));
}

#[test]
fn snapshot_map_tab_late_in_the_story_at_80x24() {
    insta::assert_snapshot!(screen_at("sofia-courier", 80, 24, "<Tab><Tab><Tab>"));
}

#[test]
fn the_scene_places_are_named_at_both_sizes_on_screen() {
    for (width, height, keys) in [(80, 24, "<Tab><Tab><Tab>"), (160, 48, "")] {
        let screen = screen_at("moscow-road-to-moscow", width, height, keys);
        for name in ["Vladivostok", "Tokyo", "Warsaw", "Riga", "Moscow"] {
            assert!(named(&screen.replace(' ', ""), name), "{name}:\n{screen}");
        }
    }
}
